"""A daily allowance a channel draws on (the SMS one SIM may send a day), kept in the database
(:mod:`storage.quotas`): every instance of a deployment draws on the same count, and a restart
does not start it again from nothing."""

from __future__ import annotations

from datetime import date

from storage import Database
from storage import quotas as q

__all__ = ["DailyQuota"]


class DailyQuota:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def take(self, name: str, day: date, amount: int, limit: int) -> int | None:
        """Take ``amount`` of ``name``'s allowance on ``day`` if it stays within ``limit``: the
        day's new total, or None (nothing taken)."""
        async with self.db.transaction() as tx:
            return await q.take(tx, name, day.isoformat(), amount, limit)

    async def give_back(self, name: str, day: date, amount: int) -> None:
        """Return what was taken for a send that did not go."""
        async with self.db.transaction() as tx:
            await q.give_back(tx, name, day.isoformat(), amount)

    async def used(self, name: str, day: date) -> int:
        async with self.db.read() as conn:
            return await q.used(conn, name, day.isoformat())
