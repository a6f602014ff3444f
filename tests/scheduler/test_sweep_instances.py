"""Reminder sweeps with two instances on one PostgreSQL database (two Database objects on a
database of the test server, as two ``posyandu run`` would be): each reminder is queued once
whatever the number of sweeps, and one instance sweeps at a time (the other skips)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from scheduler.sweep import SWEEP_LOCK, sweep
from storage import Database
from tests.scheduler.test_sweep import SETTINGS, kinds_to, queued, seed_posyandu

#: H-1 of Mawar (tanggal 12, WIB): 11 December 2026, 18:00 WIB.
DUE = datetime(2026, 12, 11, 11, 0, tzinfo=UTC)


@pytest.fixture
async def instances(postgres_url: str) -> AsyncIterator[tuple[Database, Database, dict[str, int]]]:
    first = await Database.open(postgres_url)
    second = await Database.open(postgres_url)
    try:
        ids = await seed_posyandu(first)
        yield first, second, ids
    finally:
        await second.close()
        await first.close()


async def test_sweeps_on_two_instances_queue_each_reminder_once(
    instances: tuple[Database, Database, dict[str, int]],
) -> None:
    first, second, ids = instances
    # Both instances sweep the same minute, several times, at once.
    results = await asyncio.gather(*(sweep(db, DUE, SETTINGS) for db in (first, second) * 3))
    assert sum(r.messages for r in results) == 1
    assert sum(r.reminders for r in results) == 1
    rows = await queued(second)
    assert kinds_to(rows, f"10{ids['A']}") == ["h-1"] and len(rows) == 1
    async with first.read() as conn:
        logged = list(await conn.execute_fetchall("SELECT posyandu_id, kind FROM reminder_log"))
    assert [(r[0], r[1]) for r in logged] == [(ids["A"], "h-1")]


async def test_one_instance_sweeps_at_a_time(
    instances: tuple[Database, Database, dict[str, int]],
) -> None:
    first, second, ids = instances
    async with first.exclusive(SWEEP_LOCK) as mine:  # the first instance is sweeping
        assert mine
        async with second.exclusive(SWEEP_LOCK) as theirs:
            assert not theirs
        skipped = await sweep(second, DUE, SETTINGS)
        assert skipped.skipped and (skipped.reminders, skipped.messages) == (0, 0)
        assert await queued(second) == []  # it wrote nothing
    # The lock went with the block: the second instance sweeps now, and queues it once.
    done = await sweep(second, DUE, SETTINGS)
    assert not done.skipped and done.messages == 1
    again = await sweep(first, DUE, SETTINGS)
    assert not again.skipped and again.messages == 0
    assert kinds_to(await queued(first), f"10{ids['A']}") == ["h-1"]


async def test_a_lost_connection_lets_the_lock_go(
    instances: tuple[Database, Database, dict[str, int]], postgres_url: str
) -> None:
    # An instance that dies mid-sweep keeps no lock: the server ends its session.
    first, second, _ids = instances
    async with first.exclusive(SWEEP_LOCK) as mine:
        assert mine
        async with second.read() as conn:
            # The session holding this database's advisory lock, ended: the call returns once
            # the process is gone (its timeout, in ms), so the lock is free when it returns.
            await conn.execute(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        async with second.exclusive(SWEEP_LOCK) as theirs:
            assert theirs
