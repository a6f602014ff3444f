"""The PostgreSQL engine (asyncpg): a pool of connections, the same SQL as SQLite.

``Database.open("postgresql://...")`` (storage.db) connects, takes the migration lock
(``pg_advisory_xact_lock``: several instances starting at once migrate once) and applies the
migrations in PostgreSQL's words (storage.postgres_schema), each in its own transaction with
its version in ``schema_version``; a database from a newer version is refused untouched.

:class:`PgConnection` answers the calls the aggregate modules make of an aiosqlite connection
(storage.sql.Connection): ``?`` placeholders become ``$1, $2, ...`` (outside quoted text),
``execute`` tells how many rows changed, rows are asyncpg records (by position or name).
Writes are serialised as on SQLite, so every rule the storage layer keeps there holds here:
one write transaction at a time in the process (an asyncio lock over the one writer
connection) and across every instance on the database (``pg_advisory_xact_lock`` taken with
the ``BEGIN``, waiting at most the busy timeout). Reads run side by side on a pool of
read-only connections; a reader's ``BEGIN`` is one repeatable-read snapshot. The URL's
password appears in no message: :func:`mask_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from storage.backup import BackupResult
from storage.db import Database, mask_url
from storage.errors import DatabaseError, SchemaTooNewError
from storage.migrations import SCHEMA_VERSION
from storage.postgres_schema import VERSION_TABLE, postgres_migrations
from storage.sql import Connection, Row

__all__ = ["PgConnection", "PostgresDatabase", "mask_url", "placeholders", "probe_version"]

#: The key of the advisory lock migrations hold (any number, the same in every instance).
MIGRATION_LOCK = 0x706F7379616E6475  # "posyandu"
#: A reader's BEGIN: every statement until the block ends sees the same snapshot.
SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
#: Connections for the conversation locks (people answered at once by one instance).
LOCK_CONNECTIONS = 16
#: The key of the advisory lock every write transaction holds.
WRITE_LOCK = 0x706F7379616E6477
CONNECT_TIMEOUT_S = 10.0
#: The first key of the conversation locks (two-int advisory keys: apart from the one-key
#: locks above); the second is a hash of channel and address.
CONVERSATION_LOCKS = 0x706F7379
#: The first key of the named locks of :meth:`PostgresDatabase.exclusive` (the second is a
#: hash of the name): apart from the conversation locks.
EXCLUSIVE_LOCKS = 0x706F7378


class _OneLine(logging.Filter):
    """asyncpg's pool logs a traceback each time it fails to restore its connections (every
    1 to 60 s while the server is away): one line instead, naming the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = None
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("asyncpg.pool").addFilter(_OneLine())


def _hide(text: str, url: str) -> str:
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|\?", re.S)


@functools.lru_cache(maxsize=2048)
def placeholders(sql: str) -> str:
    """``?`` placeholders as asyncpg's ``$1, $2, ...`` (a ``?`` inside quotes stays)."""
    number = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal number
        if match.group(0) != "?":
            return match.group(0)
        number += 1
        return f"${number}"

    return _QUOTED_OR_MARK.sub(swap, sql)


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag (``UPDATE 3``, ``INSERT 0 1``); -1 when it has none."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


@dataclass(frozen=True, slots=True)
class PgCursor:
    rowcount: int


class PgConnection:
    """One pooled asyncpg connection, answering as storage.sql.Connection."""

    dialect = "postgresql"

    def __init__(self, raw: asyncpg.Connection, *, reader: bool = False) -> None:
        self.raw = raw
        self._reader = reader

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.is_in_transaction())

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> PgCursor:
        args = tuple(parameters or ())
        if self._reader and sql.strip().upper() == "BEGIN":
            sql = SNAPSHOT
        status = await self.raw.execute(placeholders(sql), *args)
        return PgCursor(_rowcount(str(status)))

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> Sequence[Row]:
        rows: Sequence[Row] = await self.raw.fetch(placeholders(sql), *tuple(parameters or ()))
        return rows

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> PgCursor:
        await self.raw.executemany(placeholders(sql), [tuple(p) for p in parameters])
        return PgCursor(-1)


async def _keep(_conn: asyncpg.Connection) -> None:
    """Released connections are not reset (asyncpg's reset is a round trip per release):
    every transaction and snapshot is ended before its connection goes back."""


async def _pool(url: str, size: int, lock_timeout_ms: int, *, read_only: bool) -> asyncpg.Pool:
    settings = {"lock_timeout": str(lock_timeout_ms)}
    if read_only:
        settings["default_transaction_read_only"] = "on"
    try:
        return await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=size,
            reset=_keep,
            timeout=CONNECT_TIMEOUT_S,
            server_settings=settings,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        why = _hide(str(exc) or type(exc).__name__, url)
        raise DatabaseError(f"database {mask_url(url)}: cannot connect ({why})") from None


async def _version(conn: asyncpg.Connection) -> int:
    if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
        return 0
    found = await conn.fetchval("SELECT version FROM schema_version")
    return int(found or 0)


async def _migrate(conn: asyncpg.Connection, target: int, name: str) -> None:
    """Migrations up to ``target``, each in a transaction holding the migration lock."""
    for number, statements in enumerate(postgres_migrations()[:target], start=1):
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(VERSION_TABLE)
            version = await _version(conn)
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(version, SCHEMA_VERSION, name)
            if version >= number:
                continue
            for statement in statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_version (one, version) VALUES (1, $1) "
                "ON CONFLICT (one) DO UPDATE SET version = excluded.version",
                number,
            )


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(
        self,
        url: str,
        writer: asyncpg.Pool,
        readers: asyncpg.Pool,
        opened_version: int,
        locks: asyncpg.Pool,
    ) -> None:
        self.path = mask_url(url)
        self.opened_version = opened_version
        self._writer = writer
        self._pool = readers
        self._locks = locks
        self._write_lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None

    @classmethod
    async def connect(
        cls, url: str, *, busy_timeout_ms: int, readers: int, migrate: bool
    ) -> PostgresDatabase:
        writer = await _pool(url, 1, busy_timeout_ms, read_only=False)
        opened: list[asyncpg.Pool] = [writer]
        try:
            version = await _open(writer, mask_url(url), migrate)
            opened.append(await _pool(url, readers, busy_timeout_ms, read_only=True))
            # The conversation locks: one connection per person being answered at once.
            opened.append(await _pool(url, LOCK_CONNECTIONS, busy_timeout_ms, read_only=True))
        except BaseException:
            for pool in opened:
                await pool.close()
            raise
        return cls(url, writer, opened[1], version, opened[2])

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("a transaction is already open in this task; pass it down")
        async with self._write_lock, self._writer.acquire() as raw:
            self._owner = task
            try:
                try:
                    # One round trip: the transaction and the write lock of every instance.
                    await raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                    yield PgConnection(raw)
                except BaseException:
                    await _rollback(raw)
                    raise
                try:
                    await raw.execute("COMMIT")
                except BaseException:
                    await _rollback(raw)
                    raise
            finally:
                self._owner = None

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with self._pool.acquire() as raw:
            try:
                yield PgConnection(raw, reader=True)
            finally:
                if raw.is_in_transaction():
                    with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError):
                        await raw.execute("ROLLBACK")

    @contextlib.asynccontextmanager
    async def conversation_lock(self, channel: str, address: str) -> AsyncIterator[None]:
        """A transaction-scoped advisory lock keyed by channel and address, on a connection
        of its own, held until the block ends (waiting at most the busy timeout)."""
        async with self._locks.acquire() as raw:
            try:
                await raw.execute("BEGIN")
                await raw.execute(
                    "SELECT pg_advisory_xact_lock($1::int4, hashtext($2))",
                    CONVERSATION_LOCKS,
                    f"{channel}:{address}",
                )
                yield
            finally:
                await _rollback(raw)

    @contextlib.asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        """A transaction-scoped advisory lock named ``name``, tried without waiting on a
        connection of its own: True when this instance took it (held until the block ends),
        False when another instance holds it. A connection lost ends the hold (the server
        releases the lock), so a dead instance never keeps it."""
        async with self._locks.acquire() as raw:
            try:
                await raw.execute("BEGIN")
                mine = await raw.fetchval(
                    "SELECT pg_try_advisory_xact_lock($1::int4, hashtext($2))",
                    EXCLUSIVE_LOCKS,
                    name,
                )
                yield bool(mine)
            finally:
                await _rollback(raw)

    async def close(self) -> None:
        await self._locks.close()
        await self._pool.close()
        await self._writer.close()

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            return await _version(conn)

    async def check_writable(self) -> None:
        """A write rolled back: refused on a read-only server (a standby) or role."""
        try:
            async with self._writer.acquire() as conn, conn.transaction():
                await conn.execute("LOCK TABLE schema_version IN ROW EXCLUSIVE MODE")
                raise _RolledBack
        except _RolledBack:
            return
        except asyncpg.PostgresError as exc:
            raise DatabaseError(f"database {self.path}: cannot be written ({exc})") from None

    async def backup(self, target: Path | str) -> BackupResult:
        raise DatabaseError(
            f"database {self.path} is a PostgreSQL server: back it up with pg_dump "
            "(e.g. pg_dump --format=custom --file=posyandu.dump DBNAME), or the server's own "
            "backups; posyandu backup copies SQLite files only"
        )

    async def ping(self) -> bool:
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT_S) as conn:
                await conn.fetchval("SELECT 1")
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True


async def _open(writer: asyncpg.Pool, name: str, migrate: bool) -> int:
    """The schema version found, after migrating (or refusing) the database."""
    try:
        async with writer.acquire() as conn:
            version = await _version(conn)
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(version, SCHEMA_VERSION, name)
            if not migrate and version < SCHEMA_VERSION:
                raise DatabaseError(
                    f"database {name} has schema version {version}, this program needs "
                    f"{SCHEMA_VERSION}; run 'posyandu migrate'"
                )
            if version < SCHEMA_VERSION:
                await _migrate(conn, SCHEMA_VERSION, name)
    except asyncpg.PostgresError as exc:
        raise DatabaseError(f"database {name}: cannot be used ({exc})") from None
    return version


async def _rollback(raw: asyncpg.Connection) -> None:
    # A connection the server ended (a restart, pg_terminate_backend) may not know it yet
    # (its ROLLBACK fails), or the pool may have taken it back already (asking it anything
    # fails): either way the pool drops it, and the server ended its transaction.
    gone = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)
    with contextlib.suppress(*gone, OSError):
        if not raw.is_closed() and raw.is_in_transaction():
            await raw.execute("ROLLBACK")


class _RolledBack(Exception):
    """Raised to end check_writable's transaction without a commit."""


async def probe_version(url: str) -> int:
    """The schema version of the database at ``url`` (0 without our tables), changing
    nothing."""
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        why = _hide(str(exc) or type(exc).__name__, url)
        raise DatabaseError(f"database {mask_url(url)}: cannot connect ({why})") from None
    try:
        return await _version(conn)
    finally:
        await conn.close()
