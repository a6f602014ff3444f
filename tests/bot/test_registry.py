"""The channel registry: each channel once, with its address rule, phone numbers and
settings section; the service and the HTTP app derive their channels from it."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import pytest
from pydantic_settings import SettingsConfigDict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import Service
from bot.channels import OutgoingDocument, TemplateSender, registry
from bot.channels.channel import AddressRule, Channel, Given, Hub, OpenChannel
from bot.channels.registry import CHANNELS, channel, check_address, has_configured, phone_of
from bot.console.sender import ConsoleSender
from bot.health import Check
from bot.settings import Settings, SettingsSection
from bot.whatsapp.settings import template_label, whatsapp_settings
from conversations.inbound import Inbound
from tests.clock import TickingClock
from tests.e2e.conftest import settings_for, wait_for

SID = "AC" + "0123456789abcdef" * 2


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, posyandu_db=tmp_path / "r.db", **values)  # type: ignore[call-arg]


def test_every_channel_once() -> None:
    names = [c.name for c in CHANNELS]
    assert len(names) == len(set(names))
    assert set(names) == {"telegram", "whatsapp", "console", "sms"}
    assert channel("whatsapp").address.is_phone
    assert channel("sms").address.is_phone
    with pytest.raises(ValueError, match="unknown channel 'fax'"):
        channel("fax")


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
        ("sms", "081234567890"),
        ("fax", "+6281234567890"),
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
    assert phone_of("fax", "+6281234567890") is None


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


# --- a new channel is one package and one registration line ----------------------------------
class PagerSender:
    """A made-up channel's sender: remembers what it was asked to send."""

    name = "pager"

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        self.texts.append((address, text))
        return None

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        raise AssertionError("no documents here")


class OpenPager(Given):
    def __init__(self, sender: PagerSender, hub: Hub) -> None:
        super().__init__(sender)
        self.hub = hub

    def routes(self) -> Sequence[Route]:
        async def incoming(request: Request) -> Response:
            form = await request.form()
            inbound = Inbound(
                "pager", str(form["from"]), str(form["text"]), str(form["id"]), self.hub.clock.now()
            )
            await self.hub.receive(inbound)
            return PlainTextResponse("ok")

        return [Route("/pager/in", incoming, methods=["POST"])]

    def health(self) -> Check:
        return Check(True, "listening")


class PagerSection(SettingsSection):
    model_config = SettingsConfigDict(env_prefix="PAGER_")


class PagerChannel:
    name = "pager"
    address = AddressRule(re.compile(r"\d{4}"), "four digits")
    in_health = True
    section = PagerSection
    texts: Mapping[str, str] = {"pdf.channel.pager": "pager"}

    def __init__(self) -> None:
        self.sender = PagerSender()

    def configured(self, settings: Settings) -> bool:
        return True

    def secrets(self, settings: Settings) -> Sequence[str | None]:
        return ()

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        return OpenPager(self.sender, hub)


async def test_a_registered_channel_is_served_wholly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registered, a channel's route takes messages in through the intake pipeline, the
    dispatcher answers through its sender, /healthz names it and its addresses are checked."""
    pager = PagerChannel()
    entry: Channel = pager  # what the registry asks of a channel, checked by mypy
    monkeypatch.setattr(registry, "CHANNELS", (*registry.CHANNELS, entry))
    assert check_address("pager", "1234") == "1234" and phone_of("pager", "1234") is None
    service = Service(settings_for(tmp_path / "p.db"), TickingClock(), run_scheduler=False)
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
