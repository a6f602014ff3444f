"""How many decimals a number needs so that it is never rounded into a false comparison: the
one formatter behind the PDFs, the chat and ``posyandu score``'s "what is needed" texts
(domain.md, "Gaps and progress": 49.6% against 50% reads "49,6% -> 50%", not "50% -> 50%").

Pure: the digits are chosen here; the decimal mark is the caller's (``Figure.text``):
Indonesian "49,6" in what people read, English "49.6" in ``posyandu score``'s JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Figure", "apart", "as_set", "percent_apart", "share"]

_EPS = 1e-9
#: The most decimals a figure gets; past them, it is rounded away from its reference.
MOST_PLACES = 2


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as it is to be written: the value and how many decimals to write it with."""

    value: float
    places: int

    def text(self, point: str = ".", group: str = "") -> str:
        """Written with ``point`` before the decimals and ``group`` between thousands:
        ``text(",", ".")`` gives Indonesian "1.234,5", ``text()`` English "1234.5"."""
        raw = f"{self.value:,.{self.places}f}"
        return raw.replace(",", "\x00").replace(".", point).replace("\x00", group)


def _sign(x: float) -> int:
    return 0 if abs(x) <= _EPS else (1 if x > 0 else -1)


def apart(value: float, refs: Sequence[float], least: int = 0) -> Figure:
    """``value`` with the fewest decimals (from ``least``, up to two) that keep it on the same
    side of every reference value as it really is; at the last resort rounded away from the
    nearest reference at two decimals, so a shortfall is never written as reached."""
    for places in range(least, MOST_PLACES + 1):
        shown = round(value, places)
        if all(_sign(shown - r) == _sign(value - r) for r in refs):
            return Figure(value, places)
    near = min(refs, key=lambda r: abs(value - r))
    scale = 10**MOST_PLACES
    rounded = math.floor(value * scale) if value < near else math.ceil(value * scale)
    return Figure(rounded / scale, MOST_PLACES)


def as_set(target: float) -> Figure:
    """A target as it was set (85, 5, 50): a decimal only if it has one."""
    places = next((p for p in range(MOST_PLACES + 1) if abs(round(target, p) - target) <= _EPS), 2)
    return Figure(target, places)


def percent_apart(actual: float, target: float) -> tuple[Figure, Figure]:
    """Two fractions as percents (the figures are x 100): the actual apart from its target,
    and from 0% and 100% (never either unless it is exactly that); the target as set."""
    return apart(actual * 100, (target * 100, 0.0, 100.0)), as_set(target * 100)


def share(fraction: float) -> Figure:
    """A fraction as a percent (x 100), whole unless that would read as 0% or 100% when it
    is not (99,6% of posyandu reported is not all of them)."""
    return apart(fraction * 100, (0.0, 100.0))
