"""Telegram webhook end to end: ``posyandu run`` (the real Service: Starlette on uvicorn, the
engine, the outbox dispatcher, python-telegram-bot) in its own process on loopback, in webhook
mode, against the fake Bot API of tests/fakes in this process; a seeded SQLite with 1,000 kader
(one posyandu each, a Telegram identity each).

Each kader follows the engine benchmark's conversation (LAPOR, five answers, BATAL): seven
updates, seven replies. An update's latency runs from the start of its webhook POST (httpx) to
its reply reaching the fake (``sendMessage``); replies to one chat come in order, so the n-th
reply answers the n-th update.

- (a) full speed: 200 concurrent senders, one kader each, each POSTing its next update as soon
  as the reply to its last reached the fake, 1,400 updates; then the outbox drains. Figure:
  updates whose reply reached the fake, per second from the first POST to the last reply.
  A sender waits for the reply, as a person answers the question they read: one that POSTed
  its next answer as soon as the last was recorded (200 OK) would overtake the question still
  in the outbox, which the service then never sends (a question a later step superseded,
  ``storage.outbox.supersede``): its reply count would be short by design, not by a loss.
- (b) paced open loop: 100 updates/s for 10 s (1,001 updates from 143 kader), each POST started
  at its time whatever the earlier ones are doing. Figures: p50 and p99 latency.

Rows superseded (read from the outbox after the run) are named beside the unanswered updates
(the paced run's kader do not wait: one whose reply takes over 1.43 s overtakes it).

Each sender has its own httpx client of one connection (one shared pool of 200 connections
costs httpcore time per request in proportion to its size: the bench would measure itself).

Telegram's own limit (30 messages/s, a setting) would cap (a) at 30/s; the service runs with
``TELEGRAM_RATE_PER_SECOND=1000`` (the limiter is still on the path). Reminders are off so
that only replies reach the fake. ``python -m bench.bench_webhook --profile FILE`` runs the
service under cProfile and writes its stats to FILE.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import ssl
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.bench_load import percentile
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, upsert_area
from storage.people import Role, add_identity, create_person
from storage.posyandu import upsert_posyandu
from tests.fakes.server import serve
from tests.fakes.service import free_port, start_posyandu
from tests.fakes.telegram_api import FakeTelegram

__all__ = ["run"]

TOKEN = "123456:BENCH-token-for-the-fake-bot-api-0000"
SECRET = "bench-webhook-secret-0123456789"
KADER = 1000
FIRST_CHAT = 900_000_001
SCRIPT = ("LAPOR", "6", "50", "45", "40", "30", "BATAL")
SENDERS = 200
#: Phase (a) stops starting updates after this long, whatever is left of the scripts.
FULL_SPEED_SECONDS = 20.0
#: Phase (a) uses kader 0 .. 199, phase (b) the next ones.
PACED_FIRST = SENDERS
PACED_RATE = 100.0
PACED_UPDATES = 1001
PACED_KADER = 143  # x 7 steps = 1,001 updates
DRAIN_SECONDS = 30.0
#: Phase (a): a sender gives up (and sends no more) when its reply takes longer than this.
REPLY_TIMEOUT = 30.0


class TimedFake(FakeTelegram):
    """The fake Bot API, also noting when each reply reached it."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.arrived = asyncio.Event()
        #: Set at each reply to the chat (one event a chat: a sender waits for its own).
        self.chat_arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = str(params["chat_id"])
        self.arrivals[chat].append(time.perf_counter())
        self.arrived.set()
        self.chat_arrived[chat].set()
        return await super()._m_sendMessage(params)

    async def reply_count(self, chat: str, n: int, within: float) -> bool:
        """Wait until ``chat`` has had ``n`` replies; False after ``within`` seconds."""
        deadline = time.perf_counter() + within
        event = self.chat_arrived[chat]
        while len(self.arrivals[chat]) < n:
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return False
        return True

    def replies(self) -> int:
        return sum(len(v) for v in self.arrivals.values())


def _chat(k: int) -> int:
    return FIRST_CHAT + k


async def _seed(path: Path) -> None:
    now = datetime.now(UTC)
    async with await Database.open(path) as db, db.transaction() as tx:
        prov = await upsert_area(tx, "97", "Bench", Level.PROVINSI, None)
        kab = await upsert_area(tx, "97.01", "Kota Bench", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "97.01.01", "Bench Tengah", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "97.01.01.1001", "Bench Jaya", Level.DESA, kec)
        schedule = Schedule.parse("tanggal 12")
        for k in range(KADER):
            p = await upsert_posyandu(tx, f"B{k:04d}", f"Bench {k}", desa, "Asia/Jakarta", schedule)
            person = await create_person(tx, f"Kader {k}", Role.KADER, now, posyandu_id=p.id)
            await add_identity(tx, person.id, "telegram", str(_chat(k)))


async def _start_service(
    db: Path, api: str, port: int, profile: Path | None
) -> asyncio.subprocess.Process:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_RATE_PER_SECOND": "1000",
        "PUBLIC_BASE_URL": "https://posyandu.bench.test",
        "REMINDER_KINDS": "",
        "LOG_LEVEL": "WARNING",
    }
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
    return await start_posyandu(
        db, port, env, prefix=prefix, stderr=asyncio.subprocess.PIPE, pinned=False
    )


class Load:
    """Posts updates and pairs each with its reply."""

    def __init__(self, fake: TimedFake, port: int) -> None:
        self.fake = fake
        #: Idle clients, of one connection each.
        self.idle: list[httpx.AsyncClient] = []
        self.tls = ssl.create_default_context()  # made once (plain HTTP: never used)
        self.clients: list[httpx.AsyncClient] = []
        self.url = f"http://127.0.0.1:{port}/telegram/webhook"
        self.posted: dict[str, list[float]] = defaultdict(list)
        self.errors = 0
        self.error_kinds: dict[str, int] = defaultdict(int)

    async def post(self, k: int, text: str) -> None:
        chat = _chat(k)
        update = self.fake.text_update(chat, text)
        t0 = time.perf_counter()
        self.posted[str(chat)].append(t0)
        client = self.idle.pop() if self.idle else self._new_client()
        try:
            r = await client.post(
                self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            if r.status_code != 200:
                self.errors += 1
                self.error_kinds[f"HTTP {r.status_code}: {r.text[:80]}"] += 1
        except httpx.HTTPError as exc:
            self.errors += 1
            self.error_kinds[type(exc).__name__] += 1
        finally:
            self.idle.append(client)

    def _new_client(self) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=1), timeout=30, verify=self.tls
        )
        self.clients.append(client)
        return client

    def warm(self, n: int) -> None:
        """Make ``n`` clients before the clock starts."""
        self.idle.extend(self._new_client() for _ in range(n - len(self.idle)))

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.posted.values())

    def answered(self) -> int:
        return sum(min(len(v), len(self.fake.arrivals.get(c, []))) for c, v in self.posted.items())

    async def drain(self) -> None:
        """Wait until every update has its reply (at most ``DRAIN_SECONDS``)."""
        deadline = time.perf_counter() + DRAIN_SECONDS
        while self.answered() < self.count:
            self.fake.arrived.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.fake.arrived.wait(), remaining)

    def latencies(self) -> list[float]:
        out: list[float] = []
        for chat, posts in self.posted.items():
            arrivals = self.fake.arrivals.get(chat, [])
            out.extend(a - p for p, a in zip(posts, arrivals, strict=False))
        return sorted(out)

    def last_reply(self) -> float:
        return max(self.fake.arrivals[c][len(v) - 1] for c, v in self.posted.items())


async def _full_speed(fake: TimedFake, port: int) -> dict[str, float]:
    load = Load(fake, port)
    load.warm(SENDERS)
    try:
        stop_at = time.perf_counter() + FULL_SPEED_SECONDS

        async def sender(j: int) -> None:
            for k in range(j, PACED_FIRST, SENDERS):
                chat = str(_chat(k))
                for text in SCRIPT:
                    if time.perf_counter() >= stop_at:
                        return
                    await load.post(k, text)
                    owed = len(load.posted[chat])
                    if not await fake.reply_count(chat, owed, REPLY_TIMEOUT):
                        return

        t0 = time.perf_counter()
        await asyncio.gather(*(sender(j) for j in range(SENDERS)))
        posted_in = time.perf_counter() - t0
        await load.drain()
        if load.errors:
            print(f"webhook POSTs that failed: {dict(load.error_kinds)}", file=sys.stderr)
        answered = load.answered()
        elapsed = (load.last_reply() if answered == load.count else time.perf_counter()) - t0
        lat = load.latencies()
    finally:
        await load.close()
    return {
        "rate": answered / elapsed,
        "posted": load.count,
        "answered": answered,
        "intake_rate": load.count / posted_in,
        "p50": statistics.median(lat) * 1000 if lat else float("nan"),
        "errors": load.errors,
    }


async def _paced(fake: TimedFake, port: int) -> dict[str, float]:
    load = Load(fake, port)
    load.warm(20)
    try:
        tasks: list[asyncio.Task[None]] = []
        t0 = time.perf_counter()
        for i in range(PACED_UPDATES):
            step, k = divmod(i, PACED_KADER)
            delay = t0 + i / PACED_RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(load.post(PACED_FIRST + k, SCRIPT[step])))
        await asyncio.gather(*tasks)
        achieved = PACED_UPDATES / (time.perf_counter() - t0)
        await load.drain()
        if load.errors:
            print(f"webhook POSTs that failed: {dict(load.error_kinds)}", file=sys.stderr)
        lat = load.latencies()
    finally:
        await load.close()
    return {
        "p50": percentile(lat, 0.50) * 1000,
        "p99": percentile(lat, 0.99) * 1000,
        "max": lat[-1] * 1000 if lat else float("nan"),
        "answered": load.answered(),
        "posted": load.count,
        "achieved": achieved,
        "errors": load.errors,
    }


async def _measure(profile: Path | None = None) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "webhook.db"
        await _seed(db)
        fake = TimedFake(TOKEN)
        port = free_port()
        async with serve(fake.app) as api:
            proc = await _start_service(db, api, port, profile)
            assert proc.stderr is not None
            log = asyncio.create_task(proc.stderr.read())
            try:
                full = await _full_speed(fake, port)
                await asyncio.sleep(1.0)  # let the service settle between the phases
                paced = await _paced(fake, port)
            finally:
                proc.terminate()
                code = await asyncio.wait_for(proc.wait(), timeout=30)
            problems = (await log).decode("utf-8", "replace").strip()
        full["superseded"], paced["superseded"] = _superseded(db)
    if code != 0 or full["errors"] or paced["errors"]:
        print(f"service exit {code}; its log:\n{problems[-2000:]}", file=sys.stderr)
    return {"full": full, "paced": paced}


def _superseded(db: Path) -> tuple[int, int]:
    """Outbox rows superseded (never sent, by design) in phase (a) and in phase (b)."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT address FROM outbox WHERE channel = 'telegram' AND status = 'superseded'"
        ).fetchall()
    chats = [int(a) for (a,) in rows]
    full = sum(1 for c in chats if c < _chat(PACED_FIRST))
    return full, len(chats) - full


def _unanswered(phase: dict[str, float]) -> str:
    lost = int(phase["posted"] - phase["answered"])
    superseded = int(phase["superseded"])
    return (f", {lost} unanswered" if lost else "") + (
        f", {superseded} questions superseded unsent" if superseded else ""
    )


def run() -> list[dict[str, Any]]:
    r = asyncio.run(_measure())
    full, paced = r["full"], r["paced"]
    lost_a = int(full["posted"] - full["answered"])
    lost_b = int(paced["posted"] - paced["answered"])
    return [
        {
            "figure": (
                f"webhook: updates/s end to end, {SENDERS} concurrent senders "
                f"({int(full['posted'])} updates, POST to reply at the fake"
                + _unanswered(full)
                + ")"
            ),
            "value": round(full["rate"]),
            "unit": "updates/s",
            "target": ">= 300 updates/s",
            "passed": full["rate"] >= 300 and lost_a == 0 and not full["errors"],
        },
        {
            "figure": "webhook: p50 latency at full speed (queueing included)",
            "value": round(full["p50"], 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": (
                f"webhook: p50 latency POST to reply, paced {PACED_RATE:.0f} updates/s open loop"
            ),
            "value": round(paced["p50"], 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": (
                f"webhook: p99 latency POST to reply, paced {PACED_RATE:.0f} updates/s open loop"
                f" ({int(paced['posted'])} updates" + _unanswered(paced) + ")"
            ),
            "value": round(paced["p99"], 1),
            "unit": "ms",
            "target": "< 100 ms",
            "passed": paced["p99"] < 100 and lost_b == 0 and not paced["errors"],
        },
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--profile"]:
        result = asyncio.run(_measure(Path(sys.argv[2]).resolve()))
        print(result)
    else:
        for row in run():
            print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
