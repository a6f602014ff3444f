"""The one settings object: validated, documented in .env.example, secrets hidden."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels import registry
from bot.console.settings import ConsoleSection
from bot.settings import (
    CHANNELS_LINE,
    Settings,
    SettingsError,
    SettingsSection,
    env_example,
    env_example_service,
    load_settings,
)
from bot.telegram.settings import TelegramSection
from bot.whatsapp.settings import WhatsAppSection

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text("utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    fields = set(Settings.env_names())
    assert fields - documented == set()
    assert documented - fields == set()


def test_env_example_is_composed_from_the_registry() -> None:
    """The service's part is written in the file; each channel's part comes from its package
    (bot.settings.refresh_env_example() rewrites the file after a channel changed)."""
    text = (ROOT / ".env.example").read_text("utf-8")
    assert CHANNELS_LINE in text
    assert text == env_example(env_example_service(text))
    for section in registry.sections():
        assert section.env_example in text.partition(CHANNELS_LINE)[2]


@pytest.mark.parametrize("section", registry.sections(), ids=lambda s: s.__name__)
def test_each_channel_part_documents_its_section(section: type[SettingsSection]) -> None:
    """A channel's part of .env.example names each of its settings once, in order, with its
    default (``NAME=default``; ``# NAME=`` with an example when unset by default)."""
    lines = re.findall(r"^(#?)\s*([A-Z][A-Z0-9_]+)=(.*)$", section.env_example, re.MULTILINE)
    assert [name for _hash, name, _value in lines] == list(section.env_names())
    defaults = section.model_validate({})  # model_validate reads no environment
    for (commented, name, value), field in zip(lines, section.model_fields, strict=True):
        if commented:
            assert getattr(defaults, field) is None, name
        else:
            given = section.model_validate({field: value})
            assert getattr(given, field) == getattr(defaults, field), name
    assert section.env_title and section.env_example.endswith("\n")


def test_settings_name_no_channel() -> None:
    """bot/settings.py composes the registry's sections without naming any channel."""
    text = (ROOT / "bot" / "settings.py").read_text("utf-8").lower()
    for channel in registry.CHANNELS:
        words = {channel.name, str(channel.section.model_config.get("env_prefix", ""))}
        for word in words - {""}:
            assert re.search(rf"\b{re.escape(word.strip('_').lower())}\b", text) is None, word


def test_every_setting_has_one_name() -> None:
    names = Settings.env_names()
    assert len(names) == len(set(names))
    assert {"POSYANDU_DB", "TELEGRAM_BOT_TOKEN", "TWILIO_AUTH_TOKEN", "OUT_DIR"} <= set(names)


def test_a_channel_setting_is_given_by_its_whole_name(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        posyandu_db=tmp_path / "s.db",
        telegram_rate_per_second=7,
        TWILIO_RATE_PER_SECOND=3,
        out_dir=tmp_path / "out",
    )
    assert settings.section(TelegramSection).rate_per_second == 7
    assert settings.section(WhatsAppSection).rate_per_second == 3
    assert settings.section(ConsoleSection).out_dir == tmp_path / "out"
    assert [type(s) for s in settings.sections()] == registry.sections()


def test_a_channel_setting_is_read_from_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TELEGRAM_RATE_PER_SECOND=7\nOUT_DIR=docs-out\n", "utf-8")
    monkeypatch.setenv("TELEGRAM_GROUP_RATE_PER_MINUTE", "3")
    settings = load_settings()
    telegram = settings.section(TelegramSection)
    assert (telegram.rate_per_second, telegram.group_rate_per_minute) == (7, 3)
    assert settings.section(ConsoleSection).out_dir == Path("docs-out")
    assert not registry.has_configured(settings)


def test_a_section_not_registered_is_not_there(tmp_path: Path) -> None:
    class Unregistered(SettingsSection):
        pass

    settings = Settings(_env_file=None, posyandu_db=tmp_path / "s.db")  # type: ignore[call-arg]
    with pytest.raises(LookupError, match="Unregistered is not a registered channel section"):
        settings.section(Unregistered)


def test_defaults_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.posyandu_db == Path("./data/posyandu.db")
    assert settings.scoring().targets.d_s == 0.85
    assert settings.scoring().openings_threshold_inclusive is True


def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TARGET_D_S", "1.5")
    monkeypatch.setenv("STRATUM_WINDOW_MONTHS", "twelve")
    with pytest.raises(SettingsError) as exc:
        load_settings()
    message = str(exc.value)
    assert "TARGET_D_S" in message
    assert "STRATUM_WINDOW_MONTHS" in message


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("EIGHT_OPENINGS_PASS=false\nTARGET_N_D=0.7\n", "utf-8")
    settings = load_settings()
    assert settings.scoring().openings_threshold_inclusive is False
    assert settings.scoring().targets.n_d == 0.7


# --- settings that cannot work stop the program at start (issue 14) -----------------------
TOKEN = "123456789:AAHk3abcdefghijklmnopqrstuvwxyz1234"
SID = "AC" + "0123456789abcdef" * 2
AUTH = "0123456789abcdef0123456789abcdef"


def _refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> str:
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    return str(exc.value)


def test_an_env_line_that_cannot_be_parsed_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """python-dotenv skips such a line with a warning: the token would silently be unset and
    the service would start as the console demo on the real database."""
    (tmp_path / ".env").write_text(
        f'LOG_LEVEL=INFO\nTELEGRAM_BOT_TOKEN="{TOKEN}\nTARGET_D_S=0.8\n', "utf-8"
    )
    message = _refused(monkeypatch, tmp_path)
    assert (
        ".env line 2: cannot be parsed (an unclosed quote?): setting TELEGRAM_BOT_TOKEN" in message
    )
    assert TOKEN[:3] not in message  # not a character of the secret is echoed


def test_an_env_file_that_is_not_utf8_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_bytes(b"LOG_LEVEL=INFO\n# Posyandu Mawar \xe9\xff\nPAGE_SIZE=8\n")
    assert ".env line 2: not UTF-8" in _refused(monkeypatch, tmp_path)


def test_unknown_reminder_kinds_are_refused_when_settings_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    message = _refused(monkeypatch, tmp_path, REMINDER_KINDS="h-1,h+3,rekap")
    assert "REMINDER_KINDS: unknown kind(s) h+3" in message


def test_a_webhook_without_its_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    message = _refused(
        monkeypatch,
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        PUBLIC_BASE_URL="https://posyandu.example.go.id",
    )
    assert "TELEGRAM_WEBHOOK_SECRET: needed with PUBLIC_BASE_URL" in message


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TWILIO_WHATSAPP_FROM": "+14155238886"}, "PUBLIC_BASE_URL: needed with Twilio"),
        ({"PUBLIC_BASE_URL": "https://p.example.go.id"}, "TWILIO_WHATSAPP_FROM: needed"),
    ],
)
def test_twilio_without_a_public_url_or_a_sender_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], named: str
) -> None:
    message = _refused(monkeypatch, tmp_path, TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=AUTH, **env)
    assert named in message


def test_half_the_twilio_credentials_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    message = _refused(monkeypatch, tmp_path, TWILIO_ACCOUNT_SID=SID)
    assert "TWILIO_AUTH_TOKEN: needed" in message


@pytest.mark.parametrize(
    "sender", ["+14155238886", "whatsapp:+14155238886", " WhatsApp:+14155238886"]
)
def test_the_whatsapp_sender_may_carry_twilios_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sender: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": AUTH,
        "TWILIO_WHATSAPP_FROM": sender,
        "PUBLIC_BASE_URL": "https://posyandu.example.go.id",
    }.items():
        monkeypatch.setenv(name, value)
    assert load_settings().section(WhatsAppSection).whatsapp_from == "+14155238886"


@pytest.mark.parametrize(
    "name",
    ["TELEGRAM_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN", "MEDIA_SIGNING_KEY", "TELEGRAM_BOT_TOKEN"],
)
def test_short_secrets_are_refused_without_being_echoed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    message = _refused(monkeypatch, tmp_path, **{name: "k3y-0f-15-chars"})
    assert f"{name}: a secret must have at least 16 characters" in message
    assert "k3y-0f-15-chars" not in message


MG = "MG" + "0123456789abcdef" * 2
PUBLIC_URL = "https://posyandu.example.go.id"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"TWILIO_WHATSAPP_FROM": "+14155238886", "TWILIO_MESSAGING_SERVICE_SID": MG},
            "TWILIO_WHATSAPP_FROM and TWILIO_MESSAGING_SERVICE_SID: set one, not both",
        ),
        ({"TWILIO_MESSAGING_SERVICE_SID": "MG123"}, "TWILIO_MESSAGING_SERVICE_SID"),
        ({"TWILIO_MESSAGING_SERVICE_SID": "MX" + MG[2:]}, "TWILIO_MESSAGING_SERVICE_SID"),
        (
            {"TWILIO_WHATSAPP_FROM": "+14155238886", "TWILIO_MESSAGING_SERVICE_SENDERS": "3"},
            "TWILIO_MESSAGING_SERVICE_SENDERS: only with TWILIO_MESSAGING_SERVICE_SID",
        ),
        (
            {"TWILIO_MESSAGING_SERVICE_SID": MG, "TWILIO_MESSAGING_SERVICE_SENDERS": "0"},
            "TWILIO_MESSAGING_SERVICE_SENDERS",
        ),
    ],
)
def test_exactly_one_whatsapp_sender(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], named: str
) -> None:
    message = _refused(
        monkeypatch,
        tmp_path,
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=AUTH,
        PUBLIC_BASE_URL=PUBLIC_URL,
        **env,
    )
    assert named in message


def test_a_messaging_service_alone_is_a_sender(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": AUTH,
        "TWILIO_MESSAGING_SERVICE_SID": MG,
        "TWILIO_MESSAGING_SERVICE_SENDERS": "3",
        "PUBLIC_BASE_URL": PUBLIC_URL,
    }.items():
        monkeypatch.setenv(name, value)
    section = load_settings().section(WhatsAppSection)
    assert (section.messaging_service_sid, section.whatsapp_from) == (MG, None)
    assert section.messaging_service_senders == 3
