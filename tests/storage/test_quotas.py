"""A daily allowance (storage.quotas): taken atomically against its cap, per name and day,
given back, and shared by concurrent writers, on both engines."""

from __future__ import annotations

import asyncio

from storage import Database
from storage import quotas as q


async def test_taken_up_to_the_cap_and_not_beyond(db: Database) -> None:
    async with db.transaction() as tx:
        assert await q.take(tx, "sms", "2026-12-07", 2, 5) == 2
        assert await q.take(tx, "sms", "2026-12-07", 2, 5) == 4
        assert await q.take(tx, "sms", "2026-12-07", 2, 5) is None  # 6 > 5: nothing taken
        assert await q.take(tx, "sms", "2026-12-07", 1, 5) == 5
        assert await q.take(tx, "sms", "2026-12-07", 1, 5) is None
    async with db.read() as conn:
        assert await q.used(conn, "sms", "2026-12-07") == 5


async def test_each_name_and_day_has_its_own_count(db: Database) -> None:
    async with db.transaction() as tx:
        assert await q.take(tx, "sms", "2026-12-07", 3, 3) == 3
        assert await q.take(tx, "sms", "2026-12-08", 1, 3) == 1
        assert await q.take(tx, "other", "2026-12-07", 2, 3) == 2
        assert await q.take(tx, "sms", "2026-12-09", 4, 3) is None  # more than the whole cap
    async with db.read() as conn:
        assert await q.used(conn, "sms", "2026-12-07") == 3
        assert await q.used(conn, "sms", "2026-12-09") == 0


async def test_given_back_never_below_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        await q.take(tx, "sms", "2026-12-07", 2, 5)
        await q.give_back(tx, "sms", "2026-12-07", 1)
        assert await q.used(tx, "sms", "2026-12-07") == 1
        await q.give_back(tx, "sms", "2026-12-07", 3)
        assert await q.used(tx, "sms", "2026-12-07") == 0
        await q.give_back(tx, "sms", "2026-12-06", 1)  # nothing taken that day: nothing happens
        assert await q.used(tx, "sms", "2026-12-06") == 0


async def test_concurrent_takers_never_go_over_the_cap(db: Database) -> None:
    async def one() -> int | None:
        async with db.transaction() as tx:
            return await q.take(tx, "sms", "2026-12-07", 1, 7)

    results = await asyncio.gather(*(one() for _ in range(20)))
    assert sorted(r for r in results if r is not None) == list(range(1, 8))
    assert results.count(None) == 13
