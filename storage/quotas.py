"""Daily allowances shared by every instance of a deployment and kept across restarts: what a
channel has used of a day's cap (the SMS one SIM may send a day). A use is taken before the
thing is done, atomically against the cap, and given back when it could not be done."""

from __future__ import annotations

from storage.sql import Connection, fetch_one

__all__ = ["give_back", "take", "used"]


async def take(tx: Connection, name: str, day: str, amount: int, limit: int) -> int | None:
    """Add ``amount`` to what ``name`` has used on ``day`` if that stays within ``limit``: the
    new total, or None (nothing taken) when it would go over."""
    if amount > limit:
        return None
    row = await fetch_one(
        tx,
        "INSERT INTO quotas (name, day, used) VALUES (?, ?, ?) "
        "ON CONFLICT (name, day) DO UPDATE SET used = quotas.used + excluded.used "
        "WHERE quotas.used + excluded.used <= ? RETURNING used",
        (name, day, amount, limit),
    )
    return int(row[0]) if row is not None else None


async def give_back(tx: Connection, name: str, day: str, amount: int) -> None:
    """Return ``amount`` taken on ``day`` (never below nothing)."""
    await tx.execute(
        "UPDATE quotas SET used = CASE WHEN used > ? THEN used - ? ELSE 0 END "
        "WHERE name = ? AND day = ?",
        (amount, amount, name, day),
    )


async def used(conn: Connection, name: str, day: str) -> int:
    """What ``name`` has used on ``day``."""
    row = await fetch_one(conn, "SELECT used FROM quotas WHERE name = ? AND day = ?", (name, day))
    return int(row[0]) if row is not None else 0
