"""Failover of issue 23 with the real two-instance set-up: two ``posyandu run`` processes on one
PostgreSQL database, each sending WhatsApp through its own fake Twilio API (so one can hang
while the other answers). A kader answers on A; A claims the reply (a question: "K (60) tidak
boleh lebih dari S (42) ...") and its send hangs at the fake server; A is SIGKILLed holding
the claim; the kader's next message goes to B. B answers at once, and the question A claimed is
superseded: never sent, however late; replies go out in the order they were made.

Deterministic: the kill lands when the database shows the row claimed and the fake server holds
its send (events, not sleeps); the lease is the default (300 s: the fix must not wait for it).
"However late" is then made to happen rather than waited for: the dead instance's lease on the
row is ended in the database (the time it holds for the claim moved to the past, as the clock
would after 300 s) and B is restarted (its start takes back rows whose lease ended); the
question still never goes out, while B's later replies do (B claims by id: a question that
could go would go first).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from conversations.catalogue import say
from scoring import Period
from scoring.schedule import Schedule
from storage import Database
from storage._times import to_db
from storage.outbox import OutboxRow, Status, get, list_rows
from storage.posyandu import set_schedule
from storage.reports import get_report
from tests.clock import cli, moment
from tests.conftest import scan_log_text
from tests.e2e.conftest import Seeded, seed, wait_for
from tests.e2e.test_crash import whatsapp_env
from tests.e2e.test_postgres_instances import GUIDED, QUESTIONS
from tests.e2e.test_whatsapp import AUTH, KADER, PUBLIC, SID, inbound_form
from tests.fakes.server import serve
from tests.fakes.service import free_port, posyandu_env, start_posyandu
from tests.fakes.twilio_api import FakeTwilio

#: The kader's answers by question: S 42, then K 60 (more than S: asked again), then K 40.
ANSWERS = GUIDED | {"s": "42", "k": "60"}
REASKED = "K (60) tidak boleh lebih dari S (42)"
WEBHOOK = "/twilio/whatsapp"


class Kader:
    """The kader's WhatsApp, as Twilio relays it: signed form posts to one instance or the
    other (the balancer's choice); replies are what the fake Twilio APIs received (A's, then
    B's: B starts once A is dead)."""

    def __init__(self, url: str, fakes: list[FakeTwilio]) -> None:
        self.url = url
        self.fakes = fakes
        self.sent = 0

    def received(self) -> list[str]:
        """Every reply delivered, in order."""
        return [m.get("Body", "") for fake in self.fakes for m in fake.to(KADER)]

    async def say(self, port: int, text: str) -> None:
        self.sent += 1
        form = inbound_form(KADER, self.sent, text)
        signature = RequestValidator(AUTH).compute_signature(PUBLIC + WEBHOOK, form)
        async with httpx.AsyncClient() as client:
            r = await client.post(
                f"http://127.0.0.1:{port}{WEBHOOK}",
                data=form,
                headers={"X-Twilio-Signature": signature},
            )
        assert r.status_code == 200

    async def ask(self, port: int, text: str) -> str:
        """Say ``text`` and wait for the reply (every reply of that step delivered)."""
        before = len(self.received())
        await self.say(port, text)
        await wait_for(lambda: len(self.received()) > before, within=20)
        await wait_for(self._settled, within=20)
        return "\n".join(self.received()[before:])

    async def _settled(self) -> bool:
        """Nothing for the kader waits in the outbox."""
        async with await Database.open(self.url) as db, db.read() as conn:
            rows = await list_rows(conn, [Status.PENDING, Status.SENDING])
        return not [r for r in rows if KADER in r.address]


def answer(reply: str) -> str:
    """The kader's next message given the bot's last reply (a guided report)."""
    if "terdaftar" in reply:
        return "LAPOR"
    if say("period.ask").splitlines()[0] in reply:
        return "1"
    where, field = max(((reply.rfind(q), f) for q, f in QUESTIONS if q in reply), default=(-1, ""))
    if where >= 0:
        return ANSWERS[field]
    if "Masih sama" in reply:
        return "TIDAK"
    return "YA"


async def _seed(url: str) -> Seeded:
    seeded = await seed(url)
    # Hari buka on the 1st: whatever day the test runs, this month's has passed (the
    # dialogue never depends on the date the processes read).
    async with await Database.open(url) as db, db.transaction() as tx:
        await set_schedule(tx, seeded.posyandu_id, Schedule.parse("tanggal 1"))
    return seeded


async def _row_holding(url: str, body: str) -> OutboxRow | None:
    async with await Database.open(url) as db, db.read() as conn:
        rows = await list_rows(conn, list(Status), limit=1000)
    return next((r for r in rows if body in str(r.payload.get("body", ""))), None)


async def test_a_question_claimed_by_a_killed_instance_is_superseded_never_sent(
    postgres_url: str, tmp_path: Path
) -> None:
    seeded = await _seed(postgres_url)
    fakes = [FakeTwilio(SID, AUTH), FakeTwilio(SID, AUTH)]
    kader = Kader(postgres_url, fakes)
    a, b = free_port(), free_port()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs: list[asyncio.subprocess.Process] = []

    async def start(i: int, api: str, port: int) -> None:
        env = whatsapp_env(api)  # OUTBOX_LEASE_SECONDS: the default
        folder = tmp_path / "ab"[i]
        folder.mkdir(exist_ok=True)
        with logs[i].open("ab") as log:
            procs.append(await start_posyandu(postgres_url, port, env, folder=folder, stderr=log))

    async with serve(fakes[0].app) as api_a, serve(fakes[1].app) as api_b:
        try:
            # On A (B is not up yet, so A's dispatcher is the one to claim A's replies): join,
            # start the report, answer up to K.
            await start(0, api_a, a)
            reply = await kader.ask(a, f"DAFTAR {seeded.kader_code}")
            reply = await kader.ask(a, "Bu Sari")
            while answer(reply) != ANSWERS["k"]:
                assert kader.sent < 30, reply
                reply = await kader.ask(a, answer(reply))
            # A's sends hang from now on; K = 60 is more than S = 42: asked again.
            fakes[0].hang()
            await kader.say(a, "60")
            await wait_for(lambda: fakes[0].hanging == 1)

            async def claimed() -> bool:
                row = await _row_holding(postgres_url, REASKED)
                return row is not None and row.status is Status.SENDING

            await wait_for(claimed)
            procs[0].send_signal(signal.SIGKILL)  # A dies holding the claim
            await procs[0].wait()
            held = await _row_holding(postgres_url, REASKED)
            assert held is not None and held.supersedable
            # The kader writes again; the balancer gives it to B: B answers now, not after
            # A's lease.
            await start(1, api_b, b)
            reply = await kader.ask(b, "40")
            assert say("ask.d") in reply and REASKED not in reply
            assert moment() < held.next_attempt_at  # A's lease still runs
            async with await Database.open(postgres_url) as db, db.read() as conn:
                dropped = await get(conn, held.id)
            assert dropped is not None and dropped.status is Status.SUPERSEDED
            assert dropped.superseded_by is not None and dropped.superseded_by > held.id
            # However late: A's lease on the row ends (its time moved to the past, as 300 s
            # would move the clock), and B starts again (taking back rows whose lease ended).
            async with await Database.open(postgres_url) as db, db.transaction() as tx:
                await tx.execute(
                    "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                    (to_db(held.created_at), held.id),
                )
            procs[1].send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(procs[1].wait(), timeout=30) == 0
            await start(1, api_b, b)
            while "tersimpan" not in reply:
                assert kader.sent < 60, reply
                reply = await kader.ask(b, answer(reply))
            assert all(REASKED not in body for body in kader.received())
            assert fakes[0].hanging == 1  # A's send never completed: nothing more from A
            listed = _outbox_cli(postgres_url, tmp_path / "b", whatsapp_env(api_b))
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(proc.wait(), timeout=30)
            fakes[0].recover()  # (the dead instance's send, held until now: let the server end)
    for log in logs:
        scan_log_text(f"posyandu run ({log.name})", log.read_text("utf-8", "replace"))
    assert f"{held.id}\tsuperseded" in listed and f"superseded by {dropped.superseded_by}" in listed
    async with await Database.open(postgres_url) as db, db.read() as conn:
        [[period]] = await conn.execute_fetchall(
            "SELECT period FROM reports WHERE channel = 'whatsapp'"
        )
        stored = await get_report(conn, seeded.posyandu_id, Period.parse(period))
        final = await get(conn, held.id)
    assert stored is not None
    values = {"kader": 6, "s": 42, "k": 40, "d": 41, "n": 33, "bumil": 7, "pus": 101}
    assert {f: getattr(stored.report, f) for f in values} == values
    assert final is not None and final.status is Status.SUPERSEDED and final.sent_at is None


def _outbox_cli(url: str, folder: Path, env: dict[str, str]) -> str:
    """``posyandu outbox --superseded`` as the operator runs it."""
    done = subprocess.run(
        cli("outbox", "--superseded"),
        cwd=folder,
        env=posyandu_env(url, free_port(), env, folder),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
