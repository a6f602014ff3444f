"""What a database holds beyond a known set of rows (the embedded demo's, for one), so that
the caller can tell an empty or demo-only file from one with real data.

A row is known when its code and name are both those of a known row; a report when its
posyandu is a known one and it came in on the known channel. :func:`rows_beyond_in_file`
reads a file without any chance of writing to it: no migration, no file created.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from storage.errors import DatabaseError
from storage.sql import Connection, fetch_one

__all__ = ["Beyond", "Known", "rows_beyond", "rows_beyond_in_file", "rows_beyond_on_server"]


@dataclass(frozen=True, slots=True)
class Known:
    """A set of rows a caller seeds and knows."""

    #: Area code -> name.
    areas: Mapping[str, str]
    #: Posyandu code -> name.
    posyandu: Mapping[str, str]
    #: The channel its reports come in on.
    report_channel: str


@dataclass(frozen=True, slots=True)
class Beyond:
    """Rows that are not the known ones, by table. False when there are none."""

    areas: int
    posyandu: int
    reports: int

    def __bool__(self) -> bool:
        return bool(self.areas or self.posyandu or self.reports)

    def describe(self) -> str:
        """``"2 areas, 14 reports"`` (the tables with rows beyond)."""
        parts = [
            f"{n} {noun if n == 1 else plural}"
            for n, noun, plural in (
                (self.areas, "area", "areas"),
                (self.posyandu, "posyandu", "posyandu"),
                (self.reports, "report", "reports"),
            )
            if n
        ]
        return ", ".join(parts) or "nothing"


def _pairs(known: Mapping[str, str]) -> tuple[str, list[str]]:
    """``(VALUES (?, ?), ...)`` for the (code, name) pairs and its parameters; a pair that
    matches no row when there are none (SQLite has no empty VALUES)."""
    pairs = list(known.items()) or [("", "")]
    values = ", ".join("(?, ?)" for _ in pairs)
    return f"(VALUES {values})", [v for pair in pairs for v in pair]


_AREAS = "SELECT count(*) FROM areas WHERE (code, name) NOT IN {known}"
_POSYANDU = "SELECT count(*) FROM posyandu WHERE (code, name) NOT IN {known}"
_REPORTS = (
    "SELECT count(*) FROM reports r JOIN posyandu p ON p.id = r.posyandu_id "
    "WHERE r.channel != ? OR (p.code, p.name) NOT IN {known}"
)


def _queries(known: Known) -> list[tuple[str, list[str], set[str]]]:
    """Each count of :class:`Beyond`, in order: its SQL, parameters and the tables it reads."""
    areas, area_params = _pairs(known.areas)
    posyandu, posyandu_params = _pairs(known.posyandu)
    return [
        (_AREAS.format(known=areas), area_params, {"areas"}),
        (_POSYANDU.format(known=posyandu), posyandu_params, {"posyandu"}),
        (
            _REPORTS.format(known=posyandu),
            [known.report_channel, *posyandu_params],
            {"reports", "posyandu"},
        ),
    ]


async def rows_beyond(conn: Connection, known: Known) -> Beyond:
    """The rows beyond ``known`` on an open connection (a reader, or a transaction to decide
    in) of the current schema."""
    counts = []
    for sql, params, _tables in _queries(known):
        row = await fetch_one(conn, sql, params)
        counts.append(int(row[0]) if row else 0)
    return Beyond(*counts)


def _census(conn: sqlite3.Connection, known: Known) -> Beyond:
    """The counts on a plain connection to a file of any schema version: a table it does
    not have yet holds nothing."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    tables = {str(r[0]) for r in rows}
    counts = []
    for sql, params, needed in _queries(known):
        row = conn.execute(sql, params).fetchone() if needed <= tables else None
        counts.append(int(row[0]) if row else 0)
    return Beyond(*counts)


def _read_file(path: Path, known: Known) -> Beyond:
    # Without a -wal file beside it nobody has the file open and all of it is in the main
    # file: read it as immutable, so that SQLite creates no -wal and -shm (a read-only
    # connection to a WAL file otherwise creates both, and leaves them). With one, those
    # files exist already.
    wal = path.with_name(path.name + "-wal")
    query = "?mode=ro" if wal.exists() else "?mode=ro&immutable=1"
    conn = sqlite3.connect(path.resolve().as_uri() + query, uri=True)
    try:
        return _census(conn, known)
    finally:
        conn.close()


async def rows_beyond_in_file(path: Path | str, known: Known) -> Beyond:
    """The rows beyond ``known`` in the file at ``path``, read-only: nothing is written, the
    schema is read as it is (a missing or empty file holds nothing). Raises
    :class:`DatabaseError` for a file that cannot be read as a database."""
    path = Path(path)
    try:
        if not path.exists() or path.stat().st_size == 0:
            return Beyond(0, 0, 0)
        return await asyncio.to_thread(_read_file, path, known)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"database {path}: cannot be read ({exc})") from None


async def rows_beyond_on_server(url: str, known: Known) -> Beyond:
    """The rows beyond ``known`` in the PostgreSQL database at ``url``, changing nothing: a
    database without our tables holds nothing; one of an older schema is refused (migrate
    it first), as :class:`DatabaseError`."""
    from storage.db import Database, probe_version

    if await probe_version(url) == 0:
        return Beyond(0, 0, 0)
    db = await Database.open(url, readers=1, migrate=False)
    try:
        async with db.read() as conn:
            return await rows_beyond(conn, known)
    finally:
        await db.close()
