"""A whole date as people write it (a birth date in the register, a CSV cell): the year always
given. ISO ``2024-03-05``; day first with ``/``, ``-`` or ``.`` (``5/3/2024``, ``05-03-2024``,
``5.3.2024``), as Indonesians write it; and a month's name or short form
(``5 Maret 2024``, ``5 mar 2024``, ``5-Mar-2024``; scoring.lexicon.MONTHS)."""

from __future__ import annotations

import re
from datetime import date

from scoring.lexicon import MONTHS

__all__ = ["WrittenDateError", "parse_written_date"]


class WrittenDateError(ValueError):
    """Text that is not a whole date; the message is a precise English line."""


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_NAMED = re.compile(r"(\d{1,2})[ -]?([a-z]+)\.?[ -](\d{4})")


def parse_written_date(text: str) -> date:
    """The date ``text`` writes (the year in full); :class:`WrittenDateError` otherwise."""
    raw = " ".join(text.strip().lower().split())
    iso = _ISO.fullmatch(raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif (local := _DAY_FIRST.fullmatch(raw)) is not None:
        day, month, year = int(local.group(1)), int(local.group(3)), int(local.group(4))
    elif (named := _NAMED.fullmatch(raw)) is not None and named.group(2) in MONTHS:
        day, month, year = int(named.group(1)), MONTHS[named.group(2)], int(named.group(3))
    else:
        raise WrittenDateError(
            f"cannot read the date {text.strip()!r}: write it as 2024-03-05, 5/3/2024 or "
            "5 Maret 2024 (day, month, year in full)"
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise WrittenDateError(f"no such date {text.strip()!r}") from None
