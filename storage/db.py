"""The database: one SQLite file, WAL, one serialised writer, concurrent readers.

``Database.open(path)`` creates the file (and its folder) on first use, applies the numbered
migrations (``PRAGMA user_version``), and refuses a file written by a newer version without
touching it. Writes go through ``async with db.transaction() as tx:`` — ``BEGIN IMMEDIATE`` on
the one writer connection, serialised in-process by an asyncio lock, committed on success and
rolled back on any error — so a conversation step saves session, report and outbox rows
atomically. Reads use ``async with db.read() as conn:`` on a small pool of reader connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

from storage.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Connection", "Database", "DatabaseError", "SchemaTooNewError"]

Connection = aiosqlite.Connection


class DatabaseError(Exception):
    """A database that cannot be used, with a message for the operator."""


class SchemaTooNewError(DatabaseError):
    def __init__(self, found: int, supported: int, path: Path) -> None:
        super().__init__(
            f"database {path} has schema version {found}, newer than this program supports "
            f"({supported}); upgrade Posyandu Bot. The file was not modified."
        )
        self.found = found
        self.supported = supported


async def _connect(path: Path, busy_timeout_ms: int, synchronous: str) -> Connection:
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


class Database:
    def __init__(
        self,
        path: Path,
        writer: Connection,
        readers: list[Connection],
    ) -> None:
        self.path = path
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[Connection] = asyncio.Queue()
        self._all_readers = readers
        for reader in readers:
            self._readers.put_nowait(reader)

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        busy_timeout_ms: int = 5000,
        readers: int = 2,
        migrate: bool = True,
        synchronous: str = "NORMAL",
    ) -> Database:
        """Open (creating if needed) and migrate the database at ``path``."""
        path = Path(path)
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError("synchronous must be NORMAL or FULL")
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path, busy_timeout_ms, synchronous)
        try:
            version = await _user_version(writer)
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(version, SCHEMA_VERSION, path)
            await writer.execute("PRAGMA journal_mode = WAL")
            if migrate:
                await _migrate(writer, version)
            elif version < SCHEMA_VERSION:
                raise DatabaseError(
                    f"database {path} has schema version {version}; run 'posyandu migrate'"
                )
            pool = [await _connect(path, busy_timeout_ms, synchronous) for _ in range(readers)]
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, pool)

    async def close(self) -> None:
        for reader in self._all_readers:
            await reader.close()
        await self._writer.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """``BEGIN IMMEDIATE`` on the writer; commit on success, roll back on any error."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """A reader connection (a consistent snapshot for the duration of each statement)."""
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)

    async def schema_version(self) -> int:
        async with self.read() as conn:
            return await _user_version(conn)

    async def backup(self, target: Path | str) -> None:
        """A consistent online copy with SQLite's backup API (readers and writers go on)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.unlink(missing_ok=True)
        dest = await aiosqlite.connect(tmp)
        try:
            async with self.read() as conn:
                await conn.backup(dest)
        finally:
            await dest.close()
        tmp.replace(target)

    async def ping(self) -> bool:
        """True when the database answers a query."""
        try:
            async with self.read() as conn:
                await conn.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True


async def _user_version(conn: Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _migrate(conn: Connection, version: int) -> None:
    for number, statements in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
