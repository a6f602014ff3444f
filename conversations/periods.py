"""Months as kader type and read them: "2026-11", "11/2026", "NOV", "November 2026",
"nov 26", "bulan lalu". Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from scoring import Period, PeriodError

__all__ = [
    "MONTH_NAMES",
    "format_period",
    "format_period_short",
    "parse_period",
    "parse_period_prefix",
]

MONTH_NAMES: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_SHORT: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
_EXTRA_ALIASES: dict[str, int] = {
    "pebruari": 2,
    "peb": 2,
    "agust": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "sept": 9,
    "nopember": 11,
    "nop": 11,
    "okto": 10,
    "oct": 10,
    "dec": 12,
    "may": 5,
}
_MONTH_ALIASES: dict[str, int] = {
    **{name.casefold(): i for i, name in enumerate(MONTH_NAMES, start=1)},
    **{name.casefold(): i for i, name in enumerate(_SHORT, start=1)},
    **_EXTRA_ALIASES,
}

_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR_RE = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_YEAR_RE = re.compile(r"^(\d{4}|\d{2})$")


def format_period(period: Period) -> str:
    """ "November 2026"."""
    return f"{MONTH_NAMES[period.month - 1]} {period.year}"


def format_period_short(period: Period) -> str:
    """ "Nov 2026"."""
    return f"{_SHORT[period.month - 1]} {period.year}"


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
    if first == "bulan" and second in ("ini", "lalu"):
        return (current if second == "ini" else current.shift(-1)), 2
    if first in ("ini", "sekarang"):
        return current, 1
    iso = _ISO_RE.match(first)
    if iso:
        made = _make(int(iso.group(1)), int(iso.group(2)))
        return (made, 1) if made else None
    month_year = _MONTH_YEAR_RE.match(first)
    if month_year:
        made = _make(int(month_year.group(2)), int(month_year.group(1)))
        return (made, 1) if made else None
    month = _MONTH_ALIASES.get(first)
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
