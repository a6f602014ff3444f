"""Stunting, wasting and underweight among the children measured in a month (pure).

Stunting is HAZ < -2, wasting WHZ < -2, underweight WAZ < -2 (Permenkes 2/2020, WHO 2006),
each among the children whose z-score could be worked out that month (a weighing without a
length counts for underweight only). **Decision:** a z-score WHO flags as implausible
(:class:`scoring.growth.Flag`) is left out of its indicator, numerator and denominator, as
WHO's survey software does; the kader confirmed the value, but one such reading would tilt a
small posyandu's share. By age band (completed months at the weighing: 0-5, 6-11, 12-23,
24-59) and sex; counts and shares, never who.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scoring.growth import Assessed, Flag, GrowthRules, Sex, Weighing, ZScores, assess

__all__ = [
    "AGE_BANDS",
    "AgeBand",
    "Cell",
    "Indicator",
    "Prevalence",
    "age_band",
    "month_prevalence",
    "prevalence",
]


class Indicator(StrEnum):
    STUNTING = "stunting"  # HAZ < -2
    WASTING = "wasting"  # WHZ < -2
    UNDERWEIGHT = "underweight"  # WAZ < -2


@dataclass(frozen=True, slots=True)
class AgeBand:
    """Completed months from ``low`` to ``high``, both included."""

    low: int
    high: int

    @property
    def key(self) -> str:
        return f"{self.low}-{self.high}"


AGE_BANDS: tuple[AgeBand, ...] = (AgeBand(0, 5), AgeBand(6, 11), AgeBand(12, 23), AgeBand(24, 59))


def age_band(months: int) -> AgeBand | None:
    """The band of an age in completed months (None: 60 months or more, not a balita)."""
    for band in AGE_BANDS:
        if band.low <= months <= band.high:
            return band
    return None


#: Which z-score flag leaves a weighing out of an indicator.
_FLAG = {Indicator.STUNTING: Flag.HAZ, Indicator.WASTING: Flag.WHZ, Indicator.UNDERWEIGHT: Flag.WAZ}


def _counted(a: Assessed, indicator: Indicator) -> tuple[bool, bool]:
    """Whether ``a`` is measured for ``indicator``, and whether it is a case."""
    z = {
        Indicator.STUNTING: a.z.haz,
        Indicator.WASTING: a.z.whz,
        Indicator.UNDERWEIGHT: a.z.waz,
    }[indicator]
    if z is None or _FLAG[indicator] in a.flags:
        return False, False
    case = {
        Indicator.STUNTING: a.stunted,
        Indicator.WASTING: a.wasted,
        Indicator.UNDERWEIGHT: a.underweight,
    }[indicator]
    return True, case


@dataclass(frozen=True, slots=True)
class Cell:
    """Children measured for an indicator, and how many of them are below -2."""

    measured: int = 0
    cases: int = 0

    @property
    def share(self) -> float | None:
        """``cases`` / ``measured`` (None: nobody measured)."""
        return self.cases / self.measured if self.measured else None

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.measured + other.measured, self.cases + other.cases)


_Key = tuple[Indicator, AgeBand | None, Sex | None]


@dataclass(frozen=True, slots=True)
class Prevalence:
    """The month's three indicators, by age band and sex; :meth:`cell` with ``band`` or
    ``sex`` None sums over it. ``children``: the children measured (weighed) at all."""

    children: int
    cells: dict[_Key, Cell] = field(default_factory=dict)

    def cell(
        self, indicator: Indicator, band: AgeBand | None = None, sex: Sex | None = None
    ) -> Cell:
        return self.cells.get((indicator, band, sex), Cell())


def prevalence(weighings: Iterable[tuple[Sex, Assessed]]) -> Prevalence:
    """The prevalence among ``weighings`` (one per child: the month's), each with the child's
    sex. A weighing at 60 months or more is no balita's and is not counted."""
    cells: dict[_Key, Cell] = {}
    children = 0
    for sex, a in weighings:
        band = age_band(a.age_months)
        if band is None:
            continue
        children += 1
        for indicator in Indicator:
            measured, case = _counted(a, indicator)
            if not measured:
                continue
            one = Cell(1, int(case))
            for key in (
                (indicator, band, sex),
                (indicator, band, None),
                (indicator, None, sex),
                (indicator, None, None),
            ):
                cells[key] = cells.get(key, Cell()) + one
    return Prevalence(children, cells)


def month_prevalence(
    weighings: Iterable[tuple[Sex, date, Weighing, ZScores | None]], rules: GrowthRules
) -> Prevalence:
    """:func:`prevalence` of a month's weighings as the register keeps them anonymous (sex,
    birth date, the weighing, its z-scores as worked out before or None): each assessed
    alone, its z-scores needing no previous one (worked out only where none are given)."""
    return prevalence(
        (sex, assess(sex, born, w, None, rules, z=z)) for sex, born, w, z in weighings
    )
