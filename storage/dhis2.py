"""DHIS2 pushes (docs/dhis2.md): each push recorded, and the value DHIS2 last accepted for
each data value, so that the next push sends only what changed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scoring import Period
from scoring.dhis2 import DataValue, ImportSummary
from storage._times import to_db
from storage.children import MEASURED_COLUMNS, Measured, measured
from storage.db import Connection

__all__ = [
    "Push",
    "PushRecord",
    "accepted_values",
    "kabupaten_ids",
    "month_weighings",
    "record_push",
    "remember_accepted",
]

_CHUNK = 900


@dataclass(frozen=True, slots=True)
class Push:
    """What a push was asked to send: by whom, where, which months and area, the mapping."""

    at: datetime
    operator: str
    url: str
    dry_run: bool
    first_period: str | None
    last_period: str | None
    area_code: str | None
    mapping_digest: str


@dataclass(frozen=True, slots=True)
class PushRecord:
    push: Push
    values_digest: str
    sent: int
    unchanged: int
    batches: int
    summary: ImportSummary


async def record_push(tx: Connection, record: PushRecord) -> int:
    """Write one push's row; its id."""
    p, s = record.push, record.summary
    rows = await tx.execute_fetchall(
        "INSERT INTO dhis2_pushes (at, operator, url, dry_run, first_period, last_period, "
        "area_code, mapping_digest, values_digest, sent, unchanged, batches, status, imported, "
        "updated, ignored, deleted, conflicts, summary) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            to_db(p.at),
            p.operator,
            p.url,
            int(p.dry_run),
            p.first_period,
            p.last_period,
            p.area_code,
            p.mapping_digest,
            record.values_digest,
            record.sent,
            record.unchanged,
            record.batches,
            s.status,
            s.imported,
            s.updated,
            s.ignored,
            s.deleted,
            len(s.conflicts),
            json.dumps(s.as_json(), ensure_ascii=False),
        ),
    )
    return int(next(iter(rows))[0])


async def accepted_values(
    conn: Connection, org_units: Iterable[str], periods: Iterable[str]
) -> dict[tuple[str, str, str, str, str], str]:
    """The values DHIS2 last accepted for these organisation units and months, by data value."""
    units, months = sorted(set(org_units)), sorted(set(periods))
    out: dict[tuple[str, str, str, str, str], str] = {}
    if not months:
        return out
    month_marks = ",".join("?" * len(months))
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        rows = await conn.execute_fetchall(
            "SELECT data_element, period, org_unit, category_option_combo, "
            "attribute_option_combo, value FROM dhis2_values "
            f"WHERE org_unit IN ({','.join('?' * len(chunk))}) AND period IN ({month_marks})",
            (*chunk, *months),
        )
        for row in rows:
            out[(row[0], row[1], row[2], row[3], row[4])] = row[5]
    return out


async def remember_accepted(tx: Connection, push_id: int, values: Sequence[DataValue]) -> None:
    """Keep ``values`` as the ones DHIS2 now holds (a batch it took without conflict)."""
    if values:
        await tx.executemany(
            "INSERT INTO dhis2_values (data_element, period, org_unit, category_option_combo, "
            "attribute_option_combo, value, push_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (data_element, period, org_unit, category_option_combo, "
            "attribute_option_combo) DO UPDATE SET value = excluded.value, "
            "push_id = excluded.push_id",
            [(*v.key, v.value, push_id) for v in values],
        )


async def kabupaten_ids(conn: Connection) -> list[int]:
    """Every kabupaten/kota with a posyandu under it, by code (the monthly push's areas)."""
    rows = await conn.execute_fetchall(
        "SELECT a.id FROM areas a WHERE a.level = 'kabupaten' AND EXISTS (SELECT 1 FROM "
        "posyandu p WHERE p.area_path >= a.path "
        "AND p.area_path < substr(a.path, 1, length(a.path) - 1) || '0') "
        "ORDER BY a.code"
    )
    return [int(r[0]) for r in rows]


async def month_weighings(
    conn: Connection, posyandu_ids: Sequence[int], first: Period, last: Period
) -> dict[tuple[int, Period], list[Measured]]:
    """The register's weighings of these posyandu from ``first`` to ``last``, by posyandu and
    month, anonymous (no identity column is read, so nothing is audited), with their kept
    z-scores."""
    out: dict[tuple[int, Period], list[Measured]] = {}
    for start in range(0, len(posyandu_ids), _CHUNK):
        chunk = posyandu_ids[start : start + _CHUNK]
        rows = await conn.execute_fetchall(
            f"SELECT c.posyandu_id, w.period, {MEASURED_COLUMNS} FROM children c "
            "JOIN weighings w ON w.child_id = c.id "
            f"WHERE c.posyandu_id IN ({','.join('?' * len(chunk))}) "
            "AND w.period BETWEEN ? AND ?",
            (*chunk, str(first), str(last)),
        )
        for r in rows:
            out.setdefault((int(r[0]), Period.parse(r[1])), []).append(measured(r, 2))
    return out
