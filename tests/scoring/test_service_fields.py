"""The optional service fields of domain.md, per field: their hard rule (from the registry's
``at_most``), the soft rule ``no_referral``, and when each is asked (a pure predicate on the
period and the counts so far)."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import MonthReport, Period, check_report
from scoring.document import DocumentError, score
from scoring.fields import (
    DEFAULT_SERVICE_FIELDS,
    FIELD_BY_ID,
    SERVICE_FIELDS,
    applies,
)
from scoring.ratios import service_totals
from scoring.rules import check_answer, is_scorable

NOV = Period(2026, 11)
BASE: dict[str, int] = {"s": 50, "k": 45, "d": 40, "n": 30, "bgm": 0, "t2": 0, "bumil": 6}


@pytest.mark.parametrize(
    ("field", "bound", "ok", "too_many"),
    [
        ("vit_a", "s", 50, 51),
        ("pmt", "s", 10, 51),
        ("bumil_fe", "bumil", 6, 7),
        ("bumil_kek", "bumil", 1, 7),
        ("asi_eksklusif", "bayi_0_6", 8, 9),
    ],
)
def test_hard_rule_at_most(field: str, bound: str, ok: int, too_many: int) -> None:
    values = {**BASE, "bayi_0_6": 8}
    assert FIELD_BY_ID[field].at_most == bound
    good = MonthReport(NOV).with_values(**values, **{field: ok})
    bad = MonthReport(NOV).with_values(**values, **{field: too_many})
    assert is_scorable(good) and not any(p.hard for p in check_report(good))
    assert not is_scorable(bad)
    (problem,) = [p for p in check_report(bad) if p.hard]
    assert (problem.rule, problem.field) == (f"{field}_le_{bound}", field)
    # One answer at a time (the chat) refuses it the same way.
    assert [p.rule for p in check_answer(field, too_many, values) if p.hard] == [problem.rule]


def test_the_other_service_fields_have_no_bound() -> None:
    assert {f for f in SERVICE_FIELDS if FIELD_BY_ID[f].at_most is None} == {
        "cara",
        "rujukan",
        "bayi_0_6",
    }


@pytest.mark.parametrize(
    ("values", "fires"),
    [
        ({"bgm": 1, "rujukan": 0}, True),
        ({"t2": 2, "rujukan": 0}, True),
        ({"bumil_kek": 1, "rujukan": 0}, True),
        ({"bgm": 1, "rujukan": 1}, False),  # referred
        ({"bgm": 1}, False),  # referral not asked: cannot fire
        ({"bgm": 0, "t2": 0, "bumil_kek": 0, "rujukan": 0}, False),  # nobody to refer
        ({"rujukan": 0}, False),
    ],
)
def test_soft_rule_no_referral(values: dict[str, int], fires: bool) -> None:
    report = MonthReport(NOV).with_values(**{**BASE, **values})
    found = [p for p in check_report(report) if p.rule == "no_referral"]
    assert bool(found) is fires
    if fires:
        assert not found[0].hard and found[0].field == "rujukan"
        assert found[0].values["count"] == sum(values.get(f, 0) for f in ("bgm", "t2", "bumil_kek"))
    asked = check_answer("rujukan", values.get("rujukan"), {**BASE, **values})
    assert any(p.rule == "no_referral" for p in asked) is fires


@pytest.mark.parametrize("month", range(1, 13))
def test_vitamin_a_applies_in_february_and_august_only(month: int) -> None:
    assert applies(FIELD_BY_ID["vit_a"], Period(2026, month), {}) is (month in (2, 8))


@pytest.mark.parametrize(
    ("counts", "asked"),
    [
        ({}, False),
        ({"bgm": 0, "t2": 0}, False),
        ({"bgm": None, "t2": None}, False),
        ({"bgm": 1}, True),
        ({"bgm": 0, "t2": 2}, True),
        ({"bumil_kek": 1}, True),
    ],
)
def test_referral_applies_only_after_bgm_2t_or_kek(
    counts: dict[str, int | None], asked: bool
) -> None:
    assert applies(FIELD_BY_ID["rujukan"], NOV, counts) is asked


@pytest.mark.parametrize(
    "field", ["cara", "pmt", "bumil_fe", "bumil_kek", "bayi_0_6", "asi_eksklusif"]
)
def test_always_applicable_services_are_off_by_default(field: str) -> None:
    assert applies(FIELD_BY_ID[field], NOV, {})
    assert field not in DEFAULT_SERVICE_FIELDS
    assert FIELD_BY_ID[field].optional  # LEWATI skips it


def test_default_deployment_asks_vitamin_a_and_referral() -> None:
    assert set(DEFAULT_SERVICE_FIELDS) == {"vit_a", "rujukan"}


@pytest.mark.parametrize(
    ("value", "ok"), [("posyandu", True), ("kunjungan_rumah", True), ("rumah", False)]
)
def test_cara_is_one_of_its_choices(value: str, ok: bool) -> None:
    report = MonthReport(NOV, cara=value)
    assert is_scorable(report) is ok
    assert [p.rule for p in check_report(report) if p.hard] == ([] if ok else ["known_choice"])


def test_area_totals_vitamin_a_coverage_and_referrals() -> None:
    reports = [
        MonthReport(Period(2026, 8), s=50, vit_a=40, rujukan=2),
        MonthReport(Period(2026, 8), s=30, vit_a=30, rujukan=None),
        MonthReport(Period(2026, 8), s=20),  # vitamin A not reported: not in the coverage
        MonthReport(Period(2026, 8), buka=False, s=99, vit_a=99, rujukan=9),  # closed
    ]
    totals = service_totals(reports)
    assert (totals.vitamin_a, totals.vitamin_a_s, totals.referrals) == (70, 80, 2)
    assert totals.vitamin_a_coverage == 70 / 80
    none = service_totals([MonthReport(Period(2026, 8), s=50)])
    assert (none.vitamin_a, none.vitamin_a_coverage, none.referrals) == (None, None, None)


def _doc(**extra: Any) -> dict[str, Any]:
    month = {"period": "2026-08", "kader": 5, "s": 50, "k": 45, "d": 40, "n": 30, "bgm": 1}
    return {"months": [{**month, **extra}]}


def test_score_accepts_and_echoes_them_without_changing_the_strata() -> None:
    plain = score(_doc())
    given = score(_doc(vit_a=40, rujukan=2, cara="kunjungan_rumah"))
    assert "vit_a" not in plain["months"][0]  # an old input: the output it always had
    assert given["months"][0] | {} == plain["months"][0] | {
        "vit_a": 40,
        "rujukan": 2,
        "cara": "kunjungan_rumah",
    }
    for key in ("stratum", "indicators", "limiting", "next", "gaps", "year_end"):
        assert given[key] == plain[key], key


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"vit_a": 51}, "months[0] (2026-08): vit_a:"),
        ({"cara": "rumah"}, "months[0] (2026-08): cara: must be one of posyandu, kunjungan_rumah"),
        ({"rujukan": -1}, "months[0] (2026-08): rujukan: must not be negative"),
    ],
)
def test_score_refuses_a_bad_service_value(extra: dict[str, Any], problem: str) -> None:
    with pytest.raises(DocumentError) as info:
        score(_doc(**extra))
    assert any(line.startswith(problem) for line in info.value.problems), info.value.problems
