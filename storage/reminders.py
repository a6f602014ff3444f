"""The reminder log: one row per (posyandu, kind, day), so a reminder is sent at most once."""

from __future__ import annotations

from datetime import date, datetime

from storage._times import to_db
from storage.db import Connection

__all__ = ["record_reminder", "reminder_sent"]


async def record_reminder(
    tx: Connection, posyandu_id: int, kind: str, day: date, at: datetime
) -> bool:
    """Claim the reminder; False when it was already recorded (never send it twice)."""
    cur = await tx.execute(
        "INSERT INTO reminder_log (posyandu_id, kind, day, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (posyandu_id, kind, day.isoformat(), to_db(at)),
    )
    return cur.rowcount == 1


async def reminder_sent(conn: Connection, posyandu_id: int, kind: str, day: date) -> bool:
    async with conn.execute(
        "SELECT 1 FROM reminder_log WHERE posyandu_id = ? AND kind = ? AND day = ?",
        (posyandu_id, kind, day.isoformat()),
    ) as cur:
        return await cur.fetchone() is not None
