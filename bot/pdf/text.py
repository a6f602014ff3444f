"""How the PDFs write numbers: Indonesian style (thousands "1.500", decimals "84,6"), and never
rounded into a false comparison. The words themselves are in conversations/catalogue.py
(``pdf.*`` keys)."""

from __future__ import annotations

import math

from conversations.catalogue import say

__all__ = ["category", "decimal", "percent", "percent_pair", "percent_vs", "value", "vs"]


def category(name: str | None) -> str:
    """A gap category in words ("Tercapai"; colour is never the only signal)."""
    return say(f"pdf.category.{name or 'none'}")


def value(v: int | None) -> str:
    """A count: "1.500"; "—" when unknown."""
    return say("pdf.no_value") if v is None else f"{v:,}".replace(",", ".")


def decimal(v: float, places: int) -> str:
    """``v`` with ``places`` decimals, Indonesian style: "4,1", "1.234,5"."""
    text = f"{v:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vs(actual: float, target: float, places: int = 0) -> tuple[str, str]:
    """``actual`` and ``target`` written so that they compare as the real numbers do: whole
    numbers, or one (then two) decimals where rounding would make 4,96 look like a target of 5
    or 84,6% like 85%; at the last resort rounded away from the target, so a shortfall is
    never written as reached. ``places``: the fewest decimals for ``actual`` ("4,1" orang)."""
    return _written(actual, (target,), places), _target(target)


def percent_vs(actual: float, target: float) -> tuple[str, str]:
    """As :func:`vs` for fractions written as percents, ("84,6%", "85%") for (0.846, 0.85);
    never 0% or 100% either unless it is exactly that."""
    a = _written(actual * 100, (target * 100, 0.0, 100.0), 0)
    return a + "%", _target(target * 100) + "%"


def percent_pair(actual: float | None, target: float | None) -> tuple[str, str]:
    """:func:`percent_vs` when both are known, else each written on its own."""
    if actual is not None and target is not None:
        return percent_vs(actual, target)
    return percent(actual), percent(target)


def percent(v: float | None) -> str:
    """A fraction as a percent, whole unless that would read as 0% or 100% when it is not
    (99,6% of posyandu reported is not all of them)."""
    return say("pdf.no_value") if v is None else _written(v * 100, (0.0, 100.0), 0) + "%"


_EPS = 1e-9


def _sign(x: float) -> int:
    return 0 if abs(x) <= _EPS else (1 if x > 0 else -1)


def _written(v: float, refs: tuple[float, ...], least: int) -> str:
    """``v`` with the fewest decimals (from ``least``, up to two) that keep it on the same
    side of every reference value as it really is."""
    for places in range(least, 3):
        shown = round(v, places)
        if all(_sign(shown - r) == _sign(v - r) for r in refs):
            return decimal(v, places)
    near = min(refs, key=lambda r: abs(v - r))
    return decimal(math.floor(v * 100) / 100 if v < near else math.ceil(v * 100) / 100, 2)


def _target(t: float) -> str:
    """A target as set (85%, 5 orang, 50%): a decimal only if it has one."""
    places = next((p for p in (0, 1, 2) if abs(round(t, p) - t) <= _EPS), 2)
    return decimal(t, places)
