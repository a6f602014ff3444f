"""The SQLite engine: one file, WAL, one serialised writer, concurrent readers.

``Database.open(path)`` (storage.db) creates the file (and its folder) on first use, applies
the numbered migrations (``PRAGMA user_version``), and refuses a file written by a newer
version without touching it (the version is read on a read-only connection first). Writes go
through ``async with db.transaction() as tx:`` — ``BEGIN IMMEDIATE`` on the one writer
connection, serialised in-process by an asyncio lock, committed on success and rolled back on
any error — so a conversation step saves session, report and outbox rows atomically. Reads use
``async with db.read() as conn:`` on a small pool of read-only connections.

Checkpoints (the WAL's pages copied into the file, which is then fsynced) run off the writer:
every :data:`CHECKPOINT_EVERY` commits a passive checkpoint runs on a connection of its own
in a worker thread, while the writer goes on committing; the writer's own automatic
checkpoint, which a commit would wait for, is only a backstop (:data:`WRITER_AUTOCHECKPOINT`
pages). Nothing about durability changes: each commit still fsyncs the WAL before it returns
(``synchronous=FULL``), and a checkpoint cut short by a crash is finished at the next open.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

from storage.backup import BackupResult, backup_file
from storage.db import Database
from storage.errors import DatabaseError, SchemaTooNewError
from storage.migrations import MIGRATIONS, SCHEMA_VERSION
from storage.sql import fetch_one

__all__ = ["CHECKPOINT_EVERY", "WRITER_AUTOCHECKPOINT", "SqliteDatabase", "probe_version"]

Connection = aiosqlite.Connection

#: Commits after which a passive checkpoint runs in the background (about SQLite's default of
#: 1,000 WAL pages at a few pages a commit).
CHECKPOINT_EVERY = 200
#: WAL pages after which a commit of the writer checkpoints by itself: the backstop, should
#: the background checkpoints fall behind (SQLite's default is 1,000: a commit in every ~200
#: waited for a checkpoint and its fsync of the file).
WRITER_AUTOCHECKPOINT = 10_000


async def _connect(path: Path, busy_timeout_ms: int, synchronous: str) -> Connection:
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    conn.row_factory = sqlite3.Row
    # Each pragma's cursor is drained and closed: an unfinished statement keeps a read lock,
    # and switching a rollback-journal file (a restored backup) to WAL then finds it locked.
    try:
        for pragma in (
            f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
            "PRAGMA foreign_keys = ON",
            f"PRAGMA synchronous = {synchronous}",
        ):
            await conn.execute_fetchall(pragma)
    except BaseException:
        await conn.close()  # its worker thread would otherwise keep the process alive
        raise
    return conn


def _probe(path: Path) -> int:
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        row = conn.execute("PRAGMA user_version").fetchone()
    finally:
        conn.close()
    return int(row[0]) if row else 0


async def probe_version(path: Path | str) -> int:
    """The schema version of an existing file, read without any chance of writing to it
    (0 for a missing or empty file). Raises :class:`DatabaseError` for a file that is not
    an SQLite database."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        return await asyncio.to_thread(_probe, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"database {path}: cannot be read ({exc})") from None


def _checkpoint(path: Path | str) -> None:
    """A passive checkpoint on a connection of its own (it waits for no reader or writer);
    an error leaves the WAL to the writer's own checkpoint."""
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=rw", uri=True)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        pass


def _make_folder(path: Path) -> None:
    """The database's folder, created if missing; :class:`DatabaseError` when it cannot be."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocked = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None
        )
        why = f"{blocked} is not a folder" if blocked is not None else exc.strerror or str(exc)
        raise DatabaseError(f"database {path}: cannot create its folder ({why})") from None


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(
        self,
        path: Path,
        writer: Connection,
        readers: list[Connection],
        opened_version: int,
    ) -> None:
        self.path = path
        #: The schema version the file had before this open migrated it.
        self.opened_version = opened_version
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None
        self._readers: asyncio.Queue[Connection] = asyncio.Queue()
        self._all_readers = readers
        for reader in readers:
            self._readers.put_nowait(reader)
        #: Commits since the last background checkpoint began, and that checkpoint.
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls, path: Path, *, busy_timeout_ms: int, readers: int, migrate: bool, synchronous: str
    ) -> SqliteDatabase:
        """Open (creating the file and its folders if needed) and migrate the database.

        ``synchronous=FULL`` in WAL mode keeps every committed transaction across a crash of
        the process and a power cut (the WAL is fsynced at every commit; group commit shares
        one fsync among the steps that queue for the writer). ``NORMAL`` keeps them across a
        crash of the process only: the last commits before a power cut may be lost.
        """
        version = await probe_version(path)
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(version, SCHEMA_VERSION, path)
        if not migrate and version < SCHEMA_VERSION:
            raise DatabaseError(
                f"database {path} has schema version {version}, this program needs "
                f"{SCHEMA_VERSION}; run 'posyandu migrate'"
            )
        _make_folder(path)
        try:
            writer = await _connect(path, busy_timeout_ms, synchronous)
        except sqlite3.Error as exc:
            raise DatabaseError(f"database {path}: cannot be opened ({exc})") from None
        pool: list[Connection] = []
        try:
            # Read again on the writer: another process may have migrated in between.
            version = await _user_version(writer)
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(version, SCHEMA_VERSION, path)
            await writer.execute_fetchall("PRAGMA journal_mode = WAL")
            await writer.execute_fetchall(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}")
            await _migrate(writer, version, SCHEMA_VERSION)
            for _ in range(readers):
                reader = await _connect(path, busy_timeout_ms, synchronous)
                pool.append(reader)
                await reader.execute_fetchall("PRAGMA query_only = ON")
        except BaseException as exc:
            for conn in (*pool, writer):
                await conn.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise DatabaseError(f"database {path}: cannot be used ({exc})") from None
            raise
        return cls(path, writer, pool, version)

    async def check_writable(self) -> None:
        """Raise :class:`DatabaseError` unless the file can be written. SQLite opens a file it
        may not write (read-only file system, an immutable file, permissions) read-only
        without a word, and fails at the first write; this writes nothing (rolled back)."""
        async with self._write_lock:
            try:
                version = await _user_version(self._writer)
                await self._writer.execute("BEGIN IMMEDIATE")
                try:
                    await self._writer.execute_fetchall(f"PRAGMA user_version = {version}")
                finally:
                    await self._rollback()
            except sqlite3.Error as exc:
                raise DatabaseError(f"database {self.path}: cannot be written ({exc})") from None

    async def close(self) -> None:
        await self.checkpointed()
        for reader in self._all_readers:
            await reader.close()
        await self._writer.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """``BEGIN IMMEDIATE`` on the writer; commit on success, roll back on any error.

        Transactions are serialised in-process; one started inside another (same task) would
        wait for itself forever, so it raises ``RuntimeError`` instead.
        """
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("a transaction is already open in this task; pass it down")
        async with self._write_lock:
            self._owner = task
            try:
                await self._writer.execute("BEGIN IMMEDIATE")
                try:
                    yield self._writer
                except BaseException:
                    await self._rollback()
                    raise
                try:
                    await self._writer.execute("COMMIT")
                except BaseException:
                    await self._rollback()
                    raise
                self._committed()
            finally:
                self._owner = None

    def _committed(self) -> None:
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and (
            self._checkpoint is None or self._checkpoint.done()
        ):
            self._commits = 0
            self._checkpoint = asyncio.create_task(
                asyncio.to_thread(_checkpoint, self.path), name="sqlite-checkpoint"
            )

    async def checkpointed(self) -> None:
        """Wait for the background checkpoint under way, if any."""
        if self._checkpoint is not None:
            await self._checkpoint
            self._checkpoint = None

    async def _rollback(self) -> None:
        if self._writer.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self._writer.execute("ROLLBACK")

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """A read-only connection; each statement sees a consistent snapshot. Several
        statements see one snapshot when wrapped in ``BEGIN`` ... ``COMMIT`` (deferred)."""
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
            self._readers.put_nowait(conn)

    async def schema_version(self) -> int:
        async with self.read() as conn:
            return await _user_version(conn)

    async def backup(self, target: Path | str) -> BackupResult:
        """A consistent online copy with SQLite's backup API (readers and writers go on)."""
        return await backup_file(self.path, target)

    async def ping(self) -> bool:
        """True when the database answers a query."""
        try:
            async with self.read() as conn:
                await conn.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True


async def _user_version(conn: Connection) -> int:
    row = await fetch_one(conn, "PRAGMA user_version")
    return int(row[0]) if row else 0


async def _migrate(conn: Connection, version: int, target: int) -> None:
    """Apply migrations ``version+1 .. target``, each in its own transaction with its
    ``user_version`` bump, so a crash leaves the file at a whole version."""
    for number, statements in enumerate(MIGRATIONS[:target], start=1):
        if number <= version:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the write lock.
            if await _user_version(conn) >= number:
                await conn.execute("ROLLBACK")
                continue
            for statement in statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
