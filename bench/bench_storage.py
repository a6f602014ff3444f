"""Storage: report writes per second, and the roll-up of a kabupaten with 1,500 posyandu.

Writes: 100,000 monthly reports through :func:`storage.reports.save_report`, one
``db.transaction()`` (``BEGIN IMMEDIATE`` ... ``COMMIT``, WAL, ``synchronous=FULL``: the
service's, each commit fsynced) per report, the way the bot saves a kader's report. Also
measured: the same with the session and the confirmation reply saved in that transaction (a
whole conversation step).

Roll-up: the latest report and the 12-month stratum (:func:`scoring.assess`) of every
posyandu of a kabupaten with 1,500 posyandu, in a database that also holds another kabupaten
(the posyandu of the write test and their reports). Timed from the area code to the list of
(posyandu, latest report, stratum); the median of five runs.

Areas, posyandu and the roll-up's reports are seeded with ``executemany`` (not timed); only
the measured write path goes through ``save_report``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_scoring import make_window
from scoring import MonthReport, Period, Stratum, assess
from storage import Database
from storage.areas import area_by_code
from storage.messages import Outgoing, Text
from storage.outbox import append
from storage.posyandu import posyandu_under
from storage.report_columns import COLUMNS, to_row
from storage.reports import reports_for_posyandu_ids, save_report
from storage.sessions import StoredSession, save_session
from storage.sql import follow_explicit_ids

__all__ = ["run"]

WRITES = 100_000
STEP_WRITES = 20_000
ROLLUP_POSYANDU = 1_500
THROUGH = Period(2026, 12)  # make_window's last month
WRITES_TARGET = 2_000.0
ROLLUP_TARGET_S = 1.0
AT = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def _area_rows() -> list[tuple[int, str, str, str, int | None, str]]:
    """Provinsi 99 with kabupaten 99.01 (the write test: 100 desa) and 99.02 (the roll-up:
    15 kecamatan x 25 desa, 4 posyandu each)."""
    rows: list[tuple[int, str, str, str, int | None, str]] = [
        (1, "99", "Provinsi Uji", "provinsi", None, "/1/"),
        (2, "99.01", "Kabupaten Tulis", "kabupaten", 1, "/1/2/"),
        (3, "99.02", "Kabupaten Rekap", "kabupaten", 1, "/1/3/"),
        (4, "99.01.01", "Kecamatan Tulis", "kecamatan", 2, "/1/2/4/"),
    ]
    next_id = 5
    for d in range(100):
        rows.append(
            (next_id, f"99.01.01.{1001 + d}", f"Desa T{d}", "desa", 4, f"/1/2/4/{next_id}/")
        )
        next_id += 1
    for k in range(15):
        kec_id = next_id
        rows.append(
            (kec_id, f"99.02.{k + 1:02d}", f"Kecamatan R{k}", "kecamatan", 3, f"/1/3/{kec_id}/")
        )
        next_id += 1
        for d in range(25):
            path = f"/1/3/{kec_id}/{next_id}/"
            rows.append(
                (next_id, f"99.02.{k + 1:02d}.{1001 + d}", f"Desa R{k}-{d}", "desa", kec_id, path)
            )
            next_id += 1
    return rows


async def _seed(db: Database, write_posyandu: int) -> tuple[list[int], list[int]]:
    """(ids of the write test's posyandu, ids of the roll-up's posyandu)."""
    areas = _area_rows()
    write_desas = [a for a in areas if a[3] == "desa" and a[1].startswith("99.01.")]
    rollup_desas = [a for a in areas if a[3] == "desa" and a[1].startswith("99.02.")]
    posyandu: list[tuple[int, str, str, int, str, str, str]] = []
    for i in range(write_posyandu):
        desa = write_desas[i % len(write_desas)]
        posyandu.append(
            (i + 1, f"W{i:06d}", f"Posyandu W{i}", desa[0], desa[5], "Asia/Jakarta", "day:12")
        )
    rollup_ids = []
    for j in range(ROLLUP_POSYANDU):
        desa = rollup_desas[j // 4]
        pid = write_posyandu + j + 1
        rollup_ids.append(pid)
        posyandu.append(
            (pid, f"R{j:06d}", f"Posyandu R{j}", desa[0], desa[5], "Asia/Makassar", "weekday:1:2")
        )
    columns = ("period", *COLUMNS)
    reports: list[tuple[object, ...]] = []
    at = AT.isoformat()
    for j, pid in enumerate(rollup_ids):
        # 11 of 12 months reported, a different one missing for each posyandu.
        for m, report in enumerate(make_window(1_000_000 + j)):
            if m == j % 12:
                continue
            report_id = len(reports) + 1
            row = (str(report.period), *to_row(report))
            reports.append((report_id, pid, *row, 1, None, at, "telegram"))
    marks = ", ".join("?" * (len(columns) + 6))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES (?, ?, ?, ?, ?, ?)",
            areas,
        )
        await tx.executemany(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            posyandu,
        )
        await tx.executemany(
            f"INSERT INTO reports (id, posyandu_id, {', '.join(columns)}, revision, "
            f"submitted_by, submitted_at, channel) VALUES ({marks})",
            reports,
        )
        await follow_explicit_ids(tx)
    return [p[0] for p in posyandu[:write_posyandu]], rollup_ids


def _jobs(posyandu_ids: list[int], count: int, first_seed: int) -> list[tuple[int, MonthReport]]:
    """``count`` (posyandu, report) pairs: twelve months per posyandu, each saved once."""
    jobs: list[tuple[int, MonthReport]] = []
    for n, pid in enumerate(posyandu_ids):
        for report in make_window(first_seed + n):
            jobs.append((pid, report))
            if len(jobs) == count:
                return jobs
    raise ValueError("not enough posyandu for the writes")


async def _write_reports(db: Database, jobs: list[tuple[int, MonthReport]]) -> float:
    t0 = time.perf_counter()
    for pid, report in jobs:
        async with db.transaction() as tx:
            await save_report(tx, pid, report, by=None, at=AT, channel="telegram")
    return len(jobs) / (time.perf_counter() - t0)


async def _write_steps(db: Database, jobs: list[tuple[int, MonthReport]]) -> float:
    """Report, session and reply in one transaction per report: a conversation's last step."""
    t0 = time.perf_counter()
    for n, (pid, report) in enumerate(jobs):
        address = str(100_000_000 + pid)
        at = AT + timedelta(microseconds=n)
        async with db.transaction() as tx:
            saved = await save_report(tx, pid, report, by=None, at=at, channel="telegram")
            await save_session(
                tx,
                StoredSession(
                    "telegram", address, "idle", "start", {}, at, at, at + timedelta(days=7)
                ),
            )
            reply = Text("Laporan tersimpan. Terima kasih!")
            key = f"report:{saved.id}:{saved.revision}"
            await append(tx, Outgoing("telegram", address, reply, key), at)
    return len(jobs) / (time.perf_counter() - t0)


async def _rollup(db: Database, area_code: str) -> tuple[float, dict[Stratum, int], int]:
    t0 = time.perf_counter()
    async with db.read() as conn:
        area = await area_by_code(conn, area_code)
        assert area is not None
        members = await posyandu_under(conn, area)
        months = await reports_for_posyandu_ids(
            conn, [p.id for p in members], THROUGH.shift(-11), THROUGH
        )
    result = []
    for p in members:
        window = months[p.id]
        latest = window[-1] if window else None
        stratum = assess(window, THROUGH).stratum
        result.append((p, latest, stratum))
    elapsed = time.perf_counter() - t0
    strata: dict[Stratum, int] = {}
    for _p, _latest, stratum in result:
        strata[stratum] = strata.get(stratum, 0) + 1
    return elapsed, strata, len(result)


async def _measure(folder: Path, writes: int, url: str | None = None) -> dict[str, Any]:
    """The writes and the roll-up on an SQLite file in ``folder``, or at ``url``."""
    db = await Database.open(url if url is not None else folder / "bench.db")
    try:
        steps = max(1, writes * STEP_WRITES // WRITES)
        split = -(-writes // 12)  # twelve months per posyandu
        write_ids, _rollup_ids = await _seed(db, split + -(-steps // 12))
        report_jobs = _jobs(write_ids[:split], writes, 0)
        step_jobs = _jobs(write_ids[split:], steps, 500_000)
        report_rate = await _write_reports(db, report_jobs)
        step_rate = await _write_steps(db, step_jobs)
        runs = [await _rollup(db, "99.02") for _ in range(5)]
        async with db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_revisions)"
            )
            count, revs = next(iter(rows))
    finally:
        await db.close()
    files = await asyncio.to_thread(lambda: [p.stat().st_size for p in folder.iterdir()])
    size = sum(files)
    return {
        "report_rate": report_rate,
        "step_rate": step_rate,
        "rollup_s": statistics.median(r[0] for r in runs),
        "rollup_first_s": runs[0][0],
        "rollup_members": runs[0][2],
        "strata": {str(k): v for k, v in runs[0][1].items()},
        "reports": int(count),
        "revisions": int(revs),
        "size_mb": size / 2**20,
    }


def _postgres(writes: int, sqlite_rate: float) -> list[dict[str, Any]]:
    """The same writes and roll-up on a PostgreSQL server the bench starts (fsync on), in
    the same run as SQLite's, beside them."""
    from tests.postgres import start

    server = start(settings=("max_connections=50",))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            m = asyncio.run(_measure(Path(tmp), writes, server.create_database()))
    finally:
        server.stop()
    assert m["rollup_members"] == ROLLUP_POSYANDU
    return [
        {
            "figure": f"storage on PostgreSQL: {writes:,} reports via save_report, one "
            f"transaction each ({m['report_rate'] / sqlite_rate:.0%} of SQLite's, same run)",
            "value": round(m["report_rate"]),
            "unit": "writes/s",
            "target": "",
            "passed": True,
        },
        {
            "figure": "storage on PostgreSQL: report + session + reply per transaction",
            "value": round(m["step_rate"]),
            "unit": "steps/s",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"storage on PostgreSQL: roll-up of a kabupaten, {ROLLUP_POSYANDU:,} "
            "posyandu, median of 5",
            "value": round(m["rollup_s"], 3),
            "unit": "s",
            "target": "<= 1 s",
            "passed": m["rollup_s"] <= 1,
        },
    ]


def run(writes: int = WRITES) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        m = asyncio.run(_measure(Path(tmp), writes))
    assert m["rollup_members"] == ROLLUP_POSYANDU
    assert m["revisions"] == m["reports"]
    rows = [
        {
            "figure": f"storage: {writes:,} reports via save_report, one transaction each",
            "value": round(m["report_rate"]),
            "unit": "writes/s",
            "target": f">= {WRITES_TARGET:,.0f}/s",
            "passed": m["report_rate"] >= WRITES_TARGET,
        },
        {
            "figure": "storage: report + session + reply per transaction (a conversation step)",
            "value": round(m["step_rate"]),
            "unit": "steps/s",
            "target": "",
            "passed": True,
        },
        {
            "figure": (
                f"storage: roll-up of a kabupaten, {ROLLUP_POSYANDU:,} posyandu "
                "(latest report + 12-month stratum), median of 5"
            ),
            "value": round(m["rollup_s"], 3),
            "unit": "s",
            "target": f"< {ROLLUP_TARGET_S:g} s",
            "passed": m["rollup_s"] < ROLLUP_TARGET_S,
        },
        {
            "figure": "storage: roll-up, first run",
            "value": round(m["rollup_first_s"], 3),
            "unit": "s",
            "target": f"< {ROLLUP_TARGET_S:g} s",
            "passed": m["rollup_first_s"] < ROLLUP_TARGET_S,
        },
        {
            "figure": f"storage: database size ({m['reports']:,} reports with revisions)",
            "value": round(m["size_mb"], 1),
            "unit": "MB",
            "target": "",
            "passed": True,
        },
    ]
    return rows + _postgres(writes, m["report_rate"])


if __name__ == "__main__":
    writes = int(sys.argv[1]) if len(sys.argv) > 1 else WRITES
    for row in run(writes):
        target = row["target"] or "-"
        mark = "" if row["passed"] else "  ** below target **"
        print(f"{row['figure']}: {row['value']:,} {row['unit']} (target {target}){mark}")
