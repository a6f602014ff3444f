"""A service killed with SIGKILL in mid-dispatch, then started again: every reply is delivered
at least once and no report is lost (on Telegram, and on WhatsApp through Twilio). Then SIGTERM:
a clean stop that keeps pending rows.

Each ``posyandu run`` writes its log (stderr, at DEBUG) to ``service.log`` beside the database;
after the test the file goes through the suite's check for secrets and phone numbers
(tests/conftest.py ``scan_log_text``).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from twilio.request_validator import RequestValidator

from storage import Database
from storage.outbox import Status, counts, list_rows
from tests.conftest import scan_log_text
from tests.e2e.conftest import SECRET, TOKEN, Seeded, wait_for
from tests.e2e.test_whatsapp import AUTH, FROM, PUBLIC, SID
from tests.fakes.server import serve
from tests.fakes.service import free_port, start_posyandu
from tests.fakes.telegram_api import FakeTelegram, Fault
from tests.fakes.twilio_api import FakeTwilio, TwilioFault

ROOT = Path(__file__).resolve().parents[2]
CHATS = range(7001, 7031)  # 30 kader writing at once
#: Where each service started by a test writes its log (stderr), beside the database.
SERVICE_LOG = "service.log"


@pytest.fixture(autouse=True)
def _scan_service_logs(tmp_path: Path) -> Iterator[None]:
    """After the test, what its services logged goes through the suite's leak check."""
    yield
    log = tmp_path / SERVICE_LOG
    if log.exists():
        text = log.read_text("utf-8", "replace")
        assert '"event": "service.started"' in text  # the log was captured at all
        scan_log_text(f"posyandu run ({SERVICE_LOG})", text)


async def start_service(
    db: Path, api: str, port: int, channel_env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """``posyandu run`` on Telegram (the fake Bot API at ``api``), or on the channel that
    ``channel_env`` configures instead."""
    env = {
        "PUBLIC_BASE_URL": "https://posyandu.example.test",
        "OUTBOX_BACKOFF_SECONDS": "0.2",
        "OUTBOX_POLL_SECONDS": "0.1",
        # Everything the service logs, for the leak check (libraries stay at WARNING).
        "LOG_LEVEL": "DEBUG",
    }
    if channel_env is None:
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"{api}/bot",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
    else:
        env |= channel_env
    with (db.parent / SERVICE_LOG).open("ab") as log:  # the child keeps its own descriptor
        return await start_posyandu(db, port, env, stderr=log)


async def test_sigkill_in_mid_dispatch_then_restart(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    # Slower and slower sends, so the kill lands while replies are still going out.
    fake.fail("sendMessage", *[Fault(status=200, delay=0.2 + 0.15 * i) for i in range(30)])
    port = free_port()
    async with serve(fake.app) as api:
        proc = await start_service(seeded.path, api, port)
        try:
            async with httpx.AsyncClient() as client:
                for chat in CHATS:
                    r = await client.post(
                        f"http://127.0.0.1:{port}/telegram/webhook",
                        json=fake.text_update(chat, "BANTUAN"),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    )
                    assert r.status_code == 200  # recorded before the answer
            await wait_for(lambda: len(fake.sent("sendMessage")) >= 3)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        delivered_before = {int(c.params["chat_id"]) for c in fake.sent("sendMessage")}
        assert len(delivered_before) < len(CHATS)  # the kill was in mid-dispatch
        proc = await start_service(seeded.path, api, port)
        try:
            await wait_for(
                lambda: {int(c.params["chat_id"]) for c in fake.sent("sendMessage")} >= set(CHATS),
                within=60,
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0
    async with await Database.open(seeded.path) as db, db.read() as conn:
        assert (await counts(conn))[Status.FAILED] == 0


async def outbox_counts(db_path: Path) -> dict[Status, int]:
    async with await Database.open(db_path) as db, db.read() as conn:
        return await counts(conn)


async def test_sigterm_while_the_api_is_slow_keeps_pending_rows(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    fake.fail("sendMessage", Fault(status=200, delay=1.5))  # the first send hangs a while
    chats = range(7101, 7111)
    port = free_port()
    async with serve(fake.app) as api:
        proc = await start_service(seeded.path, api, port)
        async with httpx.AsyncClient() as client:
            for chat in chats:
                r = await client.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=fake.text_update(chat, "BANTUAN"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert r.status_code == 200

        async def in_flight() -> bool:
            c = await outbox_counts(seeded.path)
            return c[Status.SENDING] >= 1 and c[Status.SENDING] + c[Status.PENDING] == len(chats)

        await wait_for(in_flight, within=5)
        assert fake.sent("sendMessage") == []  # the slow send is still in hand
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0
        # What was in hand was finished; the rest is still pending, untouched, not failed.
        after = await outbox_counts(seeded.path)
        assert after[Status.SENDING] == 0 and after[Status.FAILED] == 0
        assert after[Status.SENT] == len(fake.sent("sendMessage")) >= 1
        assert after[Status.PENDING] == len(chats) - after[Status.SENT] > 0
        async with await Database.open(seeded.path) as db, db.read() as conn:
            for row in await list_rows(conn, Status.PENDING):
                assert (row.attempts, row.last_error) == (0, None)
        # Started again: every reply goes out, none twice.
        proc = await start_service(seeded.path, api, port)
        try:
            await wait_for(
                lambda: {int(c.params["chat_id"]) for c in fake.sent("sendMessage")} >= set(chats),
                within=20,
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0
    assert sorted(int(c.params["chat_id"]) for c in fake.sent("sendMessage")) == list(chats)
    final = await outbox_counts(seeded.path)
    assert (final[Status.SENT], final[Status.PENDING], final[Status.FAILED]) == (len(chats), 0, 0)


def whatsapp_env(api: str) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": AUTH,
        "TWILIO_WHATSAPP_FROM": FROM,
        "TWILIO_API_BASE_URL": api,
        "PUBLIC_BASE_URL": PUBLIC,
        # The sending limit out of the way: the test is about the kill, not the pace.
        "TWILIO_RATE_PER_SECOND": "1000",
    }


async def test_whatsapp_sigkill_in_mid_dispatch_then_restart(seeded: Seeded) -> None:
    numbers = [f"+62812000{chat:05d}" for chat in CHATS[:15]]  # 15 kader writing at once
    wanted = {f"whatsapp:{n}" for n in numbers}
    fake = FakeTwilio(SID, AUTH)
    # Slower and slower sends, so the kill lands while replies are still going out.
    fake.fail(*[TwilioFault(status=201, delay=0.2 + 0.15 * i) for i in range(len(numbers))])
    port = free_port()
    path = "/twilio/whatsapp"
    async with serve(fake.app) as api:
        proc = await start_service(seeded.path, api, port, whatsapp_env(api))
        try:
            async with httpx.AsyncClient() as client:
                for i, number in enumerate(numbers):
                    form = {
                        "MessageSid": f"SM{i:032x}",
                        "AccountSid": SID,
                        "From": f"whatsapp:{number}",
                        "To": f"whatsapp:{FROM}",
                        "Body": "BANTUAN",
                        "NumMedia": "0",
                    }
                    signature = RequestValidator(AUTH).compute_signature(PUBLIC + path, form)
                    r = await client.post(
                        f"http://127.0.0.1:{port}{path}",
                        data=form,
                        headers={"X-Twilio-Signature": signature},
                    )
                    assert r.status_code == 200  # recorded before the answer
            await wait_for(lambda: len(fake.messages) >= 3)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        delivered_before = {m["To"] for m in fake.messages}
        assert len(delivered_before) < len(numbers)  # the kill was in mid-dispatch
        fake.faults.clear()  # after the restart, Twilio answers at once
        proc = await start_service(seeded.path, api, port, whatsapp_env(api))
        try:
            await wait_for(lambda: {m["To"] for m in fake.messages} >= wanted, within=60)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0
    async with await Database.open(seeded.path) as db, db.read() as conn:
        assert (await counts(conn))[Status.FAILED] == 0
