"""WhatsApp end to end: the real service under uvicorn, the real twilio client speaking HTTP to
a fake Twilio API on loopback; signed webhooks, media, status callbacks, templates, faults."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader
from twilio.request_validator import RequestValidator

from bot.app import Service
from bot.whatsapp.settings import WhatsAppSection, whatsapp_settings
from bot.whatsapp.webhook import EMPTY_TWIML
from conversations.periods import format_period
from scheduler.calendar import ReminderSettings
from scheduler.sweep import sweep
from scoring import Period
from scoring.clock import Clock, FixedClock
from scoring.growth import Sex
from storage import Database
from storage.children import Actor, NewChild, Weighing, add_child, record_weighing
from storage.cipher import RegisterCipher, new_key
from storage.outbox import OutboxRow, Status, counts, list_rows
from storage.people import identity
from tests.clock import Day, TickingClock, cli, moment
from tests.e2e.conftest import HARI_BUKA, Seeded, reporting, settings_for, wait_for
from tests.fakes.server import serve
from tests.fakes.service import ROOT
from tests.fakes.twilio_api import FakeTwilio, TwilioFault

SID = "AC" + "0123456789abcdef" * 2
AUTH = "twilio-auth-token-for-tests"
FROM = "+14155238886"
PUBLIC = "https://posyandu.example.test"
KADER = "+6281234567890"
SUPERVISOR = "+6281298765432"
TEMPLATE = "HX" + "f" * 32
SUMMARY = "HX" + "e" * 32
MISSING = "HX" + "d" * 32
WIB = ZoneInfo("Asia/Jakarta")
QUICK = (
    "LAPOR S=50 K=48 D=41 N=33 BGM=1 T2=0 KADER=6 BUMIL=6 BUMIL_PERIKSA=4 PUS=100 "
    "KB_AKTIF=60 BAYI=12 BAYI_IMUNISASI=2 TAMBAHAN=BKB RUJUK=1"
)
OUTSIDE_WINDOW = TwilioFault(
    400, 63016, "Failed to send freeform message because you are outside the allowed window."
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
    service = Service(settings, clock or TickingClock(), run_scheduler=False)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


def inbound_form(number: str, sent: int, text: str) -> dict[str, str]:
    """The form Twilio posts for ``number``'s ``sent``-th message ``text`` (a MessageSid unique
    per phone and message, as Twilio's are)."""
    return {
        "MessageSid": f"SM{int(number[1:]):016x}{sent:016x}",
        "AccountSid": SID,
        "From": f"whatsapp:{number}",
        "To": f"whatsapp:{FROM}",
        "Body": text,
        "NumMedia": "0",
    }


class Phone:
    """A person's WhatsApp, as Twilio would relay it: signed form posts."""

    def __init__(self, service: Service, number: str = KADER) -> None:
        self.service = service
        self.number = number
        self.sent = 0

    async def say(self, text: str, *, sign: bool = True, host: str | None = None) -> httpx.Response:
        self.sent += 1
        form = inbound_form(self.number, self.sent, text)
        return await post_form(self.service, "/twilio/whatsapp", form, sign=sign, host=host)


async def post_form(
    service: Service,
    path: str,
    form: dict[str, str],
    *,
    sign: bool = True,
    host: str | None = None,
    signature: str | None = None,
) -> httpx.Response:
    headers: dict[str, str] = {}
    if sign:
        headers["X-Twilio-Signature"] = signature or RequestValidator(AUTH).compute_signature(
            PUBLIC + path, form
        )
    if host:
        headers["Host"] = host
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"http://127.0.0.1:{service.http_port}{path}", data=form, headers=headers
        )


async def get(service: Service, path: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(f"http://127.0.0.1:{service.http_port}{path}")


async def rows(service: Service, *statuses: Status) -> list[OutboxRow]:
    assert service.db is not None
    async with service.db.read() as conn:
        return await list_rows(conn, list(statuses) or list(Status))


def wib(period: Period, day: int, hour: int, minute: int = 0) -> datetime:
    """A local (WIB) time in ``period``, as UTC."""
    return datetime(period.year, period.month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


async def register(phone: Phone, code: str, name: str, fake: FakeTwilio) -> None:
    before = len(fake.to(phone.number))
    for text in (f"DAFTAR {code}", name):
        assert (await phone.say(text)).status_code == 200
    await wait_for(lambda: len(fake.to(phone.number)) == before + 2)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.hari_buka(HARI_BUKA)
async def test_monthly_report_then_pdf_by_media_url(seeded: Seeded, today: Day) -> None:
    fake = FakeTwilio(SID, AUTH)
    start = moment()
    clock = FixedClock(start)
    async with serve(fake.app) as url, running(seeded, url, clock) as service:
        phone = Phone(service)
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari", *reporting(QUICK, today), "YA"):
            # Proxied: Host and scheme differ from PUBLIC_BASE_URL, the signature still holds.
            r = await phone.say(text, host="10.0.0.5:8080")
            # Answered at once with an empty TwiML response; replies go by the REST API.
            assert (r.status_code, r.text) == (200, EMPTY_TWIML)
            assert r.headers["content-type"].startswith("text/xml")
        await wait_for(lambda: any("tersimpan" in m.get("Body", "") for m in fake.to(KADER)))
        bodies = [m.get("Body", "") for m in fake.to(KADER)]
        assert all(m["From"] == f"whatsapp:{FROM}" for m in fake.to(KADER))
        assert any("Bu Sari" in b for b in bodies)
        assert all(m.get("StatusCallback") == f"{PUBLIC}/twilio/status" for m in fake.to(KADER))

        assert (await phone.say("PDF")).status_code == 200
        await wait_for(lambda: any("MediaUrl" in m for m in fake.to(KADER)))
        (media,) = [m for m in fake.to(KADER) if "MediaUrl" in m]
        (media_url,) = media["MediaUrl"]
        assert media_url.startswith(f"{PUBLIC}/media/") and media_url.endswith(".pdf")
        path = media_url.removeprefix(PUBLIC)
        r = await get(service, path)
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/pdf"
        text = pdf_text(r.content)
        for expected in ("Posyandu Mawar", "Bu Sari", "WhatsApp", "48", "41", "33", "82%"):
            assert expected in text, expected
        # One character changed (in the signed payload): not found.
        token = path.removeprefix("/media/").removesuffix(".pdf")
        i = len(token) // 3
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert (await get(service, f"/media/{changed}.pdf")).status_code == 404
        assert (await get(service, "/media/")).status_code == 404
        # Past the media TTL: not found any more.
        clock.set(start + timedelta(hours=service.settings.media_ttl_hours, seconds=1))
        assert (await get(service, path)).status_code == 404


async def test_signatures_refused_and_nothing_processed(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        form = {
            "MessageSid": "SM" + "1" * 32,
            "From": f"whatsapp:{KADER}",
            "Body": f"DAFTAR {seeded.kader_code}",
        }
        assert (await post_form(service, "/twilio/whatsapp", form, sign=False)).status_code == 403
        bad = await post_form(service, "/twilio/whatsapp", form, signature="bm90IGl0")
        assert bad.status_code == 403
        # Signed for another URL (the internal one): refused.
        wrong = RequestValidator(AUTH).compute_signature(
            f"http://127.0.0.1:{service.http_port}/twilio/whatsapp", form
        )
        assert (
            await post_form(service, "/twilio/whatsapp", form, signature=wrong)
        ).status_code == 403
        status = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}
        assert (await post_form(service, "/twilio/status", status, sign=False)).status_code == 403
        # The webhook answers after recording what it accepts: nothing was.
        assert service.db is not None
        async with service.db.read() as conn:
            inbound = await conn.execute_fetchall("SELECT count(*) FROM inbound")
            assert [tuple(r) for r in inbound] == [(0,)]
            assert set((await counts(conn)).values()) == {0}
            assert await identity(conn, "whatsapp", KADER) is None
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
        assert (await post_form(service, "/twilio/status", form)).status_code == 200
        (row,) = await rows(service, Status.FAILED)
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

        async def marked_sent() -> bool:
            return len(await rows(service, Status.SENT)) == 1

        await wait_for(marked_sent)
        (row,) = await rows(service, Status.SENT)
        # The last REST error code is kept on the row.
        assert row.error_code == "20503"


async def test_reminder_outside_the_window_goes_as_template(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    start = moment()
    clock = FixedClock(start)
    async with serve(fake.app) as url, running(seeded, url, clock) as service:
        phone = Phone(service)
        await register(phone, seeded.kader_code, "Bu Sari", fake)
        assert service.db is not None and service.dispatcher is not None
        # Weeks later (outside 24 h): the H-1 reminder of a later hari buka (the 12th).
        later = Period(start.year, start.month).shift(2)
        clock.set(wib(later, 11, 18))
        result = await sweep(service.db, clock.now(), ReminderSettings())
        assert result.messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(fake.to(KADER)) == 3)
        template = fake.to(KADER)[-1]
        assert template["ContentSid"] == TEMPLATE
        assert "Mawar" in template["ContentVariables"]
        assert "Body" not in template
        # H+2 with no report: its template (TWILIO_TEMPLATE_NUDGE_SID) is not configured here,
        # so it fails with the reason, and is counted.
        # (Also queued: Melati's H to Bu Wati, on Telegram, which this service does not run.)
        clock.set(wib(later, 14, 9))
        assert (await sweep(service.db, clock.now(), ReminderSettings())).messages == 2
        service.dispatcher.wake()

        async def one_failed() -> bool:
            return len(await rows(service, Status.FAILED)) == 1

        await wait_for(one_failed)
        (failed,) = await rows(service, Status.FAILED)
        assert failed.payload["kind"] == "h+2"
        assert failed.last_error == (
            "outside the 24-hour window; template TWILIO_TEMPLATE_NUDGE_SID is not configured"
        )
        health = (await get(service, "/healthz")).json()
        assert health["outbox"]["failed"] == 1
    assert len(fake.to(KADER)) == 3


async def test_refused_outside_the_window_falls_back_to_templates(seeded: Seeded) -> None:
    """Twilio says 63016 although the person wrote lately: a reminder and a document go as
    their templates; a plain reply, which no template fits, fails with the code and reason."""
    fake = FakeTwilio(SID, AUTH)
    start = moment()
    ahead = Period(start.year, start.month).shift(2)
    clock = FixedClock(start)
    async with (
        serve(fake.app) as url,
        running(seeded, url, clock, twilio_template_summary_sid=SUMMARY) as service,
    ):
        assert service.db is not None and service.dispatcher is not None
        phone = Phone(service)
        await register(phone, seeded.kader_code, "Bu Sari", fake)
        # Later, the kader writes half an hour before the H-1 reminder is due.
        clock.set(wib(ahead, 11, 17, 30))
        assert (await phone.say("halo")).status_code == 200
        await wait_for(lambda: len(fake.to(KADER)) == 3)

        # The H-1 reminder, inside the window by our record: refused, then its template.
        fake.fail(OUTSIDE_WINDOW)
        clock.set(wib(ahead, 11, 18))
        assert (await sweep(service.db, clock.now(), ReminderSettings())).messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(fake.to(KADER)) == 4)
        reminder = fake.to(KADER)[-1]
        assert reminder["ContentSid"] == TEMPLATE and "Body" not in reminder
        assert json.loads(reminder["ContentVariables"])["1"] == "Mawar"

        async def sent_reminders() -> list[OutboxRow]:
            return [r for r in await rows(service, Status.SENT) if r.payload["type"] == "reminder"]

        async def reminder_sent() -> bool:
            return len(await sent_reminders()) == 1

        await wait_for(reminder_sent)  # Twilio has it; the row is marked right after
        (row,) = await sent_reminders()
        assert row.error_code == "63016"
        assert row.last_error == (
            "twilio 63016: outside the 24-hour window; "
            "sent as template TWILIO_TEMPLATE_REMINDER_SID"
        )

        # A PDF: rendered, refused, then the "ready" template that asks for it again.
        fake.fail(OUTSIDE_WINDOW)
        assert (await phone.say("PDF")).status_code == 200
        await wait_for(lambda: len(fake.to(KADER)) == 5)
        document = fake.to(KADER)[-1]
        assert document["ContentSid"] == SUMMARY and "MediaUrl" not in document
        last = ahead.shift(-3)  # the latest month seeded
        assert json.loads(document["ContentVariables"]) == {
            "1": "Posyandu Mawar",
            "2": format_period(last),
            "3": f"PDF {last}",
        }

        # A plain reply: no template fits; failed with the code, counted, listed.
        fake.fail(OUTSIDE_WINDOW)
        assert (await phone.say("BANTUAN")).status_code == 200

        async def one_failed() -> bool:
            return len(await rows(service, Status.FAILED)) == 1

        await wait_for(one_failed)
        (failed,) = await rows(service, Status.FAILED)
        assert failed.payload["type"] == "text"
        assert failed.error_code == "63016"
        assert failed.last_error == (
            "twilio 63016: outside the 24-hour window; no template fits a reply"
        )
        assert (await get(service, "/healthz")).json()["outbox"]["failed"] == 1
    assert len(fake.to(KADER)) == 5
    listed = await asyncio.create_subprocess_exec(
        *cli("outbox", "--failed"),
        cwd=seeded.path.parent,
        env={**os.environ, "POSYANDU_DB": str(seeded.path), "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await listed.communicate()
    assert listed.returncode == 0, err
    (line,) = out.decode().splitlines()
    assert "\tfailed\twhatsapp\t" in line and "code=63016" in line
    assert "no template fits a reply" in line
    assert "failed 1" in err.decode()


async def test_supervisor_rekap_and_missing_list_outside_the_window(seeded: Seeded) -> None:
    fake = FakeTwilio(SID, AUTH)
    start = moment()
    ahead = Period(start.year, start.month).shift(2)
    clock = FixedClock(start)
    extra = {"twilio_template_summary_sid": SUMMARY, "twilio_template_missing_sid": MISSING}
    async with serve(fake.app) as url, running(seeded, url, clock, **extra) as service:
        assert service.db is not None and service.dispatcher is not None
        phone = Phone(service, SUPERVISOR)
        await register(phone, seeded.supervisor_code, "Pak Budi", fake)
        # Weeks later, on the 5th: last month's REKAP for the kecamatan, as the template.
        clock.set(wib(ahead, 5, 8))
        assert (await sweep(service.db, clock.now(), ReminderSettings())).messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(fake.to(SUPERVISOR)) == 3)
        rekap = fake.to(SUPERVISOR)[-1]
        assert rekap["ContentSid"] == SUMMARY and "MediaUrl" not in rekap
        previous = ahead.shift(-1)
        assert json.loads(rekap["ContentVariables"]) == {
            "1": "Kecamatan Batu Aji",
            "2": format_period(previous),
            "3": f"REKAP {previous}",
        }
        # H+7 of Mawar's hari buka (the 12th), no report: the list still missing.
        clock.set(wib(ahead, 19, 9))
        assert (await sweep(service.db, clock.now(), ReminderSettings())).messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(fake.to(SUPERVISOR)) == 4)
        missing = fake.to(SUPERVISOR)[-1]
        assert missing["ContentSid"] == MISSING and "Body" not in missing
        assert json.loads(missing["ContentVariables"]) == {
            "1": "1",
            "2": format_period(ahead),
            "3": "Mawar",
        }
        assert await rows(service, Status.FAILED) == []


async def test_a_from_without_the_whatsapp_prefix_is_nobodys_whatsapp(
    seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    # An SMS routed to the same Twilio URL carries the kader's number without "whatsapp:"
    # (and an SMS caller ID can be forged): it is answered with the empty TwiML and nothing
    # else happens.
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url) as service:
        phone = Phone(service)
        await register(phone, seeded.kader_code, "Bu Sari", fake)
        assert service.db is not None
        async with service.db.read() as conn:
            before = await counts(conn)
        replies = len(fake.messages)
        sids = []
        for i, sender in enumerate((KADER, "sms:" + KADER, KADER.lstrip("+"), SUPERVISOR)):
            form = {
                "MessageSid": f"SM{i:032x}",
                "AccountSid": SID,
                "From": sender,
                "To": FROM,
                "Body": "RIWAYAT",
                "NumMedia": "0",
            }
            sids.append(form["MessageSid"])
            with caplog.at_level(logging.INFO, logger="posyandu.http"):
                r = await post_form(service, "/twilio/whatsapp", form)
            assert (r.status_code, r.text) == (200, EMPTY_TWIML), sender
        async with service.db.read() as conn:
            assert await counts(conn) == before  # no reply queued
            marks = ",".join("?" * len(sids))
            recorded = await conn.execute_fetchall(
                f"SELECT external_id FROM inbound WHERE external_id IN ({marks})", sids
            )
            assert list(recorded) == []
            assert await identity(conn, "whatsapp", SUPERVISOR) is None
    assert len(fake.messages) == replies
    logged = [r for r in caplog.records if r.getMessage() == "twilio.webhook.not_whatsapp"]
    assert [r.levelno for r in logged] == [logging.INFO] * 4
    for record in logged:
        shown = json.dumps(getattr(record, "fields", {}))
        assert KADER.lstrip("+") not in shown and SUPERVISOR.lstrip("+") not in shown
        assert KADER[-4:] in shown or SUPERVISOR[-4:] in shown


async def test_a_messaging_service_sends_instead_of_one_number(seeded: Seeded) -> None:
    """TWILIO_MESSAGING_SERVICE_SID (Twilio's sender pool) instead of TWILIO_WHATSAPP_FROM:
    every create names the service and no From; the rate is per sender in the pool."""
    fake = FakeTwilio(SID, AUTH)
    service_sid = "MG" + "0123456789abcdef" * 2
    async with serve(fake.app) as url:
        settings = settings_for(
            Path(seeded.path),
            twilio_account_sid=SID,
            twilio_auth_token=AUTH,
            twilio_messaging_service_sid=service_sid,
            twilio_messaging_service_senders=3,
            twilio_api_base_url=url,
            public_base_url=PUBLIC,
        )
        assert settings.problems() == []
        section = whatsapp_settings(settings)
        assert section is not None
        assert (section.messages_per_second, section.media_per_second) == (
            3 * settings.section(WhatsAppSection).rate_per_second,
            3 * settings.section(WhatsAppSection).media_rate_per_second,
        )
        service = Service(settings, TickingClock(), run_scheduler=False)
        await service.start()
        try:
            phone = Phone(service)
            await register(phone, seeded.kader_code, "Bu Sari", fake)
            assert (await phone.say("halo")).status_code == 200
            await wait_for(lambda: len(fake.to(KADER)) == 3)
        finally:
            await service.stop()
    sent = fake.to(KADER)
    assert [m["MessagingServiceSid"] for m in sent] == [service_sid] * 3
    assert [m for m in sent if "From" in m] == []
    assert all(m.get("StatusCallback") == f"{PUBLIC}/twilio/status" for m in sent)


async def test_a_kms_is_fetched_once_and_kept_no_longer(seeded: Seeded) -> None:
    """KMS <name> over WhatsApp: the PDF (the child's name on it) behind a media link that
    gives it once; the disk keeps nothing after that fetch, the outbox no name."""
    key = new_key()
    cipher = RegisterCipher(key)
    clock = FixedClock(moment())
    async with await Database.open(seeded.path) as db, db.transaction() as tx:
        andi = NewChild("Andi Saputra", Sex.MALE, date(2025, 3, 5), "Siti")
        by = Actor(operator="test")
        child_id = await add_child(
            tx, cipher, seeded.posyandu_id, andi, consent_by=by, at=clock.now()
        )
        weighed = Weighing(child_id, date(2025, 9, 5), 8_400)
        await record_weighing(tx, weighed, at=clock.now())
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as url, running(seeded, url, clock, register_key=key) as service:
        phone = Phone(service)
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari", "KMS andi"):
            assert (await phone.say(text)).status_code == 200
        await wait_for(lambda: any("MediaUrl" in m for m in fake.to(KADER)))
        (media,) = [m for m in fake.to(KADER) if "MediaUrl" in m]
        assert "Andi" not in media["MediaUrl"][0]
        path = media["MediaUrl"][0].removeprefix(PUBLIC)
        first = await get(service, path)
        assert first.status_code == 200 and "Andi Saputra" in pdf_text(first.content)
        assert (await get(service, path)).status_code == 404
        files = [p for p in service.settings.media_dir.rglob("*") if p.is_file()]
        assert not any(b"%PDF" in p.read_bytes() for p in files)
        assert service.db is not None
        async with service.db.read() as conn:
            payloads = await conn.execute_fetchall("SELECT payload FROM outbox")
        assert not any("Andi" in str(r["payload"]) for r in payloads)
