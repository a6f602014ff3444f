"""Several instances on one PostgreSQL database (two Database objects and two engines on a
database of the test server, as two ``posyandu run`` behind a load balancer would be): a
message delivered to both is handled once; one person's messages are handled one at a time
across instances (the conversation lock), other people's meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.demo import DEMO_KADER, seed_demo
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from storage import Database
from tests.conversations.test_engine import T0
from tests.e2e.conftest import wait_for


@pytest.fixture
async def instances(postgres_url: str) -> AsyncIterator[tuple[Database, Database]]:
    first = await Database.open(postgres_url)
    second = await Database.open(postgres_url)
    try:
        await seed_demo(first, T0)
        yield first, second
    finally:
        await second.close()
        await first.close()


async def test_a_message_delivered_to_two_instances_is_handled_once(
    instances: tuple[Database, Database],
) -> None:
    clock = FixedClock(T0)
    engines = [Engine(db, clock) for db in instances]
    message = Inbound("console", DEMO_KADER, "BANTUAN", "update-555", T0)
    results = await asyncio.gather(*(e.handle(message) for e in engines))
    assert sorted(r.duplicate for r in results) == [False, True]
    assert sum(r.replies for r in results) >= 1
    async with instances[0].read() as conn:
        rows = list(
            await conn.execute_fetchall(
                "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'reply:console:update-555:%'"
            )
        )
    assert rows[0][0] == next(r.replies for r in results if not r.duplicate)


async def _waiting_for_a_lock(db: Database) -> bool:
    async with db.read() as conn:
        rows = list(
            await conn.execute_fetchall(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
        )
    return bool(rows[0][0])


async def test_one_persons_messages_one_at_a_time_across_instances(
    instances: tuple[Database, Database],
) -> None:
    first, second = instances
    released = asyncio.Event()
    entered: list[str] = []

    async def hold(db: Database, address: str, until: asyncio.Event | None) -> None:
        async with db.conversation_lock("telegram", address):
            entered.append(address)
            if until is not None:
                await until.wait()

    holder = asyncio.create_task(hold(first, "42", released))
    await wait_for(lambda: entered == ["42"])
    waiter = asyncio.create_task(hold(second, "42", None))
    await wait_for(lambda: _waiting_for_a_lock(first))  # the server says it waits
    await hold(second, "43", None)  # someone else is answered meanwhile
    assert entered == ["42", "43"] and not waiter.done()
    released.set()
    await asyncio.gather(holder, waiter)
    assert entered == ["42", "43", "42"]
