"""Faults: the database file locked by an outside process, and the Bot API failing or hanging.

The database lock. Another process holds the SQLite file's write lock (``BEGIN IMMEDIATE`` on
its own connection) while kader write in through the real webhook. With a busy timeout longer
than the hold, their messages wait and are handled after the release; with a shorter one they
fail cleanly: the webhook answers 503 (so Telegram delivers them again), nothing of them is
written, and the redelivery after the release is handled once. Either way ``PRAGMA
integrity_check`` is ok and no report or reply is lost. An outside reader holding a read
transaction blocks nobody (WAL). The outside process lets go on a signal (:class:`Release`:
the engine gave a message up, every message was answered), never after a sleep that happens
to be long enough; :func:`lock_scenario` also takes a fixed hold, for a benchmark to run the
full 10 s.

The Bot API. Fake Telegram answers 500 to every send, or hangs (answers nothing) for a while,
then recovers: the outbox backlog drains, no reply is lost or marked failed. (A hang longer
than the client's read timeout, 10 s, is retried as a network error: that variant belongs to
the benchmarks.)
"""

from __future__ import annotations

import asyncio
import enum
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import Service
from scoring import Period
from storage.outbox import Status, counts
from storage.reports import get_report
from storage.sql import fetch_one
from tests.clock import TickingClock
from tests.e2e.conftest import SECRET, TOKEN, settings_for, wait_for
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram
from tests.hostile.harness import Seeded, client, dump, running, seed

QUICK = (
    "LAPOR S=50 K=48 D=41 N=33 BGM=1 T2=0 KADER=6 BUMIL=6 BUMIL_PERIKSA=4 PUS=100 "
    "KB_AKTIF=60 BAYI=12 BAYI_IMUNISASI=2 KK=150 KK_DANA_SEHAT=60 TAMBAHAN=BKB RUJUK=1"
)


@dataclass
class LockOutcome:
    statuses: list[int]
    #: Seconds from the first message to the last answer.
    waited: float
    #: Every answer came after the outside process let go of the lock.
    answered_after_release: bool
    #: Rows of every table while the lock was held, after the trigger (before the release).
    unchanged_while_locked: bool
    #: How many times the engine gave a message up because the database stayed locked.
    busy: int
    redelivered: list[int]
    #: Per message: its update id recorded after the first round (a 200 without it would be
    #: a message lost: Telegram does not send it again), and after the redelivery.
    recorded: list[bool]
    handled: list[bool]
    integrity: str
    melati_saved: bool
    replies: int
    apologies: int


class Release(enum.Enum):
    """What the outside process waits for before it starts counting ``hold`` seconds and
    then lets go: no wall-clock race decides the outcome (the hold only makes the wait
    longer)."""

    #: As soon as it has the lock (a fixed hold, for the benchmarks).
    TAKEN = "taken"
    #: The engine has given up a message because the database stayed locked
    #: (``engine.database_busy``): released between that timeout and anything after it.
    ENGINE_BUSY = "engine_busy"
    #: Every message has been answered while the lock was held.
    ALL_ANSWERED = "all_answered"


#: A scenario whose trigger never comes fails after this long instead of hanging.
_NEVER = 30.0
_NEVER_MS = int(_NEVER * 1000)


class _OutsideLock:
    """An outside process's connection, in a thread: takes the write lock (or a read snapshot),
    says so, and holds it until told to let go."""

    def __init__(self, path: Path, *, write: bool, longest: float) -> None:
        self.path = path
        self.write = write
        self.longest = longest
        self.taken = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._release = threading.Event()
        self.released_at = 0.0

    def run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=_NEVER)
        try:
            if self.write:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute("BEGIN")
                conn.execute("SELECT count(*) FROM reports").fetchone()
            self._loop.call_soon_threadsafe(self.taken.set)
            self._release.wait(self.longest)  # the scenario lets go (a safety net for a bug)
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    def release(self) -> None:
        if not self._release.is_set():
            self.released_at = time.monotonic()
            self._release.set()


class _BusyWatch(logging.Handler):
    """Counts the engine's ``engine.database_busy`` records; the first one sets ``seen``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen = asyncio.Event()
        self.count = 0
        self._loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "engine.database_busy":
            self.count += 1
            self._loop.call_soon_threadsafe(self.seen.set)


async def lock_scenario(
    tmp: Path,
    *,
    busy_timeout_ms: int,
    write: bool = True,
    release: Release = Release.TAKEN,
    hold: float = 0.0,
) -> LockOutcome:
    """Kader of Melati sends a quick report (and Mawar's kader asks for help, a stranger says
    hello) while another process holds the database; it lets go ``hold`` seconds after
    ``release`` happens. Afterwards Telegram redelivers whatever was refused."""
    seeded = await seed(tmp / "locked.db")
    engine_log = logging.getLogger("posyandu.engine")
    watch = _BusyWatch()
    engine_log.addHandler(watch)
    try:
        async with running(seeded, db_busy_timeout_ms=busy_timeout_ms) as (service, fake):
            return await _locked_round(seeded, service, fake, watch, write, release, hold)
    finally:
        engine_log.removeHandler(watch)


async def _locked_round(
    seeded: Seeded,
    service: Service,
    fake: FakeTelegram,
    watch: _BusyWatch,
    write: bool,
    release: Release,
    hold: float,
) -> LockOutcome:
    assert service.db is not None
    http = client(service)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    updates = [
        fake.text_update(5002, QUICK),
        fake.text_update(5001, "BANTUAN"),
        fake.text_update(7001, "halo"),
    ]
    before = await dump(service.db)

    async def post(update: dict[str, Any]) -> tuple[int, float]:
        r = await http.post("/telegram/webhook", json=update, headers=headers)
        return r.status_code, time.monotonic()

    outside = _OutsideLock(seeded.path, write=write, longest=hold + 2 * _NEVER)
    holder = asyncio.create_task(asyncio.to_thread(outside.run))
    try:
        await asyncio.wait_for(outside.taken.wait(), _NEVER)
        started = time.monotonic()
        sends = [asyncio.create_task(post(u)) for u in updates]
        if release is Release.ENGINE_BUSY:
            await asyncio.wait_for(watch.seen.wait(), _NEVER)
        elif release is Release.ALL_ANSWERED:
            await asyncio.wait_for(asyncio.gather(*sends), _NEVER)
        if hold:
            await asyncio.sleep(hold)
        # Read while the lock is held: readers are never blocked in WAL mode.
        unchanged = await dump(service.db) == before
    finally:
        outside.release()
    answers = await asyncio.gather(*sends)
    await holder
    statuses = [status for status, _ in answers]

    async def recorded(update: dict[str, Any]) -> bool:
        assert service.db is not None
        async with service.db.read() as conn:
            row = await fetch_one(
                conn,
                "SELECT 1 FROM inbound WHERE channel = 'telegram' AND external_id = ?",
                (f"u{update['update_id']}",),
            )
        return row is not None

    kept = [await recorded(u) for u in updates]
    redelivered = [
        (await http.post("/telegram/webhook", json=u, headers=headers)).status_code
        for u, status in zip(updates, statuses, strict=True)
        if status != 200
    ]
    handled = [await recorded(u) for u in updates]
    confirm = await http.post(
        "/telegram/webhook", json=fake.text_update(5002, "YA"), headers=headers
    )
    assert confirm.status_code == 200
    # Telegram delivering everything once more changes nothing (dedupe on the update id).
    once = await dump(service.db)
    for u in updates:
        assert (await http.post("/telegram/webhook", json=u, headers=headers)).status_code == 200
    assert await dump(service.db) == once
    await http.aclose()
    async with service.db.read() as conn:
        integrity = str((await fetch_one(conn, "PRAGMA integrity_check"))[0])
        report = await get_report(conn, seeded.posyandu["MLT02"].id, Period(2026, 11))
        row = await fetch_one(
            conn, "SELECT count(*), sum(payload LIKE '%ada gangguan%') FROM outbox"
        )
    return LockOutcome(
        statuses=statuses,
        waited=max(at for _, at in answers) - started,
        answered_after_release=all(at >= outside.released_at for _, at in answers),
        unchanged_while_locked=unchanged,
        busy=watch.count,
        redelivered=redelivered,
        recorded=kept,
        handled=handled,
        integrity=integrity,
        melati_saved=report is not None and report.report.d == 41,
        replies=int(row[0]),
        apologies=int(row[1] or 0),
    )


async def test_messages_wait_for_an_outside_writer_lock(tmp_path: Path) -> None:
    # Held 0.5 s; a busy timeout far longer than that: every message waits for the release.
    outcome = await lock_scenario(tmp_path, hold=0.5, busy_timeout_ms=_NEVER_MS)
    assert outcome.statuses == [200, 200, 200]
    assert outcome.answered_after_release  # they did wait for the release
    assert outcome.busy == 0
    assert outcome.redelivered == []
    assert outcome.integrity == "ok"
    assert outcome.melati_saved
    assert outcome.replies >= 4 and outcome.apologies == 0


async def test_messages_fail_cleanly_when_the_lock_outlasts_the_busy_timeout(
    tmp_path: Path,
) -> None:
    # The lock is held until every message has been answered: it outlasts the busy timeout.
    outcome = await lock_scenario(tmp_path, release=Release.ALL_ANSWERED, busy_timeout_ms=100)
    # Refused with 503 (Telegram delivers them again), nothing half-written meanwhile.
    assert outcome.statuses == [503, 503, 503]
    assert outcome.busy == 3
    assert outcome.unchanged_while_locked
    # Redelivered after the release: handled, and nothing lost.
    assert outcome.redelivered == [200, 200, 200]
    assert outcome.integrity == "ok"
    assert outcome.melati_saved
    assert outcome.replies >= 4 and outcome.apologies == 0


async def test_a_lock_released_between_the_timeout_and_the_apology_still_gets_503(
    tmp_path: Path,
) -> None:
    # The lock is let go the moment the engine gives a message up (its busy timeout ran out):
    # an apology written after the release would be a 200 for a message nobody handled; it
    # must be a 503 and no apology.
    outcome = await lock_scenario(tmp_path, release=Release.ENGINE_BUSY, busy_timeout_ms=300)
    # The one the engine gave up is refused; the others (queued behind it in-process, or
    # batched with it and retried alone) may get the database after the release.
    assert 503 in outcome.statuses and set(outcome.statuses) <= {200, 503}
    assert outcome.busy == outcome.statuses.count(503)
    assert outcome.unchanged_while_locked
    assert outcome.redelivered == [200] * outcome.statuses.count(503)
    assert outcome.integrity == "ok"
    assert outcome.melati_saved
    assert outcome.replies >= 4 and outcome.apologies == 0


async def test_an_outside_reader_blocks_nobody(tmp_path: Path) -> None:
    # The read snapshot is held until every message has been answered; a writer it blocked
    # would have failed after 300 ms (503): all went through.
    outcome = await lock_scenario(
        tmp_path, release=Release.ALL_ANSWERED, busy_timeout_ms=300, write=False
    )
    assert outcome.statuses == [200, 200, 200]
    assert outcome.busy == 0
    assert outcome.melati_saved and outcome.integrity == "ok"


# --- the Bot API down or hanging ----------------------------------------------------------
@asynccontextmanager
async def delivering(tmp: Path) -> AsyncIterator[tuple[Service, FakeTelegram]]:
    """The whole service (dispatcher included) on a seeded file, Telegram by webhook."""
    seeded = await seed(tmp / "backlog.db")
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url:
        settings = settings_for(
            seeded.path,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{url}/bot",
            telegram_webhook_secret=SECRET,
            public_base_url="https://posyandu.example.test",
            outbox_backoff_seconds=0.1,
            outbox_backoff_max_seconds=0.4,
            outbox_max_attempts=100,
        )
        service = Service(settings, TickingClock(), run_scheduler=False)
        await service.start(serve_http=False)
        try:
            yield service, fake
        finally:
            await service.stop()


async def say_all(service: Service, fake: FakeTelegram, chats: range, text: str) -> None:
    async with client(service) as http:
        for chat in chats:
            r = await http.post(
                "/telegram/webhook",
                json=fake.text_update(chat, text),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert r.status_code == 200


async def drained(service: Service) -> dict[Status, int]:
    assert service.db is not None
    async with service.db.read() as conn:
        return await counts(conn)


@pytest.mark.parametrize("fault", ["down", "hang"])
async def test_the_backlog_drains_after_the_bot_api_recovers(fault: str, tmp_path: Path) -> None:
    async with delivering(tmp_path) as (service, fake):
        chats = range(7101, 7111)
        if fault == "down":
            fake.go_down("sendMessage", 500)
        else:
            fake.hang("sendMessage")
        await say_all(service, fake, chats, "BANTUAN")
        # The dispatcher keeps trying (and is refused, or left hanging) ...
        if fault == "down":
            await wait_for(lambda: fake.refused >= 2 * len(chats))
        else:
            await wait_for(lambda: fake.hanging >= 1)
            await asyncio.sleep(1.0)  # a while with no answer at all
        assert fake.sent("sendMessage") == []
        assert (await drained(service)).get(Status.FAILED, 0) == 0
        # ... and once the API is back, the whole backlog goes out.
        fake.recover("sendMessage")

        async def all_sent() -> bool:
            return (await drained(service)).get(Status.SENT, 0) == len(chats)

        await wait_for(all_sent, within=20)
        result = await drained(service)
        assert result.get(Status.FAILED, 0) == 0 and result.get(Status.PENDING, 0) == 0
        for chat in chats:  # at least once; here exactly once (nothing timed out)
            assert len(fake.texts_to(chat)) == 1
