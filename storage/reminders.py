"""The reminder log: one row per (posyandu, kind, day), so a reminder is sent at most once."""

from __future__ import annotations

from datetime import date, datetime

from storage._times import to_db
from storage.db import Connection
from storage.sql import fetch_one

__all__ = ["claim_reminders", "record_reminder", "reminder_sent"]


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
    return (
        await fetch_one(
            conn,
            "SELECT 1 FROM reminder_log WHERE posyandu_id = ? AND kind = ? AND day = ?",
            (posyandu_id, kind, day.isoformat()),
        )
        is not None
    )


async def claim_reminders(
    tx: Connection, items: list[tuple[int, str, date]], at: datetime
) -> list[tuple[int, str, date]]:
    """Record many reminders at once; return those not recorded before (to send now)."""
    if not items:
        return []
    fresh: list[tuple[int, str, date]] = []
    for start in range(0, len(items), 300):
        chunk = items[start : start + 300]
        where = " OR ".join("(posyandu_id = ? AND kind = ? AND day = ?)" for _ in chunk)
        args: list[object] = []
        for pid, kind, day in chunk:
            args += [pid, kind, day.isoformat()]
        rows = await tx.execute_fetchall(
            f"SELECT posyandu_id, kind, day FROM reminder_log WHERE {where}", args
        )
        seen = {(r[0], r[1], r[2]) for r in rows}
        fresh.extend(i for i in chunk if (i[0], i[1], i[2].isoformat()) not in seen)
    await tx.executemany(
        "INSERT INTO reminder_log (posyandu_id, kind, day, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [(pid, kind, day.isoformat(), to_db(at)) for pid, kind, day in fresh],
    )
    return fresh
