"""Each posyandu-month's stratum, kept (table ``report_assessments``) so that an area's first
page reads one row per posyandu instead of assessing a year of its reports.

A row says under which scoring settings (:func:`settings_digest`), from which start of the
known history, and at which report revision id it was worked out. It is valid only under the
same settings and the same start: anything else is worked out again (:func:`assess_months`)
and kept again (:func:`keep`). Every report written, by any path, drops in the same
transaction the rows of its month and every later month of its posyandu (the schema's
triggers, migration 12), so a row never outlives the reports it was worked out from. A row
worked out from a read snapshot is kept only when no report of its posyandu was saved after
that snapshot's latest revision id (:func:`keep`): a save in between leaves the row missing,
never wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from scoring import KnownHistory, Period, ScoringSettings, Standing, Stratum, assess_stratum
from scoring.strata import IndicatorId
from storage.db import Connection
from storage.reports import (
    StoredReport,
    posyandu_revised_since,
    stored_reports_for_posyandu_ids,
)

__all__ = [
    "Assessed",
    "assess_months",
    "assessed",
    "keep",
    "settings_digest",
    "stored_assessments",
    "window_reports",
    "window_start",
]

#: Below SQLite's limit on bound parameters per statement.
_CHUNK = 900
#: More posyandu than this saved since the snapshot: nothing is kept (the next page works
#: them out again).
_KEEP_CHECK_AT_MOST = 500


@dataclass(frozen=True, slots=True)
class Assessed:
    """A posyandu at a month as an area's lists show it: its stratum in brief, and its latest
    report of the window (the month and who sent it)."""

    standing: Standing
    last_period: Period | None
    last_by: int | None


def settings_digest(settings: ScoringSettings) -> str:
    """The settings a row was worked out under, in 16 hex digits (their full repr, hashed)."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def window_start(through: Period, settings: ScoringSettings) -> Period:
    """The first month read to assess ``through`` (at least a year back)."""
    return through.shift(1 - max(settings.window_months, 12))


def assessed(
    stored: list[StoredReport], period: Period, settings: ScoringSettings, since: Period | None
) -> Assessed:
    """A posyandu's month worked out from its reports of the window (oldest first)."""
    result = assess_stratum([r.report for r in stored], period, settings, since)
    last = stored[-1] if stored else None
    return Assessed(
        Standing.of(result),
        last.report.period if last else None,
        last.submitted_by if last else None,
    )


def _text(period: Period | None) -> str | None:
    return None if period is None else str(period)


async def stored_assessments(
    conn: Connection,
    known: Mapping[int, KnownHistory],
    period: Period,
    settings: ScoringSettings,
) -> dict[int, Assessed]:
    """The kept rows of these posyandu (``known``: each one's known history now) at
    ``period`` that are valid under ``settings`` and their history's start; the others are
    left out."""
    ids = sorted(known)
    digest = settings_digest(settings)
    out: dict[int, Assessed] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            "SELECT posyandu_id, since, stratum, aktif, provisional, months_known, limiting, "
            "last_period, last_by FROM report_assessments "
            f"WHERE period = ? AND settings = ? AND posyandu_id IN ({marks})",
            (str(period), digest, *chunk),
        )
        for pid, since, stratum, aktif, provisional, months, limiting, last, by in rows:
            if since != _text(known[pid].since):
                continue
            standing = Standing(
                Stratum(stratum) if stratum is not None else None,
                bool(aktif),
                bool(provisional),
                int(months),
                tuple(IndicatorId(i) for i in limiting.split(",") if i),
            )
            out[pid] = Assessed(standing, Period.parse(last) if last is not None else None, by)
    return out


async def window_reports(
    conn: Connection, ids: list[int], period: Period, settings: ScoringSettings
) -> dict[int, list[StoredReport]]:
    """The reports these posyandu are assessed from at ``period`` (:func:`assess_months`)."""
    return await stored_reports_for_posyandu_ids(conn, ids, window_start(period, settings), period)


def assess_months(
    stored: Mapping[int, list[StoredReport]],
    known: Mapping[int, KnownHistory],
    period: Period,
    settings: ScoringSettings,
) -> dict[int, Assessed]:
    """The posyandu of ``stored`` (their :func:`window_reports`) at ``period``, worked out:
    what :func:`keep` keeps. CPU work, about 0.1 ms a posyandu."""
    return {i: assessed(rs, period, settings, known[i].since) for i, rs in stored.items()}


async def keep(
    tx: Connection,
    found: Mapping[int, Assessed],
    period: Period,
    settings: ScoringSettings,
    known: Mapping[int, KnownHistory],
    revision: int,
) -> int:
    """Keep rows worked out from a snapshot whose latest report revision id was
    ``revision``, except those of posyandu with a report saved since (their rows would be
    stale). How many were kept."""
    changed = await posyandu_revised_since(tx, revision, _KEEP_CHECK_AT_MOST)
    if changed is None:
        return 0
    digest = settings_digest(settings)
    rows = [
        (
            pid,
            str(period),
            digest,
            _text(known[pid].since),
            revision,
            a.standing.stratum.value if a.standing.stratum is not None else None,
            int(a.standing.posyandu_aktif),
            int(a.standing.provisional),
            a.standing.months_known,
            ",".join(a.standing.limiting),
            _text(a.last_period),
            a.last_by,
        )
        for pid, a in sorted(found.items())
        if pid not in changed
    ]
    if rows:
        await tx.executemany(
            "INSERT INTO report_assessments (posyandu_id, period, settings, since, revision, "
            "stratum, aktif, provisional, months_known, limiting, last_period, last_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (posyandu_id, period) DO UPDATE SET settings = excluded.settings, "
            "since = excluded.since, revision = excluded.revision, stratum = excluded.stratum, "
            "aktif = excluded.aktif, provisional = excluded.provisional, "
            "months_known = excluded.months_known, limiting = excluded.limiting, "
            "last_period = excluded.last_period, last_by = excluded.last_by",
            rows,
        )
    return len(rows)
