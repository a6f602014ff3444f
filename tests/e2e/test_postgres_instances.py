"""Several ``posyandu run`` instances on one PostgreSQL server, end to end (the real service,
the fake Bot API on loopback): the server lost and back (``/healthz`` says so; a message that
arrives meanwhile is answered 503 and taken when the channel delivers it again), Telegram's
long polling in one instance only, and media links signed by one instance served by another.
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
from bot.clock import SystemClock
from bot.errors import StartError
from bot.settings import Settings
from storage import Database
from tests.e2e.conftest import SECRET, TOKEN, Seeded, seed, wait_for
from tests.e2e.test_health import healthz
from tests.e2e.test_telegram import KADER_CHAT, post
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram
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
        pg_settings(url, tmp_path, telegram_api_base_url=api, **WEBHOOK), SystemClock()
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
        return Service(settings, SystemClock(), run_scheduler=False)

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
            SystemClock(),
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
        Service(pg_settings(postgres_url, tmp_path / n, **shared), SystemClock())
        for n in ("a", "b")
    )
    stranger = Service(
        pg_settings(
            postgres_url, tmp_path / "c", media_signing_key="another-signing-key-0123", **shared
        ),
        SystemClock(),
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

