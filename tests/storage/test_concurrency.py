"""Many tasks writing at once: no "database is locked" escapes, no write is lost, every
change has its revision."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scoring import Period
from storage import Database
from storage.messages import Outgoing, Text
from storage.outbox import append, counts
from storage.reports import get_report, revisions, save_report
from tests.storage.helpers import T0, World, month, seed_world

TASKS = 50
WRITES = 20
PERIODS = [Period(2026, m) for m in range(1, 13)]


async def writer(db: Database, world: World, task: int, tag: str = "") -> None:
    """Each write, in one transaction: a report change (new value of kader) and a reply."""
    for i in range(WRITES):
        posyandu = world.posyandu[(task + i) % len(world.posyandu)]
        period = PERIODS[task % len(PERIODS)]
        async with db.transaction() as tx:
            current = await get_report(tx, posyandu.id, period)
            kader = 1 if current is None else (current.report.kader or 0) + 1
            await save_report(
                tx, posyandu.id, month(period, kader=kader), by=None, at=T0, channel="console"
            )
            await append(tx, Outgoing("console", f"t{task}", Text("ok"), f"{tag}{task}-{i}"), T0)
        if i % 5 == 0:
            await asyncio.sleep(0)


async def totals(db: Database) -> tuple[int, int, int]:
    async with db.read() as conn:
        revs = list(await conn.execute_fetchall("SELECT count(*) FROM report_revisions"))
        kader = list(await conn.execute_fetchall("SELECT coalesce(sum(kader), 0) FROM reports"))
        sent = sum((await counts(conn)).values())
    return int(revs[0][0]), int(kader[0][0]), sent


async def test_fifty_tasks_twenty_writes_each(db: Database, world: World) -> None:
    await asyncio.gather(*(writer(db, world, t) for t in range(TASKS)))
    revision_rows, kader_sum, outbox_rows = await totals(db)
    writes = TASKS * WRITES
    # Every write bumped one report's kader by one and wrote exactly one revision.
    assert revision_rows == writes
    assert kader_sum == writes
    assert outbox_rows == writes
    async with db.read() as conn:
        rows = list(await conn.execute_fetchall("SELECT id, revision FROM reports"))
        for report_id, revision in rows:
            history = await revisions(conn, report_id)
            assert [r.revision for r in history] == list(range(1, revision + 1))
            assert history[-1].new["kader"] == revision


async def test_two_database_objects_on_one_file(tmp_path: Path) -> None:
    """As with the service and a CLI command in another process: SQLite's busy timeout,
    not the in-process lock, keeps the writers apart."""
    path = tmp_path / "shared.db"
    first = await Database.open(path)
    second = await Database.open(path)
    try:
        world = await seed_world(first)
        await asyncio.gather(
            *(writer(first, world, t, "a") for t in range(TASKS // 2)),
            *(writer(second, world, t, "b") for t in range(TASKS // 2)),
        )
        revision_rows, kader_sum, outbox_rows = await totals(first)
        assert revision_rows == kader_sum == outbox_rows == TASKS * WRITES
    finally:
        await first.close()
        await second.close()
