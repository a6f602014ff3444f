"""The scheduler's hourly prune runs the housekeeping it was handed, at the clock's now; one
that fails does not stop the others."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scheduler.calendar import ReminderSettings
from scheduler.service import ReminderScheduler
from storage import Database
from storage.clock import FixedClock

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


async def test_prune_runs_every_housekeeping_job(tmp_path: Path) -> None:
    seen: list[datetime] = []

    def broken(now: datetime) -> int:
        raise OSError("disk gone")

    def record(now: datetime) -> int:
        seen.append(now)
        return 3

    async with await Database.open(tmp_path / "h.db") as db:
        scheduler = ReminderScheduler(
            db, FixedClock(NOW), ReminderSettings(), housekeeping=[broken, record]
        )
        await scheduler.prune()
    assert seen == [NOW]
