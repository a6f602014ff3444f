"""Time in the tests: the real date never reaches a test.

- **The run is pinned.** ``pytest_configure`` (tests/conftest.py) starts a time_machine travel to
  the run's moment (``pytest --today ISO``, default :data:`DEFAULT_TODAY`) that ticks from
  there: whatever cannot take the injected clock (the CLI's ``SystemClock`` inside ``main()``,
  a library reading the wall clock) reads the pinned date, so ``make test`` gives the same
  result on every day of the year. ``pytest --today 2028-02-29T10:00+07:00`` runs the whole
  suite on another day.
- **Tests take the injected clock**: :class:`scoring.clock.FixedClock` when a test moves time
  by hand, :class:`TickingClock` when the service under test needs time to pass (leases,
  back-offs) from a known moment. :func:`moment` is the one place a test reads the moment of the
  run, from the pin in force (:func:`pinned`), never from the wall clock
  (tests/test_no_real_date.py keeps it so).
- **The days that matter.** A test that takes the ``today`` fixture runs once on each of
  :func:`days`: the 1st (early morning, when UTC is still in the month before), the day before
  hari buka, hari buka, the 28th, the 31st, 29 February and 31 December, each at a moment of
  its own; the posyandu's hari buka day comes from the test's ``hari_buka(DAY)`` mark (default
  :data:`DEFAULT_HARI_BUKA`). The fixture travels there for the test's duration.
- **Subprocesses.** :func:`cli` is the argv of ``python -m bot.cli ARGS`` run at the moment of
  the run (``python -m tests.travel``): a subprocess sees the date the test sees.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

__all__ = [
    "DEFAULT_HARI_BUKA",
    "DEFAULT_TODAY",
    "WIB",
    "Day",
    "TickingClock",
    "at",
    "cli",
    "days",
    "local_today",
    "moment",
    "pinned",
]

WIB = ZoneInfo("Asia/Jakarta")
#: The run's moment unless ``--today`` says otherwise: an ordinary day after hari buka (the
#: fixtures' posyandu open on the 8th to the 12th).
DEFAULT_TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
#: The hari buka day of a test's posyandu when its ``hari_buka`` mark does not say.
DEFAULT_HARI_BUKA = 12


#: The pins in force, innermost last (the run's, a ``today``'s, an :func:`at`'s).
_PINS: list[time_machine.Traveller] = []


@contextmanager
def pinned(when: datetime) -> Iterator[None]:
    """Within it the wall clock starts at ``when`` and ticks (time_machine), and
    :func:`moment` reads that pin: the run's (conftest), a ``today``'s, an :func:`at`'s."""
    if when.tzinfo is None:
        raise ValueError("pinned needs a timezone-aware datetime")
    travel = time_machine.travel(when, tick=True)
    _PINS.append(travel.start())
    try:
        yield
    finally:
        _PINS.pop()
        travel.stop()


def moment() -> datetime:
    """The moment of the run (pinned by the suite, moved by the ``today`` fixture), in UTC:
    read from the pin in force, not from the wall clock."""
    if not _PINS:
        raise RuntimeError("the wall clock is not pinned: run under pytest (tests/conftest.py)")
    return datetime.fromtimestamp(_PINS[-1].time_ns() / 1e9, UTC)


def at(when: datetime) -> AbstractContextManager[None]:
    """A context in which the wall clock starts at ``when`` and ticks: for a test about one
    particular day of what reads the wall clock (the CLI)."""
    return pinned(when)


def local_today(zone: ZoneInfo = WIB) -> date:
    """The date of the run's moment in ``zone``."""
    return moment().astimezone(zone).date()


class TickingClock:
    """An injected clock that starts at ``start`` and moves with the monotonic clock: for a
    service under test that needs time to pass (leases, back-offs) on a known date."""

    def __init__(self, start: datetime | None = None) -> None:
        begin = start if start is not None else moment()
        if begin.tzinfo is None:
            raise ValueError("TickingClock needs a timezone-aware datetime")
        self._start = begin.astimezone(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


@dataclass(frozen=True)
class Day:
    """A day the date-sensitive tests run on: its name (the test id) and its moment."""

    name: str
    moment: datetime

    def __str__(self) -> str:
        return self.name

    def before_hari_buka(self, hari_buka: int) -> bool:
        """Whether this day (in WIB, as the fixtures' posyandu) comes before a hari buka on the
        ``hari_buka``-th: a report of this month is then asked "Yakin melapor sekarang?"."""
        return self.moment.astimezone(WIB).day < hari_buka


def days(hari_buka: int = DEFAULT_HARI_BUKA) -> tuple[Day, ...]:
    """The days of the month and year where dates go wrong, for a posyandu whose hari buka is
    the ``hari_buka``-th of the month (a fixed-date schedule), each at a local (WIB) moment."""
    if not 2 <= hari_buka <= 28:
        raise ValueError(f"hari buka on the {hari_buka}th: use a day from 2 to 28")

    def wib(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
        return datetime(y, m, d, hh, mm, tzinfo=WIB)

    return (
        # 06:00 WIB on 1 January is 23:00 UTC on 31 December: UTC's month and year are behind.
        Day("1st", wib(2027, 1, 1, 6)),
        Day("day-before-hari-buka", wib(2026, 12, hari_buka - 1, 10)),
        Day("hari-buka", wib(2026, 12, hari_buka, 9)),
        Day("28th", wib(2027, 2, 28, 20)),
        Day("31st", wib(2027, 3, 31, 23, 30)),
        Day("29-feb", wib(2028, 2, 29, 10)),
        Day("31-dec", wib(2026, 12, 31, 23, 30)),
    )


def cli(*argv: str, pinned: bool = True) -> list[str]:
    """``python -m bot.cli ARGV`` run at this moment of the test (see the module docstring);
    the child needs the repository on its PYTHONPATH, as every subprocess of the suite has.
    ``pinned=False``: on the real clock, for the benchmarks that start the service."""
    if not pinned:
        return [sys.executable, "-m", "bot.cli", *argv]
    return [sys.executable, "-m", "tests.travel", moment().isoformat(), "bot.cli", *argv]
