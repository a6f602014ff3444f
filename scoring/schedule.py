"""Hari-buka schedules: a fixed day of the month, or the nth (or last) weekday.

Pure. Parses the phrases people use ("tanggal 12", "selasa ke-2", "selasa minggu ke-2",
"selasa terakhir", "selasa minggu terakhir") and the stored form (``day:12``,
``weekday:1:2``, ``weekday:1:-1``; weekday 0 = Monday). A fixed day past the month's end
(31 in April) becomes the month's last day.

:func:`parse_jadwal` reads what follows ``JADWAL <posyandu>`` in the chat and
``posyandu schedule CODE`` on the command line: a schedule, or ``pindah <date>`` (a one-off
move of that date's month), the date as people write it: ``2026-12-16``, ``16/12/2026``,
``16-12``, ``16/12``, ``16 des``, ``16 Desember`` (a date without its year is the next such
date from today, see :data:`YEARLESS_AHEAD_MONTHS`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.dates import any_of as _any_of
from scoring.dates import day_month_year
from scoring.lexicon import (
    DATE_WORDS,
    EVERY,
    EVERY_MONTH,
    EVERY_WORDS,
    LAST_WORDS,
    MOVE_TO_WORDS,
    MOVE_WORDS,
    NTH_PREFIX,
    ORDINALS,
    WEEK_WORDS,
    WEEKDAY_ALIASES,
    WEEKDAYS,
)
from scoring.model import Period

__all__ = [
    "YEARLESS_AHEAD_MONTHS",
    "JadwalError",
    "Schedule",
    "ScheduleError",
    "parse_jadwal",
    "upcoming_days",
]


_FIXED = re.compile(
    rf"(?:{re.escape(EVERY)} )?(?:{_any_of(DATE_WORDS)}) ?(\d{{1,2}})"
    rf"(?: {re.escape(EVERY_MONTH)})?"
)
_WEEK = re.compile(rf"^(?:{_any_of(WEEK_WORDS)}) ")
_NTH = re.compile(rf"{re.escape(NTH_PREFIX)}-? ?([1-4])")


class ScheduleError(ValueError):
    """A schedule phrase that cannot be understood; the message says what is expected."""


@dataclass(frozen=True, slots=True)
class Schedule:
    #: Fixed day of the month (1-31), or None for a weekday schedule.
    day: int | None = None
    #: 0 = Monday ... 6 = Sunday.
    weekday: int | None = None
    #: 1-4, or -1 for the last one of the month.
    nth: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None:
            if self.weekday is not None or self.nth is not None:
                raise ScheduleError("a schedule is a day of the month or a weekday, not both")
            if not 1 <= self.day <= 31:
                raise ScheduleError(f"day of the month must be 1-31, got {self.day}")
        elif self.weekday is None or not 0 <= self.weekday <= 6 or self.nth not in (1, 2, 3, 4, -1):
            raise ScheduleError("weekday schedule needs a weekday and n in 1-4 or last")

    def hari_buka(self, period: Period) -> date:
        """The day this schedule gives in ``period``."""
        last_day = calendar.monthrange(period.year, period.month)[1]
        if self.day is not None:
            return date(period.year, period.month, min(self.day, last_day))
        assert self.weekday is not None and self.nth is not None
        if self.nth == -1:
            last = date(period.year, period.month, last_day)
            return date.fromordinal(last.toordinal() - (last.weekday() - self.weekday) % 7)
        first = date(period.year, period.month, 1)
        offset = (self.weekday - first.weekday()) % 7
        return date(period.year, period.month, 1 + offset + 7 * (self.nth - 1))

    def stored(self) -> str:
        if self.day is not None:
            return f"day:{self.day}"
        return f"weekday:{self.weekday}:{self.nth}"

    def describe(self) -> str:
        """In Indonesian, as people say it: "tanggal 12", "Selasa minggu ke-2" (also printed
        by the command line, which has no catalogue: the weekday is the lexicon's word)."""
        if self.day is not None:
            return f"tanggal {self.day}"
        assert self.weekday is not None
        name = WEEKDAYS[self.weekday].capitalize()
        return f"{name} minggu terakhir" if self.nth == -1 else f"{name} minggu ke-{self.nth}"

    @classmethod
    def parse(cls, text: str) -> Schedule:
        raw = " ".join(text.lower().replace(",", " ").split())
        stored = re.fullmatch(r"day:(\d{1,2})", raw)
        if stored:
            return cls(day=int(stored.group(1)))
        stored = re.fullmatch(r"weekday:(\d):(-1|[1-4])", raw)
        if stored:
            return cls(weekday=int(stored.group(1)), nth=int(stored.group(2)))
        fixed = _FIXED.fullmatch(raw)
        if fixed:
            return cls(day=int(fixed.group(1)))
        words = raw.split()
        if words and words[0] in EVERY_WORDS:
            words = words[1:]
        if words:
            words[0] = WEEKDAY_ALIASES.get(words[0], words[0])
        if len(words) >= 2 and words[0] in WEEKDAYS:
            rest = " ".join(words[1:])
            rest = _WEEK.sub("", rest)
            nth: int | None = None
            if rest in LAST_WORDS:
                nth = -1
            else:
                m = _NTH.fullmatch(rest)
                if m:
                    nth = int(m.group(1))
                elif rest in ORDINALS:
                    nth = ORDINALS[rest]
            if nth is not None:
                return cls(weekday=WEEKDAYS.index(words[0]), nth=nth)
        raise ScheduleError(
            f"cannot read schedule {text!r}: use 'tanggal 12', 'selasa ke-2' or 'selasa terakhir'"
        )


#: A date written without its year ("pindah 16 des") is this year's when that is today or
#: later; an earlier one is next year's only when that is at most this many months ahead
#: (else it is refused as past: the year must be written).
YEARLESS_AHEAD_MONTHS = 6

Reason = Literal["empty", "schedule", "date", "past"]


class JadwalError(ScheduleError):
    """A ``JADWAL`` phrase that cannot be understood. ``reason`` says which part was wrong
    (``"empty"``, ``"schedule"``, ``"date"``; ``"past"``: a date without its year that has
    passed this year, ``day``) so the chat can answer with its own text; the message is a
    precise English line for the command line."""

    def __init__(self, message: str, reason: Reason, day: date | None = None) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.day = day


_PINDAH = re.compile(
    rf"(?:{_any_of(MOVE_WORDS)})(?: (?:{_any_of(MOVE_TO_WORDS)}))*(?: (?P<rest>.*))?"
)


def parse_jadwal(text: str, today: date | None = None) -> Schedule | date:
    """A regular schedule ("tanggal 12", "selasa ke-2", "selasa minggu ke-2", "kamis terakhir",
    "minggu minggu terakhir", ...), or the day of a one-off move: "pindah 2026-12-15" (also
    "pindah ke 2026-12-15" and day first, "pindah 15-12-2026", "15/12/2026", "16 des 2026",
    and without the year, "16 des", "16 Desember", "16/12", "16-12": the next such date from
    ``today``).

    Raises :class:`JadwalError` (a ``ValueError``) with a precise message otherwise.
    """
    raw = " ".join(text.lower().replace(",", " ").split())
    if not raw:
        raise JadwalError(
            "no schedule given: use 'tanggal 12', 'selasa ke-2', 'selasa terakhir' "
            "or 'pindah YYYY-MM-DD'",
            "empty",
        )
    move = _PINDAH.fullmatch(raw)
    if move:
        return _move_day(move.group("rest") or "", text, today)
    try:
        return Schedule.parse(raw)
    except ScheduleError as exc:
        if str(exc).startswith("cannot read"):
            message = (
                f"cannot read schedule {text.strip()!r}: use 'tanggal 12', 'selasa ke-2', "
                "'selasa minggu ke-2', 'selasa terakhir' or 'pindah YYYY-MM-DD'"
            )
        else:  # understood, but out of range ("tanggal 32")
            message = f"bad schedule {text.strip()!r}: {exc}"
        raise JadwalError(message, "schedule") from None


def _move_day(rest: str, text: str, today: date | None) -> date:
    day, month, year = _day_month_year(rest, text)
    if year is None:
        return _next_such_day(day, month, text, today)
    try:
        return date(year, month, day)
    except ValueError:
        raise JadwalError(
            f"no such date {year:04d}-{month:02d}-{day:02d} in {text.strip()!r}", "date"
        ) from None


def _day_month_year(rest: str, text: str) -> tuple[int, int, int | None]:
    """The day, month and year (None: not written) of the new date."""
    read = day_month_year(rest)
    if read is None:
        raise JadwalError(
            f"cannot read the new date in {text.strip()!r}: use 'pindah YYYY-MM-DD', "
            "'pindah 16/12' or 'pindah 16 des', e.g. 'pindah 2026-12-15'",
            "date",
        )
    return read


def _next_such_day(day: int, month: int, text: str, today: date | None) -> date:
    """``day``/``month`` without its year: this year's if not past, else next year's when at
    most :data:`YEARLESS_AHEAD_MONTHS` months ahead."""
    if today is None:
        raise JadwalError(f"no year in the new date in {text.strip()!r}", "date")
    this_year, next_year = (
        _valid_day(today.year, month, day),
        _valid_day(today.year + 1, month, day),
    )
    if this_year is not None and this_year >= today:
        return this_year
    ahead = Period(today.year, today.month).shift(YEARLESS_AHEAD_MONTHS)
    if next_year is not None and Period(next_year.year, next_year.month) <= ahead:
        return next_year
    if this_year is None:
        raise JadwalError(
            f"no such date {today.year:04d}-{month:02d}-{day:02d} in {text.strip()!r}", "date"
        )
    raise JadwalError(
        f"{this_year.isoformat()} has passed: write the year to move a later one, e.g. "
        f"'pindah {day:02d}-{month:02d}-{today.year + 1}'",
        "past",
        this_year,
    )


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def upcoming_days(
    schedule: Schedule, moves: Mapping[Period, date], today: date, count: int = 3
) -> list[date]:
    """The next ``count`` hari buka on or after ``today``: each month's one-off move (keyed
    by the month whose hari buka moved; the day may lie in the month before or after) or
    else the schedule's day. ``moves`` should cover last month to ``count + 1`` months on."""
    here = Period(today.year, today.month)
    months = (here.shift(k) for k in range(-1, count + 2))
    days = {moves.get(p) or schedule.hari_buka(p) for p in months}
    return sorted(d for d in days if d >= today)[:count]
