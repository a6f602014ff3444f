"""What the aggregate modules need of a connection, on either engine, and small helpers.

One set of queries serves SQLite and PostgreSQL: they are written with ``?`` placeholders in
the SQL both engines share (``ON CONFLICT``, ``RETURNING``, ``IS DISTINCT FROM``, ``lower()``
for case-blind matches). An aiosqlite connection is a :class:`Connection` as it is; on
PostgreSQL, :class:`storage.postgres.PgConnection` rewrites the placeholders and answers the
same calls. The few statements that cannot be shared ask :func:`is_postgres`.

``fetch_one`` is one round trip to aiosqlite's worker thread:
``async with conn.execute(...) as cur: await cur.fetchone()`` costs three hops (execute,
fetch, close); under load every hop is a thread hand-off while the single writer waits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Iterator
from typing import Any, Protocol

__all__ = [
    "Connection",
    "Cursor",
    "Row",
    "TwoDialects",
    "fetch_one",
    "follow_explicit_ids",
    "is_postgres",
    "prefixed_columns",
]


class Row(Protocol):
    """A result row, read by position or by column name (``sqlite3.Row``, asyncpg's
    ``Record``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What a statement tells back: how many rows it changed."""

    @property
    def rowcount(self) -> int: ...


class Connection(Protocol):
    """A transaction (``db.transaction()``) or a reader (``db.read()``)."""

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Awaitable[Cursor]: ...

    def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> Awaitable[Iterable[Row]]: ...

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Awaitable[Cursor]: ...

    @property
    def in_transaction(self) -> bool: ...


class TwoDialects(str):
    """A schema statement written for each engine: the string itself is SQLite's, ``postgres``
    PostgreSQL's (storage.postgres_schema), e.g. the revision triggers."""

    postgres: str

    def __new__(cls, sqlite: str, postgres: str) -> TwoDialects:
        made = super().__new__(cls, sqlite)
        made.postgres = postgres
        return made


def is_postgres(conn: Connection) -> bool:
    """Whether ``conn`` is a PostgreSQL connection (for the statements written per engine)."""
    return getattr(conn, "dialect", "sqlite") == "postgresql"


async def fetch_one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> Any:
    """The first row of ``sql`` (a :class:`Row`), or None."""
    rows = await conn.execute_fetchall(sql, tuple(params))
    for row in rows:
        return row
    return None


async def follow_explicit_ids(conn: Connection) -> None:
    """After rows were inserted with explicit ids (seeding, a copy): every identity counter
    moved past its table's largest id, so that the next row without one does not collide.
    PostgreSQL only (an identity column keeps its own counter); SQLite takes max(rowid) + 1
    by itself."""
    if not is_postgres(conn):
        return
    columns = await conn.execute_fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in [(r[0], r[1]) for r in columns]:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
        )


def prefixed_columns(columns: str, table: str, prefix: str) -> str:
    """``columns`` ("id, name, ...") of ``table`` (an alias in a join), each named ``prefix`` +
    column: ``t.id AS t_id, t.name AS t_name, ...``, so that one row holds several tables'."""
    return ", ".join(f"{table}.{c.strip()} AS {prefix}{c.strip()}" for c in columns.split(","))
