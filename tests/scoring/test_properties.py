"""Hypothesis properties of the scoring core."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    COUNT_FIELDS,
    IndicatorId,
    InvalidReportError,
    MonthReport,
    Period,
    assess,
    assess_stratum,
    hard_problems,
    month_ratios,
)
from scoring.fields import FIELD_BY_ID, FIELDS, Field, FieldRole
from tests.scoring.factories import THROUGH

BOUNDED = ("k_s", "d_s", "n_d", "n_s", "bgm_d", "t2_d")  # bounded by a hard rule; d_k is not


@st.composite
def valid_month(draw: st.DrawFn, period: Period) -> MonthReport:
    """A month that satisfies every hard rule, over the registry's core fields (the service
    fields left unknown): a count is at most the field its order rule names (drawn first),
    and any value may be unknown."""
    sizes: dict[str, int] = {}

    def size(f: Field) -> int:
        if f.id not in sizes:
            top = 300 if f.at_most is None else size(FIELD_BY_ID[f.at_most])
            sizes[f.id] = draw(st.integers(0, top))
        return sizes[f.id]

    values: dict[str, object] = {}
    for f in FIELDS:
        if f.service:
            continue
        if f.role is FieldRole.FLAG:
            values[f.id] = draw(st.booleans())
        elif f.role is FieldRole.LIST:
            values[f.id] = draw(st.sampled_from([None, (), ("BKB",)]))
        elif f.role is FieldRole.CHOICE:
            values[f.id] = draw(st.one_of(st.none(), st.sampled_from(f.choices)))
        else:
            values[f.id] = draw(st.sampled_from([size(f), None]))
    return MonthReport(period=period).with_values(**values)


@st.composite
def valid_window(draw: st.DrawFn) -> list[MonthReport]:
    present = draw(st.lists(st.booleans(), min_size=12, max_size=12))
    return [draw(valid_month(THROUGH.shift(i - 11))) for i, p in enumerate(present) if p]


@pytest.mark.slow
@given(valid_window())
@settings(max_examples=150, deadline=None)
def test_ratios_never_negative_and_bounded(months: list[MonthReport]) -> None:
    for m in months:
        r = month_ratios(m)
        for name in ("k_s", "d_s", "d_k", "n_d", "n_s", "bgm_d", "t2_d"):
            value = r.get(name)
            assert value is None or value >= 0
            if name in BOUNDED and value is not None:
                assert value <= 1


def _improvements(months: list[MonthReport]) -> list[tuple[str, list[MonthReport]]]:
    """Each way of raising one indicator alone, keeping every hard rule."""
    out: list[tuple[str, list[MonthReport]]] = []
    # 1: open one more month (a closed or absent month becomes an opened month with no
    # counts). Not a copy of another month: a copy repeats its kader and coverages, which moves
    # the means of indicators 2-6 (kader 2 copied into a window averaging 5 lowers the mean).
    have = {m.period: m for m in months}
    for i in range(12):
        p = THROUGH.shift(i - 11)
        if p not in have or not have[p].buka:
            base = MonthReport(period=p, buka=True)
            out.append(("openings", [m for m in months if m.period != p] + [base]))
            break

    def raise_all(**fn: Any) -> list[MonthReport]:
        return [m.with_values(**{k: f(m) for k, f in fn.items()}) if m.buka else m for m in months]

    out.append(("kader", raise_all(kader=lambda m: None if m.kader is None else m.kader + 1)))
    out.append(
        ("ds", raise_all(d=lambda m: m.d if m.s is None or m.d is None else min(m.s, m.d + 1)))
    )
    out.append(
        (
            "kia",
            raise_all(
                bumil_periksa=lambda m: (
                    m.bumil_periksa
                    if m.bumil_periksa is None or m.bumil is None
                    else min(m.bumil, m.bumil_periksa + 1)
                )
            ),
        )
    )
    out.append(
        (
            "kb",
            raise_all(
                kb_aktif=lambda m: (
                    m.kb_aktif
                    if m.kb_aktif is None or m.pus is None
                    else min(m.pus, m.kb_aktif + 1)
                )
            ),
        )
    )
    out.append(
        (
            "imun",
            raise_all(
                bayi_imunisasi=lambda m: (
                    m.bayi_imunisasi
                    if m.bayi_imunisasi is None or m.bayi is None
                    else min(m.bayi, m.bayi_imunisasi + 1)
                )
            ),
        )
    )
    out.append(("programme", raise_all(program_tambahan=lambda m: ("BKB",))))
    out.append(
        (
            "dana",
            raise_all(
                kk_dana_sehat=lambda m: (
                    m.kk_dana_sehat
                    if m.kk_dana_sehat is None or m.kk is None
                    else min(m.kk, m.kk_dana_sehat + 1)
                )
            ),
        )
    )
    return out


@pytest.mark.slow
@given(valid_window())
@settings(max_examples=150, deadline=None)
def test_raising_one_indicator_never_lowers_the_stratum(months: list[MonthReport]) -> None:
    before = assess_stratum(months, THROUGH)
    for name, improved in _improvements(months):
        after = assess_stratum(improved, THROUGH)
        assert after.stratum.rank >= before.stratum.rank, name
        if name != "openings":
            assert after.indicators[IndicatorId.FREKUENSI_PENIMBANGAN].value == (
                before.indicators[IndicatorId.FREKUENSI_PENIMBANGAN].value
            )


@st.composite
def any_month(draw: st.DrawFn) -> MonthReport:
    counts = {f: draw(st.one_of(st.none(), st.integers(0, 60))) for f in COUNT_FIELDS}
    return MonthReport(period=THROUGH, buka=True, **counts)


@given(any_month())
@settings(max_examples=300, deadline=None)
def test_reports_breaking_a_hard_rule_are_refused_never_scored(month: MonthReport) -> None:
    if hard_problems(month):
        with pytest.raises(InvalidReportError):
            assess([month])
        with pytest.raises(InvalidReportError):
            assess_stratum([month], THROUGH)
    else:
        assess([month])
