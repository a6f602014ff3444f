"""Months as kader type and read them: "2026-11", "11/2026", "NOV", "November 2026",
"nov 26", "bulan lalu". Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from conversations.catalogue import say
from scoring import Period, PeriodError
from scoring.lexicon import MONTH_WORD, MONTHS, NOW_WORDS, RELATIVE_MONTHS

__all__ = [
    "format_period",
    "format_period_short",
    "parse_period",
    "parse_period_prefix",
]

_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR_RE = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_YEAR_RE = re.compile(r"^(\d{4}|\d{2})$")


def format_period(period: Period) -> str:
    """ "November 2026"."""
    return f"{say(f'date.month.{period.month}')} {period.year}"


def format_period_short(period: Period) -> str:
    """ "Nov 2026"."""
    return f"{say(f'date.month_short.{period.month}')} {period.year}"


def _norm(token: str) -> str:
    return unicodedata.normalize("NFKC", token).casefold().strip(".,;!?")


def _make(year: int, month: int) -> Period | None:
    try:
        return Period(year, month)
    except PeriodError:
        return None


def _recent(month: int, current: Period) -> Period:
    """The latest period with this month that is not after ``current``."""
    year = current.year if month <= current.month else current.year - 1
    return Period(year, month)


def parse_period_prefix(tokens: Sequence[str], current: Period) -> tuple[Period, int] | None:
    """A period at the start of ``tokens`` and how many tokens it used, or None.

    A month name without a year means the latest such month not after ``current``.
    """
    if not tokens:
        return None
    first = _norm(tokens[0])
    second = _norm(tokens[1]) if len(tokens) > 1 else ""
    if first == MONTH_WORD and second in RELATIVE_MONTHS:
        return current.shift(-RELATIVE_MONTHS[second]), 2
    if first in NOW_WORDS:
        return current, 1
    iso = _ISO_RE.match(first)
    if iso:
        made = _make(int(iso.group(1)), int(iso.group(2)))
        return (made, 1) if made else None
    month_year = _MONTH_YEAR_RE.match(first)
    if month_year:
        made = _make(int(month_year.group(2)), int(month_year.group(1)))
        return (made, 1) if made else None
    month = MONTHS.get(first)
    if month is None:
        return None
    year_match = _YEAR_RE.match(second) if second else None
    if year_match:
        year = int(year_match.group(1))
        made = _make(year + 2000 if year < 100 else year, month)
        return (made, 2) if made else None
    return _recent(month, current), 1


def parse_period(text: str, current: Period) -> Period | None:
    """The period ``text`` names in full, or None when it is not (only) a period."""
    tokens = text.split()
    parsed = parse_period_prefix(tokens, current)
    if parsed is None or parsed[1] != len(tokens):
        return None
    return parsed[0]
