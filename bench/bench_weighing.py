"""TIMBANG through the engine on one SQLite file, then on PostgreSQL: 20 posyandu weighing at
once.

Each of 20 posyandu has 120 children on the register (names encrypted) with eleven months of
weighings. Each kader opens TIMBANG, then all 20 send their three 40-line messages at the
same time (``3 12,4``-style lines by list number: 40 children each), each message timed
from the call to its committed transaction (the writer's queue included): paced (each of the
20 sends within the same 2 s, as people at 20 scales do) its p99, and the worst burst (all
20 at the same instant: each waits for the others' steps on the one event loop) p50 and
p99, and the process's CPU time per message in the burst.
Each kader's TIMBANG (the list; the first of the month works out and keeps the scores of
each child's last weighing, none kept by the seeding) is timed alone too: the slowest of the
20. Then each kader's SELESAI (D, N, T, O, B, BGM, 2T and the referrals over 120 children) is
timed alone: the slowest of the 20. The same rows on a PostgreSQL server the bench starts (as
bench_dasbor's), in the same run.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import uvloop

from bench.seeding import seed_kader
from bot.kbm import load_kbm
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from scoring.growth import GrowthRules
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, new_key

__all__ = ["run"]

POSYANDU = 20
CHILDREN = 120
LINES = 40
#: The paced run: each batch's 20 messages sent within this many seconds.
PACE_S = 2.0
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)


async def _seed(db: Database, cipher: RegisterCipher) -> None:
    at = NOW.isoformat()
    async with db.transaction() as tx:
        await seed_kader(tx, POSYANDU, "W", 20, at)
        for p in range(1, POSYANDU + 1):
            await _children(tx, cipher, p)


async def _children(tx: Any, cipher: RegisterCipher, posyandu: int) -> None:
    by = reg.Actor(person_id=posyandu)
    for i in range(CHILDREN):
        # Each posyandu's children born on days of their own: no two posyandu's weighings
        # alike (the worst case for the z-score memo, scoring.growth.zscores).
        born = date(2022 + i % 4, 1 + i % 12, 1 + (i + posyandu) % 28)
        sex = "L" if i % 2 else "P"
        child = reg.NewChild(f"Anak {i} Nama", sex, born, f"Ibu {i}")  # type: ignore[arg-type]
        child_id = await reg.add_child(tx, cipher, posyandu, child, consent_by=by, at=NOW)
        for month in range(11):  # December 2025 to October 2026
            day = date(2025 + (11 + month) // 12, (11 + month) % 12 + 1, 12)
            if day > born:
                grams = 8_000 + 120 * month + 15 * i
                await reg.record_weighing(tx, reg.Weighing(child_id, day, grams), at=NOW)


async def _send(
    engine: Engine, clock: FixedClock, address: str, text: str, after: float = 0.0
) -> float:
    await asyncio.sleep(after)  # paced: the kader sends it this long after the others start
    start = time.perf_counter()
    await engine.handle(Inbound("console", address, text, f"w{next(_ids)}", clock.now()))
    return time.perf_counter() - start


def _message(batch: int) -> str:
    return "\n".join(f"{batch * LINES + k + 1} {12 + k % 7},{k % 10}" for k in range(LINES))


async def _measure(pace: float, url: str | None = None) -> dict[str, float]:
    """``pace``: each message is sent at a random moment within this many seconds of its
    batch's start (0: all 20 at the same instant, the worst burst). On an SQLite file, or on
    the PostgreSQL database ``url``."""
    rng = random.Random(26)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        db = await Database.open(url or Path(tmp) / "weighing.db")
        cipher = RegisterCipher(new_key())
        await _seed(db, cipher)
        clock = FixedClock(NOW)
        engine = Engine(db, clock, register=cipher, growth=GrowthRules(load_kbm()))
        kader = [f"k{i}" for i in range(1, POSYANDU + 1)]
        listed = [await _send(engine, clock, k, "TIMBANG") for k in kader]
        times: list[float] = []
        cpu = time.process_time()
        for batch in range(CHILDREN // LINES):
            sent = [_send(engine, clock, k, _message(batch), rng.uniform(0, pace)) for k in kader]
            times += await asyncio.gather(*sent)
        cpu = time.process_time() - cpu
        selesai = [await _send(engine, clock, k, "SELESAI") for k in kader]
        await db.close()
    cuts = statistics.quantiles(times, n=100)
    return {
        "p50": cuts[49],
        "p99": cuts[98],
        "selesai": max(selesai),
        "timbang": max(listed),
        "cpu": cpu / len(times),
        "count": len(times),
    }


def _postgres() -> tuple[dict[str, float], dict[str, float]]:
    """The burst and the paced run on a PostgreSQL server the bench starts (a database each)."""
    from tests.postgres import start

    server = start(settings=("max_connections=50",))
    try:
        found = uvloop.run(_measure(0.0, server.create_database()))
        paced = uvloop.run(_measure(PACE_S, server.create_database()))
        return found, paced
    finally:
        server.stop()


def _rows(found: dict[str, float], paced: dict[str, float], engine: str) -> list[dict[str, Any]]:
    return [
        {
            "figure": f"TIMBANG: a {LINES}-line weighing message, {POSYANDU} posyandu of "
            f"{CHILDREN} children weighing at once (each batch within {PACE_S:.0f} s), p99 "
            f"({engine})",
            "value": round(paced["p99"] * 1000, 1),
            "unit": "ms",
            "target": "<= 200 ms",
            "passed": paced["p99"] <= 0.2,
        },
        {
            "figure": f"TIMBANG: the same {POSYANDU} sent at the same instant (the worst burst: "
            f"each waits for the others' steps), p50 ({int(found['count'])} messages, {engine})",
            "value": round(found["p50"] * 1000, 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"TIMBANG: the worst burst, p99 ({engine})",
            "value": round(found["p99"] * 1000, 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"TIMBANG: the process's CPU time per {LINES}-line message in the burst "
            f"(all threads: what a burst of {POSYANDU} waits for; steadier than the times on a "
            f"loaded machine) ({engine})",
            "value": round(found["cpu"] * 1000, 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"TIMBANG: the list of {CHILDREN} children (their last weighings' scores "
            f"worked out and kept), the slowest of {POSYANDU} ({engine})",
            "value": round(found["timbang"] * 1000, 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"TIMBANG: SELESAI over {CHILDREN} children, the slowest of {POSYANDU} "
            f"({engine})",
            "value": round(found["selesai"] * 1000, 1),
            "unit": "ms",
            "target": "<= 100 ms",
            "passed": found["selesai"] <= 0.1,
        },
    ]


def run() -> list[dict[str, Any]]:
    found = uvloop.run(_measure(0.0))
    paced = uvloop.run(_measure(PACE_S))
    pg_found, pg_paced = _postgres()
    return _rows(found, paced, "SQLite") + _rows(pg_found, pg_paced, "PostgreSQL")
