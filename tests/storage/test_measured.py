"""An area's anonymous weighings carry their kept z-scores into the prevalence
(storage.children.Measured.as_prevalence): used when worked out under the same growth rules,
worked out again otherwise, and the same prevalence either way."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from bot.kbm import load_kbm
from scoring.growth import GrowthRules, Method, Sex, Status, ZScores, assess, zscores
from scoring.prevalence import month_prevalence
from storage import children as reg

RULES = GrowthRules(kbm=load_kbm())
BORN = date(2025, 2, 3)


def _measured(z: ZScores | None, rules: GrowthRules = RULES) -> reg.Measured:
    scored = None if z is None else reg.Scored(reg.rules_digest(rules), Status.B, z)
    weighing = reg.Weighing(1, date(2026, 11, 12), 8_100, 760, Method.LYING, scored=scored)
    return reg.Measured(Sex.MALE, BORN, weighing)


def test_kept_scores_are_used_under_the_same_rules() -> None:
    fresh = assess(Sex.MALE, BORN, _measured(None).weighing.as_growth(), None, RULES).z
    kept = _measured(fresh).as_prevalence(RULES)
    assert kept[3] == fresh
    # The same prevalence with the kept z-scores as with none kept.
    without = month_prevalence([_measured(None).as_prevalence(RULES)], RULES)
    assert month_prevalence([kept], RULES) == without
    assert without.cells  # something was counted (a stunted boy: HAZ < -2)


def test_kept_scores_of_other_rules_are_worked_out_again() -> None:
    wrong = ZScores(Decimal("-4"), Decimal("-4"), Decimal("-4"), Decimal("-4"))
    other = replace(RULES, bgm_below_waz=Decimal("-2.5"))
    assert _measured(wrong, other).as_prevalence(RULES)[3] is None
    assert _measured(wrong).as_prevalence(RULES)[3] == wrong  # same rules: taken as kept
    assert zscores(Sex.MALE, 647, Decimal("8.1"), Decimal("76")) != wrong
