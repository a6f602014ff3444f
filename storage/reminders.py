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
    """Record many reminders at once; return those not recorded before (to send now). The
    insert itself says which were new, so two sweeps at once (two instances on one
    PostgreSQL database) never both send one."""
    fresh: list[tuple[int, str, date]] = []
    when = to_db(at)
    for start in range(0, len(items), 200):
        chunk = items[start : start + 200]
        args: list[object] = []
        for pid, kind, day in chunk:
            args += [pid, kind, day.isoformat(), when]
        rows = await tx.execute_fetchall(
            "INSERT INTO reminder_log (posyandu_id, kind, day, created_at) VALUES "
            + ", ".join("(?, ?, ?, ?)" for _ in chunk)
            + " ON CONFLICT DO NOTHING RETURNING posyandu_id, kind, day",
            args,
        )
        new = {(int(r[0]), str(r[1]), str(r[2])) for r in rows}
        fresh.extend(i for i in chunk if (i[0], i[1], i[2].isoformat()) in new)
    return fresh
