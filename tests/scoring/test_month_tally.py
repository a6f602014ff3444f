"""The month's counts in one place (scoring.tally.month_tally), worked by hand: kept scores are
read, not worked out again (a kept WAZ below -3 is BGM and a referral though the weight is
ordinary); a kader's correction of last month's status makes this month's T a 2T; a weighing
before the birth date is weighed (D) but leaves N, T, O, B to ask; a child of 60 months is in
no count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.kbm import load_kbm
from scoring.growth import GrowthRules, Referral, Sex, Status, Weighing, ZScores
from scoring.tally import ChildMonth, Mark, month_tally

RULES = GrowthRules(kbm=load_kbm())
OCT, NOV = date(2026, 10, 12), date(2026, 11, 12)
BORN = date(2025, 3, 5)  # 20 months in November: KBM 200 g


def _m(day: date, kg: str, corrected: Status | None = None) -> Mark:
    return Mark(Weighing(day, Decimal(kg)), corrected)


def test_kept_scores_are_read_and_a_corrected_t_last_month_makes_2t() -> None:
    low = ZScores(Decimal("-3.5"), None, None, None)
    kept = Mark(Weighing(NOV, Decimal("10.3")), kept=(Status.N, low))
    found = month_tally(
        [
            ChildMonth(Sex.MALE, BORN, [_m(OCT, "10.0"), kept]),  # N, BGM as kept
            # 100 g: T; October corrected to T (it was B, the first), so 2T.
            ChildMonth(Sex.FEMALE, BORN, [_m(OCT, "10.0", Status.T), _m(NOV, "10.1")]),
        ],
        RULES,
    )
    first, second = found.children
    assert first.assessed is not None and first.assessed.under_red_line
    assert first.referrals == (Referral.UNDER_RED_LINE,)
    assert second.assessed is not None and second.assessed.status is Status.T
    assert second.referrals == (Referral.TWO_T,)
    assert found.counts() == {"d": 2, "n": 1, "t": 1, "o": 0, "b": 0, "bgm": 1, "t2": 1}
    assert found.referred == 2
    assert found.tally.get("t2", None, Sex.FEMALE) == 1 and found.tally.unassessed == 0


def test_before_birth_is_weighed_but_unassessed_and_60_months_is_in_no_count() -> None:
    found = month_tally(
        [
            ChildMonth(Sex.MALE, BORN, [_m(NOV, "10.0")]),  # B
            ChildMonth(Sex.FEMALE, date(2026, 12, 1), [_m(NOV, "3.0")]),  # before birth
            ChildMonth(Sex.MALE, date(2021, 11, 12), [_m(NOV, "17.0")]),  # 60 months
        ],
        RULES,
    )
    assert found.counts() == {"d": 2, "bgm": 0, "t2": 0}  # N, T, O, B left to ask
    assert (found.weighed, found.assessed, found.tally.unassessed) == (2, 1, 1)
    assert found.tally.get("d") == 1  # the form: no band without an age
    assert not found.tally.gives("b")
    aged = found.children[2]
    assert not aged.balita and aged.assessed is not None  # a list still shows it
