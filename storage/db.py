"""The database: an SQLite file (the embedded default) or a PostgreSQL server.

``Database.open(target)`` takes a file path (SQLite: :class:`storage.sqlite.SqliteDatabase`)
or a ``postgresql://`` URL (:class:`storage.postgres.PostgresDatabase`) and applies the
numbered migrations (one history for both, forward only); a database written by a newer
version is refused untouched (:class:`SchemaTooNewError`). Both give the same two doors:
``async with db.transaction() as tx:`` for writes (committed on success, rolled back on any
error) and ``async with db.read() as conn:`` for reads; the aggregate modules take either as a
:class:`Connection` and run the same SQL on both engines (storage.sql).
"""

from __future__ import annotations

import abc
import contextlib
import re
from pathlib import Path
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

from storage.backup import BackupResult
from storage.errors import DatabaseError, SchemaTooNewError
from storage.sql import Connection

__all__ = [
    "Connection",
    "Database",
    "DatabaseError",
    "SchemaTooNewError",
    "is_database_url",
    "mask_url",
    "migrate",
    "probe_version",
    "url_problem",
    "url_secrets",
]

#: The URL schemes that name a PostgreSQL server.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(target: Path | str) -> bool:
    """Whether ``target`` names a PostgreSQL server rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def url_problem(url: str) -> str | None:
    """Why a ``postgresql://`` URL cannot name a server (its port is not a number from 1 to
    65535: asyncpg would take 99999 as 34463, and ``abc`` fails deep inside it), else None."""
    try:
        port = urlsplit(url).port
    except ValueError:
        port = 0
    if port == 0:
        return f"the port of {mask_url(url)} is not a number from 1 to 65535"
    return None


def mask_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, whether in ``user:password@`` or
    as ``?password=`` (both of which asyncpg takes): how messages name a server."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    query = _QUERY_PASSWORD.sub(r"\g<1>***", parts.query)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


#: ``password=...`` in a URL's query (up to the next ``&``).
_QUERY_PASSWORD = re.compile(r"((?:^|&)password=)[^&]*", re.IGNORECASE)


def url_secrets(url: str) -> list[str]:
    """Every form of the password a database URL carries (``user:password@`` or
    ``?password=``, as written and decoded), for the logs to mask; none for a file."""
    if not is_database_url(url):
        return []
    parts = urlsplit(url)
    found: list[str] = []
    userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    found += [m.group(0).split("=", 1)[1] for m in _QUERY_PASSWORD.finditer(parts.query)]
    found = [f for f in found if f]
    return list(dict.fromkeys([*found, *map(unquote, found), *map(unquote_plus, found)]))


class Database(abc.ABC):
    #: "sqlite" or "postgresql".
    dialect: str
    #: The file (SQLite), or the URL with its password masked (PostgreSQL): what messages name.
    path: Path | str
    #: The schema version the database had before this open migrated it.
    opened_version: int

    @classmethod
    async def open(
        cls,
        target: Path | str,
        *,
        busy_timeout_ms: int = 5000,
        readers: int = 2,
        migrate: bool = True,
        synchronous: str = "FULL",
    ) -> Database:
        """Open (creating an SQLite file and its folders if needed) and migrate the database.

        ``synchronous`` (SQLite only): ``FULL`` (the default) in WAL mode keeps every
        committed transaction across a crash of the process and a power cut; ``NORMAL`` across
        a crash of the process only. ``busy_timeout_ms`` is how long a write waits for a lock
        (SQLite) or a statement may run (PostgreSQL); ``readers`` the read connections.
        """
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError("synchronous must be NORMAL or FULL")
        if readers < 1:
            raise ValueError("at least one reader connection is needed")
        if is_database_url(target):
            from storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(
                str(target), busy_timeout_ms=busy_timeout_ms, readers=readers, migrate=migrate
            )
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(
            Path(target),
            busy_timeout_ms=busy_timeout_ms,
            readers=readers,
            migrate=migrate,
            synchronous=synchronous,
        )

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error.
        One started inside another in the same task raises ``RuntimeError``."""

    @abc.abstractmethod
    def read(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """A connection for reads; ``BEGIN`` on it starts one consistent snapshot for the
        statements that follow (rolled back when the block ends)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def schema_version(self) -> int: ...

    @abc.abstractmethod
    async def check_writable(self) -> None:
        """Raise :class:`DatabaseError` unless the database can be written (nothing is)."""

    @abc.abstractmethod
    async def backup(self, target: Path | str) -> BackupResult:
        """A consistent online copy (SQLite); PostgreSQL refuses, naming ``pg_dump``."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """True when the database answers a query."""

    def conversation_lock(
        self, channel: str, address: str
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Held while one message of ``channel:address`` is handled, so that one person's
        messages are handled one at a time by every instance on the database (PostgreSQL).
        An SQLite file has one instance: the engine's own lock is enough."""
        return contextlib.nullcontext()

    def exclusive(self, name: str) -> contextlib.AbstractAsyncContextManager[bool]:
        """Whether this instance alone is inside the block named ``name``: yields True when
        it took the lock, False when another instance on the database holds it (nothing
        waits). Held until the block ends. An SQLite file has one instance: always True.
        The reminder sweep and Telegram's long polling use it (PostgreSQL: an advisory lock)."""
        return contextlib.nullcontext(True)

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def migrate(target: Path | str, *, busy_timeout_ms: int = 5000) -> tuple[int, int]:
    """Bring the database at ``target`` to the latest schema; return (version before, now)."""
    db = await Database.open(target, busy_timeout_ms=busy_timeout_ms, readers=1)
    try:
        return db.opened_version, await db.schema_version()
    finally:
        await db.close()


async def probe_version(target: Path | str) -> int:
    """The schema version of an existing database, read without any chance of writing to it
    (0 for a missing or empty SQLite file, or a PostgreSQL database without our tables)."""
    if is_database_url(target):
        from storage.postgres import probe_version as probe_postgres

        return await probe_postgres(str(target))
    from storage.sqlite import probe_version as probe_sqlite

    return await probe_sqlite(target)
