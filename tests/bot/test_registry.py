"""The channel registry: each channel once, with its address rule, phone numbers and
settings section; the service and the HTTP app derive their channels from it."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from bot.app import Service
from bot.channels import TemplateSender, registry
from bot.channels.channel import Channel
from bot.channels.registry import CHANNELS, channel, check_address, has_configured, phone_of
from bot.commands.run import banner, no_credentials, secrets_of
from bot.console.sender import ConsoleSender
from bot.demo import seed_demo
from bot.documents import render_document
from bot.settings import (
    Settings,
    SettingsError,
    env_example,
    env_example_service,
    load_settings,
)
from bot.whatsapp.settings import template_label, whatsapp_settings
from conversations.catalogue import messages
from scheduler.calendar import ReminderSettings
from scheduler.sweep import sweep
from scoring import DEFAULT_SETTINGS, Period
from scoring.clock import FixedClock
from storage import Database
from storage.posyandu import posyandu_by_code
from storage.reports import save_report
from tests.bot.pager import PagerChannel, PagerSection
from tests.clock import WIB, TickingClock, moment
from tests.e2e.conftest import HARI_BUKA, seed, settings_for, wait_for
from tests.pdf.test_pdf import NOW, REPORT, text_of

SID = "AC" + "0123456789abcdef" * 2
ROOT = Path(__file__).resolve().parents[2]


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, posyandu_db=tmp_path / "r.db", **values)  # type: ignore[call-arg]


def test_every_channel_once() -> None:
    names = [c.name for c in CHANNELS]
    assert len(names) == len(set(names))
    assert {"telegram", "whatsapp", "console"} <= set(names)
    for c in CHANNELS:  # each channel is its package's
        assert type(c).__module__.startswith(f"bot.{c.name}."), c.name
        assert c.section.__module__.startswith(f"bot.{c.name}."), c.name
    assert channel("whatsapp").address.is_phone
    assert channel("sms").address.is_phone
    with pytest.raises(ValueError, match="unknown channel 'pager'"):
        channel("pager")


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("whatsapp", "081234567890"),
        ("whatsapp", "+0812345678"),
        ("whatsapp", "whatsapp:+6281234567890"),
        ("telegram", "abc"),
        ("telegram", ""),
        ("console", "two words"),
        ("console", "ab"),
        ("pager", "1234"),
        ("sms", "081234567890"),
    ],
)
def test_bad_addresses(name: str, address: str) -> None:
    with pytest.raises(ValueError):
        check_address(name, address)


def test_good_addresses() -> None:
    assert check_address("telegram", "-1001234567890") == "-1001234567890"
    assert check_address("whatsapp", "+6281234567890") == "+6281234567890"
    assert check_address("console", "kader-1") == "kader-1"
    assert check_address("console", "+6281200000001") == "+6281200000001"
    assert check_address("sms", "+6281234567890") == "+6281234567890"


def test_whatsapp_and_sms_addresses_are_phone_numbers() -> None:
    assert phone_of("whatsapp", "+6281234567890") == "+6281234567890"
    assert phone_of("sms", "+6281234567890") == "+6281234567890"
    assert phone_of("telegram", "1234567") is None
    assert phone_of("console", "+6281200000001") is None
    assert phone_of("pager", "+6281234567890") is None


def test_configured_from_the_settings_sections(tmp_path: Path) -> None:
    assert not has_configured(settings(tmp_path))
    assert has_configured(settings(tmp_path, telegram_bot_token="123:abc-0123456789abcdef"))
    assert not has_configured(settings(tmp_path, twilio_account_sid=SID))
    both = settings(tmp_path, twilio_account_sid=SID, twilio_auth_token="t" * 32)
    assert has_configured(both)
    assert [c.name for c in CHANNELS if c.configured(both)] == ["whatsapp"]


def test_whatsapp_templates_are_its_settings(tmp_path: Path) -> None:
    sid = "HX" + "f" * 32
    section = whatsapp_settings(
        settings(
            tmp_path,
            twilio_account_sid=SID,
            twilio_auth_token="t" * 32,
            twilio_template_nudge_sid=sid,
        )
    )
    assert section is not None
    assert section.templates["nudge"] == sid and section.templates["reminder"] is None
    assert template_label("nudge") == "TWILIO_TEMPLATE_NUDGE_SID"


async def test_only_the_whatsapp_sender_has_a_window(tmp_path: Path) -> None:
    from bot.whatsapp.sender import WINDOW, WhatsAppSender, build_client

    section = whatsapp_settings(
        settings(
            tmp_path,
            twilio_account_sid=SID,
            twilio_auth_token="t" * 32,
            twilio_whatsapp_from="+14155238886",
        )
    )
    assert section is not None
    client = build_client(section.account_sid, section.auth_token, "http://127.0.0.1:9")

    async def no_url(_document: object) -> str:
        raise AssertionError("no documents here")

    whatsapp = WhatsAppSender(client, section, no_url)
    assert isinstance(whatsapp, TemplateSender) and whatsapp.window == WINDOW
    assert not whatsapp.has_template("reminder")
    assert whatsapp.template_label("reminder") == "TWILIO_TEMPLATE_REMINDER_SID"
    assert not isinstance(ConsoleSender(io.StringIO(), tmp_path), TemplateSender)
    session = getattr(client.http_client, "session", None)
    if session is not None:
        await session.close()


# --- a new channel is one package and one registration line ----------------------------------
KEY = "pager-key-0123456789"
PUBLIC = "https://posyandu.example.test"


@pytest.fixture
def pager(monkeypatch: pytest.MonkeyPatch) -> PagerChannel:
    """tests/bot/pager.py registered: the one line a new channel adds to the registry."""
    channel = PagerChannel()
    entry: Channel = channel  # what the registry asks of a channel, checked by mypy
    monkeypatch.setattr(registry, "CHANNELS", (*registry.CHANNELS, entry))
    return channel


def test_a_registered_channel_has_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its section joins the settings (read from the environment under its own prefix, its
    secret checked and masked, its rules applied) and nothing else of them changes."""
    before = Settings.env_names()
    secrets_before = secrets_of(settings(tmp_path))
    monkeypatch.setattr(registry, "CHANNELS", (*registry.CHANNELS, PagerChannel()))
    assert Settings.env_names() == (*before, "PAGER_KEY", "PAGER_RATE_PER_SECOND")
    assert not has_configured(settings(tmp_path))
    given = settings(tmp_path, pager_key=KEY, public_base_url=PUBLIC)
    assert [c.name for c in registry.CHANNELS if c.configured(given)] == ["pager"]
    assert given.section(PagerSection).rate_per_second == 5
    assert secrets_of(given) == [*secrets_before, KEY]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAGER_KEY", KEY)
    monkeypatch.setenv("PAGER_RATE_PER_SECOND", "2")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "PUBLIC_BASE_URL: needed with PAGER_KEY" in str(refused.value)
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC)
    assert load_settings().section(PagerSection).rate_per_second == 2
    monkeypatch.setenv("PAGER_KEY", "short")
    with pytest.raises(SettingsError, match="PAGER_KEY: a secret must have at least 16"):
        load_settings()


def test_a_registered_channel_joins_env_example_and_the_banner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """.env.example gains the channel's part after the others, the console demo's banner and
    the missing-credentials line its credentials; nothing else of them changes."""
    text = (ROOT / ".env.example").read_text("utf-8")
    banner_before, missing_before = banner(), no_credentials()
    monkeypatch.setattr(registry, "CHANNELS", (*registry.CHANNELS, PagerChannel()))
    heading = "# --- Pager (a made-up channel) "
    part = f"\n{heading}{'-' * (95 - len(heading))}\n{PagerSection.env_example}"
    assert env_example(env_example_service(text)) == text + part
    assert no_credentials() == f"{missing_before}, or PAGER_KEY"
    assert banner() == banner_before.replace(" configured)", " or PAGER_KEY configured)")


async def test_a_registered_channel_is_named_in_the_pdf(
    tmp_path: Path, pager: PagerChannel
) -> None:
    """The monthly PDF says which channel a report came through in the channel's own words,
    composed into the catalogue from its package."""
    assert messages()["pdf.channel.pager"] == "Pager"
    database = await Database.open(tmp_path / "pdf.db")
    try:
        await seed_demo(database, NOW)
        async with database.transaction() as tx:
            mawar = await posyandu_by_code(tx, "MWR01")
            assert mawar is not None
            await save_report(tx, mawar.id, REPORT, by=1, at=NOW, channel="pager")
        params = {"posyandu_code": "MWR01", "period": "2026-11"}
        doc = await render_document(database, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    finally:
        await database.close()
    assert "(lewat Pager)" in text_of(doc.content)


@pytest.mark.slow  # the service on loopback
async def test_a_registered_channel_is_served_wholly(tmp_path: Path, pager: PagerChannel) -> None:
    """Registered and configured, a channel's route takes messages in through the intake
    pipeline, the dispatcher answers through its sender, /healthz names it and its addresses
    are checked."""
    assert check_address("pager", "1234") == "1234" and phone_of("pager", "1234") is None
    given = settings_for(tmp_path / "p.db", pager_key=KEY, public_base_url=PUBLIC)
    service = Service(given, TickingClock(), run_scheduler=False)
    await service.start()
    try:
        base = f"http://127.0.0.1:{service.http_port}"
        async with httpx.AsyncClient(base_url=base) as http:
            form = {"from": "1234", "text": "BANTUAN", "id": "p1"}
            assert (await http.post("/pager/in", data=form)).status_code == 200
            health = (await http.get("/healthz")).json()
        assert health["pager"] == "listening" and health["telegram"] == "off"
        await wait_for(lambda: len(pager.sender.texts) > 0)
        assert pager.sender.texts[0][0] == "1234"
    finally:
        await service.stop()


@pytest.mark.slow  # the service on loopback
async def test_reminders_go_through_a_registered_channel(
    tmp_path: Path, pager: PagerChannel
) -> None:
    """A kader who registered through the channel gets the H-1 reminder through it: the
    reminders are queued for stored identities and sent by whichever channel is open."""
    seeded = await seed(tmp_path / "r.db")
    start = moment()
    clock = FixedClock(start)
    given = settings_for(seeded.path, pager_key=KEY, public_base_url=PUBLIC)
    service = Service(given, clock, run_scheduler=False)
    await service.start()
    try:
        base = f"http://127.0.0.1:{service.http_port}"
        async with httpx.AsyncClient(base_url=base) as http:
            for i, text in enumerate((f"DAFTAR {seeded.kader_code}", "Bu Sari")):
                form = {"from": "1234", "text": text, "id": f"r{i}"}
                assert (await http.post("/pager/in", data=form)).status_code == 200
        await wait_for(lambda: len(pager.sender.texts) == 2)
        later = Period(start.year, start.month).shift(2)
        clock.set(datetime(later.year, later.month, HARI_BUKA - 1, 18, tzinfo=WIB))
        assert service.db is not None and service.dispatcher is not None
        assert (await sweep(service.db, clock.now(), ReminderSettings())).messages == 1
        service.dispatcher.wake()
        await wait_for(lambda: len(pager.sender.texts) == 3)
        address, reminder = pager.sender.texts[-1]
        assert address == "1234" and "Mawar" in reminder
    finally:
        await service.stop()
