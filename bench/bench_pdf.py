"""PDF rendering: median milliseconds per posyandu report and per area summary of 1,500
posyandu (load, assess and render, as the dispatcher does), and the file sizes."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.demo import seed_demo
from bot.documents import render_document
from scoring import DEFAULT_SETTINGS
from storage import Database
from storage.sql import follow_explicit_ids

__all__ = ["run"]

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
RUNS = 30


#: Desa of the large area: posyandu are spread over them.
DESAS = 60


async def _seed_big(db: Database, count: int = 1500) -> None:
    """A kabupaten of ``count`` posyandu with long, near-identical names (the worst case for
    the table: "Posyandu Melati Indah Sejahtera 0001", ...) in :data:`DESAS` desa."""
    at = NOW.isoformat()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(100, '98', 'Prov Uji', 'provinsi', NULL, '/100/'), "
            "(101, '98.01', 'Kab Uji', 'kabupaten', 100, '/100/101/'), "
            "(102, '98.01.01', 'Kec Uji', 'kecamatan', 101, '/100/101/102/')"
        )
        await tx.executemany(
            "INSERT INTO areas (id, code, name, level, parent_id, path) "
            "VALUES (?, ?, ?, 'desa', 102, ?)",
            [
                (
                    200 + j,
                    f"98.01.01.{2001 + j}",
                    f"Sukamaju Kidul Barat {j + 1:02d}",
                    f"/100/101/102/{200 + j}/",
                )
                for j in range(DESAS)
            ],
        )
        await tx.executemany(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
            "VALUES (?, ?, ?, ?, ?, 'Asia/Jakarta', 'day:12')",
            [
                (
                    1000 + i,
                    f"B{i + 1:04d}",
                    f"Posyandu Melati Indah Sejahtera {i + 1:04d}",
                    200 + i % DESAS,
                    f"/100/101/102/{200 + i % DESAS}/",
                )
                for i in range(count)
            ],
        )
        rows = []
        for i in range(count):
            # Every seventh has not reported the month yet (November): BELUM rows.
            for m in range(1, 12 if i % 7 else 11):
                d = 10 + (i + m) % 25
                rows.append((1000 + i, f"2026-{m:02d}", 5, 40, 35, d, min(d, 5 + i * m % 10), at))
        await tx.executemany(
            "INSERT INTO reports (posyandu_id, period, buka, kader, s, k, d, n, revision, "
            "submitted_at, channel) VALUES (?, ?, 1, ?, ?, ?, ?, ?, 1, ?, 'import')",
            rows,
        )
        await follow_explicit_ids(tx)


async def _measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "pdf.db")
        await seed_demo(db, NOW)
        await _seed_big(db)
        monthly: list[float] = []
        size = 0
        for _ in range(RUNS):
            t0 = time.perf_counter()
            doc = await render_document(
                db,
                "monthly_report",
                {"posyandu_code": "MWR01", "period": "2026-10"},
                NOW,
                DEFAULT_SETTINGS,
            )
            monthly.append((time.perf_counter() - t0) * 1000)
            size = len(doc.content)
        area: list[float] = []
        area_size = 0
        for _ in range(5):
            t0 = time.perf_counter()
            doc = await render_document(
                db,
                "area_summary",
                {"area_code": "98.01", "period": "2026-11"},
                NOW,
                DEFAULT_SETTINGS,
            )
            area.append(time.perf_counter() - t0)
            area_size = len(doc.content)
        await db.close()
    return {
        "monthly_ms": statistics.median(monthly),
        "monthly_kb": size / 1024,
        "area_s": statistics.median(area),
        "area_kb": area_size / 1024,
    }


def run() -> list[dict[str, Any]]:
    r = asyncio.run(_measure())
    return [
        {
            "figure": "PDF: posyandu monthly report (median, load+assess+render)",
            "value": round(r["monthly_ms"], 1),
            "unit": "ms",
            "target": "<= 50 ms",
            "passed": r["monthly_ms"] <= 50,
        },
        {
            "figure": "PDF: posyandu monthly report size",
            "value": round(r["monthly_kb"], 1),
            "unit": "KB",
            "target": "< 100 KB",
            "passed": r["monthly_kb"] < 100,
        },
        {
            "figure": "PDF: area summary of 1,500 posyandu (median)",
            "value": round(r["area_s"], 2),
            "unit": "s",
            "target": "<= 2 s",
            "passed": r["area_s"] <= 2,
        },
        {
            "figure": "PDF: area summary of 1,500 posyandu size",
            "value": round(r["area_kb"], 1),
            "unit": "KB",
            "target": "",
            "passed": True,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
