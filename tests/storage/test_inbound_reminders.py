"""Inbound dedupe (a redelivered message is handled once) and the reminder log."""

from __future__ import annotations

from datetime import date, timedelta

from storage import Database
from storage.inbound import prune_inbound, record_inbound
from storage.reminders import claim_reminders, record_reminder, reminder_sent
from tests.storage.helpers import T0, World


async def test_record_inbound_once(db: Database) -> None:
    async with db.transaction() as tx:
        assert await record_inbound(tx, "telegram", "1001", T0)
        assert not await record_inbound(tx, "telegram", "1001", T0 + timedelta(seconds=5))
        assert await record_inbound(tx, "whatsapp", "1001", T0)  # per channel
    async with db.transaction() as tx:
        assert not await record_inbound(tx, "telegram", "1001", T0 + timedelta(days=1))


async def test_prune_inbound_after_seven_days(db: Database) -> None:
    async with db.transaction() as tx:
        await record_inbound(tx, "telegram", "old", T0)
        await record_inbound(tx, "telegram", "new", T0 + timedelta(days=6))
    now = T0 + timedelta(days=7, minutes=1)
    async with db.transaction() as tx:
        assert await prune_inbound(tx, now - timedelta(days=7)) == 1
        assert not await record_inbound(tx, "telegram", "new", now)
        assert await record_inbound(tx, "telegram", "old", now)  # forgotten after 7 days


async def test_reminder_recorded_once(db: Database, world: World) -> None:
    p, q = world.posyandu[0].id, world.posyandu[1].id
    day = date(2026, 12, 11)
    async with db.transaction() as tx:
        assert await record_reminder(tx, p, "h-1", day, T0)
        assert not await record_reminder(tx, p, "h-1", day, T0)
        assert await record_reminder(tx, p, "h", day, T0)
        assert await record_reminder(tx, p, "h-1", day + timedelta(days=30), T0)
        fresh = await claim_reminders(tx, [(p, "h-1", day), (q, "h-1", day)], T0)
    assert fresh == [(q, "h-1", day)]
    async with db.read() as conn:
        assert await reminder_sent(conn, q, "h-1", day)
        assert not await reminder_sent(conn, q, "h", day)
