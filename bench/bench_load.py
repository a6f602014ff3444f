"""Load: 2,000 kader completing their monthly report at once, half on Telegram, half on WhatsApp.

``posyandu run`` (the real Service: Starlette on uvicorn, the engine, the outbox dispatcher,
python-telegram-bot and the twilio client) runs in its own process on loopback, on a seeded
SQLite of 2,000 posyandu (one kader each, twelve months of reports each), against the fake
Bot API and the fake Twilio API of tests/fakes in this process. Kader 0, 2, 4, ... write over
the Telegram webhook (secret token), kader 1, 3, 5, ... over the WhatsApp webhook (form posts
signed with twilio's RequestValidator against PUBLIC_BASE_URL).

Each kader starts at a random moment of the first ``RAMP_SECONDS`` and walks the real guided
dialogue: LAPOR, then reads each reply as it reaches the fake and answers the question it
asks (numbers, words, ``=`` for last month's value, the programmes), confirms what the bot
asks to confirm, answers YA to the summary and stops at "tersimpan". Between a reply and the
next message the kader thinks for a uniform 0.5-3 s: a closed loop of people, not a flood.

Figures: kader messages per second (first POST to the last reply), p50 and p99 latency from
the start of a webhook POST to its reply reaching the fake, the service's peak RSS (VmHWM of
/proc/<pid>/status), reports saved (counted in SQLite: must be 2,000), replies lost (outbox
rows whose send never reached the fake: must be 0) and duplicate replies (sends that reached
the fake though the row was recorded with another send: allowed by the at-least-once
contract, counted).

Telegram's own limit (30 messages/s) and Twilio's per-sender limit (10 messages/s) are
settings; the bench raises them (``TELEGRAM_RATE_PER_SECOND=1000``,
``TWILIO_RATE_PER_SECOND=1000``; the limiters stay on the path; and the HTTP server's
connection cap, ``HTTP_MAX_CONNECTIONS=4000``) because a real deployment of
this size would have its limits raised with the providers, and at 30/s the figure would be
the limit. Reminders are off (only replies reach the fakes); the outbox runs with its default
backoff. The load generator shares the machine's cores with the service.

:class:`World` is the harness; bench/bench_faults.py drives the same world through faults.
``python -m bench.bench_load [--kader N]`` runs it with another number of kader.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import ssl
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse
from twilio.request_validator import RequestValidator

from conversations.catalogue import say
from scoring import Period
from scoring.fields import QUESTION_FIELDS
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, upsert_area
from storage.people import Role, add_identity, create_person
from storage.posyandu import upsert_posyandu
from storage.reports import save_report
from tests.fakes.server import serve
from tests.fakes.service import free_port, start_posyandu
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.storage.helpers import STEADY, month

__all__ = ["Kader", "World", "run"]

TOKEN = "123456:BENCH-token-for-the-fake-bot-api-0000"
SECRET = "bench-webhook-secret-0123456789"
SID = "AC" + "0123456789abcdef" * 2
AUTH = "bench-twilio-auth-token-0123456789"
FROM = "+14155238886"
PUBLIC = "https://posyandu.bench.test"
WHATSAPP_PATH = "/twilio/whatsapp"

KADER = 2000
FIRST_CHAT = 910_000_001
#: Kader start LAPOR at a uniform moment of this many seconds.
RAMP_SECONDS = 20.0
#: Seconds between a reply and the kader's next message.
THINK = (0.5, 3.0)
#: A kader gives up waiting for a reply after this long (counted: never expected).
REPLY_TIMEOUT = 180.0
#: A kader sends at most this many messages (a dialogue that loops is counted, not endless).
MAX_MESSAGES = 40
#: Seconds between two deliveries of a webhook POST that was not answered 200.
REDELIVER_AFTER = 0.5
#: After the kader: seconds for the outbox to finish.
DRAIN_SECONDS = 60.0

#: Each field's question, and the answers a kader may give (the history holds S 50, K 45,
#: D 40, N 30 ... every month, so none of these asks for a confirmation).
ANSWERS: dict[str, tuple[str, ...]] = {
    "kader": ("6", "5", "enam"),
    "s": ("=", "50", "ada 50 anak"),
    "k": ("45", "ada 45 anak"),
    "d": ("41", "empat puluh satu", "40"),
    "n": ("33", "30", "tiga puluh"),
    "bgm": ("1", "0"),
    "t2": ("0", "LEWATI"),
    "bumil": ("6", "="),
    "bumil_periksa": ("4", "5"),
    "pus": ("100", "="),
    "kb_aktif": ("60", "65"),
    "bayi": ("12", "="),
    "bayi_imunisasi": ("2", "1"),
    "kk": ("150",),
    "kk_dana_sehat": ("60",),
    "program_tambahan": ("BKB", "BKB, PAUD", "="),
    # The optional services the default deployment asks when they apply (referral after
    # BGM 1; vitamin A in February and August).
    "rujukan": ("1", "2"),
    "vit_a": ("40", "45"),
}
QUESTIONS: tuple[tuple[str, str], ...] = tuple((say(f"ask.{f.id}"), f.id) for f in QUESTION_FIELDS)
SAVED = "tersimpan"
_NUMBERED = re.compile(r"\(\d+/\d+\)")


def whatsapp_number(k: int) -> str:
    return f"+62819{k:08d}"


def telegram_chat(k: int) -> int:
    return FIRST_CHAT + k


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def peak_rss_mb(pid: int) -> float:
    """VmHWM (the resident set's high-water mark) of a live process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text("ascii")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a live process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text("ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the fakes, noting every reply as it arrives -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Arrival:
    at: float
    text: str
    #: The message id (Telegram) or SID (Twilio) the fake answered with.
    external_id: str


class Mailboxes:
    """Every reply reaching either fake, by address (a chat id, or an E.164 number)."""

    def __init__(self) -> None:
        self.by_address: dict[str, list[Arrival]] = defaultdict(list)
        self.events: dict[str, asyncio.Event] = {}
        self.total = 0
        self.any = asyncio.Event()

    def add(self, address: str, text: str, external_id: str) -> None:
        self.by_address[address].append(Arrival(time.perf_counter(), text, external_id))
        self.total += 1
        self.event(address).set()
        self.any.set()

    def event(self, address: str) -> asyncio.Event:
        found = self.events.get(address)
        if found is None:
            found = self.events[address] = asyncio.Event()
        return found

    def external_ids(self) -> dict[str, int]:
        """How many times each external id reached a fake (a resend has its own)."""
        seen: dict[str, int] = defaultdict(int)
        for arrivals in self.by_address.values():
            for a in arrivals:
                seen[a.external_id] += 1
        return seen


class TimedTelegram(FakeTelegram):
    def __init__(self, token: str, box: Mailboxes) -> None:
        super().__init__(token)
        self.box = box

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        result = await super()._m_sendMessage(params)
        self.box.add(str(params["chat_id"]), str(params.get("text", "")), str(result["message_id"]))
        return result


class TimedTwilio(FakeTwilio):
    def __init__(self, account_sid: str, auth_token: str, box: Mailboxes) -> None:
        super().__init__(account_sid, auth_token)
        self.box = box

    async def _create(self, request: Request) -> JSONResponse:
        response = await super()._create(request)
        if response.status_code == 201:
            data = json.loads(bytes(response.body))
            to = str(data["to"]).removeprefix("whatsapp:")
            self.box.add(to, str(data["body"]), str(data["sid"]))
        return response


# --- the seeded file -----------------------------------------------------------------------
async def seed(path: Path | str, kader: int, now: datetime) -> Period:
    """Areas, ``kader`` posyandu with a kader each and twelve months of reports; the month
    the kader will report (the current one)."""
    current = Period(now.year, now.month)
    async with await Database.open(path) as db, db.transaction() as tx:
        prov = await upsert_area(tx, "97", "Bench", Level.PROVINSI, None)
        kab = await upsert_area(tx, "97.01", "Kota Bench", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "97.01.01", "Bench Tengah", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "97.01.01.1001", "Bench Jaya", Level.DESA, kec)
        schedule = Schedule.parse("tanggal 1")
        for k in range(kader):
            p = await upsert_posyandu(tx, f"L{k:05d}", f"Load {k}", desa, "Asia/Jakarta", schedule)
            person = await create_person(tx, f"Kader {k}", Role.KADER, now, posyandu_id=p.id)
            if k % 2 == 0:
                await add_identity(tx, person.id, "telegram", str(telegram_chat(k)))
            else:
                await add_identity(tx, person.id, "whatsapp", whatsapp_number(k))
            for back in range(12, 0, -1):
                await save_report(
                    tx,
                    p.id,
                    month(current.shift(-back), **STEADY),
                    by=None,
                    at=now,
                    channel="import",
                )
    return current


# --- a kader -------------------------------------------------------------------------------
@dataclass(eq=False)
class Kader:
    k: int
    channel: str
    address: str
    rng: random.Random
    #: Arrivals of this address looked at so far.
    seen: int = 0
    #: Distinct replies read (a reply whose text was read before is a duplicate).
    read: set[str] = field(default_factory=set)
    sent: int = 0
    #: Replies read (one per message sent, when all is well).
    answered: int = 0
    #: A message of this kader was taken (200) and its reply has not reached the fake yet.
    waiting: bool = False
    started: bool = False
    #: When "tersimpan" reached the fake (the save was confirmed to the kader).
    confirmed_at: float | None = None
    #: Why the kader stopped without a confirmed save (None: still going, or saved).
    stuck: str | None = None
    last_reply: str = ""

    @property
    def done(self) -> bool:
        return self.confirmed_at is not None or self.stuck is not None

    def answer(self, reply: str) -> str | None:
        """The next message, given the last reply; None when the report is saved."""
        if SAVED in reply:
            return None
        if _NUMBERED.search(reply):
            # The last question in the reply is the one asked (a problem repeats it at the end).
            where, name = max(
                ((reply.rfind(q), n) for q, n in QUESTIONS if q in reply), default=(-1, "")
            )
            if where >= 0:
                return self.rng.choice(ANSWERS[name])
        if "YA" in reply:
            return "YA"  # a confirmation, or the summary
        self.stuck = f"unexpected reply: {reply[:120]!r}"
        return None


class Poster:
    """Webhook POSTs from a pool of one-connection clients (a shared pool of hundreds costs
    httpcore time in proportion to its size), each redelivered until answered 200 — as
    Telegram does, and as a person does whose message got no answer."""

    def __init__(self, port: int, telegram: FakeTelegram) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.telegram = telegram
        self.validator = RequestValidator(AUTH)
        self.tls = ssl.create_default_context()  # made once (plain HTTP: never used)
        self.idle: list[httpx.AsyncClient] = []
        self.clients: list[httpx.AsyncClient] = []
        #: POSTs not answered 200, by kind.
        self.refused: dict[str, int] = defaultdict(int)
        self.rejected = 0

    def _client(self) -> httpx.AsyncClient:
        if self.idle:
            return self.idle.pop()
        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=1), timeout=60, verify=self.tls
        )
        self.clients.append(client)
        return client

    def request(self, kader: Kader, text: str) -> tuple[str, dict[str, Any]]:
        """The URL path and the httpx arguments of one message (fixed: a redelivery is the
        same update, the same MessageSid)."""
        kader.sent += 1
        if kader.channel == "telegram":
            update = self.telegram.text_update(int(kader.address), text)
            return "/telegram/webhook", {
                "json": update,
                "headers": {"X-Telegram-Bot-Api-Secret-Token": SECRET},
            }
        form = {
            "MessageSid": f"SM{kader.k:016x}{kader.sent:016x}",
            "AccountSid": SID,
            "From": f"whatsapp:{kader.address}",
            "To": f"whatsapp:{FROM}",
            "Body": text,
            "NumMedia": "0",
        }
        signature = self.validator.compute_signature(PUBLIC + WHATSAPP_PATH, form)
        return WHATSAPP_PATH, {"data": form, "headers": {"X-Twilio-Signature": signature}}

    def target(self, kader: Kader) -> str:
        """The service a kader's next POST goes to (one here; a balancer chooses)."""
        return self.base

    async def deliver(
        self, kader: Kader, path: str, kwargs: dict[str, Any], give_up_at: float
    ) -> bool:
        """POST until answered 200 (False: refused for good, 4xx, or out of time)."""
        while True:
            client = self._client()
            try:
                r = await client.post(self.target(kader) + path, **kwargs)
                status = r.status_code
            except httpx.HTTPError as exc:
                status = 0
                self.refused[type(exc).__name__] += 1
            finally:
                self.idle.append(client)
            if status == 200:
                return True
            if 400 <= status < 500:
                self.rejected += 1
                return False
            if status:
                self.refused[f"HTTP {status}"] += 1
            if time.perf_counter() >= give_up_at:
                return False
            await asyncio.sleep(REDELIVER_AFTER)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


# --- the world -----------------------------------------------------------------------------
class World:
    """A seeded file, both fakes on loopback, ``posyandu run`` in a subprocess, the kader."""

    def __init__(self, tmp: Path, kader: int, *, seed_value: int = 20261124) -> None:
        self.tmp = tmp
        self.db: Path | str = tmp / "load.db"
        self.log = tmp / "service.log"
        self.box = Mailboxes()
        self.telegram = TimedTelegram(TOKEN, self.box)
        self.twilio = TimedTwilio(SID, AUTH, self.box)
        self.port = free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self.rng = random.Random(seed_value)
        self.kader = [
            Kader(
                k,
                "telegram" if k % 2 == 0 else "whatsapp",
                str(telegram_chat(k)) if k % 2 == 0 else whatsapp_number(k),
                random.Random(seed_value + k),
            )
            for k in range(kader)
        ]
        self.latencies: list[float] = []
        self.channel_latencies: dict[str, list[float]] = defaultdict(list)
        self.first_post = float("inf")
        #: Set: kader send nothing new (they finish waiting for the reply they are owed).
        self.stopping = False
        self.period: Period | None = None
        self.poster: Poster | None = None
        self._apis: tuple[str, str] = ("", "")

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, kader: int, **options: Any) -> AsyncIterator[Self]:
        """A world of ``kader`` (``options`` go to the class: a subclass's own)."""
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            world = cls(Path(tmp), kader, **options)
            world.period = await seed(world.db, kader, datetime.now(UTC))
            async with serve(world.telegram.app) as tg, serve(world.twilio.app) as tw:
                world._apis = (tg, tw)
                world.poster = world.make_poster()
                try:
                    yield world
                finally:
                    await world.poster.close()
                    await world.stop(signal.SIGKILL)

    def make_poster(self) -> Poster:
        return Poster(self.port, self.telegram)

    # --- the service ---------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        tg, tw = self._apis
        return {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"{tg}/bot",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_RATE_PER_SECOND": "1000",
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": AUTH,
            "TWILIO_WHATSAPP_FROM": FROM,
            "TWILIO_API_BASE_URL": tw,
            "TWILIO_RATE_PER_SECOND": "1000",
            # 2,000 simulated senders keep up to ~1,500 connections open at once (one each,
            # as the fakes of Telegram and Twilio here do); the real ones open at most 100.
            "HTTP_MAX_CONNECTIONS": "4000",
            "PUBLIC_BASE_URL": PUBLIC,
            "MEDIA_DIR": str(self.tmp / "media"),
            "REMINDER_KINDS": "",
            "LOG_LEVEL": "WARNING",
        }

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = await start_posyandu(
                self.db, self.port, self.env(), stderr=log, within=60, pinned=False
            )

    async def stop(self, sig: int = signal.SIGTERM) -> int | None:
        proc, self.proc = self.proc, None
        if proc is None or proc.returncode is not None:
            return None if proc is None else proc.returncode
        proc.send_signal(sig)
        return await asyncio.wait_for(proc.wait(), timeout=60)

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        return peak_rss_mb(self.proc.pid)

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        return cpu_seconds(self.proc.pid)

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    # --- the kader -----------------------------------------------------------------------
    async def _reply(self, kader: Kader, deadline: float) -> Arrival | None:
        """The next reply the kader has not read before (duplicates are skipped)."""
        arrivals = self.box.by_address[kader.address]
        event = self.box.event(kader.address)
        while True:
            while kader.seen < len(arrivals):
                arrival = arrivals[kader.seen]
                kader.seen += 1
                if arrival.text not in kader.read:
                    kader.read.add(arrival.text)
                    return arrival
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def walk(self, kader: Kader, start_after: float) -> None:
        """One kader's whole report."""
        assert self.poster is not None
        await asyncio.sleep(start_after)
        if self.stopping:
            return
        kader.started = True
        text: str | None = "LAPOR"
        while text is not None:
            if kader.sent >= MAX_MESSAGES:
                kader.stuck = f"over {MAX_MESSAGES} messages; last reply {kader.last_reply[:80]!r}"
                return
            path, kwargs = self.poster.request(kader, text)
            t0 = time.perf_counter()
            self.first_post = min(self.first_post, t0)
            if not await self.poster.deliver(kader, path, kwargs, t0 + REPLY_TIMEOUT):
                kader.stuck = f"webhook refused {text!r}"
                return
            kader.waiting = True
            arrival = await self._reply(kader, t0 + REPLY_TIMEOUT)
            kader.waiting = False
            if arrival is None:
                kader.stuck = f"no reply to {text!r} in {REPLY_TIMEOUT:.0f} s"
                return
            kader.answered += 1
            self.latencies.append(arrival.at - t0)
            self.channel_latencies[kader.channel].append(arrival.at - t0)
            kader.last_reply = arrival.text
            text = kader.answer(arrival.text)
            if text is None:
                if kader.stuck is None:
                    kader.confirmed_at = arrival.at
                return
            if self.stopping:
                return
            await asyncio.sleep(kader.rng.uniform(*THINK))

    def walk_all(self, ramp: float = RAMP_SECONDS) -> asyncio.Future[list[None]]:
        return asyncio.gather(*(self.walk(k, self.rng.uniform(0, ramp)) for k in self.kader))

    # --- the file ------------------------------------------------------------------------
    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            return [tuple(r) for r in conn.execute(sql, args).fetchall()]
        finally:
            conn.close()

    def reports_saved(self) -> set[str]:
        """Channel addresses of the kader whose report for the month is in the file."""
        rows = self.query(
            "SELECT i.address FROM reports r JOIN people p ON p.posyandu_id = r.posyandu_id "
            "JOIN identities i ON i.person_id = p.id WHERE r.period = ? "
            "AND r.channel IN ('telegram', 'whatsapp')",
            (str(self.period),),
        )
        return {str(r[0]) for r in rows}

    def intact(self) -> bool:
        return bool(self.query("PRAGMA integrity_check")[0][0] == "ok")

    def outbox_open(self) -> int:
        return int(
            self.query("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")[0][0]
        )

    async def drained(self, within: float = DRAIN_SECONDS) -> bool:
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            if await asyncio.to_thread(self.outbox_open) == 0:
                return True
            await asyncio.sleep(0.2)
        return False

    def delivery(self) -> dict[str, int]:
        """Outbox rows against what reached the fakes: rows, failed, lost (never reached a
        fake, and not superseded: a question a later step overtook is dropped on purpose),
        duplicates (sends that reached a fake beyond one per row)."""
        rows = self.query("SELECT status, external_id FROM outbox")
        seen = self.box.external_ids()
        delivered = sum(1 for status, ext in rows if status == "sent" and ext in seen)
        superseded = sum(1 for status, _ in rows if status == "superseded")
        return {
            "rows": len(rows),
            "failed": sum(1 for status, _ in rows if status == "failed"),
            "superseded": superseded,
            "lost": len(rows) - delivered - superseded,
            "duplicates": self.box.total - delivered,
            "integrity": 1 if self.intact() else 0,
        }


# --- the benchmark -------------------------------------------------------------------------
async def _measure(kader: int) -> dict[str, Any]:
    async with World.open(kader) as world:
        await world.start()
        t0 = time.perf_counter()
        await world.walk_all()
        walked = time.perf_counter() - t0
        confirmed = [k for k in world.kader if k.confirmed_at is not None]
        last = max(
            (k.confirmed_at for k in confirmed if k.confirmed_at), default=time.perf_counter()
        )
        drained = await world.drained()
        rss = world.peak_rss_mb()
        service_cpu = world.cpu_seconds()
        own_cpu = time.process_time()
        code = await world.stop()
        saved = await asyncio.to_thread(world.reports_saved)
        delivery = await asyncio.to_thread(world.delivery)
        stuck = [k for k in world.kader if k.stuck]
        log = world.log_text().strip()
        redelivered = dict(world.poster.refused) if world.poster else {}
        if stuck or code != 0:
            print(
                f"stuck kader: {len(stuck)} {[k.stuck for k in stuck[:5]]}; service exit {code};"
                f" redelivered POSTs {redelivered}; log tail:\n{log[-2000:]}",
                file=sys.stderr,
            )
        messages = sum(k.sent for k in world.kader)
        return {
            "kader": kader,
            "messages": messages,
            "answered": len(world.latencies),
            "elapsed": last - world.first_post,
            "walked": walked,
            "p50": percentile(world.latencies, 0.50) * 1000,
            "p99": percentile(world.latencies, 0.99) * 1000,
            **{
                f"{q}_{ch}": percentile(lat, v) * 1000
                for ch, lat in world.channel_latencies.items()
                for q, v in (("p50", 0.5), ("p99", 0.99))
            },
            "rss": rss,
            "service_cpu": service_cpu,
            "load_cpu": own_cpu,
            "saved": len(saved),
            "confirmed": len(confirmed),
            "stuck": len(stuck),
            "drained": drained,
            "redelivered": sum(redelivered.values()),
            "exit": code,
            **delivery,
        }


def rows_for(r: dict[str, Any]) -> list[dict[str, Any]]:
    kader, messages = int(r["kader"]), int(r["messages"])
    unanswered = messages - int(r["answered"])
    return [
        {
            "figure": (
                f"load: kader messages/s, {kader:,} kader at once (half Telegram, half WhatsApp), "
                f"think 0.5-3 s ({messages:,} messages in {r['elapsed']:.0f} s; service CPU "
                f"{r['service_cpu'] / messages * 1000:.1f} ms/message)"
            ),
            "value": round(messages / r["elapsed"]) if r["elapsed"] > 0 else 0,
            "unit": "msg/s",
            "target": "",
            "passed": True,
        },
        {
            "figure": "load: p50 latency, webhook POST to reply at the fake",
            "value": round(r["p50"], 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": (
                f"load: p99 latency, webhook POST to reply at the fake (Telegram "
                f"{r.get('p99_telegram', 0):,.0f} ms, WhatsApp {r.get('p99_whatsapp', 0):,.0f} ms)"
            ),
            "value": round(r["p99"], 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": "load: peak RSS of the service process (VmHWM)",
            "value": round(r["rss"], 1),
            "unit": "MB",
            "target": "< 500 MB",
            "passed": r["rss"] < 500,
        },
        {
            "figure": (
                f"load: reports saved (in SQLite; {r['confirmed']:,} confirmed to the kader"
                + (f", {r['stuck']} kader stuck" if r["stuck"] else "")
                + ")"
            ),
            "value": int(r["saved"]),
            "unit": "reports",
            "target": f"= {kader:,}",
            "passed": r["saved"] == kader == r["confirmed"] and not r["stuck"],
        },
        {
            "figure": (
                f"load: replies lost ({r['rows']:,} outbox rows; {unanswered} kader messages "
                f"without a reply; {r['failed']} failed; {r['redelivered']} webhook POSTs "
                f"redelivered)"
            ),
            "value": int(r["lost"]) + unanswered,
            "unit": "replies",
            "target": "= 0",
            "passed": delivered_cleanly({**r, "unanswered": unanswered}),
        },
        {
            "figure": "load: duplicate replies (at least once: allowed, counted)",
            "value": int(r["duplicates"]),
            "unit": "replies",
            "target": "",
            "passed": True,
        },
    ]


def delivered_cleanly(r: dict[str, Any]) -> bool:
    """Every reply delivered, none failed, every kader message answered, the outbox drained,
    the file intact and (where the run stopped the service) a clean exit."""
    return bool(
        r["lost"] == 0
        and r["failed"] == 0
        and r["unanswered"] == 0
        and r["drained"]
        and r["integrity"] == 1
        and r.get("exit", 0) == 0
    )


def run(kader: int = KADER) -> list[dict[str, Any]]:
    return rows_for(asyncio.run(_measure(kader)))


if __name__ == "__main__":
    n = int(sys.argv[2]) if sys.argv[1:2] == ["--kader"] else KADER
    for row in run(n):
        print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
