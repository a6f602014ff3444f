"""Failover on PostgreSQL: two ``posyandu run`` instances on one server under the 2,000-kader
load of bench/bench_load.py (half Telegram, half WhatsApp, the real guided dialogue against
the fakes on loopback), one of them SIGKILLed mid-run.

The server is a throw-away one the bench starts (tests/postgres.py; fsync on, as in
production); the database is seeded as bench_load seeds its file. Both instances run in
webhook mode with ``OUTBOX_LEASE_SECONDS`` = :data:`LEASE` (the shortest the setting allows,
so that the lease shows within the run). The load generator is the load balancer: kader
0-1, 4-5, ... go to instance A, 2-3, 6-7, ... to B (each half Telegram, half WhatsApp); once
5 % of the kader have had their save confirmed, A is killed with SIGKILL and its health check
fails at once, so every later POST (and every redelivery of a POST that A never answered
200) goes to B. Nothing restarts A.

Asserted, one row each: every report confirmed before the kill is in the database; every
conversation half done at the kill is finished on B (its session was in the database, its
conversation lock went with A's connections); all 2,000 reports saved in the end; no reply
lost (every outbox row reached a fake, every kader message answered); the outbox rows A had
claimed and not marked sent when it died (``sending`` at the kill and still, unchanged,
:data:`SETTLE` s later: B's own sends take milliseconds) are sent by B once their lease ends,
within the lease plus the dispatcher's poll from the kill. Duplicate replies are counted
(at least once).

Then the server lost: a fresh database, the same load on two instances, and 10 s into it the
PostgreSQL server stopped (``pg_ctl stop -m fast``) for 30 s and started again on the same
port. Webhook POSTs meanwhile are answered 503 and redelivered every 0.5 s (as Telegram and a
person do); replies owed wait in the outbox. Asserted: all 2,000 reports saved, no reply lost
or failed, every kader message answered, and the replies owed at the server's return all
delivered (figure: the time from its return).

``python -m bench.bench_failover [--kader N]`` runs it with another number of kader.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.bench_faults import (
    DRAIN_LIMIT,
    KILL_AT_CONFIRMED,
    OUTAGE_AFTER,
    OUTAGE_SECONDS,
    _complain,
    _until,
    _walking,
)
from bench.bench_load import KADER, Kader, Poster, World, delivered_cleanly
from storage._times import from_db
from storage.postgres import placeholders
from tests.fakes.service import free_port, start_posyandu
from tests.postgres import PostgresServer

__all__ = ["run"]

#: OUTBOX_LEASE_SECONDS for both instances (the setting's floor).
LEASE = 10.0
#: Seconds after the kill when a row still ``sending`` as it was is taken to be the dead
#: instance's (the live one marks its own sent within milliseconds against the fakes).
SETTLE = 3.0
#: The dispatcher's poll (OUTBOX_POLL_SECONDS, default) and a send: slack past the lease.
SLACK = 3.0


class Balancer(Poster):
    """The load generator as the load balancer: each kader has a home instance; a dead one's
    traffic goes to the next live one."""

    def __init__(self, ports: list[int], world: World) -> None:
        super().__init__(ports[0], world.telegram)
        self.bases = [f"http://127.0.0.1:{p}" for p in ports]
        self.alive = [True] * len(ports)
        self.posts = [0] * len(ports)

    def target(self, kader: Kader) -> str:
        home = (kader.k // 2) % len(self.bases)
        for step in range(len(self.bases)):
            i = (home + step) % len(self.bases)
            if self.alive[i]:
                self.posts[i] += 1
                return self.bases[i]
        return self.bases[home]  # all down: refused, redelivered until one is back


class FailoverWorld(World):
    """bench_load's world on a PostgreSQL database, with two instances."""

    def __init__(self, tmp: Path, kader: int, *, url: str) -> None:
        super().__init__(tmp, kader)
        self.db = url
        self.ports = [free_port(), free_port()]
        self.procs: list[asyncio.subprocess.Process | None] = [None, None]
        self.balancer: Balancer | None = None

    def make_poster(self) -> Poster:
        self.balancer = Balancer(self.ports, self)
        return self.balancer

    def env(self) -> dict[str, str]:
        return {**super().env(), "OUTBOX_LEASE_SECONDS": str(LEASE)}

    def _log(self, i: int) -> Path:
        return self.tmp / f"service-{'AB'[i]}.log"

    async def start(self) -> None:
        for i, port in enumerate(self.ports):
            with self._log(i).open("ab") as log:
                self.procs[i] = await start_posyandu(
                    self.db,
                    port,
                    self.env(),
                    folder=self.tmp,
                    stderr=log,
                    within=60,
                    pinned=False,
                )

    async def kill(self, i: int) -> None:
        """SIGKILL instance ``i``; the balancer sees it down at once."""
        proc, self.procs[i] = self.procs[i], None
        assert proc is not None and self.balancer is not None
        proc.send_signal(signal.SIGKILL)
        self.balancer.alive[i] = False
        await proc.wait()

    async def stop(self, sig: int = signal.SIGTERM) -> int | None:
        """Stop the live instances; the first non-zero exit code (0 when all were clean)."""
        codes = []
        for i, proc in enumerate(self.procs):
            self.procs[i] = None
            if proc is not None and proc.returncode is None:
                proc.send_signal(sig)
                codes.append(await asyncio.wait_for(proc.wait(), timeout=60))
        return next((c for c in codes if c), 0 if codes else None)

    def log_text(self) -> str:
        return "\n".join(
            self._log(i).read_text("utf-8", "replace")
            for i in range(len(self.ports))
            if self._log(i).exists()
        )

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One query on a connection of its own (called from a worker thread)."""

        async def fetch() -> list[tuple[Any, ...]]:
            conn = await asyncpg.connect(str(self.db))
            try:
                return [tuple(r) for r in await conn.fetch(placeholders(sql), *args)]
            finally:
                await conn.close()

        return asyncio.run(fetch())

    def intact(self) -> bool:
        return True  # no file to check: the server's own business

    def sending(self) -> dict[int, tuple[str, int]]:
        """Rows being sent: id -> (lease end, attempts)."""
        rows = self.query(
            "SELECT id, next_attempt_at, attempts FROM outbox WHERE status = 'sending'"
        )
        return {int(r[0]): (str(r[1]), int(r[2])) for r in rows}

    def outcome(self, ids: list[int], killed: datetime) -> tuple[float, int]:
        """Of the rows ``ids``: the latest seconds from ``killed`` to sent (inf if one is not
        sent), and how many reached a fake."""
        if not ids:
            return 0.0, 0
        marks = ",".join("?" * len(ids))
        rows = self.query(
            f"SELECT status, sent_at, external_id FROM outbox WHERE id IN ({marks})", tuple(ids)
        )
        seen = self.box.external_ids()
        latest = max(
            (from_db(r[1]) - killed).total_seconds() if r[0] == "sent" else float("inf")
            for r in rows
        )
        return latest, sum(1 for r in rows if r[2] in seen)


async def _orphans(world: FailoverWorld) -> list[int]:
    """The rows the dead instance had claimed: ``sending`` now and still, unchanged, after
    :data:`SETTLE` seconds."""
    first = await asyncio.to_thread(world.sending)
    await asyncio.sleep(SETTLE)
    second = await asyncio.to_thread(world.sending)
    return sorted(i for i, v in first.items() if second.get(i) == v)


async def _failover(n: int, url: str) -> dict[str, Any]:
    async with FailoverWorld.open(n, url=url) as world:
        assert world.balancer is not None
        await world.start()
        async with _walking(world) as walking:
            wanted = max(1, round(n * KILL_AT_CONFIRMED))
            await _until(
                lambda: sum(k.confirmed_at is not None for k in world.kader) >= wanted, within=600
            )
            posts_a = world.balancer.posts[0]
            await world.kill(0)
            killed = datetime.now(UTC)
            confirmed = {k.address for k in world.kader if k.confirmed_at is not None}
            half_done = [k for k in world.kader if k.started and k.confirmed_at is None]
            in_db = await asyncio.to_thread(world.reports_saved)
            orphans = await _orphans(world)
            await walking
        drained = await world.drained()
        code = await world.stop()
        latest, reached = await asyncio.to_thread(world.outcome, orphans, killed)
        saved = await asyncio.to_thread(world.reports_saved)
        delivery = await asyncio.to_thread(world.delivery)
        unanswered = sum(k.sent - k.answered for k in world.kader)
        stuck = sum(1 for k in world.kader if k.stuck)
        if stuck or code != 0 or delivery["lost"] or unanswered or latest > LEASE + SLACK:
            _complain(world, "failover")
        return {
            "posts_a": posts_a,
            "moved": world.balancer.posts[1],
            "confirmed": len(confirmed),
            "confirmed_missing": len(confirmed - in_db),
            "half_done": len(half_done),
            "resumed": sum(1 for k in half_done if k.confirmed_at is not None),
            "orphans": len(orphans),
            "orphans_latest": latest,
            "orphans_reached": reached,
            "saved": len(saved),
            "unanswered": unanswered,
            "stuck": stuck,
            "drained": drained,
            "redelivered": sum(world.balancer.refused.values()),
            "exit": code,
            **delivery,
        }


def _rows(r: dict[str, Any], n: int) -> list[dict[str, Any]]:
    return [
        {
            "figure": (
                f"failover on PostgreSQL, two instances, {n:,} kader, A SIGKILLed: reports "
                f"confirmed before the kill missing from the database ({r['confirmed']:,} "
                f"confirmed; A had taken {r['posts_a']:,} POSTs)"
            ),
            "value": r["confirmed_missing"],
            "unit": "reports",
            "target": "= 0",
            "passed": r["confirmed"] > 0 and r["confirmed_missing"] == 0,
        },
        {
            "figure": (
                f"failover: half-done conversations finished on the other instance (of "
                f"{r['half_done']:,})"
            ),
            "value": r["resumed"],
            "unit": "kader",
            "target": f"= {r['half_done']:,}",
            "passed": r["half_done"] > 0 and r["resumed"] == r["half_done"],
        },
        {
            "figure": (
                f"failover: reports saved in the end ({r['stuck']} kader stuck, "
                f"{r['redelivered']:,} webhook POSTs redelivered)"
            ),
            "value": r["saved"],
            "unit": "reports",
            "target": f"= {n:,}",
            "passed": r["saved"] == n and r["stuck"] == 0,
        },
        *_delivery_rows(r),
    ]


def _delivery_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    latest = r["orphans_latest"]
    return [
        {
            "figure": (
                f"failover: replies never delivered ({r['rows']:,} outbox rows; "
                f"{r['unanswered']} kader messages without a reply; {r['failed']} failed)"
            ),
            "value": r["lost"] + r["unanswered"],
            "unit": "replies",
            "target": "= 0",
            "passed": delivered_cleanly(r),
        },
        {
            "figure": (
                f"failover: the dead instance's claimed outbox rows sent by the other, latest "
                f"after the kill ({r['orphans']} rows, {r['orphans_reached']} reached a fake; "
                f"OUTBOX_LEASE_SECONDS={LEASE:.0f})"
            ),
            "value": round(latest, 1) if latest != float("inf") else -1,
            "unit": "s",
            "target": f"<= lease + {SLACK:.0f} s",
            "passed": latest <= LEASE + SLACK and r["orphans_reached"] == r["orphans"],
        },
        {
            "figure": "failover: duplicate replies (at least once: allowed, counted)",
            "value": r["duplicates"],
            "unit": "replies",
            "target": "",
            "passed": True,
        },
    ]


# --- the database server lost ---------------------------------------------------------------
async def _server_lost(n: int, server: PostgresServer) -> dict[str, Any]:
    async with FailoverWorld.open(n, url=server.create_database("lost")) as world:
        assert world.balancer is not None
        await world.start()
        async with _walking(world) as walking:
            await asyncio.sleep(OUTAGE_AFTER)
            await asyncio.to_thread(server.halt)
            await asyncio.sleep(OUTAGE_SECONDS)
            refused = dict(world.balancer.refused)
            owed = {k: k.answered + 1 for k in world.kader if k.waiting}
            await asyncio.to_thread(server.resume)
            resumed = time.perf_counter()
            ok = await _until(lambda: all(k.answered >= a for k, a in owed.items()), DRAIN_LIMIT)
            drain = time.perf_counter() - resumed
            await walking
        drained = await world.drained()
        code = await world.stop()
        saved = await asyncio.to_thread(world.reports_saved)
        delivery = await asyncio.to_thread(world.delivery)
        unanswered = sum(k.sent - k.answered for k in world.kader)
        stuck = sum(1 for k in world.kader if k.stuck)
        if not ok or stuck or code != 0 or delivery["lost"] or unanswered:
            _complain(world, "server lost")
        return {
            "refused": refused,
            "owed": len(owed),
            "ok": ok,
            "drain": drain,
            "saved": len(saved),
            "unanswered": unanswered,
            "stuck": stuck,
            "drained": drained,
            "exit": code,
            **delivery,
        }


def _lost_rows(r: dict[str, Any], n: int) -> list[dict[str, Any]]:
    refused = ", ".join(f"{v:,} {k}" for k, v in sorted(r["refused"].items())) or "none"
    return [
        {
            "figure": (
                f"PostgreSQL server stopped for {OUTAGE_SECONDS:.0f} s under the load, two "
                f"instances: reports saved in the end ({r['stuck']} kader stuck; webhook POSTs "
                f"refused meanwhile and redelivered: {refused})"
            ),
            "value": r["saved"],
            "unit": "reports",
            "target": f"= {n:,}",
            "passed": r["saved"] == n and r["stuck"] == 0,
        },
        {
            "figure": (
                f"server lost: replies never delivered ({r['rows']:,} outbox rows; "
                f"{r['unanswered']} kader messages without a reply; {r['failed']} failed; "
                f"{r['duplicates']:,} duplicates)"
            ),
            "value": r["lost"] + r["unanswered"],
            "unit": "replies",
            "target": "= 0",
            "passed": delivered_cleanly(r),
        },
        {
            "figure": (
                f"server lost: replies owed at its return ({r['owed']:,}) all delivered, time "
                "from the server's return"
            ),
            "value": round(r["drain"], 1),
            "unit": "s",
            "target": "drains, < 120 s",
            "passed": r["ok"] and r["drain"] < 120,
        },
    ]


async def _measure(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from tests.postgres import start

    server = await asyncio.to_thread(start, ("max_connections=100",))
    try:
        t0 = time.perf_counter()
        failover = await _failover(n, server.create_database("failover"))
        print(f"  failover: kill in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        t0 = time.perf_counter()
        lost = await _server_lost(n, server)
        print(f"  failover: server lost in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        return failover, lost
    finally:
        await asyncio.to_thread(server.stop)


def run(kader: int = KADER) -> list[dict[str, Any]]:
    failover, lost = asyncio.run(_measure(kader))
    return [*_rows(failover, kader), *_lost_rows(lost, kader)]


if __name__ == "__main__":
    n = int(sys.argv[2]) if sys.argv[1:2] == ["--kader"] else KADER
    for row in run(n):
        mark = "ok" if row["passed"] else "FAILED"
        print(f"[{mark}] {row['figure']}: {row['value']} {row['unit']}")
