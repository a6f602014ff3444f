"""WhatsApp end to end: the real service under uvicorn, the real twilio client speaking HTTP to
a fake Twilio API on loopback; signed webhooks, status callbacks, templates, faults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from bot.app import Service
from scheduler.calendar import ReminderSettings
from scheduler.sweep import sweep
from storage.clock import Clock, FixedClock, SystemClock
from storage.outbox import Status, counts, list_rows
from tests.e2e.conftest import Seeded, settings_for, wait_for
from tests.fakes.server import serve
from tests.fakes.twilio_api import FakeTwilio, TwilioFault

SID = "AC" + "0123456789abcdef" * 2
AUTH = "twilio-auth-token-for-tests"
FROM = "+14155238886"
PUBLIC = "https://posyandu.example.test"
KADER = "+6281234567890"
TEMPLATE = "HX" + "f" * 32
QUICK = (
    "LAPOR S=50 K=48 D=41 N=33 BGM=1 T2=0 KADER=6 BUMIL=6 BUMIL_PERIKSA=4 PUS=100 "
    "KB_AKTIF=60 BAYI=12 BAYI_IMUNISASI=2 TAMBAHAN=BKB"
)


@asynccontextmanager
async def running(
    seeded: Seeded, fake_url: str, clock: Clock | None = None, **extra: Any
) -> AsyncIterator[Service]:
    settings = settings_for(
        seeded.path,
        twilio_account_sid=SID,
        twilio_auth_token=AUTH,
        twilio_whatsapp_from=FROM,
        twilio_api_base_url=fake_url,
        public_base_url=PUBLIC,
        twilio_template_reminder_sid=TEMPLATE,
        **extra,
    )
    service = Service(settings, clock or SystemClock(), run_scheduler=False)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


class Phone:
    """A kader's WhatsApp, as Twilio would relay it: signed form posts."""

    def __init__(self, service: Service, number: str = KADER) -> None:
        self.service = service
        self.number = number
        self.sent = 0

    async def say(self, text: str, *, sign: bool = True, host: str | None = None) -> int:
        self.sent += 1
        form = {
            "MessageSid": f"SM{self.sent:032x}",
            "AccountSid": SID,
            "From": f"whatsapp:{self.number}",
            "To": f"whatsapp:{FROM}",
            "Body": text,
            "NumMedia": "0",
        }
        return await post_form(self.service, "/twilio/whatsapp", form, sign=sign, host=host)


async def post_form(
    service: Service,
    path: str,
    form: dict[str, str],
    *,
    sign: bool = True,
    host: str | None = None,
    signature: str | None = None,
) -> int:
    headers: dict[str, str] = {}
    if sign:
        headers["X-Twilio-Signature"] = signature or RequestValidator(AUTH).compute_signature(
            PUBLIC + path, form
        )
    if host:
        headers["Host"] = host
    async with httpx.AsyncClient() as client:
        r = await client.post(
            f"http://127.0.0.1:{service.http_port}{path}", data=form, headers=headers
        )
    return r.status_code


async def test_monthly_report_by_whatsapp(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        phone = Phone(service)
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari", QUICK, "YA"):
            # Proxied: Host and scheme differ from PUBLIC_BASE_URL, the signature still holds.
            assert await phone.say(text, host="10.0.0.5:8080") == 200
        await wait_for(lambda: any("tersimpan" in m.get("Body", "") for m in fake.to(KADER)))
        bodies = [m.get("Body", "") for m in fake.to(KADER)]
        assert all(m["From"] == f"whatsapp:{FROM}" for m in fake.to(KADER))
        assert any("Bu Sari" in b for b in bodies)
        assert all(m.get("StatusCallback") == f"{PUBLIC}/twilio/status" for m in fake.to(KADER))


async def test_signatures_refused(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        form = {"MessageSid": "SM" + "1" * 32, "From": f"whatsapp:{KADER}", "Body": "halo"}
        assert await post_form(service, "/twilio/whatsapp", form, sign=False) == 403
        assert await post_form(service, "/twilio/whatsapp", form, signature="bm90IGl0") == 403
        # Signed for another URL (the internal one): refused.
        wrong = RequestValidator(AUTH).compute_signature(
            f"http://127.0.0.1:{service.http_port}/twilio/whatsapp", form
        )
        assert await post_form(service, "/twilio/whatsapp", form, signature=wrong) == 403
        status = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}
        assert await post_form(service, "/twilio/status", status, sign=False) == 403
        await wait_for(lambda: True)
    assert fake.messages == []


async def test_duplicate_message_sid_once(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        phone = Phone(service)
        await phone.say("halo")
        phone.sent -= 1
        await phone.say("halo")  # Twilio retried the same MessageSid
        await phone.say("?")
        await wait_for(lambda: len(fake.to(KADER)) >= 2)
    assert len(fake.to(KADER)) == 2


async def test_status_callbacks_are_recorded(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        phone = Phone(service)
        await phone.say("halo")
        await wait_for(lambda: len(fake.to(KADER)) == 1)
        sid = fake.to(KADER)[0]["Sid"]
        form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "63024"}
        assert await post_form(service, "/twilio/status", form) == 200
        assert service.db is not None
        async with service.db.read() as conn:
            assert (await counts(conn))[Status.FAILED] == 1
            (row,) = await list_rows(conn, [Status.FAILED])
        assert (row.delivery_status, row.error_code) == ("undelivered", "63024")


async def test_throttled_and_failing_api_retries(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    fake.fail(
        TwilioFault(429, 20429, "Too Many Requests"),
        TwilioFault(500, 20500),
        TwilioFault(503, 20503, delay=0.5),
    )
    async with serve(fake.app) as url, running(seeded, url) as service:
        phone = Phone(service)
        await phone.say("halo")
        await wait_for(lambda: len(fake.to(KADER)) == 1, within=30)


async def test_reminder_outside_the_window_goes_as_template(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    start = datetime.now(UTC)
    clock = FixedClock(start)
    async with serve(fake.app) as url, running(seeded, url, clock) as service:
        phone = Phone(service)
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari"):
            await phone.say(text)
        await wait_for(lambda: len(fake.to(KADER)) == 2)
        assert service.db is not None and service.dispatcher is not None
        # Weeks later (outside 24 h): the H-1 reminder of a later hari buka (the 12th).
        later = (start.replace(day=1) + timedelta(days=40)).replace(
            day=11, hour=11, minute=0, second=0, microsecond=0
        )
        clock.set(later)
        result = await sweep(service.db, later, ReminderSettings())
        assert result.messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(fake.to(KADER)) == 3)
        template = fake.to(KADER)[-1]
        assert template["ContentSid"] == TEMPLATE
        assert "Mawar" in template["ContentVariables"]
        assert "Body" not in template
