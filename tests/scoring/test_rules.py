"""The data-quality rules as data, on one answer and on a whole report."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.catalogue import MESSAGES
from conversations.format import problem_text
from scoring import (
    COUNT_FIELDS,
    RULES,
    InvalidReportError,
    MonthReport,
    Period,
    RuleContext,
    ScoringSettings,
    Severity,
    assess,
    check_answer,
    check_report,
    check_value,
    hard_problems,
)
from scoring.fields import ORDER_RULES
from scoring.rules import english, is_scorable

P = Period(2026, 11)


def test_rules_are_data() -> None:
    ids = {r.id for r in RULES}
    assert {
        "k_le_s",
        "d_le_s",
        "n_le_d",
        "bgm_le_d",
        "t2_le_d",
        "t_le_d",
        "o_le_d",
        "b_le_d",
        "d_sum",
        "register_differs",
        "bumil_periksa_le_bumil",
        "kb_aktif_le_pus",
        "bayi_imunisasi_le_bayi",
        "kk_dana_sehat_le_kk",
        "whole_number",
        "non_negative",
        "denominator_change",
        "n_gt_previous_d",
        "before_hari_buka",
        "old_period",
        "kader_change",
        "d_gt_k",
        "all_zero",
    } <= ids
    for rule in RULES:
        assert f"rule.{rule.id}" in MESSAGES and rule.fields  # worded by the catalogue
        assert rule.severity in (Severity.HARD, Severity.SOFT)


@pytest.mark.parametrize(
    ("small", "big", "rule"),
    [
        ("k", "s", "k_le_s"),
        ("d", "s", "d_le_s"),
        ("n", "d", "n_le_d"),
        ("bgm", "d", "bgm_le_d"),
        ("t2", "d", "t2_le_d"),
        ("bumil_periksa", "bumil", "bumil_periksa_le_bumil"),
        ("kb_aktif", "pus", "kb_aktif_le_pus"),
        ("bayi_imunisasi", "bayi", "bayi_imunisasi_le_bayi"),
        ("kk_dana_sehat", "kk", "kk_dana_sehat_le_kk"),
    ],
)
def test_each_order_rule(small: str, big: str, rule: str) -> None:
    bad = MonthReport(period=P, **{small: 5, big: 4})
    problems = check_report(bad)
    assert [p.rule for p in problems] == [rule]
    assert problems[0].hard
    assert "5" in problem_text(problems[0]) and "4" in problem_text(problems[0])
    ok = MonthReport(period=P, **{small: 4, big: 4})
    assert check_report(ok) == []
    # One answer at a time: only once both sides are known.
    assert check_answer(small, 5, {}) == []
    assert [p.rule for p in check_answer(small, 5, {big: 4})] == [rule]
    assert [p.rule for p in check_answer(big, 4, {small: 5})] == [rule]
    # The fast validity check (the scoring hot path) knows the rule too.
    assert not is_scorable(bad) and is_scorable(ok)
    assert [p.rule for p in hard_problems(bad)] == [rule]


def test_fast_check_covers_every_order_rule() -> None:
    """is_scorable is generated from the registry: each order rule must be refused by it."""
    for rule in ORDER_RULES:
        rule_id, small, big = rule.id, rule.small, rule.big
        assert not is_scorable(MonthReport(period=P).with_values(**{small: 2, big: 1})), rule_id
        assert is_scorable(MonthReport(period=P).with_values(**{small: 1, big: 1})), rule_id


@pytest.mark.parametrize("field", COUNT_FIELDS)
@pytest.mark.parametrize("value", [-1, 2.0, True, "3"])
def test_fast_check_refuses_bad_values(field: str, value: object) -> None:
    report = MonthReport(period=P).with_values(**{field: value})
    assert not is_scorable(report)
    assert hard_problems(report) and all(p.hard for p in hard_problems(report))


@given(
    st.fixed_dictionaries(
        {f: st.one_of(st.none(), st.integers(-2, 12)) for f in COUNT_FIELDS},
    )
)
def test_fast_check_agrees_with_the_rules(counts: dict[str, int | None]) -> None:
    report = MonthReport(period=P).with_values(**counts)
    assert is_scorable(report) == (not [p for p in check_report(report) if p.hard])


@pytest.mark.parametrize("value", [3.5, "12", True, -1])
def test_value_type_rules(value: object) -> None:
    (problem,) = check_value("d", value)
    assert problem.hard
    assert problem.rule == (
        "non_negative" if value == -1 and not isinstance(value, bool) else "whole_number"
    )


def test_soft_denominator_change() -> None:
    prev = MonthReport(period=P.shift(-1), s=50, d=40)
    ctx = RuleContext(previous=prev)
    assert check_answer("s", 60, {}, ctx) == []  # exactly 20%
    (p,) = check_answer("s", 61, {}, ctx)
    assert p.rule == "denominator_change" and not p.hard
    assert "50" in problem_text(p) and "61" in problem_text(p)


@pytest.mark.parametrize(
    ("limit", "value", "flagged", "shown"),
    [
        (0.10, 55, False, None),
        (0.10, 56, True, "10%"),
        (0.5, 75, False, None),
        (0.5, 76, True, "50%"),
    ],
)
def test_denominator_change_limit_is_a_setting(
    limit: float, value: int, flagged: bool, shown: str | None
) -> None:
    prev = MonthReport(period=P.shift(-1), s=50, d=40)
    ctx = RuleContext(previous=prev, settings=ScoringSettings(denominator_change_limit=limit))
    one = check_answer("s", value, {}, ctx)  # the chat: one answer
    whole = check_report(MonthReport(period=P, s=value), ctx)  # a whole report
    assert (
        [p.rule for p in one]
        == [p.rule for p in whole]
        == (["denominator_change"] if flagged else [])
    )
    if shown:
        assert problem_text(one[0]) == problem_text(whole[0])
        assert f"lebih dari {shown}" in problem_text(one[0])


@pytest.mark.parametrize(("back", "flagged"), [(2, True), (3, False), (0, True)])
def test_max_months_back_is_a_setting(back: int, flagged: bool) -> None:
    report = MonthReport(period=P, s=40)  # 2026-11, three months before 2027-02
    ctx = RuleContext(
        current_period=Period(2027, 2), settings=ScoringSettings(max_months_back=back)
    )
    problems = check_report(report, ctx)
    assert [p.rule for p in problems] == (["old_period"] if flagged else [])
    if flagged:
        assert f"lebih dari {back} bulan" in problem_text(problems[0])


def test_soft_n_greater_than_last_months_d() -> None:
    prev = MonthReport(period=P.shift(-1), s=50, d=20)
    ctx = RuleContext(previous=prev)
    (p,) = check_answer("n", 25, {"d": 30}, ctx, period=P)
    assert p.rule == "n_gt_previous_d"
    # Not when last month is not the month before.
    assert check_answer("n", 25, {"d": 30}, ctx, period=P.shift(2)) == []


def test_soft_period_rules() -> None:
    report = MonthReport(period=P, s=40)
    early = RuleContext(today=date(2026, 11, 3), hari_buka=date(2026, 11, 12))
    assert [p.rule for p in check_report(report, early)] == ["before_hari_buka"]
    late = RuleContext(current_period=Period(2027, 2))
    assert [p.rule for p in check_report(report, late)] == ["old_period"]
    assert check_report(report, RuleContext(current_period=Period(2027, 1))) == []


def test_hard_before_soft_in_whole_report() -> None:
    prev = MonthReport(period=P.shift(-1), s=10)
    report = MonthReport(period=P, s=40, d=41)
    problems = check_report(report, RuleContext(previous=prev))
    assert problems[0].hard and problems[0].rule == "d_le_s"
    assert any(p.rule == "denominator_change" for p in problems)


@pytest.mark.parametrize(
    ("before", "value", "flagged"),
    [(8, 10, False), (8, 12, False), (8, 13, True), (10, 4, True), (10, 6, False), (50, 61, True)],
)
def test_denominator_change_needs_a_difference_of_five(
    before: int, value: int, flagged: bool
) -> None:
    """8 -> 10 infants is 25% but only two people: no question; the 20% counts from 5."""
    ctx = RuleContext(previous=MonthReport(period=P.shift(-1), bayi=before, s=before))
    expected = ["denominator_change"] if flagged else []
    assert [p.rule for p in check_answer("bayi", value, {}, ctx)] == expected
    whole = check_report(MonthReport(period=P, bayi=value, s=before), ctx)
    assert [p.rule for p in whole] == expected


def test_denominator_change_min_is_a_setting() -> None:
    ctx = RuleContext(
        previous=MonthReport(period=P.shift(-1), bayi=8),
        settings=ScoringSettings(denominator_change_min=2),
    )
    assert [p.rule for p in check_answer("bayi", 10, {}, ctx)] == ["denominator_change"]


@pytest.mark.parametrize(
    ("before", "value", "flagged"),
    [
        (5, 50, True),
        (5, 11, True),
        (5, 10, False),
        (6, 2, True),
        (6, 3, False),
        (1, 3, False),
        (1, 4, True),
        (5, 5, False),
    ],
)
def test_soft_kader_far_from_last_month(before: int, value: int, flagged: bool) -> None:
    """More than double or less than half of last month's, and at least 3 kader apart."""
    ctx = RuleContext(previous=MonthReport(period=P.shift(-1), kader=before))
    expected = ["kader_change"] if flagged else []
    one = check_answer("kader", value, {}, ctx)
    assert [p.rule for p in one] == expected
    assert [p.rule for p in check_report(MonthReport(period=P, kader=value), ctx)] == expected
    if flagged:
        assert not one[0].hard
        assert f"{value} orang" in problem_text(one[0])
        assert f"{before} orang" in problem_text(one[0])


def test_kader_change_limits_are_settings() -> None:
    settings = ScoringSettings(kader_change_ratio=1.5, kader_change_min=2)
    ctx = RuleContext(previous=MonthReport(period=P.shift(-1), kader=4), settings=settings)
    assert [p.rule for p in check_answer("kader", 7, {}, ctx)] == ["kader_change"]


def test_soft_d_greater_than_k() -> None:
    (p,) = check_answer("d", 31, {"s": 40, "k": 30})
    assert p.rule == "d_gt_k" and not p.hard and p.field == "d"
    assert "31" in problem_text(p) and "30" in problem_text(p)
    assert check_answer("d", 30, {"s": 40, "k": 30}) == []
    assert [p.field for p in check_answer("k", 20, {"s": 40, "d": 31})] == ["k"]
    whole = check_report(MonthReport(period=P, s=40, k=30, d=31))
    assert [(p.rule, p.field) for p in whole] == [("d_gt_k", "d")]


def test_soft_d_is_n_t_o_b_once_all_five_are_known() -> None:
    """D = N + T + O + B (domain.md): checked only when all five are known, soft."""
    known = {"s": 50, "k": 48, "d": 40, "n": 30, "t": 5, "o": 3}
    assert check_answer("b", 2, known) == []  # 30 + 5 + 3 + 2 = 40
    (p,) = check_answer("b", 4, known)
    assert (p.rule, p.field, p.hard) == ("d_sum", "b", False)
    assert p.values["total"] == 42
    assert problem_text(p) == (
        "D (40) tidak sama dengan N + T + O + B (30 + 5 + 3 + 4 = 42). Sudah benar?"
    )
    assert check_answer("d", 41, {**known, "b": None}) == []  # B unknown: nothing to compare
    assert [p.field for p in check_answer("d", 41, {**known, "b": 2})] == ["d"]
    whole = MonthReport(period=P, s=50, k=48, d=40, n=30, t=5, o=3, b=1)
    assert [(p.rule, p.field) for p in check_report(whole)] == [("d_sum", "d")]
    assert check_report(whole.with_values(b=2)) == []
    assert check_report(whole.with_values(t=None)) == []
    # T, O and B are parts of D, so none may exceed it (hard).
    assert [p.rule for p in hard_problems(whole.with_values(t=41))] == ["t_le_d"]


def test_soft_a_count_the_register_gives_answered_otherwise() -> None:
    """S and K counted from the child register (after SELESAI): another answer is asked back
    (soft: the kader's answer wins once confirmed)."""
    ctx = RuleContext(register={"s": 42, "k": 40})
    assert check_answer("s", 42, {}, ctx) == []
    (p,) = check_answer("s", 50, {}, ctx)
    assert (p.rule, p.field, p.hard, p.values) == (
        "register_differs",
        "s",
        False,
        {"value": 50, "register": 42},
    )
    assert problem_text(p) == (
        "S (semua balita): Anda menulis 50, register anak mencatat 42. Sudah benar?"
    )
    assert check_answer("s", 50, {}) == []  # no register: nothing to compare
    whole = MonthReport(period=P, s=50, k=40, d=30, n=20)
    assert [(p.rule, p.field) for p in check_report(whole, ctx)] == [("register_differs", "s")]


def test_soft_all_zero_in_an_opened_month() -> None:
    zero = MonthReport(period=P, kader=5, s=40, k=0, d=0, n=0, bgm=0, bumil=3, bumil_periksa=0)
    (p,) = check_report(zero)
    assert p.rule == "all_zero" and not p.hard
    assert "0" in problem_text(p)
    assert check_report(zero.with_values(d=1, k=1)) == []
    assert check_report(MonthReport(period=P, buka=False)) == []
    assert check_report(MonthReport(period=P, s=40)) == []  # nothing counted yet


def test_every_hard_problem_of_a_report_is_listed() -> None:
    """Issue 23: a value that is not a count hid the order rules between the valid ones."""
    report = MonthReport(period=P).with_values(s=40, k=50, d=30, n=31, bgm=-1)
    assert [(p.rule, p.field) for p in check_report(report)] == [
        ("non_negative", "bgm"),
        ("k_le_s", "k"),
        ("n_le_d", "n"),
    ]
    assert [p.rule for p in hard_problems(report)] == ["non_negative", "k_le_s", "n_le_d"]
    # The invalid value itself is left out of the order rules (bgm -1 <= d is not checked,
    # "3" is never compared with a number).
    text = MonthReport(period=P).with_values(s=40, d="3", n=45)
    assert [p.rule for p in check_report(text)] == ["whole_number"]


def test_a_home_visit_in_a_closed_month_is_a_contradiction() -> None:
    """Issue 23: ``cara`` kunjungan_rumah with ``buka`` false: a home-visit month counts as
    opened. A hard rule named on ``cara``, worded for the chat by the catalogue and for
    operators in English; the scoring refuses such a month."""
    closed_home = MonthReport(period=P, buka=False).with_values(cara="kunjungan_rumah")
    (problem,) = check_report(closed_home)
    assert (problem.rule, problem.field, problem.hard) == ("home_visit_closed", "cara", True)
    assert not is_scorable(closed_home)
    assert hard_problems(closed_home) == [problem]
    assert problem_text(problem) == (
        "Kunjungan rumah terhitung buka, jadi bulan yang tercatat TIDAK BUKA tidak bisa berisi "
        "kunjungan rumah."
    )
    assert english(problem.rule, closed_home) == (
        "cara is kunjungan_rumah but buka is false: a month served by home visits counts as "
        "opened (rule home_visit_closed)"
    )
    with pytest.raises(InvalidReportError, match="cara: home_visit_closed"):
        assess([closed_home])
    # Opened by home visits, or closed without saying how it was served: fine.
    opened_home = MonthReport(period=P).with_values(cara="kunjungan_rumah", s=40, d=30)
    assert check_report(opened_home) == [] and is_scorable(opened_home)
    assert check_report(MonthReport(period=P, buka=False)) == []


@given(
    st.booleans(),
    st.sampled_from([None, "posyandu", "kunjungan_rumah", "rumah"]),
    st.fixed_dictionaries({f: st.one_of(st.none(), st.integers(-2, 12)) for f in COUNT_FIELDS}),
)
def test_fast_check_agrees_with_the_rules_on_buka_and_cara(
    buka: bool, cara: str | None, counts: dict[str, int | None]
) -> None:
    report = MonthReport(period=P, buka=buka).with_values(cara=cara, **counts)
    assert is_scorable(report) == (not [p for p in check_report(report) if p.hard])
