"""The database object: file creation, pragmas, the serialised writer and the readers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import Database
from storage.areas import Level, upsert_area
from storage.db import Connection
from storage.errors import EngineError, IntegrityError
from storage.messages import Outgoing, Text
from storage.migrations import SCHEMA_VERSION
from storage.outbox import Status, append, counts
from storage.sql import follow_explicit_ids
from storage.sqlite import CHECKPOINT_EVERY, WRITER_AUTOCHECKPOINT, SqliteDatabase
from tests.storage.helpers import T0


async def pragma(conn: Connection, name: str) -> object:
    rows = list(await conn.execute_fetchall(f"PRAGMA {name}"))
    return rows[0][0]


async def test_open_creates_file_and_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "posyandu.db"
    db = await Database.open(path, busy_timeout_ms=1234)
    try:
        assert path.is_file()
        assert await db.schema_version() == SCHEMA_VERSION
        assert db.opened_version == 0
        async with db.transaction() as tx:
            assert await pragma(tx, "journal_mode") == "wal"
            assert await pragma(tx, "foreign_keys") == 1
            assert await pragma(tx, "busy_timeout") == 1234
        async with db.read() as conn:
            assert await pragma(conn, "foreign_keys") == 1
            assert await pragma(conn, "query_only") == 1
    finally:
        await db.close()


async def test_reopen_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    await (await Database.open(path)).close()
    db = await Database.open(path)
    assert db.opened_version == SCHEMA_VERSION
    await db.close()


async def test_transaction_commits_and_readers_see_it(db: Database) -> None:
    async with db.transaction() as tx:
        await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)
        async with db.read() as conn:  # not committed yet: invisible to readers
            assert (await counts(conn))[Status.PENDING] == 0
    async with db.read() as conn:
        assert (await counts(conn))[Status.PENDING] == 1


async def test_error_rolls_back_everything(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with db.transaction() as tx:
            await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)
            await append(tx, Outgoing("telegram", "1", Text("b"), "k2"), T0)
            raise RuntimeError("boom")
    async with db.read() as conn:
        assert sum((await counts(conn)).values()) == 0
    async with db.transaction() as tx:  # the writer is usable again
        await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)


async def test_sql_error_rolls_back_and_writer_recovers(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)
            await tx.execute("INSERT INTO reminder_log VALUES (999, 'h', '2026-01-01', 'x')")
    async with db.transaction() as tx:
        await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)
    async with db.read() as conn:
        assert (await counts(conn))[Status.PENDING] == 1


async def test_nested_transaction_in_one_task_is_refused(db: Database) -> None:
    async with db.transaction():
        with pytest.raises(RuntimeError, match="already open"):
            async with db.transaction():
                pass


async def test_readers_cannot_write(db: Database) -> None:
    async with db.read() as conn:
        with pytest.raises(EngineError):
            await append(conn, Outgoing("telegram", "1", Text("a"), "k1"), T0)


async def test_read_snapshot_spans_statements(db: Database) -> None:
    async with db.read() as conn:
        await conn.execute("BEGIN")
        before = (await counts(conn))[Status.PENDING]
        async with db.transaction() as tx:
            await append(tx, Outgoing("telegram", "1", Text("a"), "k1"), T0)
        assert (await counts(conn))[Status.PENDING] == before == 0
    async with db.read() as conn:  # the snapshot was released on the way out
        assert not conn.in_transaction
        assert (await counts(conn))[Status.PENDING] == 1


async def test_ping(db: Database) -> None:
    assert await db.ping()


async def test_rows_after_explicit_ids_take_the_next_id(db: Database) -> None:
    """Seeding with explicit ids (benchmarks, big PDFs, a copy) and then adding a row the
    ordinary way: no collision with the identity counter on PostgreSQL."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(1, '99', 'Prov', 'provinsi', NULL, '/1/'), (7, '98', 'Lain', 'provinsi', NULL, '/7/')"
        )
        await follow_explicit_ids(tx)
    async with db.transaction() as tx:
        added = await upsert_area(tx, "97", "Baru", Level.PROVINSI, None)
    assert added.id == 8


@pytest.mark.sqlite_only
async def test_backup_is_a_consistent_copy_during_a_write(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as tx:
        await append(tx, Outgoing("telegram", "1", Text("a"), "committed"), T0)
    target = tmp_path / "copy.db"
    async with db.transaction() as tx:
        await append(tx, Outgoing("telegram", "1", Text("b"), "in-flight"), T0)
        result = await db.backup(target)  # the service's own write is still open
    assert result.target == target and result.schema_version == SCHEMA_VERSION
    copy = await Database.open(target)
    try:
        async with copy.read() as conn:
            assert (await counts(conn))[Status.PENDING] == 1
    finally:
        await copy.close()


async def test_commits_are_fsynced_so_a_saved_report_survives_a_power_cut(tmp_path: Path) -> None:
    """The bot says "tersimpan" only for a commit on disk: the writer (and the readers, which
    checkpoint too) run with ``synchronous=FULL`` (2) in WAL mode."""
    async with await Database.open(tmp_path / "full.db") as db:
        async with db.transaction() as tx:
            (writer,) = await (await tx.execute("PRAGMA synchronous")).fetchone() or (None,)
        async with db.read() as conn:
            (reader,) = await (await conn.execute("PRAGMA synchronous")).fetchone() or (None,)
    assert (writer, reader) == (2, 2)


def _outbox_rows_in_the_file_alone(path: Path, copy: Path) -> int:
    """Rows of the database file itself, without its WAL: what checkpoints have copied in."""
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    except sqlite3.OperationalError:  # not even the schema checkpointed yet
        return 0
    finally:
        conn.close()


@pytest.mark.sqlite_only
async def test_the_wal_is_checkpointed_off_the_writer(tmp_path: Path) -> None:
    """A commit waits for no checkpoint: every CHECKPOINT_EVERY commits one runs on a
    connection of its own, the writer's own only past WRITER_AUTOCHECKPOINT pages."""
    path = tmp_path / "posyandu.db"
    async with await Database.open(path) as db:
        assert isinstance(db, SqliteDatabase)
        async with db.transaction() as tx:
            assert await pragma(tx, "wal_autocheckpoint") == WRITER_AUTOCHECKPOINT
        for n in range(CHECKPOINT_EVERY - 2):
            async with db.transaction() as tx:
                await append(tx, Outgoing("telegram", "1", Text("a"), f"k{n}"), T0)
        await db.checkpointed()
        assert _outbox_rows_in_the_file_alone(path, tmp_path / "before.db") == 0
        async with db.transaction() as tx:
            await append(tx, Outgoing("telegram", "1", Text("b"), "last"), T0)
        await db.checkpointed()  # the commit only started it
        assert _outbox_rows_in_the_file_alone(path, tmp_path / "after.db") == CHECKPOINT_EVERY - 1
