"""The scheduler's hourly prune: old message ids and wrong codes forgotten, expired sessions
dropped, and the housekeeping it was handed run at the clock's now (one that fails does not
stop the others)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conversations.engine import Engine
from conversations.inbound import Inbound
from conversations.model import Limits
from scheduler.calendar import ReminderSettings
from scheduler.service import ReminderScheduler
from scoring.clock import FixedClock
from storage import Database
from storage.inbound import record_inbound
from storage.invitations import count_code_failures, record_code_failure
from storage.sessions import StoredSession, get_session

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
    old, recent = NOW - timedelta(days=36), NOW - timedelta(hours=1)
    async with await Database.open(tmp_path / "p.db") as db:
        async with db.transaction() as tx:
            for at in (old, recent):
                await record_inbound(tx, "telegram", f"u{at.timestamp()}", at)
                await record_code_failure(tx, "telegram", "123", at)
        clock = FixedClock(NOW)
        await ReminderScheduler(db, clock, ReminderSettings(), wall_clock=clock).prune()
        async with db.read() as conn:
            assert await count_code_failures(conn, NOW - timedelta(days=60)) == 1
            rows = await conn.execute_fetchall("SELECT received_at FROM inbound")
        assert len(list(rows)) == 1


async def test_prune_drops_the_sessions_the_engine_let_expire(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A chat that stopped mid-question (a wrong invitation code) leaves a session; the hourly
    prune keeps it until the expiry the engine gave it (``session_expiry`` after the last
    message), then drops it and says how many it dropped."""
    clock = FixedClock(NOW)
    limits = Limits(session_expiry=timedelta(days=7))
    async with await Database.open(tmp_path / "s.db") as db:
        engine = Engine(db, clock, limits=limits)
        await engine.handle(Inbound("telegram", "4711", "DAFTAR ZZZZZZ", "m1", NOW))
        scheduler = ReminderScheduler(db, clock, ReminderSettings(), wall_clock=clock)

        async def session() -> StoredSession | None:
            async with db.read() as conn:
                return await get_session(conn, "telegram", "4711")

        stored = await session()
        assert stored is not None and stored.expires_at == NOW + timedelta(days=7)
        clock.set(NOW + timedelta(days=7) - timedelta(minutes=1))
        await scheduler.prune()
        assert await session() == stored
        clock.set(NOW + timedelta(days=7))
        with caplog.at_level(logging.INFO, logger="posyandu.scheduler"):
            await scheduler.prune()
        assert await session() is None
    pruned = [r for r in caplog.records if r.getMessage() == "scheduler.prune"]
    assert [getattr(r, "fields", None) for r in pruned] == [
        {"inbound": 0, "code_failures": 0, "sessions": 1, "child_identities": 0}
    ]


async def test_a_replayed_message_id_is_still_known_a_month_later(tmp_path: Path) -> None:
    """A signed Twilio request carries no time: replayed 30 days later, its MessageSid must
    still be on record (kept INBOUND_KEEP_DAYS, 35 by default), so it is not handled again."""
    from bot.settings import Settings

    keep = timedelta(days=Settings(_env_file=None).inbound_keep_days)  # type: ignore[call-arg]
    assert keep == timedelta(days=35)
    sent = NOW - timedelta(days=30)
    async with await Database.open(tmp_path / "r.db") as db:
        async with db.transaction() as tx:
            assert await record_inbound(tx, "whatsapp", "SM0123", sent)
        clock = FixedClock(NOW)
        scheduler = ReminderScheduler(
            db, clock, ReminderSettings(), wall_clock=clock, inbound_keep=keep
        )
        await scheduler.prune()
        async with db.transaction() as tx:
            assert not await record_inbound(tx, "whatsapp", "SM0123", NOW)  # recognised
        clock.set(sent + keep + timedelta(minutes=1))
        await scheduler.prune()
        async with db.transaction() as tx:
            assert await record_inbound(tx, "whatsapp", "SM0123", clock.now())
        # The default, without a setting, is the same 35 days.
        default = ReminderScheduler(db, clock, ReminderSettings(), wall_clock=clock)
        assert default.inbound_keep == keep
