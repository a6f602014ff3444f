"""The scheduler's job itself, run by APScheduler with an injected clock: jumping the clock
forward sends what fell due in the gap inside the grace window once, and nothing past it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scheduler import service as scheduler_service
from scheduler.calendar import ReminderSettings
from scheduler.service import ReminderScheduler
from scoring.clock import FixedClock
from scoring.schedule import Schedule
from storage import Database
from storage import outbox as ob
from storage.areas import Level, upsert_area
from storage.people import Role, add_identity, create_person
from storage.posyandu import upsert_posyandu
from tests.clock import TickingClock

SETTINGS = ReminderSettings()  # grace 6 h, H-1 at 18:00 local
T0 = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)

# Hari buka on the 12th everywhere; H-1 is 11 December 18:00 local:
ZONES = {
    "WIB": ("Asia/Jakarta", "111"),  # 11:00 UTC
    "WITA": ("Asia/Makassar", "222"),  # 10:00 UTC
    "WIT": ("Asia/Jayapura", "333"),  # 09:00 UTC
}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "s.db")
    async with database.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepri", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.01.1001", "Seraya", Level.DESA, kec)
        for label, (zone, chat) in ZONES.items():
            p = await upsert_posyandu(tx, label, label, desa, zone, Schedule(day=12))
            kader = await create_person(tx, f"Bu {label}", Role.KADER, T0, posyandu_id=p.id)
            await add_identity(tx, kader.id, "telegram", chat)
    yield database
    await database.close()


async def until(condition: Callable[[], bool], within: float = 3.0) -> None:
    """Poll ``condition`` until it holds (fails the test after ``within`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        if condition():
            return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


async def sent(db: Database) -> list[tuple[str, object]]:
    async with db.read() as conn:
        rows = await ob.list_rows(conn, [ob.Status.PENDING])
    return sorted((r.address, r.payload.get("kind")) for r in rows)


async def test_clock_jumping_a_day_sends_inside_grace_once(db: Database) -> None:
    clock = FixedClock(T0)
    service = ReminderScheduler(
        db, clock, SETTINGS, interval_seconds=0.01, wall_clock=TickingClock()
    )
    service.start()
    try:
        await until(lambda: service.sweeps >= 2)
        assert await sent(db) == []
        # A day and 4.5 hours later (the machine slept): WIB's H-1 was 5.5 h ago (inside the
        # 6 h grace), WITA's 6.5 h and WIT's 7.5 h ago (past it).
        clock.set(datetime(2026, 12, 11, 16, 30, tzinfo=UTC))
        seen = service.sweeps
        await until(lambda: service.sweeps >= seen + 3)  # several sweeps at the same instant
        assert await sent(db) == [("111", "h-1")]
        clock.advance(timedelta(hours=1))
        seen = service.sweeps
        await until(lambda: service.sweeps >= seen + 2)
        assert await sent(db) == [("111", "h-1")]  # still once
        assert service.last_sweep_ok
    finally:
        service.shutdown()
    await until(lambda: not service.running)  # AsyncIOScheduler stops on the loop's next turn


@pytest.mark.parametrize("offset", [timedelta(days=-400), timedelta(days=400)])
async def test_first_sweep_at_start_whatever_the_injected_clock(
    db: Database, offset: timedelta
) -> None:
    """APScheduler times the job by the wall clock: a clock a year behind or ahead of it still
    gets its first sweep at once (the next one would be an hour away)."""
    clock = FixedClock(TickingClock().now() + offset)
    service = ReminderScheduler(
        db, clock, SETTINGS, interval_seconds=3600, wall_clock=TickingClock()
    )
    service.start()
    try:
        await until(lambda: service.sweeps == 1)
    finally:
        service.shutdown()
    await until(lambda: not service.running)


@pytest.fixture
def slow_sweep(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """The sweep waits for the returned gate (set: go on); the other event says it began."""
    began, gate = asyncio.Event(), asyncio.Event()
    real = scheduler_service.sweep

    async def sweep(*args: Any) -> Any:
        began.set()
        await gate.wait()
        return await real(*args)

    monkeypatch.setattr(scheduler_service, "sweep", sweep)
    return began, gate


def apscheduler_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name.startswith("apscheduler") and r.levelno >= logging.ERROR
    ]


async def test_stop_lets_the_sweep_under_way_finish(
    db: Database,
    slow_sweep: tuple[asyncio.Event, asyncio.Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    began, gate = slow_sweep
    service = ReminderScheduler(
        db, FixedClock(T0), SETTINGS, interval_seconds=3600, wall_clock=TickingClock()
    )
    service.start()
    await asyncio.wait_for(began.wait(), timeout=3)
    stopping = asyncio.create_task(service.stop())
    for _ in range(5):  # a few turns of the loop: the stop is under way
        await asyncio.sleep(0)
    assert not stopping.done()  # it waits for the sweep under way
    gate.set()
    await asyncio.wait_for(stopping, timeout=3)
    assert service.sweeps == 1 and service.last_sweep_ok
    await until(lambda: not service.running)
    assert apscheduler_errors(caplog) == []


async def test_stop_gives_up_on_a_sweep_that_hangs_without_a_traceback(
    db: Database,
    slow_sweep: tuple[asyncio.Event, asyncio.Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    began, _gate = slow_sweep  # never set: the sweep hangs
    service = ReminderScheduler(
        db, FixedClock(T0), SETTINGS, interval_seconds=3600, wall_clock=TickingClock()
    )
    service.start()
    await asyncio.wait_for(began.wait(), timeout=3)
    await asyncio.wait_for(service.stop(within=0.2), timeout=3)
    await until(lambda: not service.running)
    assert service.sweeps == 0
    assert apscheduler_errors(caplog) == []
    assert all(r.exc_info is None for r in caplog.records if r.name.startswith("posyandu"))
