"""A whole date as people write it (a birth date in the register, a CSV cell): the year always
given. ISO ``2024-03-05``; day first with ``/``, ``-`` or ``.`` (``5/3/2024``, ``05-03-2024``,
``5.3.2024``), as Indonesians write it; and a month's name or short form
(``5 Maret 2024``, ``5 mar 2024``, ``5-Mar-2024``; scoring.lexicon.MONTHS)."""

from __future__ import annotations

import re
from datetime import date

from scoring.lexicon import MONTHS

__all__ = ["WrittenDateError", "any_of", "day_month_year", "parse_written_date"]


class WrittenDateError(ValueError):
    """Text that is not a whole date; the message is a precise English line."""


def any_of(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words`` (longest first)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}))?")
_NAMED = re.compile(rf"(\d{{1,2}})[ -]?({any_of(tuple(MONTHS))})\.?(?:[ -](\d{{4}}))?")


def day_month_year(text: str) -> tuple[int, int, int | None] | None:
    """The day, month and year (None: not written) of a date as people write it, not checked
    against the calendar; None when ``text`` is not such a date. The one reading of a written
    date: the register's birth dates and JADWAL's "pindah 16 des" both use it."""
    raw = " ".join(text.strip().lower().split())
    iso = _ISO.fullmatch(raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return day, month, year
    local = _DAY_FIRST.fullmatch(raw)
    if local is not None:
        day_text, _separator, month_text, year_text = local.groups()
        return int(day_text), int(month_text), None if year_text is None else int(year_text)
    named = _NAMED.fullmatch(raw)
    if named is not None:
        day_text, month_text, year_text = named.groups()
        return int(day_text), MONTHS[month_text], None if year_text is None else int(year_text)
    return None


def parse_written_date(text: str) -> date:
    """The date ``text`` writes (the year in full); :class:`WrittenDateError` otherwise."""
    read = day_month_year(text)
    year = None if read is None else read[2]
    if read is None or year is None:
        raise WrittenDateError(
            f"cannot read the date {text.strip()!r}: write it as 2024-03-05, 5/3/2024 or "
            "5 Maret 2024 (day, month, year in full)"
        )
    day, month, _ = read
    try:
        return date(year, month, day)
    except ValueError:
        raise WrittenDateError(f"no such date {text.strip()!r}") from None
