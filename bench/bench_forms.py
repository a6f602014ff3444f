"""The forms a puskesmas files, as workbooks: a kabupaten's F2 recap of 1,500 posyandu (load,
assess every posyandu's stratum, lay out and write the .xlsx, as ``posyandu report --format
xlsx --area`` and the dasbor do; median of 3), and a posyandu's F1 form (median of 10)."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_pdf import NOW, _seed_big
from bot.demo import seed_demo
from bot.forms import render_form
from scoring import DEFAULT_SETTINGS
from storage import Database

__all__ = ["run"]


async def _timed(db: Database, kind: str, params: dict[str, str], runs: int) -> tuple[float, int]:
    took: list[float] = []
    size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        doc = await render_form(db, kind, params, NOW, DEFAULT_SETTINGS)
        took.append(time.perf_counter() - t0)
        size = len(doc.content)
    return statistics.median(took), size


async def _measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "forms.db")
        await seed_demo(db, NOW)
        await _seed_big(db)
        f2, f2_size = await _timed(db, "f2_form", {"area_code": "98.01", "period": "2026-11"}, 3)
        f1, _ = await _timed(db, "f1_form", {"posyandu_code": "MWR01", "period": "2026-10"}, 10)
        await db.close()
    return {"f2_s": f2, "f2_kb": f2_size / 1024, "f1_ms": f1 * 1000}


def run() -> list[dict[str, Any]]:
    r = asyncio.run(_measure())
    return [
        {
            "figure": "F2 workbook of a kabupaten, 1,500 posyandu (median)",
            "value": round(r["f2_s"], 2),
            "unit": "s",
            "target": "<= 3 s",
            "passed": r["f2_s"] <= 3,
        },
        {
            "figure": "F2 workbook of 1,500 posyandu size",
            "value": round(r["f2_kb"], 1),
            "unit": "KB",
            "target": "",
            "passed": True,
        },
        {
            "figure": "F1 workbook of a posyandu (median)",
            "value": round(r["f1_ms"], 1),
            "unit": "ms",
            "target": "<= 200 ms",
            "passed": r["f1_ms"] <= 200,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
