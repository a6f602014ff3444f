"""Telegram end to end: the real service under uvicorn, python-telegram-bot speaking HTTP to a
fake Bot API on loopback; webhook and polling; faults."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from bot.app import Service
from conversations.periods import format_period
from scoring import Period
from storage import Database
from storage.outbox import Status, counts
from storage.people import identity, person_by_address
from storage.reports import get_report
from tests.clock import Day, TickingClock, moment
from tests.e2e.conftest import (
    HARI_BUKA,
    SECRET,
    TOKEN,
    Seeded,
    reporting,
    settings_for,
    wait_for,
)
from tests.fakes.server import serve
from tests.fakes.telegram_api import Call, FakeTelegram, Fault

KADER_CHAT = 4242
QUICK = (
    "LAPOR S=50 K=48 D=41 N=33 BGM=1 T2=0 KADER=6 BUMIL=6 BUMIL_PERIKSA=4 PUS=100 "
    "KB_AKTIF=60 BAYI=12 BAYI_IMUNISASI=2 TAMBAHAN=BKB RUJUK=1"
)


@asynccontextmanager
async def running(
    seeded: Seeded,
    fake: FakeTelegram,
    url: str,
    *,
    webhook: bool,
    scheduler: bool = False,
    **extra: Any,
) -> AsyncIterator[Service]:
    options: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": f"{url}/bot",
        **extra,
    }
    if webhook:
        options |= {
            "public_base_url": "https://posyandu.example.test",
            "telegram_webhook_secret": SECRET,
        }
    service = Service(settings_for(seeded.path, **options), TickingClock(), run_scheduler=scheduler)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


async def post(service: Service, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with httpx.AsyncClient() as client:
        r = await client.post(
            f"http://127.0.0.1:{service.http_port}/telegram/webhook", json=update, headers=headers
        )
    return r.status_code


async def current_report(seeded: Seeded) -> Any:

    now = moment().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    async with await Database.open(seeded.path) as db, db.read() as conn:
        return await get_report(conn, seeded.posyandu_id, Period(now.year, now.month))


async def table_counts(conn: Any) -> dict[str, int]:
    out = {}
    for table in ("inbound", "outbox", "sessions"):
        [[n]] = await conn.execute_fetchall(f"SELECT count(*) FROM {table}")
        out[table] = int(n)
    return out


def this_period() -> Period:
    from zoneinfo import ZoneInfo

    now = moment().astimezone(ZoneInfo("Asia/Jakarta"))
    return Period(now.year, now.month)


def pdf_of(call: Call) -> tuple[str, str]:
    """(file name, text) of the document a sendDocument call uploaded."""
    assert list(call.files) == ["document"]
    name, content = call.files["document"]
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return name, "\n".join(page.extract_text() for page in reader.pages)


async def check_report_pdf(fake: FakeTelegram, chat: int) -> None:
    """The kader's PDF arrived as a document and reads back with the numbers just reported."""
    await wait_for(lambda: bool(fake.sent("sendDocument", chat)))
    [call] = fake.sent("sendDocument", chat)
    period = this_period()
    name, text = pdf_of(call)
    assert name == f"laporan-mwr01-{period}.pdf"
    label = format_period(period)
    assert call.params["caption"] == f"Laporan Mawar, {label}"
    assert "Posyandu Mawar" in text and label in text and "Bu Sari" in text
    # QUICK's numbers (the 12 seeded months have S=50 K=45 D=40 N=30: these differ).
    for pattern in (
        r"S semua balita 50 K punya KMS/KIA 48",
        r"D ditimbang 41 N naik berat 33",
        r"PUS 100 KB aktif 60",
        r"Bayi 0-11 bln 12 Imunisasi lengkap 2",
        r"K/S \(liputan\) 96%",
        r"D/S \(partisipasi\) 82%",
    ):
        assert re.search(pattern, text), pattern


@pytest.mark.hari_buka(HARI_BUKA)
async def test_monthly_report_through_the_webhook(seeded: Seeded, today: Day) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        assert fake.webhook_url == "https://posyandu.example.test/telegram/webhook"
        assert fake.webhook_secret == SECRET
        talk = ("/start", f"DAFTAR {seeded.kader_code}", "Bu Sari", *reporting(QUICK, today), "YA")
        for text in talk:
            assert await post(service, fake.text_update(KADER_CHAT, text)) == 200
        await wait_for(lambda: any("tersimpan" in t for t in fake.texts_to(KADER_CHAT)))
        texts = fake.texts_to(KADER_CHAT)
        assert any("Bu Sari" in t for t in texts)
        # Choices arrive as a reply keyboard; a plain answer after one removes it.
        markups = [c.params.get("reply_markup") for c in fake.sent("sendMessage", KADER_CHAT)]
        assert any(m and "keyboard" in m for m in markups)
        sent = len(markups)
        assert await post(service, fake.text_update(KADER_CHAT, "BANTUAN")) == 200
        await wait_for(lambda: len(fake.sent("sendMessage", KADER_CHAT)) > sent)
        after = [c.params.get("reply_markup") for c in fake.sent("sendMessage", KADER_CHAT)]
        shown = next(i for i, m in enumerate(after) if m and "keyboard" in m)
        assert {"remove_keyboard": True} in after[shown + 1 :]
        assert fake.sent("sendDocument") == []
        assert await post(service, fake.text_update(KADER_CHAT, "PDF")) == 200
        await check_report_pdf(fake, KADER_CHAT)
    report = await current_report(seeded)
    assert report is not None
    assert (report.report.s, report.report.d, report.report.n) == (50, 41, 33)
    assert report.channel == "telegram"


async def test_wrong_or_missing_secret_is_refused(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        update = fake.text_update(KADER_CHAT, f"DAFTAR {seeded.kader_code}")
        assert await post(service, update, secret="wrong") == 403
        assert await post(service, update, secret=None) == 403
        # Not JSON, not an update: 400, nothing processed.
        async with httpx.AsyncClient() as client:
            r = await client.post(
                f"http://127.0.0.1:{service.http_port}/telegram/webhook",
                content=b"\xff\xfe not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        assert r.status_code == 400
        assert await post(service, {"hello": 1}) == 400
        assert fake.sent("sendMessage") == []
        assert service.db is not None
        async with service.db.read() as conn:
            assert await table_counts(conn) == {"inbound": 0, "outbox": 0, "sessions": 0}
            assert await identity(conn, "telegram", str(KADER_CHAT)) is None  # no DAFTAR
        # The same update with the right secret is taken: the refused copies left nothing
        # behind (not even the update id, which would have made this a duplicate).
        assert await post(service, update) == 200
        await wait_for(lambda: len(fake.texts_to(KADER_CHAT)) == 1)
        async with service.db.read() as conn:
            assert await table_counts(conn) == {"inbound": 1, "outbox": 1, "sessions": 1}


async def test_duplicate_updates_are_processed_once(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        update = fake.text_update(KADER_CHAT, "halo")
        for _ in range(3):
            assert await post(service, update) == 200
        await wait_for(lambda: len(fake.texts_to(KADER_CHAT)) >= 1)
        assert await post(service, fake.text_update(KADER_CHAT, "?")) == 200
        await wait_for(lambda: len(fake.texts_to(KADER_CHAT)) >= 2)
    assert len(fake.texts_to(KADER_CHAT)) == 2


@pytest.mark.hari_buka(HARI_BUKA)
async def test_monthly_report_through_polling(seeded: Seeded, today: Day) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=False):
        await wait_for(lambda: bool(fake.sent("deleteWebhook")))
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari", *reporting(QUICK, today), "YA"):
            fake.push_text(KADER_CHAT, text)
        await wait_for(lambda: any("tersimpan" in t for t in fake.texts_to(KADER_CHAT)))
        fake.push_text(KADER_CHAT, "PDF")
        await check_report_pdf(fake, KADER_CHAT)
    report = await current_report(seeded)
    assert report is not None and report.report.d == 41
    assert report.channel == "telegram"


async def test_a_429_storm_delays_but_loses_nothing(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    fake.fail("sendMessage", *[Fault(429, retry_after=1)] * 3, Fault(500), Fault(delay=0.5))
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        for text in ("halo", "BANTUAN", "?"):
            assert await post(service, fake.text_update(KADER_CHAT, text)) == 200
        await wait_for(lambda: len(fake.texts_to(KADER_CHAT)) >= 3, within=30)
        assert service.db is not None
        async with service.db.read() as conn:
            assert (await counts(conn))[Status.FAILED] == 0


async def test_blocked_user_is_marked_unreachable(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    fake.fail("sendMessage", Fault(403, description="Forbidden: bot was blocked by the user"))
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        assert await post(service, fake.text_update(999, "BANTUAN")) == 200
        assert service.db is not None

        async def unreachable() -> bool:
            assert service.db is not None
            async with service.db.read() as conn:
                found = await identity(conn, "telegram", "999")
                return found is not None and not found.reachable

        await wait_for(unreachable)
        async with service.db.read() as conn:
            assert (await counts(conn))[Status.FAILED] == 1


async def test_group_commands_addressed_to_the_bot(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        group = -100123
        # Ordinary chatter and commands for other bots are not ours.
        await post(
            service,
            fake.text_update(group, "selamat pagi", chat_type="supergroup", user_id=KADER_CHAT),
        )
        await post(
            service,
            fake.text_update(
                group, "/status@other_bot", chat_type="supergroup", user_id=KADER_CHAT
            ),
        )
        await post(
            service,
            fake.text_update(
                group, "/bantuan@posyandu_test_bot", chat_type="supergroup", user_id=KADER_CHAT
            ),
        )
        await wait_for(lambda: len(fake.texts_to(group)) >= 1)
    assert len(fake.texts_to(group)) == 1


async def get_health(service: Service, port: int) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"http://127.0.0.1:{port}/healthz")
    assert r.headers["content-type"].startswith("application/json")
    return r.status_code, r.json()


async def test_healthz_ok_with_the_scheduler_running(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    fake.fail("sendMessage", Fault(403, description="Forbidden: bot was blocked by the user"))
    async with (
        serve(fake.app) as url,
        running(seeded, fake, url, webhook=True, scheduler=True) as service,
    ):
        port = service.http_port
        status, body = await get_health(service, port)
        assert status == 200
        assert body == {
            "status": "ok",
            "database": "ok",
            "dispatcher": "ok",
            "scheduler": "ok",
            "telegram": "webhook",
            "sms": "off",  # a channel that /healthz names says so when it is not configured
            "outbox": {"pending": 0, "failed": 0},
        }
        # The counts follow the outbox: one failed (blocked) reply, then one delivered.
        assert await post(service, fake.text_update(KADER_CHAT, "BANTUAN")) == 200
        await wait_for(
            lambda: (
                fake.sent("sendMessage") == []
                and service.dispatcher is not None
                and service.dispatcher.failed == 1
            )
        )
        status, body = await get_health(service, port)
        assert status == 200 and body["outbox"] == {"pending": 0, "failed": 1}


async def test_healthz_503_when_a_part_is_down(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    async with (
        serve(fake.app) as url,
        running(seeded, fake, url, webhook=True, scheduler=True) as service,
    ):
        port = service.http_port
        assert (await get_health(service, port))[0] == 200
        assert service.scheduler is not None and service.dispatcher is not None
        # The scheduler stopped.
        service.scheduler.shutdown()
        status, body = await get_health(service, port)
        assert status == 503
        assert body["status"] == "down" and body["scheduler"] == "down"
        assert body["database"] == "ok" and body["dispatcher"] == "ok"
        # The dispatcher task ended, with a reply left pending: counted.
        await service.dispatcher.stop()
        assert await post(service, fake.text_update(KADER_CHAT, "BANTUAN")) == 200
        status, body = await get_health(service, port)
        assert status == 503 and body["dispatcher"] == "down"
        assert body["outbox"] == {"pending": 1, "failed": 0}
        # The database closed (unreachable): still a JSON answer naming it.
        assert service.db is not None
        await service.db.close()
        status, body = await get_health(service, port)
        assert status == 503 and body["database"] == "down"
        assert body["outbox"] == {"pending": 0, "failed": 0}  # unknown: not counted


async def test_supervisor_links_a_group_to_the_area(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    group, supervisor = -100777, 5151
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        # Not linked yet: a hint, nothing else.
        await post(
            service,
            fake.text_update(
                group, "/status@posyandu_test_bot", chat_type="group", user_id=supervisor
            ),
        )
        await wait_for(lambda: len(fake.texts_to(group)) == 1)
        assert "belum tersambung" in fake.texts_to(group)[0]
        # A kader cannot link; a registered supervisor can.
        for text in (f"DAFTAR {seeded.supervisor_code}", "Bidan Rina"):
            await post(service, fake.text_update(supervisor, text))
        await wait_for(lambda: len(fake.texts_to(supervisor)) >= 2)
        await post(
            service,
            fake.text_update(
                group, "/sambungkan@posyandu_test_bot", chat_type="group", user_id=supervisor
            ),
        )
        await wait_for(lambda: len(fake.texts_to(group)) == 2)
        assert "tersambung ke Kecamatan Batu Aji" in fake.texts_to(group)[1]
        await post(
            service,
            fake.text_update(
                group, "/status@posyandu_test_bot", chat_type="group", user_id=supervisor
            ),
        )
        await wait_for(lambda: len(fake.texts_to(group)) == 3)
        assert "Batu Aji" in fake.texts_to(group)[2]
        # The area's REKAP is posted in the group as a PDF document.
        assert fake.sent("sendDocument") == []
        await post(
            service,
            fake.text_update(
                group, "/rekap@posyandu_test_bot", chat_type="group", user_id=supervisor
            ),
        )
        await wait_for(lambda: bool(fake.sent("sendDocument", group)))
    [call] = fake.sent("sendDocument")
    assert str(call.params["chat_id"]) == str(group)
    period = this_period()
    name, text = pdf_of(call)
    assert name == f"rekap-21-71-05-{period}.pdf"
    label = format_period(period)
    assert call.params["caption"] == f"Ringkasan Kecamatan Batu Aji, {label}"
    assert "Kecamatan Batu Aji" in text and label in text
    assert "Mawar" in text and "Melati" in text


async def test_a_linked_group_cannot_be_taken_over(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    group, first, second = -100778, 6161, 6262
    async with serve(fake.app) as url, running(seeded, fake, url, webhook=True) as service:
        for user, name in ((first, "Bidan Rina"), (second, "Pak Joko")):
            for text in (f"DAFTAR {seeded.supervisor_code}", name):
                await post(service, fake.text_update(user, text))
            await wait_for(lambda user=user: len(fake.texts_to(user)) >= 2)
        await post(
            service,
            fake.text_update(
                group, "/sambungkan@posyandu_test_bot", chat_type="group", user_id=first
            ),
        )
        await wait_for(lambda: len(fake.texts_to(group)) == 1)
        assert "tersambung ke Kecamatan Batu Aji" in fake.texts_to(group)[0]
        # Another supervisor cannot relink it, nor unlink it.
        for command in ("/sambungkan@posyandu_test_bot", "/putuskan@posyandu_test_bot"):
            await post(service, fake.text_update(group, command, chat_type="group", user_id=second))
        await wait_for(lambda: len(fake.texts_to(group)) == 3)
        assert "sudah disambungkan oleh Bidan Rina" in fake.texts_to(group)[1]
        assert "Hanya pembina" in fake.texts_to(group)[2]
        assert service.db is not None
        async with service.db.read() as conn:
            still = await identity(conn, "telegram", str(group))
            owner = await person_by_address(conn, "telegram", str(first))
        assert still is not None and owner is not None and still.person_id == owner.id
