"""WHO z-scores on one core: children per second for the four indicators (WAZ, HAZ, WHZ, BAZ).

The children are generated deterministically, as a posyandu sees them: sex at random, age 0 to
59 months, weight and length drawn around WHO's medians for the age (about 1 in 20 beyond
-2 SD, as in a population with some undernutrition), measured the age's way or, one in ten,
the other way (the 0.7 cm correction). Each child is timed through
:func:`scoring.growth.length_at` and :func:`scoring.growth.zscores` (what ``posyandu growth``
and the chat compute per weighing), in this one process, after a warm-up pass that loads the
library's tables. The figure is the median of five rounds. A second row times the whole
assessment of a weighing (:func:`scoring.growth.assess`: z-scores, status against last month's
weighing, flags).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pygrowup.tables.by_day import lfa, wfa

from bot.kbm import load_kbm
from scoring.growth import (
    GrowthRules,
    Method,
    Previous,
    Sex,
    Status,
    Weighing,
    assess,
    length_at,
    zscores,
)

__all__ = ["CHILDREN", "run"]

CHILDREN = 10_000
ROUNDS = 5
TARGET_PER_SECOND = 5_000
_SEX = {Sex.MALE: "male", Sex.FEMALE: "female"}

Child = tuple[Sex, int, Decimal, Decimal, Method | None]


def make_children(count: int, seed: int = 26) -> list[Child]:
    rng = random.Random(seed)
    out: list[Child] = []
    for _ in range(count):
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        days = rng.randint(0, 1825)
        w, h = wfa.DATA[_SEX[sex]][max(days, 1)], lfa.DATA[_SEX[sex]][max(days, 1)]
        weight = float(w["m"]) * (1 + float(w["s"]) * rng.gauss(-0.4, 1.0))
        length = float(h["m"]) * (1 + float(h["s"]) * rng.gauss(-0.8, 1.1))
        usual = Method.LYING if days < 731 else Method.STANDING
        other = Method.STANDING if usual is Method.LYING else Method.LYING
        measured = other if rng.random() < 0.1 else rng.choice((usual, None))
        out.append(
            (sex, days, Decimal(f"{max(weight, 1.0):.1f}"), Decimal(f"{length:.1f}"), measured)
        )
    return out


def _zscores_round(children: list[Child]) -> float:
    zscores.cache_clear()  # the same children each round: worked out, not remembered
    start = time.perf_counter()
    for sex, days, weight, height, measured in children:
        zscores(sex, days, weight, length_at(days, height, measured).cm)
    return time.perf_counter() - start


def _assess_round(children: list[Child], rules: GrowthRules) -> float:
    born = date(2020, 1, 1)
    weighings = []
    for sex, days, weight, height, measured in children:
        day = born + timedelta(days=max(days, 40))
        last_month = day.replace(day=1) - timedelta(days=1)
        before = Previous(last_month, weight - Decimal("0.2"), None, Status.N)
        weighings.append((sex, Weighing(day, weight, height, measured), before))
    zscores.cache_clear()
    start = time.perf_counter()
    for sex, weighing, before in weighings:
        assess(sex, born, weighing, before, rules)
    return time.perf_counter() - start


def run() -> list[dict[str, Any]]:
    children = make_children(CHILDREN)
    rules = GrowthRules(kbm=load_kbm())
    _zscores_round(children[:500])  # warm-up: the library loads its tables
    seconds = statistics.median(_zscores_round(children) for _ in range(ROUNDS))
    per_second = round(CHILDREN / seconds)
    assessed = statistics.median(_assess_round(children, rules) for _ in range(ROUNDS))
    return [
        {
            "figure": "WHO z-scores (WAZ, HAZ, WHZ, BAZ), one core",
            "value": per_second,
            "unit": "children/s",
            "target": f">= {TARGET_PER_SECOND:,} children/s",
            "passed": per_second >= TARGET_PER_SECOND,
        },
        {
            "figure": "weighings assessed (z-scores, N/T/O/B, flags), one core",
            "value": round(CHILDREN / assessed),
            "unit": "weighings/s",
            "target": "",
            "passed": True,
        },
    ]
