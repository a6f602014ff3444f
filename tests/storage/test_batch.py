"""Group commit: queued write units share a transaction, and a failing unit fails alone."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from storage import Connection, Database
from storage.batch import WriteBatcher
from storage.errors import is_busy
from storage.sql import fetch_one


async def _db(tmp_path: Path) -> Database:
    db = await Database.open(tmp_path / "batch.db")
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    return db


def _insert(k: str, v: int) -> Callable[[Connection], Awaitable[int]]:
    async def unit(tx: Connection) -> int:
        await tx.execute("INSERT INTO t (k, v) VALUES (?, ?)", (k, v))
        row = await fetch_one(tx, "SELECT count(*) FROM t")
        return int(row[0])

    return unit


async def _rows(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        return {r[0]: r[1] for r in await conn.execute_fetchall("SELECT k, v FROM t")}


async def test_queued_units_share_one_transaction(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    statements: list[str] = []
    await db._writer.set_trace_callback(statements.append)
    batcher: WriteBatcher[int] = WriteBatcher(db)
    counts = await asyncio.gather(*(batcher.run(_insert(f"k{i}", i)) for i in range(20)))
    await db._writer.set_trace_callback(lambda _s: None)
    # Each unit saw the ones before it; all twenty are there.
    assert sorted(counts) == list(range(1, 21))
    assert await _rows(db) == {f"k{i}": i for i in range(20)}
    # Far fewer transactions than units (the first runs alone, the rest queue behind it).
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert 1 <= len(begins) <= 3
    await db.close()


async def test_a_failing_unit_fails_alone(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    batcher: WriteBatcher[int] = WriteBatcher(db)
    units = [_insert(f"k{i}", i) for i in range(10)]
    units[5] = _insert("k0", 99)  # breaks the primary key: k0 is written by the first unit
    results = await asyncio.gather(
        *(batcher.run(u) for u in units),
        return_exceptions=True,
    )
    assert isinstance(results[5], Exception)
    assert all(isinstance(r, int) for i, r in enumerate(results) if i != 5)
    assert await _rows(db) == {f"k{i}": i for i in range(10) if i != 5}
    await db.close()


async def test_a_unit_alone_raises_and_writes_nothing(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    batcher: WriteBatcher[int] = WriteBatcher(db)

    async def broken(tx: Connection) -> int:
        await tx.execute("INSERT INTO t (k, v) VALUES ('x', 1)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await batcher.run(broken)
    assert await _rows(db) == {}
    # The batcher goes on working after a failure.
    assert await batcher.run(_insert("y", 2)) == 1
    await db.close()


async def test_a_batch_the_database_is_too_busy_for_fails_whole_at_once(tmp_path: Path) -> None:
    """Locked past the busy timeout, every unit of the batch is told at once (the webhooks
    answer 503 and the channels resend): none is retried alone for another full timeout while
    the caller waits, and none slips in after the lock is gone as if it had never been busy."""
    async with await Database.open(tmp_path / "busy.db", busy_timeout_ms=100) as db:
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
        outside = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
        outside.execute("BEGIN IMMEDIATE")
        batcher: WriteBatcher[int] = WriteBatcher(db)
        runs = [asyncio.ensure_future(batcher.run(_insert(k, 1))) for k in "abc"]
        # The outside lock goes as soon as the first unit has been told it is busy.
        runs[0].add_done_callback(lambda _f: outside.execute("ROLLBACK"))
        outcomes = await asyncio.gather(*runs, return_exceptions=True)
        outside.close()
        async with db.read() as conn:
            stored = (await fetch_one(conn, "SELECT count(*) FROM t"))[0]
    assert all(isinstance(o, sqlite3.OperationalError) and is_busy(o) for o in outcomes)
    assert stored == 0
