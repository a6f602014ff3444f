"""Strata: every row of the table, every threshold at its boundary, the Decisions, missing data."""

from __future__ import annotations

import pytest

from scoring import (
    IndicatorId,
    MonthReport,
    Period,
    ScoringSettings,
    Stratum,
    assess,
    assess_stratum,
)
from tests.scoring.factories import THROUGH, closed, good_month, year

Ind = IndicatorId


def with_openings(count: int) -> list[MonthReport]:
    """``count`` opened months and the rest closed, in a 12-month window."""
    months = year()
    return [m if i < count else closed(m.period) for i, m in enumerate(months)]


def test_all_good_is_mandiri() -> None:
    result = assess_stratum(year(), THROUGH)
    assert result.stratum is Stratum.MANDIRI
    assert result.limiting == ()
    assert result.next_stratum is None
    assert result.needs == ()
    assert result.posyandu_aktif


@pytest.mark.parametrize(
    ("overrides", "expected", "limiting"),
    [
        # Row 1 fails -> Pratama (covered separately with openings); row 2:
        ({"kader": 4}, Stratum.PRATAMA, (Ind.RERATA_KADER,)),
        # Rows 3-7 each hold the posyandu at Madya.
        ({"d": 19, "n": 10}, Stratum.MADYA, (Ind.RERATA_DS,)),
        ({"bumil_periksa": 2}, Stratum.MADYA, (Ind.KUMULATIF_KIA,)),
        ({"kb_aktif": 39}, Stratum.MADYA, (Ind.KUMULATIF_KB,)),
        ({"bayi_imunisasi": 0}, Stratum.MADYA, (Ind.KUMULATIF_IMUNISASI,)),
        ({"program_tambahan": ()}, Stratum.MADYA, (Ind.PROGRAM_TAMBAHAN,)),
        # Row 8 holds it at Purnama.
        ({"kk_dana_sehat": 59}, Stratum.PURNAMA, (Ind.DANA_SEHAT,)),
    ],
)
def test_each_row_of_the_table(
    overrides: dict[str, object], expected: Stratum, limiting: tuple[IndicatorId, ...]
) -> None:
    result = assess_stratum(year(**overrides), THROUGH)
    assert result.stratum is expected
    assert result.limiting == limiting


def test_row_1_openings_below_eight_is_pratama() -> None:
    result = assess_stratum(with_openings(7), THROUGH)
    assert result.stratum is Stratum.PRATAMA
    assert result.limiting == (Ind.FREKUENSI_PENIMBANGAN,)
    (need,) = result.needs
    assert need.shortfall == 1
    assert need.describe() == "1 more opening (7 -> 8)"


def test_decision_exactly_eight_openings_passes() -> None:
    result = assess_stratum(with_openings(8), THROUGH)
    assert result.indicators[Ind.FREKUENSI_PENIMBANGAN].value == 8
    assert result.stratum is Stratum.MANDIRI


def test_decision_exactly_eight_openings_as_a_setting() -> None:
    strict = ScoringSettings(openings_threshold_inclusive=False)
    assert assess_stratum(with_openings(8), THROUGH, strict).stratum is Stratum.PRATAMA
    assert assess_stratum(with_openings(9), THROUGH, strict).stratum is Stratum.MANDIRI


@pytest.mark.parametrize(
    ("overrides", "indicator", "value"),
    [
        ({"kader": 5}, Ind.RERATA_KADER, 5.0),
        ({"s": 40, "d": 20, "n": 15}, Ind.RERATA_DS, 0.5),
        ({"bumil": 6, "bumil_periksa": 3}, Ind.KUMULATIF_KIA, 0.5),
        ({"pus": 80, "kb_aktif": 40}, Ind.KUMULATIF_KB, 0.5),
        ({"kk": 120, "kk_dana_sehat": 60}, Ind.DANA_SEHAT, 0.5),
    ],
)
def test_value_exactly_at_threshold_passes(
    overrides: dict[str, object], indicator: IndicatorId, value: float
) -> None:
    result = assess_stratum(year(**overrides), THROUGH)
    assert result.indicators[indicator].value == pytest.approx(value)
    assert all(result.indicators[indicator].passes.values())
    assert result.stratum is Stratum.MANDIRI


def test_immunisation_exactly_at_threshold_and_above_one() -> None:
    # 12 infants; 6 completed over the year -> exactly 50%.
    months = year(bayi=12, bayi_imunisasi=0)
    months[0] = months[0].with_values(bayi_imunisasi=6)
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.KUMULATIF_IMUNISASI].value == pytest.approx(0.5)
    assert result.stratum is Stratum.MANDIRI
    # Not capped at 1.
    over = assess_stratum(year(bayi=6, bayi_imunisasi=1), THROUGH)
    assert over.indicators[Ind.KUMULATIF_IMUNISASI].value == pytest.approx(2.0)


def test_closed_months_counts_are_ignored() -> None:
    months = year()
    # A closed month with terrible counts changes nothing but the opening count.
    months[3] = MonthReport(period=months[3].period, buka=False, kader=1, s=40, d=1)
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.FREKUENSI_PENIMBANGAN].value == 11
    assert result.indicators[Ind.RERATA_KADER].value == 6.0
    assert result.indicators[Ind.RERATA_DS].value == pytest.approx(0.8)


def test_missing_month_counts_as_not_opened() -> None:
    months = year()[4:]  # only 8 months given
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.FREKUENSI_PENIMBANGAN].value == 8


def test_missing_inputs_have_no_value_and_do_not_pass() -> None:
    months = year(kk=None, kk_dana_sehat=None, bumil=None, bumil_periksa=None)
    result = assess_stratum(months, THROUGH)
    kia = result.indicators[Ind.KUMULATIF_KIA]
    assert kia.value is None
    assert kia.missing == ("bumil_periksa", "bumil")
    assert not kia.passes[Stratum.PURNAMA]
    assert kia.passes[Stratum.MADYA]  # Madya does not require it
    assert result.stratum is Stratum.MADYA
    assert set(result.missing) == {Ind.KUMULATIF_KIA, Ind.DANA_SEHAT}
    need = next(n for n in result.needs if n.indicator is Ind.KUMULATIF_KIA)
    assert need.actual is None
    assert "missing" in need.describe()


def test_zero_denominators_are_not_computable() -> None:
    months = year(s=0, k=0, d=0, n=0, bgm=0, t2=0, bumil=0, bumil_periksa=0)
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.RERATA_DS].value is None
    assert result.indicators[Ind.KUMULATIF_KIA].value is None
    a = assess(months, THROUGH)
    assert all(g.actual is None and g.category is None for g in a.gaps)


def test_program_tambahan_any_opened_month() -> None:
    months = year(program_tambahan=())
    months[5] = months[5].with_values(program_tambahan=("PAUD",))
    assert assess_stratum(months, THROUGH).indicators[Ind.PROGRAM_TAMBAHAN].value is True
    unknown = assess_stratum(year(program_tambahan=None), THROUGH)
    assert unknown.indicators[Ind.PROGRAM_TAMBAHAN].value is None
    assert unknown.stratum is Stratum.MADYA


def test_latest_opened_month_decides_point_prevalences() -> None:
    months = year()
    months[-1] = months[-1].with_values(pus=100, kb_aktif=10)
    months[-2] = months[-2].with_values(pus=100, kb_aktif=90)
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.KUMULATIF_KB].value == pytest.approx(0.1)
    # ... but a latest month without the data falls back to the one before.
    months[-1] = months[-1].with_values(pus=None, kb_aktif=None)
    result = assess_stratum(months, THROUGH)
    assert result.indicators[Ind.KUMULATIF_KB].value == pytest.approx(0.9)


def test_window_excludes_older_and_later_months() -> None:
    months = [*year(), good_month(Period(2027, 1), kader=1)]
    old = [closed(Period(2025, m)) for m in range(1, 13)]
    result = assess_stratum(months + old, THROUGH)
    assert result.stratum is Stratum.MANDIRI


def test_needs_say_what_exactly_is_missing() -> None:
    result = assess_stratum(year(s=100, k=90, d=41, n=30), THROUGH)
    assert result.stratum is Stratum.MADYA
    (need,) = result.needs
    assert need.describe() == "D/S 41% -> 50%"
    assert need.shortfall == pytest.approx(0.09)


@pytest.mark.parametrize(
    ("overrides", "aktif"),
    [
        ({}, True),
        # Only one coverage below 50%: 3 of 4 still hold.
        ({"kb_aktif": 10}, True),
        # Two coverages below: not aktif.
        ({"kb_aktif": 10, "bumil_periksa": 1}, False),
        ({"program_tambahan": ()}, False),
        ({"kader": 4}, False),
        # Dana sehat does not matter for Posyandu Aktif.
        ({"kk_dana_sehat": 0}, True),
    ],
)
def test_posyandu_aktif(overrides: dict[str, object], aktif: bool) -> None:
    assert assess_stratum(year(**overrides), THROUGH).posyandu_aktif is aktif


def test_posyandu_aktif_needs_eight_openings() -> None:
    assert assess_stratum(with_openings(8), THROUGH).posyandu_aktif
    assert not assess_stratum(with_openings(7), THROUGH).posyandu_aktif


def test_pratama_needs_both_core_indicators() -> None:
    months = [m.with_values(kader=3) for m in with_openings(6)]
    result = assess_stratum(months, THROUGH)
    assert result.stratum is Stratum.PRATAMA
    assert result.limiting == (Ind.FREKUENSI_PENIMBANGAN, Ind.RERATA_KADER)
