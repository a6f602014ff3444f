"""The one settings object: read from the environment and ``.env``, validated at start.

Nothing else in the project reads ``os.environ``. Secrets are ``SecretStr`` so they never
print in logs or reprs. Every setting is documented in ``.env.example``.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.calendar import Kind, ReminderSettings
from scoring import ScoringSettings, Targets

__all__ = ["Settings", "SettingsError", "load_settings"]


class SettingsError(Exception):
    """Settings that failed validation; the message names each bad value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # --- storage -------------------------------------------------------------------------
    posyandu_db: Path = Field(
        default=Path("./data/posyandu.db"),
        description="SQLite database file; created on first use.",
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
    out_dir: Path = Field(
        default=Path("./out"),
        description="Where the console chat writes the documents it receives.",
    )

    # --- the service (posyandu run) ---------------------------------------------------------
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP app listens on.")
    http_port: int = Field(default=8080, ge=0, le=65535, description="Port of the HTTP app.")
    public_base_url: str | None = Field(
        default=None,
        description="Public https URL of the HTTP app behind the proxy; unset: Telegram polls.",
    )
    media_signing_key: SecretStr | None = Field(
        default=None,
        description="Key of the signed /media links (unset: derived from the channel secrets).",
    )
    media_dir: Path = Field(default=Path("./data/media"), description="Rendered PDFs for media.")
    media_ttl_hours: int = Field(default=24, ge=1, le=24 * 7, description="Media link lifetime.")

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
    twilio_template_reminder_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_nudge_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_summary_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")
    twilio_template_missing_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")

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
        kinds = {k.strip() for k in self.reminder_kinds.split(",") if k.strip()}
        unknown = kinds - {k.value for k in Kind}
        if unknown:
            raise SettingsError(f"REMINDER_KINDS: unknown kind(s) {', '.join(sorted(unknown))}")
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


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise :class:`SettingsError` with one line per problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates the values
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
