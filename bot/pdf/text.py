"""How the PDFs write numbers: Indonesian style (thousands "1.500", decimals "84,6"), and never
rounded into a false comparison. The words themselves are in conversations/catalogue.py
(``pdf.*`` keys)."""

from __future__ import annotations

from conversations.catalogue import say
from conversations.format import percent as share_text
from scoring.figures import Figure, apart, as_set, percent_apart

__all__ = ["category", "decimal", "percent", "percent_pair", "percent_vs", "value", "vs"]


def category(name: str | None) -> str:
    """A gap category in words ("Tercapai"; colour is never the only signal)."""
    return say(f"pdf.category.{name or 'none'}")


def value(v: int | None) -> str:
    """A count: "1.500"; "—" when unknown."""
    return say("pdf.no_value") if v is None else f"{v:,}".replace(",", ".")


def decimal(v: float, places: int) -> str:
    """``v`` with ``places`` decimals, Indonesian style: "4,1", "1.234,5"."""
    return _indonesian(Figure(v, places))


def _indonesian(figure: Figure) -> str:
    return figure.text(",", ".")


def vs(actual: float, target: float, places: int = 0) -> tuple[str, str]:
    """``actual`` and ``target`` written so that they compare as the real numbers do: whole
    numbers, or one (then two) decimals where rounding would make 4,96 look like a target of 5
    or 84,6% like 85%; at the last resort rounded away from the target, so a shortfall is
    never written as reached. ``places``: the fewest decimals for ``actual`` ("4,1" orang).
    The digits are scoring.figures' (the same as ``posyandu score``'s)."""
    return _indonesian(apart(actual, (target,), places)), _indonesian(as_set(target))


def percent_vs(actual: float, target: float) -> tuple[str, str]:
    """As :func:`vs` for fractions written as percents, ("84,6%", "85%") for (0.846, 0.85);
    never 0% or 100% either unless it is exactly that."""
    a, t = percent_apart(actual, target)
    return _indonesian(a) + "%", _indonesian(t) + "%"


def percent_pair(actual: float | None, target: float | None) -> tuple[str, str]:
    """:func:`percent_vs` when both are known, else each written on its own."""
    if actual is not None and target is not None:
        return percent_vs(actual, target)
    return percent(actual), percent(target)


def percent(v: float | None) -> str:
    """A fraction as a percent, whole unless that would read as 0% or 100% when it is not
    (99,6% of posyandu reported is not all of them): the chat's formatter
    (conversations.format.percent), with the PDF's mark for no value."""
    return say("pdf.no_value") if v is None else share_text(v)
