"""``posyandu migrate --copy-to``: an SQLite deployment copied to an empty PostgreSQL database.

Every table is read from one snapshot of the source (a read transaction: the source is never
written, and a service still running on it goes on) and written in one transaction on the
target: nothing of the copy is visible there, or kept, unless every table arrived whole.
Tables go parents first (their foreign keys), an area after its parent; ids are copied as
they are and the identity counters moved past them (storage.sql.follow_explicit_ids). The
target's own triggers are off while the rows go in (the revision rows are copied, not made
again). Before the commit, each table is counted and digested at both ends (every row in
primary-key order, the same order on both engines) and any difference rolls the copy back.

A target that holds any row, or a database of another schema version, is refused untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import Database
from storage.errors import DatabaseError
from storage.sql import Connection, Row, fetch_one, follow_explicit_ids

__all__ = ["CopyRefused", "Table", "TableCopy", "copy_database", "table_digest"]

#: Rows sent to the server per statement batch.
BATCH = 2000


class CopyRefused(DatabaseError):
    """The copy was not made: the target holds data, or the source is not an SQLite file."""


@dataclass(frozen=True, slots=True)
class Table:
    """A table as the source declares it: its columns, primary key, and the column (if any)
    that refers to the table itself (an area's parent)."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: tuple[str, ...]
    self_ref: str | None

    def select(self) -> str:
        return ", ".join(f'"{c}"' for c in self.columns)

    def order(self) -> str:
        return ", ".join(f'"{c}"' for c in (self.key or self.columns))


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    #: sha256 of every row, in primary-key order (the same at both ends).
    digest: str


async def _table(conn: Connection, name: str) -> Table:
    info = list(await conn.execute_fetchall(f'PRAGMA table_info("{name}")'))
    keys = sorted((r[5], r[1]) for r in info if r[5])
    refs = list(await conn.execute_fetchall(f'PRAGMA foreign_key_list("{name}")'))
    own = [r[3] for r in refs if r[2] == name]
    if len(own) > 1:
        raise CopyRefused(f"table {name}: more than one column refers to the table itself")
    return Table(
        name=name,
        columns=tuple(r[1] for r in info),
        key=tuple(column for _, column in keys),
        parents=tuple(sorted({r[2] for r in refs if r[2] != name})),
        self_ref=own[0] if own else None,
    )


async def source_tables(conn: Connection) -> list[Table]:
    """The source's tables, each after the tables it refers to."""
    names = [
        r[0]
        for r in await conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    pending = {name: await _table(conn, name) for name in names}
    ordered: list[Table] = []
    while pending:
        ready = [t for t in pending.values() if not set(t.parents) & set(pending)]
        if not ready:
            raise CopyRefused(f"tables {', '.join(pending)} refer to each other in a cycle")
        for table in ready:
            ordered.append(pending.pop(table.name))
    return ordered


def _canonical(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


async def table_digest(conn: Connection, table: Table) -> TableCopy:
    """The table's row count and digest, its rows read in primary-key order."""
    rows = await conn.execute_fetchall(
        f'SELECT {table.select()} FROM "{table.name}" ORDER BY {table.order()}'
    )
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        line = json.dumps([_canonical(v) for v in row], ensure_ascii=False)
        digest.update(line.encode("utf-8") + b"\n")
        count += 1
    return TableCopy(table.name, count, digest.hexdigest())


def _parents_first(rows: Sequence[Row], table: Table) -> list[Row]:
    """Rows of a table that refers to itself, each after the row it refers to."""
    assert table.self_ref is not None and table.key
    key, ref = table.columns.index(table.key[0]), table.columns.index(table.self_ref)
    by_key = {row[key]: row for row in rows}
    placed: set[Any] = set()
    ordered: list[Row] = []
    for row in rows:
        chain: list[Row] = []
        current: Row | None = row
        while current is not None and current[key] not in placed:
            placed.add(current[key])
            chain.append(current)
            current = by_key.get(current[ref])
        ordered.extend(reversed(chain))
    return ordered


def _batches(rows: Iterable[Row], size: int) -> Iterable[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def _copy_table(source: Connection, target: Connection, table: Table, text: set[str]) -> None:
    rows: Sequence[Row] = list(
        await source.execute_fetchall(f'SELECT {table.select()} FROM "{table.name}" ORDER BY rowid')
    )
    if table.self_ref is not None:
        rows = _parents_first(rows, table)
    marks = ", ".join("?" * len(table.columns))
    insert = f'INSERT INTO "{table.name}" ({table.select()}) VALUES ({marks})'
    as_text = [c in text for c in table.columns]
    for batch in _batches(rows, BATCH):
        await target.executemany(
            insert,
            [
                tuple(
                    str(v) if t and v is not None and not isinstance(v, str) else v
                    for v, t in zip(row, as_text, strict=True)
                )
                for row in batch
            ],
        )


async def _target_columns(target: Connection) -> dict[str, dict[str, str]]:
    """Each target table's columns and their types."""
    rows = await target.execute_fetchall(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    )
    found: dict[str, dict[str, str]] = {}
    for table, column, kind in [(r[0], r[1], r[2]) for r in rows]:
        found.setdefault(table, {})[column] = kind
    return found


async def _check_target(target: Connection, tables: list[Table], name: str) -> set[str]:
    """The target's text columns (``table.column``); :class:`CopyRefused` unless it has
    every table with the source's columns, each empty."""
    columns = await _target_columns(target)
    text: set[str] = set()
    full: list[str] = []
    for table in tables:
        have = columns.get(table.name, {})
        if set(have) != set(table.columns):
            raise CopyRefused(f"database {name}: table {table.name} differs from the source's")
        text |= {f"{table.name}.{c}" for c, kind in have.items() if kind == "text"}
        if await fetch_one(target, f'SELECT 1 FROM "{table.name}" LIMIT 1') is not None:
            full.append(table.name)
    if full:
        raise CopyRefused(
            f"database {name} is not empty (rows in {', '.join(full)}): "
            "--copy-to copies into an empty database only"
        )
    return text


async def copy_database(source: Database, target: Database) -> list[TableCopy]:
    """Copy every table of ``source`` (SQLite) into ``target`` (PostgreSQL, empty, at the same
    schema version); return each table's count and digest, equal at both ends."""
    if source.dialect != "sqlite" or target.dialect != "postgresql":
        raise CopyRefused("--copy-to copies an SQLite database into a PostgreSQL one")
    if await source.schema_version() != await target.schema_version():
        raise CopyRefused(f"database {target.path} is at another schema version than the source")
    async with source.read() as src:
        await src.execute("BEGIN")  # one snapshot for every table
        tables = await source_tables(src)
        async with target.transaction() as tx:
            text = await _check_target(tx, tables, str(target.path))
            for table in tables:
                await tx.execute(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
                names = {c for c in table.columns if f"{table.name}.{c}" in text}
                await _copy_table(src, tx, table, names)
                await tx.execute(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')
            await follow_explicit_ids(tx)
            return await _compare(src, tx, tables, str(target.path))


async def _compare(
    source: Connection, target: Connection, tables: list[Table], name: str
) -> list[TableCopy]:
    """Each table's count and digest at both ends; :class:`DatabaseError` (the copy rolled
    back) at the first difference."""
    copied: list[TableCopy] = []
    for table in tables:
        want, got = await table_digest(source, table), await table_digest(target, table)
        if want != got:
            raise DatabaseError(
                f"database {name}: table {table.name} arrived different ({got.rows} rows, "
                f"{want.rows} at the source; digests {got.digest[:12]}, {want.digest[:12]}): "
                "nothing was copied"
            )
        copied.append(want)
    return copied
