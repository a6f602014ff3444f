"""Inbound messages through the engine: 500 kader conversations at once on one SQLite file.

Each kader starts a guided report, answers five questions and cancels it (seven messages, each
its own read snapshot + write transaction with session, outbox rows and dedupe).

- Throughput: all 500 conversations as fast as they can go (closed loop, each kader sends its
  next message as soon as the last is committed): messages per second.
- Latency: the same 500 conversations open at once, but paced like (very fast) people: each
  kader sends a message on average every 2 seconds (250 msg/s offered, about 10x a plausible
  national peak of ~25 msg/s: 290,000 posyandu x ~20 messages a month, mostly within a
  week), and each message's handling time is measured from the call to the committed
  transaction, waiting for the writer included: p50 and p99. (In the closed loop, latency
  is only queueing: 500 waiting messages / throughput; it is reported too, as the worst
  case of a burst.)
- Durability: the service commits with ``synchronous=FULL`` (a report told "tersimpan" survives
  a power cut, not only a process kill: WAL frames are fsynced at every commit). The flat-out
  run is made twice in the same run, with FULL and with NORMAL, so the cost of the fsyncs is
  read on one machine at one moment (this machine's figures move 15-20% between runs). The
  database file is on the working directory's disk, not a RAM-backed temporary folder, where
  an fsync would cost nothing.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvloop

from bench.seeding import seed_kader
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from storage import Database

__all__ = ["run"]

KADER = 500
#: Mean seconds between two messages of one kader in the paced (latency) run.
PACE_S = 2.0
RATE = round(KADER / PACE_S)
SCRIPT = ("LAPOR", "6", "50", "45", "40", "30", "BATAL")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def _seed(db: Database) -> None:
    at = NOW.isoformat()
    async with db.transaction() as tx:
        await seed_kader(tx, KADER, "E", 12, at)


async def _measure(
    paced: bool, synchronous: str = "FULL", url: str | None = None
) -> dict[str, float]:
    """One run on an SQLite file, or on the PostgreSQL database at ``url``."""
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-engine-") as tmp:
        target: Path | str = url if url is not None else Path(tmp) / "engine.db"
        db = await Database.open(target, synchronous=synchronous)
        await _seed(db)
        engine = Engine(db, FixedClock(NOW))
        latencies: list[float] = []
        rng = random.Random(7)

        async def kader(i: int) -> None:
            if paced:
                await asyncio.sleep(rng.uniform(0, PACE_S))
            for text in SCRIPT:
                t0 = time.perf_counter()
                await engine.handle(Inbound("console", f"k{i}", text, uuid.uuid4().hex, NOW))
                latencies.append(time.perf_counter() - t0)
                if paced:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * PACE_S)

        t0 = time.perf_counter()
        await asyncio.gather(*(kader(i) for i in range(1, KADER + 1)))
        elapsed = time.perf_counter() - t0
        await db.close()
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "count": len(latencies),
    }


def _postgres(flood: dict[str, float]) -> list[dict[str, Any]]:
    """The same two runs on a PostgreSQL server the bench starts (tests/postgres.py: on this
    machine, fsync and synchronous_commit on, as a production server), a fresh database each;
    measured in the same run as SQLite's figures, beside them."""
    from tests.postgres import start

    server = start(settings=("max_connections=50",))
    try:
        pg_flood = uvloop.run(_measure(paced=False, url=server.create_database()))
        pg_paced = uvloop.run(_measure(paced=True, url=server.create_database()))
    finally:
        server.stop()
    share = pg_flood["rate"] / flood["rate"]
    return [
        {
            "figure": f"engine on PostgreSQL: messages/s, {KADER} concurrent kader flat out "
            f"(one instance; {share:.0%} of SQLite's in the same run)",
            "value": round(pg_flood["rate"]),
            "unit": "msg/s",
            "target": ">= 60% of SQLite's",
            "passed": share >= 0.6,
        },
        {
            "figure": f"engine on PostgreSQL: p99 latency, {KADER} conversations at ~{RATE} msg/s",
            "value": round(pg_paced["p99"], 2),
            "unit": "ms",
            "target": "<= 30 ms",
            "passed": pg_paced["p99"] <= 30,
        },
    ]


def run() -> list[dict[str, Any]]:
    # The event loop the service runs on (bot/commands/run.py).
    flood = uvloop.run(_measure(paced=False))
    normal = uvloop.run(_measure(paced=False, synchronous="NORMAL"))
    paced = uvloop.run(_measure(paced=True))
    share = flood["rate"] / normal["rate"]
    rows = [
        {
            "figure": f"engine: messages/s, {KADER} concurrent kader flat out "
            f"({int(flood['count'])} messages)",
            "value": round(flood["rate"]),
            "unit": "msg/s",
            "target": ">= 1,000 msg/s",
            "passed": flood["rate"] >= 1000,
        },
        {
            "figure": "engine: messages/s flat out with synchronous=NORMAL, same run "
            "(not fsynced at commit: survives a process kill, not a power cut)",
            "value": round(normal["rate"]),
            "unit": "msg/s",
            "target": "",
            "passed": True,
        },
        {
            "figure": "engine: synchronous=FULL (the service's) as a share of NORMAL, same run",
            "value": round(share * 100, 1),
            "unit": "%",
            "target": ">= 85%, and FULL >= 900 msg/s (30x Telegram's 30 msg/s)",
            "passed": share >= 0.85 and flood["rate"] >= 900,
        },
        {
            "figure": f"engine: p50 latency, {KADER} conversations at ~{RATE} msg/s",
            "value": round(paced["p50"], 2),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"engine: p99 latency, {KADER} conversations at ~{RATE} msg/s",
            "value": round(paced["p99"], 2),
            "unit": "ms",
            "target": "< 20 ms",
            "passed": paced["p99"] < 20,
        },
        {
            "figure": f"engine: p99 latency flat out ({KADER} messages always queued)",
            "value": round(flood["p99"], 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
    ]
    return rows + _postgres(flood)


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
