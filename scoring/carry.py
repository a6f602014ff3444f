"""The rarely asked head counts (KK and dana sehat: the registry's ``RARE_FIELDS``) carried
forward: a month that did not ask them shows the latest known values, marked with the month
they are from. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.fields import RARE_FIELDS
from scoring.model import MonthReport, Period

__all__ = ["Carried", "carried_rare_values"]


@dataclass(frozen=True, slots=True)
class Carried:
    """Values a month did not ask, from an earlier month."""

    #: The month the values are from.
    period: Period
    #: Field id -> value, for every rarely asked field.
    values: dict[str, int]


def _known(report: MonthReport) -> dict[str, int] | None:
    values = {f: report.count(f) for f in RARE_FIELDS}
    if not report.buka or any(v is None for v in values.values()):
        return None
    return {f: v for f, v in values.items() if v is not None}


def carried_rare_values(month: MonthReport, earlier: Iterable[MonthReport]) -> Carried | None:
    """The rarely asked fields of the latest opened month before ``month`` that knew them
    all, when ``month`` knows none of them (it did not ask them); None when ``month`` has its
    own (or some of them), or no earlier month knew them."""
    if any(month.count(f) is not None for f in RARE_FIELDS):
        return None
    best: Carried | None = None
    for report in earlier:
        if report.period >= month.period or (best is not None and report.period <= best.period):
            continue
        values = _known(report)
        if values is not None:
            best = Carried(report.period, values)
    return best
