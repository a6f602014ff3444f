"""One reminder sweep over 300,000 posyandu (the national count) in WIB, WITA and WIT.

The database is seeded once (not timed) with 300,000 posyandu spread over the three time
zones and 59 schedules (fixed days 1-31, nth and last weekdays), one kader each with one
identity. The sweep runs in a fresh process (so its peak memory is its own) at 18:00 WIB on a
day when the H-1 reminders of a slice of them are due, and again over the same minute (which
must queue nothing).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.process import measured_run

__all__ = ["run"]

POSYANDU = 300_000
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
SCHEDULES = [f"day:{d}" for d in range(1, 32)] + [
    f"weekday:{w}:{n}" for w in range(7) for n in (1, 2, 3, -1)
]
# 11 Dec 2026 11:00 UTC = 18:00 WIB: H-1 of every WIB posyandu whose hari buka is the 12th.
NOW = datetime(2026, 12, 11, 11, 0, tzinfo=UTC)


async def _seed(path: Path, count: int) -> None:
    from storage import Database
    from storage.sql import follow_explicit_ids

    db = await Database.open(path)
    at = NOW.isoformat()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(1, '99', 'Provinsi Uji', 'provinsi', NULL, '/1/'), "
            "(2, '99.01', 'Kab Uji', 'kabupaten', 1, '/1/2/'), "
            "(3, '99.01.01', 'Kec Uji', 'kecamatan', 2, '/1/2/3/'), "
            "(4, '99.01.01.1001', 'Desa Uji', 'desa', 3, '/1/2/3/4/')"
        )
        await tx.executemany(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule, active) "
            "VALUES (?, ?, ?, 4, '/1/2/3/4/', ?, ?, 1)",
            [
                (
                    i,
                    f"P{i:06d}",
                    f"Posyandu {i}",
                    TIMEZONES[i % 3],
                    SCHEDULES[(i // 3) % len(SCHEDULES)],
                )
                for i in range(1, count + 1)
            ],
        )
        await tx.executemany(
            "INSERT INTO people (id, name, role, posyandu_id, created_at) "
            "VALUES (?, ?, 'kader', ?, ?)",
            [(i, f"Kader {i}", i, at) for i in range(1, count + 1)],
        )
        await tx.executemany(
            "INSERT INTO identities (person_id, channel, address) VALUES (?, 'telegram', ?)",
            [(i, str(10_000_000 + i)) for i in range(1, count + 1)],
        )
        await follow_explicit_ids(tx)
    await db.close()


async def _sweep_once(path: Path) -> dict[str, Any]:
    from scheduler.calendar import ReminderSettings
    from scheduler.sweep import sweep
    from storage import Database

    db = await Database.open(path)
    settings = ReminderSettings()
    t0 = time.perf_counter()
    first = await sweep(db, NOW, settings)
    t1 = time.perf_counter()
    second = await sweep(db, NOW, settings)
    t2 = time.perf_counter()
    await db.close()
    return {
        "first_s": t1 - t0,
        "second_s": t2 - t1,
        "reminders": first.reminders,
        "messages": first.messages,
        "repeat_messages": second.messages,
    }


def run(count: int = POSYANDU) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.db"
        asyncio.run(_seed(path, count))
        # Started by a small parent of its own: its peak memory is the sweep's, not the
        # bench process's (bench.process).
        done = measured_run(
            [sys.executable, "-m", "bench.bench_scheduler", "--sweep", str(path)],
            cwd=Path(tmp),
            env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
        if done.status != 0:
            raise RuntimeError(f"the sweep failed: {done.stderr}")
        result = json.loads(done.stdout) | {"peak_mb": done.peak_mb}
    return [
        {
            "figure": f"reminder sweep over {count:,} posyandu ({result['messages']:,} due)",
            "value": round(result["first_s"], 3),
            "unit": "s",
            "target": "< 2 s",
            "passed": result["first_s"] < 2.0,
        },
        {
            "figure": "reminder sweep: same minute again (nothing queued)",
            "value": round(result["second_s"], 3),
            "unit": "s",
            "target": "0 messages",
            "passed": result["repeat_messages"] == 0,
        },
        {
            "figure": "reminder sweep: peak memory of the sweeping process",
            "value": round(result["peak_mb"], 1),
            "unit": "MB",
            "target": "< 300 MB",
            "passed": result["peak_mb"] < 300,
        },
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sweep":
        print(json.dumps(asyncio.run(_sweep_once(Path(sys.argv[2])))))
    else:
        for row in run():
            print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target']})")
