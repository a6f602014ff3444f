"""The one settings object: read from the environment and ``.env``, validated at start.

Nothing else in the project reads ``os.environ``. Secrets are ``SecretStr`` so they never
print in logs or reprs. Every setting is documented in ``.env.example``.
"""

from __future__ import annotations

import io
import re
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv.parser import parse_stream
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.sms.settings import SmsSection, section_problems
from scheduler.calendar import Kind, ReminderSettings
from scoring import ScoringSettings, Targets
from scoring.fields import DEFAULT_SERVICE_FIELDS, FIELD_BY_ID, SERVICE_FIELDS
from storage.db import is_database_url, mask_url, url_problem

__all__ = [
    "MAX_QUICK_REPLY_BUTTONS",
    "Settings",
    "SettingsError",
    "load_settings",
    "parse_quick_replies",
]


class SettingsError(Exception):
    """Settings that failed validation; the message names each bad value."""


#: The shortest secret accepted: a shorter one is guessable, and masking it in the logs would
#: mangle every word that contains it.
MIN_SECRET_CHARS = 16
#: A URL's scheme (two letters or more: "C:" is a Windows drive, not a scheme).
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
#: Twilio's own prefix of a WhatsApp address (``whatsapp:+14155238886``), as its console shows.
_WHATSAPP_PREFIX = "whatsapp:"


class Settings(BaseSettings, SmsSection):
    """Every setting; a channel's own section (``SmsSection``) is composed in."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # --- storage -------------------------------------------------------------------------
    posyandu_db: Path | str = Field(
        default=Path("./data/posyandu.db"),
        description="SQLite database file (created on first use), or a PostgreSQL server as "
        "postgresql://user:password@host:5432/dbname.",
    )
    db_busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)

    # --- logging -------------------------------------------------------------------------
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")

    # --- scoring (domain.md Decisions and targets) ----------------------------------------
    target_k_s: float = Field(default=0.80, gt=0, le=1)
    target_d_s: float = Field(default=0.85, gt=0, le=1)
    target_d_k: float = Field(default=0.60, gt=0, le=1)
    target_n_d: float = Field(default=0.80, gt=0, le=1)
    #: Decision (exactly 8 openings): True counts 8 openings as passing indicator 1.
    eight_openings_pass: bool = True
    #: Decision (rolling window): months in the stratum window.
    stratum_window_months: int = Field(default=12, ge=1, le=24)
    #: Soft rule: a denominator (a head count: S, ibu hamil, PUS ...) moving by more than this
    #: share of the previous report is questioned (chat and whole-report checks alike).
    denominator_change_limit: float = Field(default=0.20, gt=0, le=10)

    # --- conversations -------------------------------------------------------------------
    session_expiry_hours: int = Field(
        default=168,
        ge=1,
        le=24 * 90,
        description="A pending question (which month, a name, LAGI pages) is forgotten after "
        "this many hours without a message. A half-done report is kept longer: at least 60 "
        "days idle and until its month can no longer be reported.",
    )
    wrong_code_limit: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Wrong invitation codes allowed per chat address within the window.",
    )
    wrong_code_window_minutes: int = Field(
        default=60,
        ge=1,
        le=24 * 60,
        description="The window, in minutes, over which wrong invitation codes are counted.",
    )
    invite_failures_per_hour_global: int = Field(
        default=200,
        ge=1,
        le=1_000_000,
        description="Wrong invitation codes allowed from all senders together per hour; "
        "beyond it no code is checked until the hour has moved on (guessing is stopped).",
    )
    page_size: int = Field(
        default=8,
        ge=1,
        le=50,
        description="Lines per page of a long list (the rest follows with LAGI).",
    )
    report_months_back: int = Field(
        default=2,
        ge=0,
        le=11,
        description="A report may be for the current month or up to this many months back.",
    )
    kk_refresh_months: int = Field(
        default=6,
        ge=1,
        le=12,
        description="KK and dana sehat are asked again when the latest value is older than this.",
    )
    service_fields: str = Field(
        default=",".join(DEFAULT_SERVICE_FIELDS),
        description="The optional service fields this deployment asks (field ids, comma "
        "separated; empty: none). A field not listed is never asked and shows nowhere.",
    )
    default_timezone: str = Field(
        default="Asia/Jakarta",
        description="Zone for people without a posyandu or area zone (IANA name, e.g. WIB).",
    )

    # --- outbox delivery -----------------------------------------------------------------
    outbox_max_attempts: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Delivery attempts of one reply before it is marked failed.",
    )
    outbox_backoff_seconds: float = Field(
        default=2.0,
        gt=0,
        le=3600,
        description="First retry delay; it doubles after each failed attempt.",
    )
    outbox_backoff_max_seconds: float = Field(
        default=600.0,
        gt=0,
        le=86_400,
        description="The longest delay between two attempts.",
    )
    outbox_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often the dispatcher looks for due replies when nothing wakes it.",
    )
    outbox_lease_seconds: float = Field(
        default=300.0,
        ge=10,
        le=86_400,
        description=(
            "How long a reply claimed for sending is its instance's: past it, one still not "
            "marked sent (its instance died) is sent by another. Longer than the slowest send."
        ),
    )
    out_dir: Path = Field(
        default=Path("./out"),
        description="Where the console chat writes the documents it receives.",
    )

    # --- the service (posyandu run) ---------------------------------------------------------
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP app listens on.")
    http_port: int = Field(default=8080, ge=0, le=65535, description="Port of the HTTP app.")
    http_max_connections: int = Field(
        default=1000,
        ge=1,
        le=100_000,
        description="Connections at once; beyond them 503 at once (capped below the open-file "
        "limit).",
    )
    http_header_timeout_seconds: float = Field(
        default=10, gt=0, le=600, description="A request's head must arrive within this."
    )
    http_body_timeout_seconds: float = Field(
        default=30, gt=0, le=600, description="A request's body must arrive within this."
    )
    http_keep_alive_seconds: int = Field(
        default=5, ge=1, le=600, description="An idle keep-alive connection stays this long."
    )
    http_shutdown_grace_seconds: int = Field(
        default=10, ge=1, le=600, description="Requests in hand get this long at a stop."
    )
    public_base_url: str | None = Field(
        default=None,
        description="Public https URL of the HTTP app behind the proxy; unset: Telegram polls.",
    )
    media_signing_key: SecretStr | None = Field(
        default=None,
        description="Key of the signed /media links (unset: derived from the channel secrets).",
    )
    media_dir: Path = Field(default=Path("./data/media"), description="Rendered PDFs for media.")
    dasbor_secret: SecretStr | None = Field(
        default=None,
        description="Key of the dasbor's one-time links (unset: a key made once and kept in "
        "the database, shared by every process; posyandu dasbor rotate-key replaces it).",
    )
    media_ttl_hours: int = Field(default=24, ge=1, le=24 * 7, description="Media link lifetime.")
    inbound_keep_days: int = Field(
        default=35,
        ge=1,
        le=3660,
        description="Days a channel's message ids are kept, so a redelivered or replayed "
        "message (a signed Twilio request carries no time) is recognised and not handled again.",
    )

    # --- Telegram --------------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(default=None, description="From BotFather.")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL in python-telegram-bot's form (the token is appended).",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with webhook calls."
    )
    telegram_rate_per_second: float = Field(default=30, gt=0, le=1000)
    telegram_group_rate_per_minute: float = Field(default=20, gt=0, le=1000)

    # --- WhatsApp (Twilio) -----------------------------------------------------------------
    twilio_account_sid: str | None = Field(default=None, pattern=r"^AC[0-9a-fA-F]{32}$")
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = Field(default=None, pattern=r"^\+[1-9]\d{6,14}$")
    twilio_messaging_service_sid: str | None = Field(default=None, pattern=r"^MG[0-9a-fA-F]{32}$")
    twilio_api_base_url: str | None = Field(
        default=None, description="Unset: Twilio's own API. Set only for tests."
    )
    twilio_rate_per_second: float = Field(default=10, gt=0, le=1000)
    twilio_media_rate_per_second: float = Field(default=1, gt=0, le=1000)
    twilio_messaging_service_senders: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="WhatsApp senders in the Messaging Service's pool: the two rates are per "
        "sender, so the service sends at this many times them (1 with TWILIO_WHATSAPP_FROM).",
    )
    twilio_template_reminder_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_nudge_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_summary_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_missing_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    #: Quick-reply buttons (``twilio/quick-reply`` Content Templates), one per button count:
    #: ``2:HX...,3:HX...`` (see :func:`parse_quick_replies`).
    twilio_quick_reply_content: str | None = Field(
        default=None,
        description="Content SIDs of twilio/quick-reply templates by button count (2:HX...).",
    )

    # --- reminders ---------------------------------------------------------------------------
    reminder_kinds: str = Field(
        default="h-1,h,h+2,h+7,rekap", pattern=r"^\s*([a-z0-9+-]+\s*(,\s*|$))*$"
    )
    reminder_time_h_minus_1: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_time_h: str = Field(default="06:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_time_h_plus_2: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_time_h_plus_7: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_time_rekap: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_rekap_day: int = Field(default=5, ge=1, le=28)
    reminder_grace_hours: float = Field(default=6, gt=0, le=72)
    reminder_sweep_seconds: float = Field(default=60, ge=1, le=3600)

    @field_validator("posyandu_db", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        """A file path (SQLite) or a ``postgresql://`` URL; any other URL is refused (it would
        otherwise be taken as a folder named after its scheme)."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        scheme = _URL_SCHEME.match(text)
        if scheme is None:
            return Path(text)
        if not is_database_url(text):
            raise ValueError(
                f"{scheme.group(1)}: is not supported; give a file path (SQLite) or a "
                "postgresql://user:password@host:5432/dbname URL"
            )
        parts = urlsplit(text)
        if not (parts.hostname or "host=" in parts.query) or not parts.path.strip("/"):
            raise ValueError(
                "a PostgreSQL URL names its server and database: "
                "postgresql://user:password@host:5432/dbname"
            )
        if (problem := url_problem(text)) is not None:
            raise ValueError(problem)
        return text

    @property
    def database_is_server(self) -> bool:
        """True for a PostgreSQL URL, False for an SQLite file."""
        return isinstance(self.posyandu_db, str)

    @property
    def database_name(self) -> str:
        """POSYANDU_DB as messages show it: the file, or the URL without its password."""
        db = self.posyandu_db
        return mask_url(db) if isinstance(db, str) else str(db)

    def database_file(self) -> Path:
        """The SQLite file; :class:`SettingsError` when POSYANDU_DB is a server."""
        if isinstance(self.posyandu_db, str):
            raise SettingsError(
                f"POSYANDU_DB is a PostgreSQL server ({self.database_name}), not a file"
            )
        return self.posyandu_db

    @field_validator("reminder_kinds")
    @classmethod
    def _known_kinds(cls, value: str) -> str:
        unknown = _kinds(value) - {k.value for k in Kind}
        if unknown:
            known = ", ".join(k.value for k in Kind)
            raise ValueError(f"unknown kind(s) {', '.join(sorted(unknown))}; known: {known}")
        return value

    @field_validator("service_fields")
    @classmethod
    def _known_services(cls, value: str) -> str:
        chosen = _kinds(value)
        unknown = chosen - set(SERVICE_FIELDS)
        if unknown:
            known = ", ".join(SERVICE_FIELDS)
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}; known: {known}")
        # A count bounded by another service field needs it (exclusive breastfeeding may not
        # exceed the infants 0-5 months).
        for name in sorted(chosen):
            bound = FIELD_BY_ID[name].at_most
            if bound in SERVICE_FIELDS and bound not in chosen:
                raise ValueError(f"{name} needs {bound} (it may not exceed it)")
        return value

    def services(self) -> frozenset[str]:
        """The optional service fields this deployment asks."""
        return frozenset(_kinds(self.service_fields))

    @field_validator("twilio_whatsapp_from", mode="before")
    @classmethod
    def _without_whatsapp_prefix(cls, value: object) -> object:
        """``whatsapp:+14155238886`` (Twilio's form) and ``+14155238886`` alike."""
        if isinstance(value, str):
            value = value.strip()
            if value.lower().startswith(_WHATSAPP_PREFIX):
                value = value[len(_WHATSAPP_PREFIX) :]
        return value

    @field_validator("twilio_quick_reply_content")
    @classmethod
    def _quick_replies(cls, value: str | None) -> str | None:
        parse_quick_replies(value)
        return value

    def quick_replies(self) -> dict[int, str]:
        """The quick-reply templates' Content SIDs by button count (empty: none)."""
        return parse_quick_replies(self.twilio_quick_reply_content)

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_secret",
        "twilio_auth_token",
        "media_signing_key",
        "dasbor_secret",
    )
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(f"a secret must have at least {MIN_SECRET_CHARS} characters")
        return value

    def problems(self) -> list[str]:
        """Settings that are each valid but together would start a bot that cannot work: one
        line per problem (empty: none)."""
        out: list[str] = []
        twilio = bool(self.twilio_account_sid) or self.twilio_auth_token is not None
        if self.telegram_bot_token and self.public_base_url and not self.telegram_webhook_secret:
            out.append(
                "TELEGRAM_WEBHOOK_SECRET: needed with PUBLIC_BASE_URL (Telegram webhook mode): "
                "without it every update would be refused; set one, or unset PUBLIC_BASE_URL "
                "to poll"
            )
        if twilio and not (self.twilio_account_sid and self.twilio_auth_token):
            missing = "TWILIO_AUTH_TOKEN" if self.twilio_account_sid else "TWILIO_ACCOUNT_SID"
            out.append(f"{missing}: needed with the other Twilio credential")
        if twilio and not self.public_base_url:
            out.append(
                "PUBLIC_BASE_URL: needed with Twilio credentials (Twilio's signatures are "
                "checked against it and PDFs are sent as links under it)"
            )
        out.extend(self._twilio_sender_problems(twilio))
        out.extend(section_problems(self, self.public_base_url))
        return out

    def _twilio_sender_problems(self, twilio: bool) -> list[str]:
        """Exactly one sender: one number, or a Messaging Service (a pool of numbers)."""
        number, service = self.twilio_whatsapp_from, self.twilio_messaging_service_sid
        if twilio and not (number or service):
            return [
                "TWILIO_WHATSAPP_FROM: needed with Twilio credentials (or "
                "TWILIO_MESSAGING_SERVICE_SID): the number WhatsApp messages are sent from"
            ]
        if number and service:
            return [
                "TWILIO_WHATSAPP_FROM and TWILIO_MESSAGING_SERVICE_SID: set one, not both "
                "(one number, or the Messaging Service that picks from its pool)"
            ]
        if self.twilio_messaging_service_senders > 1 and not service:
            return [
                "TWILIO_MESSAGING_SERVICE_SENDERS: only with TWILIO_MESSAGING_SERVICE_SID "
                "(one TWILIO_WHATSAPP_FROM number is one sender)"
            ]
        return []

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Jakarta") from None
        return value

    def reminders(self) -> ReminderSettings:
        """The scheduler's reminder settings from these."""
        kinds = _kinds(self.reminder_kinds)
        times = {
            Kind.H_MINUS_1: self.reminder_time_h_minus_1,
            Kind.H: self.reminder_time_h,
            Kind.H_PLUS_2: self.reminder_time_h_plus_2,
            Kind.H_PLUS_7: self.reminder_time_h_plus_7,
            Kind.REKAP: self.reminder_time_rekap,
        }
        return ReminderSettings(
            times={k: time.fromisoformat(v) for k, v in times.items()},
            enabled=frozenset(Kind(k) for k in kinds),
            grace=timedelta(hours=self.reminder_grace_hours),
            rekap_day=self.reminder_rekap_day,
        )

    def scoring(self) -> ScoringSettings:
        """The scoring package's settings (targets, Decisions, soft-rule limits) from these."""
        return ScoringSettings(
            window_months=self.stratum_window_months,
            openings_threshold_inclusive=self.eight_openings_pass,
            denominator_change_limit=self.denominator_change_limit,
            max_months_back=self.report_months_back,
            targets=Targets(
                k_s=self.target_k_s,
                d_s=self.target_d_s,
                d_k=self.target_d_k,
                n_d=self.target_n_d,
            ),
        )


#: Most buttons a quick reply may have: WhatsApp takes a ``twilio/quick-reply`` without
#: approval (inside the 24-hour window, which replies are) with at most 3 buttons; approved
#: templates may have up to 10, but an approved template fixes its button titles.
MAX_QUICK_REPLY_BUTTONS = 3
_CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")


def parse_quick_replies(value: str | None) -> dict[int, str]:
    """``"2:HX...,3:HX..."`` -> ``{2: "HX...", 3: "HX..."}``.

    One template per button count, because a Content Template fixes how many buttons it has
    (its ``actions``), while the titles are variables. ``ValueError`` names the first entry
    that is not ``<buttons>:<Content SID>`` with buttons from 1 to 3, or a count given twice.
    """
    out: dict[int, str] = {}
    for entry in (value or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        count, colon, sid = (part.strip() for part in entry.partition(":"))
        if not colon or not count.isdigit() or not _CONTENT_SID.fullmatch(sid):
            raise ValueError(
                f"{entry!r} is not <buttons>:<Content SID>; expected e.g. 2:HX<32 hex>,3:HX<32 hex>"
            )
        buttons = int(count)
        if not 1 <= buttons <= MAX_QUICK_REPLY_BUTTONS:
            raise ValueError(
                f"{entry!r}: a quick reply has 1 to {MAX_QUICK_REPLY_BUTTONS} buttons "
                "(WhatsApp's limit for a message sent without approval)"
            )
        if buttons in out:
            raise ValueError(f"{entry!r}: {buttons} buttons are given twice")
        out[buttons] = sid
    return out


def _kinds(value: str) -> set[str]:
    return {k.strip() for k in value.split(",") if k.strip()}


def env_file_problems(path: Path) -> list[str]:
    """Lines of a ``.env`` file that cannot be read (an unclosed quote, bytes that are not
    UTF-8): python-dotenv would skip them with a warning, and the setting they hold would
    silently fall back to its default."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{path}: cannot be read ({exc.strerror})"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [f"{path} line {line}: not UTF-8 text (save the file as UTF-8)"]
    return [
        f"{path} line {binding.original.line}: cannot be parsed (an unclosed quote?)"
        + _setting_named(binding.original.string)
        for binding in parse_stream(io.StringIO(text))
        if binding.error
    ]


def _setting_named(line: str) -> str:
    """ ": setting NAME" for a line that starts ``NAME=``; never any of its value (a secret)."""
    name = line.split("=", 1)[0].strip().removeprefix("export ").strip()
    return f": setting {name}" if "=" in line and name.isidentifier() else ""


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise :class:`SettingsError` with one line per problem.

    The ``.env`` file is checked first, line by line (``_env_file`` overrides its path)."""
    env_file = overrides.get("_env_file", Settings.model_config.get("env_file"))
    problems = env_file_problems(Path(str(env_file))) if env_file else []
    if problems:
        raise SettingsError("invalid settings:\n  " + "\n  ".join(problems))
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            lines.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
    problems = settings.problems()
    if problems:
        raise SettingsError("invalid settings:\n  " + "\n  ".join(problems))
    return settings
