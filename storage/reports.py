"""Monthly reports: one current row per (posyandu, period), and a revision row for every
change (who, when, through which channel, old and new values). No update without history."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring import MonthReport, Period
from storage._times import from_db, to_db
from storage.areas import Area, subtree_bounds
from storage.db import Connection
from storage.report_columns import COLUMNS, from_row, from_values, to_row
from storage.sql import Row, fetch_one

__all__ = [
    "Revision",
    "SavedReport",
    "StoredReport",
    "any_report_under",
    "get_report",
    "import_channel",
    "import_source",
    "latest_report",
    "latest_revision",
    "list_reports",
    "list_stored_reports",
    "posyandu_revised_since",
    "ratio_sums",
    "reported_ids",
    "reports_at",
    "reports_for_posyandu_ids",
    "revisions",
    "save_report",
    "stored_reports_for_posyandu_ids",
]

#: Below SQLite's limit on bound parameters per statement.
_CHUNK = 900
_SELECT = (
    "SELECT id, posyandu_id, period, revision, submitted_by, submitted_at, channel, "
    + ", ".join(COLUMNS)
    + " FROM reports"
)
_SELECT_MONTH = "SELECT posyandu_id, period, " + ", ".join(COLUMNS) + " FROM reports"
#: Insert at revision 1, or move to the next revision when any value differs; RETURNING
#: gives (id, revision), and no row when the values were already these.
_UPSERT = (
    "INSERT INTO reports (posyandu_id, period, "
    + ", ".join(COLUMNS)
    + ", revision, submitted_by, submitted_at, channel) VALUES (?, ?, "
    + ", ".join("?" * len(COLUMNS))
    + ", 1, ?, ?, ?) ON CONFLICT (posyandu_id, period) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS)
    + ", revision = reports.revision + 1, submitted_by = excluded.submitted_by, "
    "submitted_at = excluded.submitted_at, channel = excluded.channel WHERE "
    + " OR ".join(f"reports.{c} IS DISTINCT FROM excluded.{c}" for c in COLUMNS)
    + " RETURNING id, revision"
)


#: A month imported from a file is saved through this "channel", followed by the operator and
#: the file's name (``import:budi:register-2025.csv``): its revision row records both.
IMPORT_CHANNEL = "import"


def import_channel(operator: str, file_name: str) -> str:
    """The channel an import saves its months through, naming who imported which file."""
    return f"{IMPORT_CHANNEL}:{operator.replace(':', '_')}:{file_name}"


def import_source(channel: str) -> tuple[str, str] | None:
    """(operator, file name) of a month saved by an import, else None."""
    kind, _, rest = channel.partition(":")
    if kind != IMPORT_CHANNEL or not rest:
        return None
    operator, _, file_name = rest.partition(":")
    return operator, file_name


@dataclass(frozen=True, slots=True)
class StoredReport:
    id: int
    posyandu_id: int
    report: MonthReport
    revision: int
    submitted_by: int | None
    submitted_at: datetime
    channel: str


@dataclass(frozen=True, slots=True)
class SavedReport:
    id: int
    revision: int
    #: True when this created the month's report.
    created: bool
    #: False when the values were already exactly these (no new revision written).
    changed: bool
    #: The report as it was before, if there was one.
    previous: StoredReport | None

    @property
    def existed(self) -> bool:
        """True when the month already had a report before this save."""
        return not self.created


@dataclass(frozen=True, slots=True)
class Revision:
    report_id: int
    revision: int
    changed_by: int | None
    changed_at: datetime
    channel: str
    old: dict[str, Any] | None
    new: dict[str, Any]


def _month(row: Row) -> MonthReport:
    return from_row(Period.parse(row["period"]), row)


#: Where the value columns start in a row of :data:`_SELECT` and of :data:`_SELECT_MONTH`.
_VALUES_AT = 7
_MONTH_VALUES_AT = 2


class _Periods(dict[str, Period]):
    """The periods of many rows, each text parsed once (an area's year has 12 of them)."""

    def __missing__(self, text: str) -> Period:
        period = self[text] = Period.parse(text)
        return period


def _stored_many(rows: Iterable[Row], periods: _Periods) -> list[StoredReport]:
    """:func:`_stored` of many rows of :data:`_SELECT`, decoded by position (the same values)."""
    out = []
    for row in rows:
        values = tuple(row)
        out.append(
            StoredReport(
                id=values[0],
                posyandu_id=values[1],
                report=from_values(periods[values[2]], values[_VALUES_AT:]),
                revision=values[3],
                submitted_by=values[4],
                submitted_at=from_db(values[5]),
                channel=values[6],
            )
        )
    return out


def _stored(row: Row) -> StoredReport:
    return StoredReport(
        id=row["id"],
        posyandu_id=row["posyandu_id"],
        report=_month(row),
        revision=row["revision"],
        submitted_by=row["submitted_by"],
        submitted_at=from_db(row["submitted_at"]),
        channel=row["channel"],
    )


async def get_report(conn: Connection, posyandu_id: int, period: Period) -> StoredReport | None:
    rows = await conn.execute_fetchall(
        _SELECT + " WHERE posyandu_id = ? AND period = ?", (posyandu_id, str(period))
    )
    for row in rows:
        return _stored(row)
    return None


async def latest_report(
    conn: Connection, posyandu_id: int, through: Period | None = None
) -> StoredReport | None:
    """The posyandu's most recent report, at or before ``through`` when given."""
    sql = _SELECT + " WHERE posyandu_id = ?"
    args: list[object] = [posyandu_id]
    if through is not None:
        sql += " AND period <= ?"
        args.append(str(through))
    for row in await conn.execute_fetchall(sql + " ORDER BY period DESC LIMIT 1", args):
        return _stored(row)
    return None


async def save_report(
    tx: Connection,
    posyandu_id: int,
    report: MonthReport,
    *,
    by: int | None,
    at: datetime,
    channel: str,
) -> SavedReport:
    """Insert or update the month's report in the caller's transaction.

    One upsert: a new month is inserted at revision 1, a changed one moves to its next
    revision, identical values write nothing (``changed`` is False). The revision row (who,
    when, channel, old and new values) is written by the schema's triggers, so no path can
    change a report without its history.
    """
    if not channel:
        raise ValueError("a report is saved through a channel")
    rows = list(
        await tx.execute_fetchall(
            _UPSERT, (posyandu_id, str(report.period), *to_row(report), by, to_db(at), channel)
        )
    )
    if not rows:  # the same values as stored
        current = await get_report(tx, posyandu_id, report.period)
        if current is None:
            raise RuntimeError("report vanished inside its transaction")
        return SavedReport(current.id, current.revision, False, False, current)
    report_id, revision = int(rows[0][0]), int(rows[0][1])
    if revision == 1:
        return SavedReport(report_id, 1, True, True, None)
    return SavedReport(report_id, revision, False, True, await _before(tx, report_id, revision))


async def _before(tx: Connection, report_id: int, revision: int) -> StoredReport | None:
    """The report as it was before ``revision``, from its history."""
    rows = list(
        await tx.execute_fetchall(
            "SELECT r.posyandu_id, r.period, h.changed_by, h.changed_at, h.channel, h.revision, "
            "n.old FROM report_revisions n JOIN reports r ON r.id = n.report_id "
            "LEFT JOIN report_revisions h ON h.report_id = n.report_id AND h.revision = ? "
            "WHERE n.report_id = ? AND n.revision = ?",
            (revision - 1, report_id, revision),
        )
    )
    if not rows or rows[0]["old"] is None or rows[0]["changed_at"] is None:
        return None
    row = rows[0]
    values: dict[str, Any] = json.loads(row["old"])
    return StoredReport(
        id=report_id,
        posyandu_id=row["posyandu_id"],
        report=MonthReport(Period.parse(row["period"])).with_values(**values),
        revision=revision - 1,
        submitted_by=row["changed_by"],
        submitted_at=from_db(row["changed_at"]),
        channel=row["channel"],
    )


async def list_reports(
    conn: Connection, posyandu_id: int, first: Period, last: Period
) -> list[MonthReport]:
    """The posyandu's reports from ``first`` to ``last`` inclusive, oldest first."""
    return [s.report for s in await list_stored_reports(conn, posyandu_id, first, last)]


async def list_stored_reports(
    conn: Connection, posyandu_id: int, first: Period, last: Period
) -> list[StoredReport]:
    """As :func:`list_reports`, with who submitted each and when."""
    rows = await conn.execute_fetchall(
        _SELECT + " WHERE posyandu_id = ? AND period BETWEEN ? AND ? ORDER BY period",
        (posyandu_id, str(first), str(last)),
    )
    return [_stored(r) for r in rows]


async def reports_for_posyandu_ids(
    conn: Connection, posyandu_ids: Iterable[int], first: Period, last: Period
) -> dict[int, list[MonthReport]]:
    """Reports of many posyandu at once (roll-ups): every id maps to its reports from
    ``first`` to ``last``, oldest first (an empty list when it has none)."""
    ids = list(posyandu_ids)
    out: dict[int, list[MonthReport]] = {i: [] for i in ids}
    periods = _Periods()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            _SELECT_MONTH + f" WHERE posyandu_id IN ({marks}) AND period BETWEEN ? AND ? "
            "ORDER BY posyandu_id, period",
            (*chunk, str(first), str(last)),
        )
        for row in rows:
            values = tuple(row)
            month = from_values(periods[values[1]], values[_MONTH_VALUES_AT:])
            out[values[0]].append(month)
    return out


async def latest_revision(conn: Connection) -> int:
    """The id of the latest report revision (0: none yet). Every save of a report writes one
    (the revision triggers; revisions are never changed or deleted), so while it is the same,
    the reports read before it are what the table holds.

    Ids commit in order on both engines, because every write transaction holds the one write
    lock (SQLite's own; on PostgreSQL the advisory lock ``storage.postgres.WRITE_LOCK``, taken
    before anything is written): a revision committed later never has a smaller id, so "saved
    since" is "id larger than"."""
    row = await fetch_one(conn, "SELECT max(id) FROM report_revisions")
    return int(row[0] or 0) if row is not None else 0


async def posyandu_revised_since(conn: Connection, revision: int, at_most: int) -> set[int] | None:
    """The posyandu with a report saved after revision id ``revision``; None when there are
    more than ``at_most`` (then reading everything again is as quick)."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT r.posyandu_id FROM report_revisions v "
        "JOIN reports r ON r.id = v.report_id WHERE v.id > ? LIMIT ?",
        (revision, at_most + 1),
    )
    found = {int(row[0]) for row in rows}
    return found if len(found) <= at_most else None


async def revisions(conn: Connection, report_id: int) -> list[Revision]:
    """The report's history, first revision first."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM report_revisions WHERE report_id = ? ORDER BY revision", (report_id,)
    )
    return [
        Revision(
            r["report_id"],
            r["revision"],
            r["changed_by"],
            from_db(r["changed_at"]),
            r["channel"],
            None if r["old"] is None else _every_field(json.loads(r["old"])),
            _every_field(json.loads(r["new"])),
        )
        for r in rows
    ]


def _every_field(values: dict[str, Any]) -> dict[str, Any]:
    """A revision's values with every field of the registry: a row recorded before a field's
    column existed (schema 4 added the service fields) holds it as unknown (None)."""
    return {**dict.fromkeys(COLUMNS), **values}


async def reported_ids(conn: Connection, posyandu_ids: Iterable[int], period: Period) -> set[int]:
    """Which of these posyandu have a report (opened or not) for ``period``."""
    ids = list(posyandu_ids)
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT posyandu_id FROM reports WHERE period = ? AND posyandu_id IN ({marks})",
            (str(period), *chunk),
        )
        found.update(r[0] for r in rows)
    return found


async def reports_at(
    conn: Connection, keys: Iterable[tuple[int, Period]]
) -> dict[tuple[int, Period], MonthReport]:
    """The stored reports of these (posyandu id, month) pairs, those that exist: one query per
    few hundred pairs (an import's chunk of rows), whatever months and posyandu they mix."""
    wanted = list(dict.fromkeys(keys))
    out: dict[tuple[int, Period], MonthReport] = {}
    periods = _Periods()
    for start in range(0, len(wanted), _CHUNK // 2):
        chunk = wanted[start : start + _CHUNK // 2]
        where = " OR ".join(["(posyandu_id = ? AND period = ?)"] * len(chunk))
        args = [value for pid, period in chunk for value in (pid, str(period))]
        rows = await conn.execute_fetchall(_SELECT + f" WHERE {where}", args)
        for found in _stored_many(rows, periods):
            out[found.posyandu_id, found.report.period] = found.report
    return out


async def stored_reports_for_posyandu_ids(
    conn: Connection, posyandu_ids: Iterable[int], first: Period, last: Period
) -> dict[int, list[StoredReport]]:
    """As :func:`reports_for_posyandu_ids`, with who submitted each report and when."""
    ids = list(posyandu_ids)
    out: dict[int, list[StoredReport]] = {i: [] for i in ids}
    periods = _Periods()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            _SELECT + f" WHERE posyandu_id IN ({marks}) AND period BETWEEN ? AND ? "
            "ORDER BY posyandu_id, period",
            (*chunk, str(first), str(last)),
        )
        for stored in _stored_many(rows, periods):
            out[stored.posyandu_id].append(stored)
    return out


async def any_report_under(conn: Connection, area: Area, first: Period, last: Period) -> bool:
    """Whether any active posyandu under ``area`` has a report in ``first..last``."""
    low, high = subtree_bounds(area.path)
    row = await fetch_one(
        conn,
        "SELECT 1 FROM reports r JOIN posyandu p ON p.id = r.posyandu_id "
        "WHERE p.area_path >= ? AND p.area_path < ? AND p.active = 1 "
        "AND r.period BETWEEN ? AND ? LIMIT 1",
        (low, high, str(first), str(last)),
    )
    return row is not None


async def ratio_sums(
    conn: Connection,
    posyandu_ids: Iterable[int],
    ratios: Mapping[str, tuple[str, str]],
    first: Period,
    last: Period,
) -> dict[Period, dict[str, tuple[int, int]]]:
    """For each month from ``first`` to ``last`` with an opened report of these posyandu, and
    each ratio of ``ratios`` (name -> its numerator and denominator columns): the sums of its
    numerator and of its denominator over the opened reports that know both (what
    ``scoring.totals`` sums, summed by the database: an area's year is not decoded)."""
    ids = list(posyandu_ids)
    names = list(ratios)
    sums = []
    for name in names:
        top, bottom = ratios[name]
        if top not in COLUMNS or bottom not in COLUMNS:
            raise ValueError(f"ratio {name}: {top}/{bottom} are not report columns")
        both = f"{top} IS NOT NULL AND {bottom} IS NOT NULL"
        sums.append(f"SUM(CASE WHEN {both} THEN {top} ELSE 0 END)")
        sums.append(f"SUM(CASE WHEN {both} THEN {bottom} ELSE 0 END)")
    out: dict[Period, dict[str, tuple[int, int]]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT period, {', '.join(sums)} FROM reports WHERE buka = 1 "
            f"AND posyandu_id IN ({marks}) AND period BETWEEN ? AND ? GROUP BY period",
            (*chunk, str(first), str(last)),
        )
        for row in rows:
            month = out.setdefault(Period.parse(row[0]), dict.fromkeys(names, (0, 0)))
            for i, name in enumerate(names):
                top_sum, bottom_sum = month[name]
                month[name] = (top_sum + int(row[1 + 2 * i]), bottom_sum + int(row[2 + 2 * i]))
    return out
