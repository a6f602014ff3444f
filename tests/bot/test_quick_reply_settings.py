"""TWILIO_QUICK_REPLY_CONTENT: the operator's quick-reply templates by button count, validated
at start (one line naming the setting and the bad entry), and handed to the WhatsApp channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.whatsapp.settings import WhatsAppSection, parse_quick_replies, whatsapp_settings

SID = "AC" + "0123456789abcdef" * 2
AUTH = "0123456789abcdef0123456789abcdef"
TWO = "HX" + "ab" * 16
THREE = "HX" + "cd" * 16


def _load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> object:
    monkeypatch.chdir(tmp_path)
    for name, setting in {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": AUTH,
        "TWILIO_WHATSAPP_FROM": "+14155238886",
        "PUBLIC_BASE_URL": "https://posyandu.example.go.id",
        "TWILIO_QUICK_REPLY_CONTENT": value,
    }.items():
        monkeypatch.setenv(name, setting)
    return load_settings()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", {}),
        (f"2:{TWO}", {2: TWO}),
        (f"2:{TWO},3:{THREE}", {2: TWO, 3: THREE}),
        (f" 3 : {THREE} , 1:{TWO}, ", {3: THREE, 1: TWO}),
    ],
)
def test_pairs_are_read(value: str, expected: dict[int, str]) -> None:
    assert parse_quick_replies(value) == expected


def test_the_whatsapp_channel_gets_the_templates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _load(monkeypatch, tmp_path, f"2:{TWO},3:{THREE}")
    section = whatsapp_settings(settings)  # type: ignore[arg-type]
    assert section is not None
    assert dict(section.quick_replies) == {2: TWO, 3: THREE}


def test_unset_means_no_buttons(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TWILIO_QUICK_REPLY_CONTENT", raising=False)
    assert load_settings().section(WhatsAppSection).quick_replies() == {}


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (
            TWO,
            f"TWILIO_QUICK_REPLY_CONTENT: '{TWO}' is not <buttons>:<Content SID>; "
            "expected e.g. 2:HX<32 hex>,3:HX<32 hex>",
        ),
        (
            "2:HX123",
            "TWILIO_QUICK_REPLY_CONTENT: '2:HX123' is not <buttons>:<Content SID>; "
            "expected e.g. 2:HX<32 hex>,3:HX<32 hex>",
        ),
        (
            f"two:{TWO}",
            f"TWILIO_QUICK_REPLY_CONTENT: 'two:{TWO}' is not <buttons>:<Content SID>; "
            "expected e.g. 2:HX<32 hex>,3:HX<32 hex>",
        ),
        (
            f"4:{TWO}",
            f"TWILIO_QUICK_REPLY_CONTENT: '4:{TWO}': a quick reply has 1 to 3 buttons "
            "(WhatsApp's limit for a message sent without approval)",
        ),
        (
            f"0:{TWO}",
            f"TWILIO_QUICK_REPLY_CONTENT: '0:{TWO}': a quick reply has 1 to 3 buttons "
            "(WhatsApp's limit for a message sent without approval)",
        ),
        (
            f"2:{TWO},2:{THREE}",
            f"TWILIO_QUICK_REPLY_CONTENT: '2:{THREE}': 2 buttons are given twice",
        ),
    ],
)
def test_bad_values_stop_the_start_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, line: str
) -> None:
    with pytest.raises(SettingsError) as exc:
        _load(monkeypatch, tmp_path, value)
    problems = str(exc.value).splitlines()[1:]
    assert [p.strip() for p in problems] == [line]
