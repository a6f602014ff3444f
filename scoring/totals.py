"""An area's month in totals, as a puskesmas reports it upward: S, K, D, N, BGM and 2T summed
over the posyandu that opened, the area's K/S, D/S, D/K and N/D from those sums with their gap
categories (domain.md, "Gaps and progress"), and how many posyandu opened or did not. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from scoring.fields import COUNT_FIELDS
from scoring.gaps import GAP_RATIOS, Gap, gap
from scoring.model import MonthReport
from scoring.ratios import RATIO_NAMES
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings

__all__ = ["TOTAL_FIELDS", "AreaTotals", "area_totals", "ratio_of_sums"]

#: The counts an area totals: every field of the SKDN ratios and of BGM/D and 2T/D, in
#: registry order (S, K, D, N, BGM, 2T).
TOTAL_FIELDS: tuple[str, ...] = tuple(
    f for f in COUNT_FIELDS if any(f in pair for pair in RATIO_NAMES.values())
)


@dataclass(frozen=True, slots=True)
class AreaTotals:
    #: Field -> the sum over the opened months where it is known; None when known nowhere.
    counts: dict[str, int | None]
    #: The gaps of K/S, D/S, D/K and N/D of the sums (each ratio summed over the months that
    #: know both of its counts).
    gaps: tuple[Gap, ...]
    #: Reports of the month that say the posyandu opened, and that it did not (TIDAK BUKA).
    opened: int
    closed: int


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


#: Each ratio's (numerator, denominator) of a report, read at once (counts of the registry,
#: so :meth:`MonthReport.count`'s check is not needed): an area's year is 12 x 1,500 reports.
_PAIRS = {name: attrgetter(top, bottom) for name, (top, bottom) in RATIO_NAMES.items()}


def _ratio(reports: list[MonthReport], name: str) -> float | None:
    pair = _PAIRS[name]
    known = [(a, b) for a, b in map(pair, reports) if a is not None and b is not None]
    return ratio_of_sums(sum(a for a, _b in known), sum(b for _a, b in known))


def ratio_of_sums(numerator: int, denominator: int) -> float | None:
    """An area's ratio from its sums: each count summed over the opened months that know
    both counts of the ratio (None when the denominator sums to 0)."""
    return numerator / denominator if denominator else None


def area_totals(
    month: Iterable[MonthReport], settings: ScoringSettings = DEFAULT_SETTINGS
) -> AreaTotals:
    """The totals of one month's reports of an area's posyandu (one report per posyandu)."""
    reports = list(month)
    opened = [r for r in reports if r.buka]
    targets = settings.targets
    return AreaTotals(
        counts={f: _sum(map(attrgetter(f), opened)) for f in TOTAL_FIELDS},
        gaps=tuple(
            gap(name, _ratio(opened, name), targets.get(name), settings) for name in GAP_RATIOS
        ),
        opened=len(opened),
        closed=len(reports) - len(opened),
    )
