"""The scheduler's hourly prune runs the housekeeping it was handed, at the clock's now; one
that fails does not stop the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.calendar import ReminderSettings
from scheduler.service import ReminderScheduler
from scoring.clock import FixedClock
from storage import Database
from storage.inbound import record_inbound
from storage.invitations import count_code_failures, record_code_failure

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
            db,
            FixedClock(NOW),
            ReminderSettings(),
            housekeeping=[broken, record],
            wall_clock=FixedClock(NOW),
        )
        await scheduler.prune()
    assert seen == [NOW]


async def test_prune_forgets_old_message_ids_and_wrong_codes(tmp_path: Path) -> None:
    old, recent = NOW - timedelta(days=8), NOW - timedelta(hours=1)
    async with await Database.open(tmp_path / "p.db") as db:
        async with db.transaction() as tx:
            for at in (old, recent):
                await record_inbound(tx, "telegram", f"u{at.timestamp()}", at)
                await record_code_failure(tx, "telegram", "123", at)
        clock = FixedClock(NOW)
        await ReminderScheduler(db, clock, ReminderSettings(), wall_clock=clock).prune()
        async with db.read() as conn:
            assert await count_code_failures(conn, NOW - timedelta(days=30)) == 1
            rows = await conn.execute_fetchall("SELECT received_at FROM inbound")
        assert len(list(rows)) == 1
