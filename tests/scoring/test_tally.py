"""The register's month by age band and sex (scoring/tally.py), worked by hand: the band of
each age at the month's weighing (5 months in 0-5, 6 in 6-11, 59 in 24-59, 60 not a balita),
each status counted under its field, a kader's correction counted as corrected, and a weighing
dated before the birth date in no band (counted as not assessed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.kbm import load_kbm
from scoring.growth import GrowthRules, Sex, Status, Weighing
from scoring.prevalence import AGE_BANDS
from scoring.tally import REGISTER_FIELDS, WEIGHED_FIELD, register_tally, tally

RULES = GrowthRules(kbm=load_kbm())
DAY = date(2026, 11, 12)
B05, B611, B1223, B2459 = AGE_BANDS


def _w(day: date, kg: str) -> tuple[Weighing, Status | None]:
    return Weighing(day, Decimal(kg)), None


def test_bands_and_sexes() -> None:
    found = tally(
        [
            (Sex.MALE, date(2026, 6, 12), [_w(DAY, "7.0")]),  # 5 months
            (Sex.FEMALE, date(2026, 5, 12), [_w(DAY, "7.0")]),  # 6 months
            (Sex.FEMALE, date(2021, 12, 13), [_w(DAY, "16.0")]),  # 59 months
            (Sex.MALE, date(2021, 11, 12), [_w(DAY, "17.0")]),  # 60 months: not counted
        ],
        RULES,
    )
    d = WEIGHED_FIELD
    assert (found.get(d, B05, Sex.MALE), found.get(d, B611, Sex.FEMALE)) == (1, 1)
    assert found.get(d, B2459, Sex.FEMALE) == 1
    assert (found.get(d), found.get(d, None, Sex.MALE), found.get(d, B1223)) == (3, 1, 0)
    # Each weighed for the first time (B): nothing under N.
    assert found.get("n") == 0
    assert found.unassessed == 0


def test_a_gain_is_n_and_a_correction_counts_as_corrected() -> None:
    born = date(2026, 8, 1)
    gained = [_w(date(2026, 10, 12), "4.8"), _w(DAY, "5.8")]
    assert tally([(Sex.MALE, born, gained)], RULES).get("n", B05, Sex.MALE) == 1
    corrected = [gained[0], (gained[1][0], Status.T)]
    found = tally([(Sex.MALE, born, corrected)], RULES)
    assert (found.get("n"), found.get(WEIGHED_FIELD)) == (0, 1)


def test_a_weighing_before_birth_is_in_no_band() -> None:
    found = tally([(Sex.FEMALE, date(2026, 12, 1), [_w(DAY, "3.0")])], RULES)
    assert found.get(WEIGHED_FIELD) == 0  # no band without an age
    assert found.unassessed == 1


def test_s_and_k_on_the_register() -> None:
    end = date(2026, 11, 30)
    found = register_tally(
        [
            (Sex.MALE, date(2026, 6, 1), True),  # 5 months: S and K
            (Sex.FEMALE, date(2025, 5, 1), None),  # 18 months: S; KMS not recorded
            (Sex.FEMALE, date(2021, 11, 30), True),  # 60 months: no balita
        ],
        end,
    )
    s, k = REGISTER_FIELDS
    assert (found.get(s), found.get(s, B05, Sex.MALE), found.get(s, B1223, Sex.FEMALE)) == (2, 1, 1)
    assert (found.get(k), found.get(k, B05, Sex.MALE)) == (1, 1)
    assert found.gives(s) and not found.gives(WEIGHED_FIELD)
