"""The suite never reads the real date: a test reads the moment of the run through
tests/clock.py (from the pin in force, never the wall clock), hands the service an injected clock
(``FixedClock``, ``TickingClock``), and runs its subprocesses at that moment (``tests.clock.cli``).
The run itself is pinned (``pytest --today``), so a reading that slipped through still cannot
see the calendar; this test keeps the readings in their one place."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.clock import DEFAULT_TODAY, Day, TickingClock, days, moment

TESTS = Path(__file__).resolve().parent
#: Where the words may stand: the files that search for them, and the clock module (it builds
#: the unpinned CLI argv of the benchmarks and names SystemClock; it reads no wall clock, below).
ALLOWED = {TESTS / "clock.py", TESTS / "test_layering.py", Path(__file__).resolve()}
READINGS = re.compile(
    r"datetime\.now\(|datetime\.utcnow\(|date\.today\(|SystemClock|(?<![.\w])time\.time\(|"
    r"\"-m\",\s*\"bot\.cli\""
)


def readings(text: str) -> list[str]:
    return [m.group(0) for m in READINGS.finditer(text)]


def test_the_patterns_catch_each_reading() -> None:
    source = (
        "a = datetime.now(UTC)\nb = date.today()\nc = SystemClock()\nd = time.time()\n"
        'e = [sys.executable, "-m", "bot.cli", "run"]\nf = moment()\n'
    )
    assert len(readings(source)) == 5


def test_no_test_reads_the_real_date() -> None:
    offences = [
        f"{path.relative_to(TESTS)}: {found}"
        for path in sorted(TESTS.rglob("*.py"))
        if path not in ALLOWED and (found := readings(path.read_text("utf-8")))
    ]
    assert offences == []


def test_the_clock_module_reads_no_wall_clock() -> None:
    """tests/clock.py reads the moment from the pin in force, not from ``datetime.now``."""
    text = (TESTS / "clock.py").read_text("utf-8")
    assert not re.search(r"datetime\.now\(|datetime\.utcnow\(|date\.today\(|time\.time\(", text)


def test_the_run_is_pinned(pytestconfig: pytest.Config) -> None:
    """Whatever the calendar says, the run is at --today (DEFAULT_TODAY unless given)."""
    pinned = datetime.fromisoformat(str(pytestconfig.getoption("--today")))
    assert abs((moment() - pinned).total_seconds()) < 24 * 3600
    assert moment().tzinfo is UTC


def test_today_travels_to_its_day(today: Day) -> None:
    """Each day of tests.clock.days() is where a test that takes ``today`` runs."""
    assert abs((moment() - today.moment).total_seconds()) < 3600
    assert TickingClock().now() >= today.moment


def test_the_days_are_the_edges_of_month_and_year() -> None:
    local = {d.name: d.moment.date() for d in days(8)}
    assert local["1st"].day == 1 and local["1st"].month == 1
    assert local["day-before-hari-buka"].day == 7 and local["hari-buka"].day == 8
    assert local["28th"].day == 28 and local["31st"].day == 31
    assert (local["29-feb"].month, local["29-feb"].day) == (2, 29)
    assert (local["31-dec"].month, local["31-dec"].day) == (12, 31)
    # The 1st is early: UTC is still in the year before.
    assert days(8)[0].moment.astimezone(UTC).year == local["1st"].year - 1
    assert DEFAULT_TODAY.tzinfo is not None
    with pytest.raises(ValueError):
        days(31)
