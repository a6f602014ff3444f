"""The channel registry: each channel once, with its address rule, phone numbers and
settings section; the service and the HTTP app derive their channels from it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.channels import TemplateSender
from bot.channels.registry import CHANNELS, channel, check_address, has_configured, phone_of
from bot.console.sender import ConsoleSender
from bot.settings import Settings
from bot.whatsapp.settings import template_label, whatsapp_settings

SID = "AC" + "0123456789abcdef" * 2


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, posyandu_db=tmp_path / "r.db", **values)  # type: ignore[call-arg]


def test_every_channel_once() -> None:
    names = [c.name for c in CHANNELS]
    assert names == sorted(set(names), key=names.index)
    assert set(names) == {"telegram", "whatsapp", "console"}
    assert channel("whatsapp").address.is_phone
    with pytest.raises(ValueError, match="unknown channel 'sms'"):
        channel("sms")


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
        ("sms", "+6281234567890"),
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


def test_only_whatsapp_addresses_are_phone_numbers() -> None:
    assert phone_of("whatsapp", "+6281234567890") == "+6281234567890"
    assert phone_of("telegram", "1234567") is None
    assert phone_of("console", "+6281200000001") is None
    assert phone_of("sms", "+6281234567890") is None


def test_configured_from_the_settings_sections(tmp_path: Path) -> None:
    assert not has_configured(settings(tmp_path))
    assert has_configured(settings(tmp_path, telegram_bot_token="123:abc"))
    assert not has_configured(settings(tmp_path, twilio_account_sid=SID))
    both = settings(tmp_path, twilio_account_sid=SID, twilio_auth_token="t")
    assert has_configured(both)
    assert [c.name for c in CHANNELS if c.configured(both)] == ["whatsapp"]


def test_whatsapp_templates_are_its_settings(tmp_path: Path) -> None:
    sid = "HX" + "f" * 32
    section = whatsapp_settings(
        settings(
            tmp_path,
            twilio_account_sid=SID,
            twilio_auth_token="t",
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
            twilio_auth_token="t",
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
