"""The scheduler's monthly job (the DHIS2 push, bot/dhis2_monthly.py): registered only when
handed one, due on its day at 09:00 in its zone, run with the clock's now; a job that raises
is logged and the scheduler goes on."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.calendar import ReminderSettings
from scheduler.service import Monthly, ReminderScheduler
from scoring.clock import FixedClock
from storage import Database

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


async def test_the_monthly_job(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[datetime] = []

    async def job(now: datetime) -> int:
        seen.append(now)
        if len(seen) > 1:
            raise RuntimeError("DHIS2 went away")
        return 3

    clock = FixedClock(NOW)
    async with await Database.open(tmp_path / "m.db") as db:
        plain = ReminderScheduler(db, clock, ReminderSettings(), wall_clock=clock)
        plain.start()
        assert plain._scheduler.get_job("dhis2-monthly") is None
        plain.shutdown()
        monthly = Monthly(job, 6, "Asia/Makassar")
        scheduler = ReminderScheduler(
            db, clock, ReminderSettings(), wall_clock=clock, monthly=monthly
        )
        scheduler.start()
        try:
            found = scheduler._scheduler.get_job("dhis2-monthly")
            assert found is not None
            due = found.trigger.get_next_fire_time(None, NOW)
            assert due == datetime(2026, 12, 6, 9, tzinfo=ZoneInfo("Asia/Makassar"))
            await scheduler.run_monthly()
            with caplog.at_level(logging.ERROR, logger="posyandu.scheduler"):
                await scheduler.run_monthly()
        finally:
            scheduler.shutdown()
    assert seen == [NOW, NOW]
    assert any(r.getMessage() == "scheduler.monthly.failed" for r in caplog.records)
