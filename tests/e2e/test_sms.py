"""SMS end to end: the real service under uvicorn, the real ``android-sms-gateway`` client
speaking HTTP to a fake gateway on loopback (sends, webhook registration), and the app's
signed webhooks (messages, delivery receipts) posted to the service; on SQLite and on
PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.app import Service
from bot.media import PRIVATE_TTL
from bot.sms.text import is_gsm7, segments
from conversations.catalogue import say
from scoring import Period
from scoring.clock import Clock, FixedClock
from scoring.fields import QUESTION_FIELDS
from scoring.growth import Sex
from storage import Database
from storage.children import Actor, NewChild, add_child
from storage.cipher import RegisterCipher, new_key
from storage.outbox import OutboxRow, Status, list_rows
from storage.people import Role, add_identity, create_person, identities_of, person_by_address
from storage.reports import get_report
from tests.clock import Day, TickingClock, moment
from tests.e2e.conftest import Seeded, reporting, seed, settings_for, wait_for
from tests.e2e.test_postgres_instances import GUIDED
from tests.e2e.test_whatsapp import QUICK, pdf_text
from tests.fakes.server import serve
from tests.fakes.service import free_port
from tests.fakes.sms_gateway import FakeGateway, signed

USER = "sms"
PASSWORD = "gateway-password-0123"
KEY = "webhook-signing-key-0123"
PUBLIC = "https://posyandu.example.test"
KADER = "+6281234567890"
WIB = ZoneInfo("Asia/Jakarta")
EVENTS = ("sms:received", "sms:sent", "sms:delivered", "sms:failed")


@pytest.fixture(params=["sqlite", "postgres"])
async def seeded_any(request: pytest.FixtureRequest, tmp_path: Path) -> Seeded:
    """The seeded database on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        return await seed(tmp_path / "e2e.db")
    return await seed(request.getfixturevalue("postgres_url"))


@asynccontextmanager
async def running(
    seeded: Seeded, tmp_path: Path, clock: Clock | None = None, **extra: Any
) -> AsyncIterator[tuple[Service, FakeGateway]]:
    fake = FakeGateway(USER, PASSWORD, KEY)
    async with serve(fake.app) as url:
        settings = settings_for(
            seeded.path,
            folder=tmp_path,
            sms_gateway_url=url,
            sms_gateway_username=USER,
            sms_gateway_password=PASSWORD,
            sms_webhook_signing_key=KEY,
            sms_send_interval_seconds=0,
            public_base_url=PUBLIC,
            **extra,
        )
        service = Service(settings, clock or TickingClock(), run_scheduler=False)
        await service.start()
        try:
            yield service, fake
        finally:
            await service.stop()


class Phone:
    """A person's phone sending SMS to the gateway phone: the app posts each one, signed."""

    def __init__(self, service: Service, fake: FakeGateway, number: str = KADER) -> None:
        self.service = service
        self.fake = fake
        self.number = number

    def payload(self, text: str, at: datetime) -> dict[str, Any]:
        # The app writes the sender as the network gives it (here without the +) and the
        # time in the phone's zone; its messageId is made from the content (not unique).
        return {
            "messageId": f"m{len(text):x}",
            "message": text,
            "phoneNumber": self.number.removeprefix("+"),
            "simNumber": 1,
            "receivedAt": at.astimezone(WIB).isoformat(timespec="milliseconds"),
        }

    async def say(self, text: str) -> httpx.Response:
        now = self.service.clock.now()
        return await self.fake.post_event(
            local(self.service), "sms:received", self.payload(text, now), now
        )


def local(service: Service) -> str:
    return f"http://127.0.0.1:{service.http_port}"


async def post_raw(service: Service, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{local(service)}/sms/webhook", content=body, headers=headers)


async def rows(service: Service) -> list[OutboxRow]:
    assert service.db is not None
    async with service.db.read() as conn:
        return await list_rows(conn, list(Status))


async def inbound_count(service: Service) -> int:
    assert service.db is not None
    async with service.db.read() as conn:
        [[n]] = await conn.execute_fetchall("SELECT count(*) FROM inbound WHERE channel = 'sms'")
    return int(n)


async def converse(phone: Phone, text: str) -> str:
    """Send ``text`` and wait for the replies to it (every SMS sent, nothing waiting)."""
    before = len(phone.fake.to(phone.number))
    assert (await phone.say(text)).status_code == 200
    await wait_for(lambda: len(phone.fake.to(phone.number)) > before)
    await wait_for(lambda: _quiet(phone.service))
    return "\n".join(phone.fake.texts(phone.number)[before:])


async def _quiet(service: Service) -> bool:
    return not [r for r in await rows(service) if r.status in (Status.PENDING, Status.SENDING)]


#: Each guided question as the SMS shows its first line.
QUESTIONS = [(say(f"ask.{f.id}").splitlines()[0][:30], f.id) for f in QUESTION_FIELDS]


def guided_answer(reply: str) -> str | None:
    """The kader's next SMS given the bot's last reply; None once the report is saved."""
    if "tersimpan" in reply:
        return None
    if say("period.ask").splitlines()[0] in reply:
        return "1"
    where, field = max(((reply.rfind(q), f) for q, f in QUESTIONS if q in reply), default=(-1, ""))
    if where >= 0:
        return GUIDED[field]
    if "Masih sama" in reply:
        return "TIDAK"
    assert "YA" in reply, reply  # the summary
    return "YA"


async def registered(phone: Phone, code: str) -> None:
    await converse(phone, f"DAFTAR {code}")
    reply = await converse(phone, "Bu Sari")
    assert "Bu Sari" in reply, reply


async def saved(seeded: Seeded) -> dict[str, int | None]:
    async with await Database.open(seeded.path) as db, db.read() as conn:
        [[period]] = await conn.execute_fetchall("SELECT period FROM reports WHERE channel = 'sms'")
        stored = await get_report(conn, seeded.posyandu_id, Period.parse(period))
    assert stored is not None
    return {f: getattr(stored.report, f) for f in ("s", "k", "d", "n")}


async def test_a_guided_month_by_sms(seeded_any: Seeded, tmp_path: Path) -> None:
    async with running(seeded_any, tmp_path) as (service, fake):
        # Webhooks registered at start, one per event, at PUBLIC_BASE_URL/sms/webhook.
        assert {fake.registered(e) for e in EVENTS} == {f"{PUBLIC}/sms/webhook"}
        phone = Phone(service, fake)
        await registered(phone, seeded_any.kader_code)
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"{local(service)}/healthz")).json()
        assert health["sms"] == "webhook, 2 of 200 sent today", health
        text: str | None = "LAPOR"
        steps = 0
        while text is not None:
            steps += 1
            assert steps < 40
            text = guided_answer(await converse(phone, text))
        sent = fake.texts(KADER)
        assert all(is_gsm7(t) for t in sent), [t for t in sent if not is_gsm7(t)]
        assert not any("\u00b7" in t for t in sent)
    assert await saved(seeded_any) == {"s": 52, "k": 47, "d": 41, "n": 33}


async def test_the_same_month_by_the_one_line_report(
    seeded_any: Seeded, tmp_path: Path, today: Day
) -> None:
    async with running(seeded_any, tmp_path) as (service, fake):
        phone = Phone(service, fake)
        await registered(phone, seeded_any.kader_code)
        for line in reporting(QUICK, today):
            reply = await converse(phone, line)
        assert "tersimpan" in reply, reply
        assert all(is_gsm7(t) for t in fake.texts(KADER))
        # The PDF cannot go by SMS: a signed, expiring link to it goes instead, and says so.
        reply = await converse(phone, "PDF")
        assert "PDF tidak bisa dikirim lewat SMS" in reply, reply
        (url,) = [w for w in reply.split() if w.startswith(f"{PUBLIC}/media/")]
        async with httpx.AsyncClient() as client:
            r = await client.get(local(service) + url.removeprefix(PUBLIC))
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = pdf_text(r.content)
        assert "Posyandu Mawar" in text and "SMS" in text
    assert await saved(seeded_any) == {"s": 50, "k": 48, "d": 41, "n": 33}


async def test_forged_old_replayed_and_duplicate_webhooks(seeded: Seeded, tmp_path: Path) -> None:
    async with running(seeded, tmp_path) as (service, fake):
        phone = Phone(service, fake)
        now = service.clock.now()
        payload = phone.payload(f"DAFTAR {seeded.kader_code}", now)
        body, headers = signed(KEY, "sms:received", payload, now)
        # Forged: another key; the body changed under a good signature; no signature.
        forged_body, forged = signed("another-key-0123456789", "sms:received", payload, now)
        assert (await post_raw(service, forged_body, forged)).status_code == 403
        assert (
            await post_raw(service, body.replace(b"DAFTAR", b"daftar"), headers)
        ).status_code == 403
        bare = {"Content-Type": "application/json"}
        assert (await post_raw(service, body, bare)).status_code == 403
        # Old: signed well, but 10 minutes ago (a replay of a recorded call).
        old_body, old = signed(KEY, "sms:received", payload, now - timedelta(minutes=10))
        assert (await post_raw(service, old_body, old)).status_code == 403
        assert await inbound_count(service) == 0 and fake.to(KADER) == []
        # The app delivers the same message twice (no answer in time): handled once; and
        # once more with another messageId (not unique): still the same message.
        assert (await post_raw(service, body, headers)).status_code == 200
        assert (await post_raw(service, body, headers)).status_code == 200
        again, again_headers = signed(KEY, "sms:received", {**payload, "messageId": "x"}, now)
        assert (await post_raw(service, again, again_headers)).status_code == 200
        await wait_for(lambda: len(fake.to(KADER)) >= 1)
        await wait_for(lambda: _quiet(service))
        assert await inbound_count(service) == 1
        assert len(fake.to(KADER)) == 1  # asked the name once
        # The same words later are another message.
        later = now + timedelta(seconds=30)
        body2, headers2 = signed(KEY, "sms:received", phone.payload("Bu Sari", later), later)
        assert (await post_raw(service, body2, headers2)).status_code == 200
        await wait_for(lambda: len(fake.to(KADER)) == 2)
        assert await inbound_count(service) == 2
        # Not JSON, and an event the service does not take: refused / acknowledged.
        junk = b"not json"
        stamp = str(int(now.timestamp()))
        junk_headers = {
            "X-Timestamp": stamp,
            "X-Signature": hmac.new(
                KEY.encode(), junk + stamp.encode(), hashlib.sha256
            ).hexdigest(),
        }
        assert (await post_raw(service, junk, junk_headers)).status_code == 400
        ping, ping_headers = signed(KEY, "system:ping", {"health": {}}, now)
        assert (await post_raw(service, ping, ping_headers)).status_code == 200


async def test_delivery_events_update_the_outbox(seeded: Seeded, tmp_path: Path) -> None:
    async with running(seeded, tmp_path) as (service, fake):
        phone = Phone(service, fake)
        await converse(phone, f"DAFTAR {seeded.kader_code}")
        first = fake.to(KADER)[0]["id"]
        now = service.clock.now()
        payload = {"messageId": first, "phoneNumber": KADER, "simNumber": 1}
        r = await fake.post_event(
            local(service), "sms:sent", {**payload, "sentAt": now.isoformat()}, now
        )
        assert r.status_code == 200
        (row,) = await rows(service)
        assert (row.external_id, row.delivery_status) == (first, "sent")
        r = await fake.post_event(
            local(service), "sms:delivered", {**payload, "deliveredAt": now.isoformat()}, now
        )
        assert r.status_code == 200
        (row,) = await rows(service)
        assert (row.status, row.delivery_status) == (Status.SENT, "delivered")
        await converse(phone, "Bu Sari")
        second = fake.to(KADER)[-1]["id"]
        failed = {"messageId": second, "phoneNumber": KADER, "reason": "RESULT_ERROR_NO_SERVICE"}
        r = await fake.post_event(
            local(service), "sms:failed", {**failed, "failedAt": now.isoformat()}, now
        )
        assert r.status_code == 200
        (row,) = [r for r in await rows(service) if r.external_id == second]
        assert (row.status, row.delivery_status) == (Status.FAILED, "failed")
        assert row.error_code == "RESULT_ERROR_NO_SERVICE"


async def test_the_gateway_failing_is_retried(seeded: Seeded, tmp_path: Path) -> None:
    async with running(seeded, tmp_path) as (service, fake):
        fake.fail(503, 500)
        phone = Phone(service, fake)
        reply = await converse(phone, f"DAFTAR {seeded.kader_code}")
        assert reply
        (row,) = await rows(service)
        assert row.status == Status.SENT and row.attempts >= 3


async def test_over_the_daily_limit_waits_for_the_next_day(seeded: Seeded, tmp_path: Path) -> None:
    start = moment().astimezone(WIB).replace(hour=20, minute=0, second=0, microsecond=0)
    clock = FixedClock(start)
    async with running(seeded, tmp_path, clock, sms_daily_limit=2) as (service, fake):
        phone = Phone(service, fake)
        await converse(phone, f"DAFTAR {seeded.kader_code}")
        await converse(phone, "Bu Sari")
        assert (await phone.say("BANTUAN")).status_code == 200
        await wait_for(lambda: _waiting_for_the_limit(service))
        assert len(fake.to(KADER)) == 2  # not sent, not dropped: waiting
        (waiting,) = [r for r in await rows(service) if r.status == Status.PENDING]
        assert "SMS_DAILY_LIMIT" in (waiting.last_error or "")
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"{local(service)}/healthz")).json()
        assert "daily limit reached" in health["sms"], health
        # After midnight (WIB) the day's count starts again: it goes.
        clock.set(start + timedelta(hours=4, minutes=1))
        await wait_for(lambda: len(fake.to(KADER)) == 3)
        await wait_for(lambda: _quiet(service))
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"{local(service)}/healthz")).json()
        # Counted in SMS as the carrier counts them: BANTUAN's reply may take two.
        parts = segments(fake.texts(KADER)[-1]).count
        assert health["sms"] == f"webhook, {parts} of 2 sent today", health


async def test_the_days_count_survives_a_restart(seeded: Seeded, tmp_path: Path) -> None:
    """The day's SMS are counted in the database: a service started again the same day (or
    another instance on the same phone) does not begin again from nothing."""
    start = moment().astimezone(WIB).replace(hour=9, minute=0, second=0, microsecond=0)
    clock = FixedClock(start)
    async with running(seeded, tmp_path, clock, sms_daily_limit=2) as (service, fake):
        phone = Phone(service, fake)
        await converse(phone, f"DAFTAR {seeded.kader_code}")
        await converse(phone, "Bu Sari")
        assert len(fake.to(KADER)) == 2
    clock.set(start + timedelta(hours=1))
    async with running(seeded, tmp_path, clock, sms_daily_limit=2) as (service, fake):
        phone = Phone(service, fake)
        assert (await phone.say("BANTUAN")).status_code == 200
        await wait_for(lambda: _waiting_for_the_limit(service))
        assert fake.to(KADER) == []  # the reply waits for tomorrow's count
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"{local(service)}/healthz")).json()
        assert "daily limit reached" in health["sms"], health


async def _waiting_for_the_limit(service: Service) -> bool:
    return any(
        r.status == Status.PENDING and "SMS_DAILY_LIMIT" in (r.last_error or "")
        for r in await rows(service)
    )


async def test_a_kader_on_whatsapp_registers_her_sms_as_herself(
    seeded_any: Seeded, tmp_path: Path
) -> None:
    async with await Database.open(seeded_any.path) as db, db.transaction() as tx:
        sari = await create_person(
            tx, "Bu Sari", Role.KADER, moment(), posyandu_id=seeded_any.posyandu_id
        )
        await add_identity(tx, sari.id, "whatsapp", KADER)
        other = await create_person(
            tx, "Bu Lain", Role.KADER, moment(), posyandu_id=seeded_any.posyandu_id
        )
        await add_identity(tx, other.id, "telegram", "4242")
    async with running(seeded_any, tmp_path) as (service, fake):
        # The same number by SMS, with the posyandu's code: the same person, two identities.
        await converse(Phone(service, fake), f"DAFTAR {seeded_any.kader_code}")
        await converse(Phone(service, fake), "Sari")
        # Her reminders by SMS from now on (they are on already: this chooses the channel).
        assert "Pengingat sudah menyala" in await converse(Phone(service, fake), "MULAI PENGINGAT")
        # Another number: another person.
        stranger = Phone(service, fake, "+6281311112222")
        await converse(stranger, f"DAFTAR {seeded_any.kader_code}")
        await converse(stranger, "Bu Ani")
        assert service.db is not None
        async with service.db.read() as conn:
            mine = await identities_of(conn, [sari.id])
            ani = await person_by_address(conn, "sms", "+6281311112222")
    assert sorted((i.channel, i.address) for i in mine) == [("sms", KADER), ("whatsapp", KADER)]
    assert [i.channel for i in mine if i.reminders_chosen_at is not None] == ["sms"]
    assert ani is not None and ani.id not in (sari.id, other.id) and ani.name == "Bu Ani"


async def test_a_phone_out_of_reach_at_start_does_not_stop_the_service(
    seeded: Seeded, tmp_path: Path
) -> None:
    settings = settings_for(
        seeded.path,
        folder=tmp_path,
        sms_gateway_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        sms_gateway_username=USER,
        sms_gateway_password=PASSWORD,
        sms_webhook_signing_key=KEY,
        public_base_url=PUBLIC,
    )
    service = Service(settings, TickingClock(), run_scheduler=False)
    await service.start()
    try:
        async with httpx.AsyncClient() as client:
            r = await client.get(f"{local(service)}/healthz")
        assert (r.status_code, r.json()["sms"]) == (200, "webhooks not registered")
    finally:
        await service.stop()


async def test_a_kms_by_sms_is_a_link_that_opens_once(seeded: Seeded, tmp_path: Path) -> None:
    """KMS <name> by SMS: the link says it opens once, within minutes, and does."""
    key = new_key()
    async with await Database.open(seeded.path) as db, db.transaction() as tx:
        andi = NewChild("Andi Saputra", Sex.MALE, date(2025, 3, 5), "Siti")
        at = moment()
        by = Actor(operator="test")
        await add_child(tx, RegisterCipher(key), seeded.posyandu_id, andi, consent_by=by, at=at)
    async with running(seeded, tmp_path, register_key=key) as (service, fake):
        phone = Phone(service, fake)
        await registered(phone, seeded.kader_code)
        reply = await converse(phone, "KMS andi")
        minutes = int(PRIVATE_TTL.total_seconds() // 60)
        assert f"Buka tautan ini dalam {minutes} menit" in reply and "sekali" in reply, reply
        (url,) = [w for w in reply.split() if w.startswith(f"{PUBLIC}/media/")]
        async with httpx.AsyncClient() as client:
            first = await client.get(local(service) + url.removeprefix(PUBLIC))
            again = await client.get(local(service) + url.removeprefix(PUBLIC))
        assert first.status_code == 200 and "Andi Saputra" in pdf_text(first.content)
        assert again.status_code == 404
