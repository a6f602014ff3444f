"""Monthly reports: one current row per (posyandu, period), and a revision row for every
change (who, when, through which channel, old and new values). No update without history."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any

from scoring import COUNT_FIELDS, MonthReport, Period
from storage._times import from_db, to_db
from storage.db import Connection

__all__ = [
    "Revision",
    "SavedReport",
    "StoredReport",
    "get_report",
    "list_reports",
    "reported_ids",
    "reports_for_posyandu_ids",
    "revisions",
    "save_report",
]

_VALUE_COLUMNS: tuple[str, ...] = ("buka", *COUNT_FIELDS, "program_tambahan")
_SELECT = (
    "SELECT id, posyandu_id, period, revision, submitted_by, submitted_at, channel, "
    + ", ".join(_VALUE_COLUMNS)
    + " FROM reports"
)


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


@dataclass(frozen=True, slots=True)
class Revision:
    report_id: int
    revision: int
    changed_by: int | None
    changed_at: datetime
    channel: str
    old: dict[str, Any] | None
    new: dict[str, Any]


def _values(report: MonthReport) -> list[object]:
    programme = report.program_tambahan
    return [
        int(report.buka),
        *(report.count(f) for f in COUNT_FIELDS),
        None if programme is None else json.dumps(list(programme), ensure_ascii=False),
    ]


def _month(row: Row) -> MonthReport:
    programme = row["program_tambahan"]
    return MonthReport(
        period=Period.parse(row["period"]),
        buka=bool(row["buka"]),
        program_tambahan=None if programme is None else tuple(json.loads(programme)),
    ).with_values(**{f: row[f] for f in COUNT_FIELDS})


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
    async with conn.execute(
        _SELECT + " WHERE posyandu_id = ? AND period = ?", (posyandu_id, str(period))
    ) as cur:
        row = await cur.fetchone()
    return _stored(row) if row else None


async def save_report(
    tx: Connection,
    posyandu_id: int,
    report: MonthReport,
    *,
    by: int | None,
    at: datetime,
    channel: str,
) -> SavedReport:
    """Insert or update the month's report and write its revision, in the caller's transaction."""
    previous = await get_report(tx, posyandu_id, report.period)
    new_values = report.values()
    if previous is not None and previous.report == report:
        return SavedReport(previous.id, previous.revision, False, False, previous)
    values = _values(report)
    if previous is None:
        revision = 1
        cur = await tx.execute(
            "INSERT INTO reports (posyandu_id, period, "
            + ", ".join(_VALUE_COLUMNS)
            + ", revision, submitted_by, submitted_at, channel) VALUES (?, ?, "
            + ", ".join("?" * len(_VALUE_COLUMNS))
            + ", ?, ?, ?, ?)",
            (posyandu_id, str(report.period), *values, revision, by, to_db(at), channel),
        )
        report_id = int(cur.lastrowid or 0)
        old = None
    else:
        report_id = previous.id
        revision = previous.revision + 1
        await tx.execute(
            "UPDATE reports SET "
            + ", ".join(f"{c} = ?" for c in _VALUE_COLUMNS)
            + ", revision = ?, submitted_by = ?, submitted_at = ?, channel = ? WHERE id = ?",
            (*values, revision, by, to_db(at), channel, report_id),
        )
        old = json.dumps(previous.report.values(), ensure_ascii=False)
    await tx.execute(
        "INSERT INTO report_revisions (report_id, revision, changed_by, changed_at, channel, "
        "old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            report_id,
            revision,
            by,
            to_db(at),
            channel,
            old,
            json.dumps(new_values, ensure_ascii=False),
        ),
    )
    return SavedReport(report_id, revision, previous is None, True, previous)


async def list_reports(
    conn: Connection, posyandu_id: int, first: Period, last: Period
) -> list[StoredReport]:
    """The posyandu's reports from ``first`` to ``last`` inclusive, oldest first."""
    async with conn.execute(
        _SELECT + " WHERE posyandu_id = ? AND period BETWEEN ? AND ? ORDER BY period",
        (posyandu_id, str(first), str(last)),
    ) as cur:
        return [_stored(r) for r in await cur.fetchall()]


async def reports_for_posyandu_ids(
    conn: Connection, posyandu_ids: Iterable[int], first: Period, last: Period
) -> dict[int, list[StoredReport]]:
    """Reports of many posyandu at once (roll-ups), oldest first per posyandu."""
    ids = list(posyandu_ids)
    out: dict[int, list[StoredReport]] = {i: [] for i in ids}
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        async with conn.execute(
            _SELECT + f" WHERE posyandu_id IN ({marks}) AND period BETWEEN ? AND ? "
            "ORDER BY posyandu_id, period",
            (*chunk, str(first), str(last)),
        ) as cur:
            for row in await cur.fetchall():
                out[row["posyandu_id"]].append(_stored(row))
    return out


async def revisions(conn: Connection, report_id: int) -> list[Revision]:
    async with conn.execute(
        "SELECT * FROM report_revisions WHERE report_id = ? ORDER BY revision", (report_id,)
    ) as cur:
        rows = await cur.fetchall()
    return [
        Revision(
            r["report_id"],
            r["revision"],
            r["changed_by"],
            from_db(r["changed_at"]),
            r["channel"],
            None if r["old"] is None else json.loads(r["old"]),
            json.loads(r["new"]),
        )
        for r in rows
    ]


async def reported_ids(conn: Connection, posyandu_ids: Iterable[int], period: Period) -> set[int]:
    """Which of these posyandu have a report (opened or not) for ``period``."""
    ids = list(posyandu_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT posyandu_id FROM reports WHERE period = ? AND posyandu_id IN ({marks})",
            (str(period), *chunk),
        ) as cur:
            found.update(r[0] for r in await cur.fetchall())
    return found
