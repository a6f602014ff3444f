"""Several ``posyandu run`` instances on one PostgreSQL server, end to end (the real service,
the fake Bot API and the fake Twilio API on loopback, the real clients): Telegram webhooks and
WhatsApp messages shared by two instances, the server lost and back (``/healthz`` says so; a
message that arrives meanwhile is answered 503 and taken when the channel delivers it again),
Telegram's long polling in one instance only, and media links signed by one instance served by
another.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import Service
from bot.channels import OutgoingDocument
from bot.errors import StartError
from bot.settings import Settings
from conversations.catalogue import say
from scoring import Period
from scoring.fields import QUESTION_FIELDS
from storage import Database
from storage.outbox import Status
from storage.reports import get_report
from tests.clock import TickingClock
from tests.e2e.conftest import SECRET, TOKEN, Seeded, seed, wait_for
from tests.e2e.test_health import healthz
from tests.e2e.test_telegram import KADER_CHAT, post
from tests.e2e.test_whatsapp import AUTH, FROM, KADER, PUBLIC, SID, Phone
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.postgres import PostgresServer
from tests.postgres import start as start_postgres

PASSWORD = "pg-Secret-Password-77"


def pg_settings(url: str, folder: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "posyandu_db": url,
        "http_host": "127.0.0.1",
        "http_port": 0,
        "media_dir": folder / "media",
        "out_dir": folder / "out",
        "outbox_backoff_seconds": 0.2,
        "outbox_poll_seconds": 0.1,
        "telegram_bot_token": TOKEN,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


WEBHOOK = {"public_base_url": "https://posyandu.example.test", "telegram_webhook_secret": SECRET}


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A server of this test's own, to stop and start again."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def fake_api() -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as api:
        yield fake, f"{api}/bot"


async def test_the_server_lost_is_reported_and_a_message_meanwhile_is_not_lost(
    own_server: PostgresServer,
    fake_api: tuple[FakeTelegram, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Trust authentication: the password is not checked, but it is in the URL to be hidden.
    url = own_server.create_database().replace("posyandu@", f"posyandu:{PASSWORD}@")
    seeded = await seed(url)
    fake, api = fake_api
    service = Service(
        pg_settings(url, tmp_path, telegram_api_base_url=api, **WEBHOOK), TickingClock()
    )
    await service.start()
    try:
        code, body = await healthz(service)
        assert (code, body["database"]) == (200, "ok")
        caplog.clear()
        own_server.halt()
        code, body = await healthz(service)
        assert (code, body["database"]) == (503, "down")
        # A kader joins while the server is down: 503, and Telegram will deliver it again.
        update = fake.text_update(KADER_CHAT, f"DAFTAR {seeded.kader_code}")
        assert await post(service, update) == 503
        assert await post(service, update) == 503
        down_logs = list(caplog.records)
        own_server.resume()
        assert await post(service, update) == 200  # the redelivery is taken
        code, body = await healthz(service)
        assert (code, body["database"]) == (200, "ok")
        await wait_for(lambda: bool(fake.texts_to(KADER_CHAT)))
        assert await post(service, update) == 200  # once more: a duplicate, nothing new
    finally:
        await service.stop()
    # Nothing lost, nothing twice: the update recorded once, the kader asked their name once.
    async with await Database.open(url) as db, db.read() as conn:
        [[inbound]] = await conn.execute_fetchall("SELECT count(*) FROM inbound")
        [[flows]] = await conn.execute_fetchall("SELECT count(*) FROM sessions")
    assert (inbound, flows) == (1, 1)
    assert len(fake.texts_to(KADER_CHAT)) == 1
    # While it was down: no traceback, no password, in the logs or /healthz.
    assert down_logs and [r for r in down_logs if r.exc_info] == []
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
    assert PASSWORD not in json.dumps(body)


async def test_long_polling_runs_in_one_instance_only(
    postgres_url: str, fake_api: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    await seed(postgres_url)
    fake, api = fake_api

    def instance(name: str) -> Service:
        settings = pg_settings(postgres_url, tmp_path / name, telegram_api_base_url=api)
        return Service(settings, TickingClock(), run_scheduler=False)

    first = instance("a")
    await first.start()
    try:
        second = instance("b")
        with pytest.raises(StartError) as refused:
            await second.start()
        line = str(refused.value)
        assert "\n" not in line and "webhook mode" in line and "PUBLIC_BASE_URL" in line
        # The refused instance never touched Telegram's intake (no second getUpdates caller).
        assert len(fake.sent("deleteWebhook")) == 1
        fake.push_text(KADER_CHAT, "halo")  # the first one still polls
        await wait_for(lambda: bool(fake.texts_to(KADER_CHAT)))
        assert first.channels["telegram"].health().text == "polling"
    finally:
        await first.stop()
    # The lock went with the first instance: another one polls now.
    third = instance("c")
    await third.start()
    try:
        assert third.channels["telegram"].health().text == "polling"
    finally:
        await third.stop()


async def test_webhook_instances_share_the_intake(
    postgres_url: str, fake_api: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    seeded: Seeded = await seed(postgres_url)
    fake, api = fake_api
    services = [
        Service(
            pg_settings(postgres_url, tmp_path / name, telegram_api_base_url=api, **WEBHOOK),
            TickingClock(),
            run_scheduler=False,
        )
        for name in ("a", "b")
    ]
    for service in services:
        await service.start()
    try:
        join = fake.text_update(KADER_CHAT, f"DAFTAR {seeded.kader_code}")
        assert [await post(s, join) for s in services] == [200, 200]  # one handles it
        await wait_for(lambda: bool(fake.texts_to(KADER_CHAT)))
    finally:
        for service in services:
            await service.stop()
    assert len(fake.texts_to(KADER_CHAT)) == 1


async def test_a_media_link_signed_by_one_instance_is_served_by_another(
    postgres_url: str, fake_api: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    # Two instances with the same settings (the signing key derived from the same channel
    # secrets, or MEDIA_SIGNING_KEY) and the same MEDIA_DIR (a shared folder), on two ports.
    shared = {"media_dir": tmp_path / "shared-media", "telegram_api_base_url": fake_api[1]}
    shared |= WEBHOOK
    one, two = (
        Service(pg_settings(postgres_url, tmp_path / n, **shared), TickingClock())
        for n in ("a", "b")
    )
    stranger = Service(
        pg_settings(
            postgres_url, tmp_path / "c", media_signing_key="another-signing-key-0123", **shared
        ),
        TickingClock(),
    )
    pdf = b"%PDF-1.4 laporan Mawar"
    for service in (one, two, stranger):
        await service.start(serve_http=True)
    try:
        assert one.media_links is not None
        link = await one.media_links.url(OutgoingDocument("laporan-mwr01.pdf", pdf))
        path = link.removeprefix("https://posyandu.example.test")
        async with httpx.AsyncClient() as client:
            got = await client.get(f"http://127.0.0.1:{two.http_port}{path}")
            forged = await client.get(f"http://127.0.0.1:{stranger.http_port}{path}")
    finally:
        for service in (one, two, stranger):
            await service.stop()
    assert got.status_code == 200 and got.content == pdf
    assert 'filename="laporan-mwr01.pdf"' in got.headers["content-disposition"]
    assert forged.status_code == 404  # a key of its own: the link is not its


#: The guided report's answers by question (distinct numbers: a message taken out of order
#: would put a number under another field).
GUIDED = {
    "kader": "6", "s": "52", "k": "47", "d": "41", "n": "33", "bgm": "1", "t2": "0",
    "bumil": "7", "bumil_periksa": "4", "pus": "101", "kb_aktif": "61", "bayi": "12",
    "bayi_imunisasi": "2", "kk": "150", "kk_dana_sehat": "60", "program_tambahan": "BKB",
    "rujukan": "1", "vit_a": "40", "cara": "1",
}  # fmt: skip
QUESTIONS = [(say(f"ask.{f.id}"), f.id) for f in QUESTION_FIELDS]


def guided_answer(reply: str) -> str | None:
    """The kader's next message given the bot's last reply; None once the report is saved."""
    if "tersimpan" in reply:
        return None
    if "terdaftar" in reply:
        return "LAPOR"  # registered: now the report
    if say("period.ask").splitlines()[0] in reply:
        return "1"
    where, field = max(((reply.rfind(q), f) for q, f in QUESTIONS if q in reply), default=(-1, ""))
    if where >= 0:
        return GUIDED[field]
    if "Masih sama" in reply:
        return "TIDAK"  # last month's head counts: no, ask each one
    assert "YA" in reply, reply  # the summary
    return "YA"


async def test_whatsapp_instances_share_the_intake_and_keep_a_kaders_order(
    postgres_url: str, tmp_path: Path
) -> None:
    seeded = await seed(postgres_url)
    fake = FakeTwilio(SID, AUTH)
    async with serve(fake.app) as twilio:
        twilio_settings = {
            "telegram_bot_token": None,
            "twilio_account_sid": SID,
            "twilio_auth_token": AUTH,
            "twilio_whatsapp_from": FROM,
            "twilio_api_base_url": twilio,
            "public_base_url": PUBLIC,
        }
        services = [
            Service(
                pg_settings(postgres_url, tmp_path / name, **twilio_settings),
                TickingClock(),
                run_scheduler=False,
            )
            for name in ("a", "b")
        ]
        for service in services:
            await service.start()
        try:
            asked = await _walk(services, fake, seeded)
        finally:
            for service in services:
                await service.stop()
    await _saved_once_in_order(postgres_url, seeded, asked)


async def _quiet(service: Service) -> bool:
    """Nothing waiting in the (shared) outbox."""
    assert service.db is not None
    async with service.db.read() as conn:
        [[waiting]] = await conn.execute_fetchall(
            "SELECT count(*) FROM outbox WHERE status IN (?, ?)",
            (Status.PENDING.value, Status.SENDING.value),
        )
    return int(waiting) == 0


async def _walk(services: list[Service], fake: FakeTwilio, seeded: Seeded) -> list[str]:
    """The same MessageSid to both instances (one reply), then a guided report whose messages
    alternate between them, each sent once the reply to the last one is in; the fields asked."""
    phone = Phone(services[0])
    join = f"DAFTAR {seeded.kader_code}"
    assert (await phone.say(join)).status_code == 200
    phone.service, phone.sent = services[1], phone.sent - 1  # Twilio's retry, elsewhere
    assert (await phone.say(join)).status_code == 200
    await wait_for(lambda: len(fake.to(KADER)) >= 1)
    await wait_for(lambda: _quiet(services[0]))
    assert len(fake.to(KADER)) == 1  # handled once: asked the name once
    asked: list[str] = []
    text: str | None = "Bu Sari"
    while text is not None:
        assert len(asked) < 40, asked
        before = len(fake.to(KADER))
        phone.service = services[len(asked) % 2]
        asked.append(text)
        assert (await phone.say(text)).status_code == 200
        await wait_for(lambda n=before: len(fake.to(KADER)) > n)  # type: ignore[misc]
        await wait_for(lambda: _quiet(services[0]))
        replies = fake.to(KADER)[before:]
        text = guided_answer("\n".join(m.get("Body", "") for m in replies))
    return asked


async def _saved_once_in_order(url: str, seeded: Seeded, asked: list[str]) -> None:
    async with await Database.open(url) as db, db.read() as conn:
        [[inbound]] = await conn.execute_fetchall(
            "SELECT count(*) FROM inbound WHERE channel = 'whatsapp'"
        )
        [[saves]] = await conn.execute_fetchall(
            "SELECT count(*) FROM report_revisions WHERE channel = 'whatsapp'"
        )
        [[period]] = await conn.execute_fetchall(
            "SELECT period FROM reports WHERE channel = 'whatsapp'"
        )
        stored = await get_report(conn, seeded.posyandu_id, Period.parse(period))
    assert inbound == 1 + len(asked)  # the duplicate recorded once
    assert {"LAPOR", "47", "41", "33", "YA"} <= set(asked)  # the guided dialogue, step by step
    assert saves == 1
    assert stored is not None
    report = stored.report
    values = {"kader": 6, "s": 52, "k": 47, "d": 41, "n": 33, "bumil": 7, "pus": 101}
    assert {f: getattr(report, f) for f in values} == values
