"""The SMS channel's parts on their own: its settings section (all four or none), the
webhook's signature and freshness, the numbers the phone shows and the events it posts."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.registry import channel, secrets
from bot.settings import Settings, SettingsError, load_settings
from bot.sms.intake import (
    Receipt,
    SmsText,
    dedupe_key,
    fresh,
    normalise_number,
    parse_event,
    signature_ok,
)
from bot.sms.settings import sms_settings

KEY = "webhook-signing-key-0123"
SECTION = {
    "SMS_GATEWAY_URL": "http://192.168.1.20:8080",
    "SMS_GATEWAY_USERNAME": "sms",
    "SMS_GATEWAY_PASSWORD": "gateway-password",
    "SMS_WEBHOOK_SIGNING_KEY": KEY,
}
T = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def _load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_the_section_configures_the_channel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _load(monkeypatch, tmp_path, **SECTION, PUBLIC_BASE_URL="https://p.example.go.id")
    section = sms_settings(settings)
    assert section is not None
    assert section.webhook_url == "https://p.example.go.id/sms/webhook"
    assert (section.send_interval_seconds, section.daily_limit) == (5, 200)  # safe defaults
    assert channel("sms").configured(settings)
    assert "gateway-password" in secrets(settings) and KEY in secrets(settings)
    for name in SECTION:
        monkeypatch.delenv(name)
    assert sms_settings(_load(monkeypatch, tmp_path)) is None


@pytest.mark.parametrize("left_out", sorted(SECTION))
def test_all_four_or_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, left_out: str) -> None:
    given = {k: v for k, v in SECTION.items() if k != left_out}
    with pytest.raises(SettingsError) as exc:
        _load(monkeypatch, tmp_path, **given, PUBLIC_BASE_URL="https://p.example.go.id")
    assert f"{left_out}: needed with" in str(exc.value)
    assert "gateway-password" not in str(exc.value) and KEY not in str(exc.value)


def test_public_base_url_is_needed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as exc:
        _load(monkeypatch, tmp_path, **SECTION)
    assert "PUBLIC_BASE_URL: needed with SMS_GATEWAY_URL" in str(exc.value)


def test_a_short_signing_key_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as exc:
        _load(monkeypatch, tmp_path, **{**SECTION, "SMS_WEBHOOK_SIGNING_KEY": "short"})
    assert "SMS_WEBHOOK_SIGNING_KEY: a secret must have at least 16 characters" in str(exc.value)


def test_the_apps_own_password_is_taken_as_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The app generates the gateway's password (the cloud server's cannot be chosen): a short
    one is not refused as our own secrets are, and it is still a secret (masked)."""
    settings = _load(
        monkeypatch,
        tmp_path,
        **{**SECTION, "SMS_GATEWAY_PASSWORD": "k3x9q"},
        PUBLIC_BASE_URL="https://p.example.go.id",
    )
    section = sms_settings(settings)
    assert section is not None and section.password == "k3x9q"
    assert "k3x9q" in secrets(settings)


def _sign(body: bytes, timestamp: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def test_the_signature_is_the_apps() -> None:
    body, stamp = b'{"event":"sms:received"}', str(int(T.timestamp()))
    good = _sign(body, stamp)
    assert signature_ok(KEY, body, stamp, good)
    assert signature_ok(KEY, body, stamp, good.upper())  # hex either case
    assert not signature_ok(KEY, body + b" ", stamp, good)  # the body changed
    assert not signature_ok(KEY, body, str(int(T.timestamp()) + 1), good)  # the time changed
    assert not signature_ok(KEY, body, stamp, _sign(body, stamp, "another-key-0123456"))
    assert not signature_ok(KEY, body, "", good) and not signature_ok(KEY, body, stamp, "")


def test_a_signature_is_fresh_for_a_few_minutes_either_way() -> None:
    assert fresh(str(int((T - timedelta(seconds=299)).timestamp())), T, 300)
    assert fresh(str(int((T + timedelta(seconds=60)).timestamp())), T, 300)  # phone clock ahead
    assert not fresh(str(int((T - timedelta(seconds=301)).timestamp())), T, 300)
    assert not fresh("yesterday", T, 300)


@pytest.mark.parametrize(
    ("given", "number"),
    [
        ("+6281234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("006281234567890", "+6281234567890"),
        ("TELKOMSEL", None),
        ("3636", None),
    ],
)
def test_the_senders_number(given: str, number: str | None) -> None:
    assert normalise_number(given, "62") == number


def _event(event: str, **payload: object) -> bytes:
    return json.dumps({"event": event, "id": "e1", "payload": payload}).encode()


def test_a_message_is_known_by_its_sender_time_and_text() -> None:
    at = "2026-12-07T10:00:00.000+07:00"
    one = parse_event(
        _event(
            "sms:received", messageId="a", message="YA", phoneNumber="081234567890", receivedAt=at
        ),
        "62",
    )
    assert isinstance(one, SmsText)
    assert (one.sender, one.text, one.received_at) == ("+6281234567890", "YA", T)
    # Another messageId (the app's is not unique), the same message; another time, another.
    assert one.key == dedupe_key("+6281234567890", T, "YA")
    assert one.key != dedupe_key("+6281234567890", T + timedelta(seconds=1), "YA")
    assert one.key != dedupe_key("+6281234567890", T, "TIDAK")


def test_receipts_and_other_events() -> None:
    sent = parse_event(_event("sms:sent", messageId="m1", phoneNumber="+62812"), "62")
    assert sent == Receipt("m1", "sent", None)
    failed = parse_event(_event("sms:failed", messageId="m1", reason="x" * 500), "62")
    assert isinstance(failed, Receipt) and failed.status == "failed"
    assert failed.reason == "x" * 200
    assert parse_event(_event("system:ping", health={}), "62") is None
    from_a_name = _event(
        "sms:received", message="Promo", phoneNumber="TELKOMSEL", receivedAt=T.isoformat()
    )
    assert parse_event(from_a_name, "62") is None
    for bad in (b"[]", b"not json", _event("sms:sent"), _event("sms:received", message="x")):
        with pytest.raises(ValueError):
            parse_event(bad, "62")
