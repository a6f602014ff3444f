"""The one settings object: read from the environment and ``.env``, validated at start.

Nothing else in the project reads ``os.environ``. Secrets are ``SecretStr`` so they never
print in logs or reprs. Every setting is documented in ``.env.example``.

:class:`Settings` holds the settings of the whole service and is composed with the sections
of the registered channels: each channel package declares a :class:`SettingsSection` (its
own environment prefix, its secrets, what cannot work, its part of ``.env.example``) and
:mod:`bot.channels.registry` lists it. This module names no channel.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv.parser import parse_stream
from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.eppgbm import ColumnMapError, EppgbmColumn, load_columns
from bot.kbm import load_kbm
from scheduler.calendar import Kind, ReminderSettings
from scoring import ScoringSettings, Targets
from scoring.fields import DEFAULT_SERVICE_FIELDS, FIELD_BY_ID, SERVICE_FIELDS
from scoring.growth import GrowthRules, KbmError
from storage.children import NIK_FIELD, OPTIONAL_FIELDS
from storage.cipher import key_problem
from storage.db import is_database_url, mask_url, url_problem

__all__ = [
    "MIN_SECRET_CHARS",
    "REGISTER_FIELDS",
    "Settings",
    "SettingsError",
    "SettingsSection",
    "env_example",
    "env_example_service",
    "load_settings",
    "refresh_env_example",
]


class SettingsError(Exception):
    """Settings that failed validation; the message names each bad value."""


#: The shortest secret accepted: a shorter one is guessable, and masking it in the logs would
#: mangle every word that contains it.
MIN_SECRET_CHARS = 16
#: A URL's scheme (two letters or more: "C:" is a Windows drive, not a scheme).
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


#: The child register's optional fields a deployment may turn on with REGISTER_FIELDS (NIK has
#: its own switch, REGISTER_NIK).
REGISTER_FIELDS: tuple[str, ...] = tuple(f for f in OPTIONAL_FIELDS if f != NIK_FIELD)

_SOURCES = SettingsConfigDict(
    env_file=".env",
    env_file_encoding="utf-8",
    extra="ignore",
    case_sensitive=False,
)


class SettingsSection(BaseSettings):
    """A channel's settings: subclassed in the channel's package with its own ``env_prefix``
    (``PAGER_``: field ``token`` is ``PAGER_TOKEN``; none: the field's name), and listed by its
    :class:`bot.channels.channel.Channel` in the registry. Read from the same environment and
    ``.env`` as :class:`Settings`, which holds one of each registered section
    (:meth:`Settings.section`); its ``SecretStr`` fields are its secrets (at least
    :data:`MIN_SECRET_CHARS` characters, masked in the logs)."""

    model_config = _SOURCES

    #: The heading of its part of ``.env.example`` ("Pager (docs/pager.md)").
    env_title: ClassVar[str] = ""
    #: Its part of ``.env.example`` under the heading: comment lines, and one line per field,
    #: ``NAME=default`` or, for a setting unset by default, ``# NAME=`` (with an example).
    env_example: ClassVar[str] = ""
    #: What configures it, as the operator is told ("PAGER_ACCOUNT and PAGER_TOKEN"); "": the
    #: settings never configure it (a channel the command that talks in the terminal opens).
    credentials: ClassVar[str] = ""
    #: Its credentials as the terminal demo's banner names them, shorter ("PAGER_*");
    #: "": as :attr:`credentials`.
    banner: ClassVar[str] = ""
    #: Secrets another party issues and the operator cannot choose (a gateway app's generated
    #: password): taken as given, masked in the logs like every secret, but not held to
    #: :data:`MIN_SECRET_CHARS`.
    issued_secrets: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of field ``field`` (prefix and name, in capitals)."""
        return f"{cls.model_config.get('env_prefix', '')}{field}".upper()

    @classmethod
    def env_names(cls) -> tuple[str, ...]:
        """Every environment variable of the section, in declaration order."""
        return tuple(cls.env_name(name) for name in cls.model_fields)

    def configured(self) -> bool:
        """Whether the section is complete enough to open the channel."""
        return False

    def secrets(self) -> list[str | None]:
        """Its secret settings, in declaration order (None: unset)."""
        names = [name for name in type(self).model_fields if _is_secret(type(self), name)]
        values = [getattr(self, name) for name in names]
        return [v.get_secret_value() if isinstance(v, SecretStr) else None for v in values]

    def problems(self, settings: Settings) -> list[str]:
        """Settings that are each valid but together (with the rest of ``settings``) would
        start a channel that cannot work: one line per problem, naming the setting."""
        return []

    @field_validator("*")
    @classmethod
    def _secret_long_enough(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, SecretStr) and info.field_name not in cls.issued_secrets:
            _check_secret(value)
        return value


def _is_secret(section: type[SettingsSection], name: str) -> bool:
    annotation = section.model_fields[name].annotation
    return annotation is SecretStr or SecretStr in getattr(annotation, "__args__", ())


def _check_secret(value: SecretStr) -> None:
    if len(value.get_secret_value()) < MIN_SECRET_CHARS:
        raise ValueError(f"a secret must have at least {MIN_SECRET_CHARS} characters")


_S = TypeVar("_S", bound=SettingsSection)


class Settings(BaseSettings):
    model_config = _SOURCES

    #: One of each registered channel's section, by its class (:meth:`section`).
    _sections: dict[type[SettingsSection], SettingsSection] = PrivateAttr(default_factory=dict)

    def __init__(self, **values: Any) -> None:
        """Keyword values by field name, as pydantic takes them; a channel's by its whole
        name (``pager_token=...``). :class:`SettingsError` names each bad value."""
        sections = _registered_sections()
        owner = {
            name.lower(): (section, field)
            for section in sections
            for field, name in zip(section.model_fields, section.env_names(), strict=True)
        }
        own: dict[str, Any] = {}
        theirs: dict[type[SettingsSection], dict[str, Any]] = {s: {} for s in sections}
        for key, value in values.items():
            if key.startswith("_"):  # _env_file and the like: for every part
                own[key] = value
                for given in theirs.values():
                    given[key] = value
            elif key.lower() in owner:
                section, field = owner[key.lower()]
                theirs[section][field] = value
            else:
                own[key] = value
        lines: list[str] = []
        try:
            super().__init__(**own)
        except ValidationError as exc:
            lines += _error_lines(exc, lambda name: name.upper())
        built: dict[type[SettingsSection], SettingsSection] = {}
        for section, given in theirs.items():
            try:
                built[section] = section(**given)
            except ValidationError as exc:
                lines += _error_lines(exc, section.env_name)
        if lines:
            raise SettingsError("invalid settings:\n  " + "\n  ".join(lines))
        self._sections = built

    @classmethod
    def env_names(cls) -> tuple[str, ...]:
        """Every setting's environment variable: the service's, then each registered
        channel's section in registration order."""
        own = tuple(name.upper() for name in cls.model_fields)
        return own + tuple(n for s in _registered_sections() for n in s.env_names())

    def section(self, section: type[_S]) -> _S:
        """The channel section ``section`` as read with these settings."""
        found = self._sections.get(section)
        if not isinstance(found, section):
            raise LookupError(f"{section.__name__} is not a registered channel section")
        return found

    def sections(self) -> list[SettingsSection]:
        """Every registered channel's section, in registration order."""
        return list(self._sections.values())

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

    # --- per-child register (domain.md "Per-child register") -----------------------------
    #: Decision (BGM): a weighing is below the red line when its weight-for-age z is below this.
    bgm_below_waz: float = Field(default=-3.0, ge=-6, le=0)
    #: Decision (orange line): "risiko berat badan lebih" when weight-for-age z is above this.
    overweight_risk_above_waz: float = Field(default=1.0, ge=0, le=5)
    #: A KBM table (CSV ``age_months,kbm_g``) replacing the built-in one; empty: built-in.
    kbm_table: str = ""
    #: The e-PPGBM file's column map (CSV ``heading,source[,words]``); empty: built-in.
    eppgbm_columns: str = ""

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
        description="Public https URL of the HTTP app behind the proxy (webhooks, media links).",
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
        "message (a signed request may carry no time) is recognised and not handled again.",
    )

    # --- the child register (docs/privacy.md) -------------------------------------------------
    register_key: SecretStr | None = Field(
        default=None,
        description="Key of the child register's names at rest (32 random bytes, URL-safe "
        "base64). Unset: the register is off, except in the demo (a key file beside "
        "the database).",
    )
    register_nik: bool = Field(
        default=False, description="Whether the register records a child's NIK (encrypted)."
    )
    register_fields: str = Field(
        default="has_kms",
        description="The register's optional fields this deployment records (comma separated: "
        "dusun, rt, has_kms; empty: none).",
    )
    register_keep_months_after_five: int = Field(
        default=12,
        ge=0,
        le=120,
        description="A child's identity is removed this many months after the fifth birthday.",
    )

    # --- DHIS2 (docs/dhis2.md) ----------------------------------------------------------------
    dhis2_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Base URL of the DHIS2 instance (https://dhis2.example.org; its /api is "
        "added). Unset: posyandu dhis2 push and the monthly push cannot run.",
    )
    dhis2_token: SecretStr | None = Field(
        default=None,
        description="A DHIS2 personal access token (sent as Authorization: ApiToken ...).",
    )
    dhis2_username: str | None = Field(
        default=None, description="A DHIS2 user, with DHIS2_PASSWORD (instead of a token)."
    )
    dhis2_password: SecretStr | None = Field(
        default=None, description="DHIS2_USERNAME's password (HTTP basic authentication)."
    )
    dhis2_batch_size: int = Field(
        default=2000, ge=1, le=100_000, description="Data values per request to DHIS2."
    )
    dhis2_timeout_seconds: float = Field(
        default=120, gt=0, le=3600, description="How long one request to DHIS2 may take."
    )
    dhis2_mapping: Path | None = Field(
        default=None, description="The mapping file the monthly push uses (docs/dhis2.md)."
    )
    dhis2_monthly_push: bool = Field(
        default=False,
        description="Whether the service pushes each closed month to DHIS2 (DHIS2_PUSH_DAY).",
    )
    dhis2_push_day: int = Field(
        default=6, ge=1, le=28, description="Day of the month the monthly push runs, 09:00."
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

    @field_validator("register_key")
    @classmethod
    def _register_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (problem := key_problem(value.get_secret_value())) is not None:
            raise ValueError(problem)
        return value

    @field_validator("register_fields")
    @classmethod
    def _known_register_fields(cls, value: str) -> str:
        unknown = _kinds(value) - set(REGISTER_FIELDS)
        if unknown:
            known = ", ".join(REGISTER_FIELDS)
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}; known: {known}")
        return value

    def register_optional(self) -> frozenset[str]:
        """The register's optional fields this deployment records (``nik`` with
        REGISTER_NIK)."""
        nik = {NIK_FIELD} if self.register_nik else set()
        return frozenset(_kinds(self.register_fields)) | nik

    @field_validator("media_signing_key", "dasbor_secret", "dhis2_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _check_secret(value)
        return value

    def problems(self) -> list[str]:
        """Settings that are each valid but together would start a bot that cannot work: one
        line per problem (empty: none); each channel's section says its own."""
        own = self._dhis2_problems()
        return own + [line for section in self.sections() for line in section.problems(self)]

    def _dhis2_problems(self) -> list[str]:
        user, password = self.dhis2_username, self.dhis2_password
        if (user is None) != (password is None):
            given, missing = ("DHIS2_USERNAME", "DHIS2_PASSWORD")[:: 1 if user else -1]
            return [f"{missing}: must be set with {given} (or unset both)"]
        if user is not None and self.dhis2_token is not None:
            return ["DHIS2_TOKEN: set either it or DHIS2_USERNAME/DHIS2_PASSWORD, not both"]
        if self.dhis2_monthly_push and (self.dhis2_url is None or self.dhis2_mapping is None):
            return ["DHIS2_MONTHLY_PUSH: needs DHIS2_URL and DHIS2_MAPPING"]
        if self.dhis2_url is not None and user is None and self.dhis2_token is None:
            return ["DHIS2_URL: needs DHIS2_TOKEN or DHIS2_USERNAME/DHIS2_PASSWORD"]
        return []

    @field_validator("kbm_table")
    @classmethod
    def _usable_kbm(cls, value: str) -> str:
        try:
            load_kbm(value.strip())
        except KbmError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    @field_validator("eppgbm_columns")
    @classmethod
    def _usable_columns(cls, value: str) -> str:
        try:
            load_columns(value.strip())
        except ColumnMapError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    def eppgbm(self) -> tuple[EppgbmColumn, ...]:
        """The e-PPGBM file's columns (``EPPGBM_COLUMNS``, or the built-in map)."""
        return load_columns(self.eppgbm_columns)

    def growth(self) -> GrowthRules:
        """The per-child register's rules (the KBM table, the BGM and orange-line Decisions)."""
        return GrowthRules(
            kbm=load_kbm(self.kbm_table),
            bgm_below_waz=Decimal(str(self.bgm_below_waz)),
            overweight_above_waz=Decimal(str(self.overweight_risk_above_waz)),
        )

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


#: The line of ``.env.example`` after which each registered channel's part follows, as
#: :func:`env_example` composes it.
CHANNELS_LINE = "# ===== channels: each part below is written in bot/<channel>/settings.py ====="
_HEADING_WIDTH = 95


def env_example(service: str) -> str:
    """``.env.example``: ``service`` (the text up to and without :data:`CHANNELS_LINE`: the
    service's own settings), then each registered channel's part under its heading."""
    parts = [service.rstrip("\n") + "\n\n" + CHANNELS_LINE + "\n"]
    for section in _registered_sections():
        heading = f"# --- {section.env_title} "
        parts.append(f"\n{heading}{'-' * max(3, _HEADING_WIDTH - len(heading))}\n")
        parts.append(section.env_example)
    return "".join(parts)


def env_example_service(text: str) -> str:
    """The service's part of a ``.env.example`` text (what comes before :data:`CHANNELS_LINE`)."""
    return text.partition(CHANNELS_LINE)[0]


def refresh_env_example(path: Path = Path(".env.example")) -> bool:
    """Rewrite ``path`` as :func:`env_example` composes it from its service part (after a
    channel was added or its part edited); whether it changed."""
    text = path.read_text("utf-8")
    composed = env_example(env_example_service(text))
    if composed != text:
        path.write_text(composed, "utf-8")
    return composed != text


def _registered_sections() -> list[type[SettingsSection]]:
    """The sections of the registered channels (the registry imports the channel packages,
    which import this module: read when settings are made, not when this module loads)."""
    from bot.channels import registry

    return registry.sections()


def _error_lines(exc: ValidationError, env_name: Callable[[str], str]) -> list[str]:
    """One line per bad value: its environment variable and what is wrong (never the value)."""
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        name = env_name(field) if field else "settings"
        lines.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
    return lines


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
    settings = Settings(**overrides)
    problems = settings.problems()
    if problems:
        raise SettingsError("invalid settings:\n  " + "\n  ".join(problems))
    return settings
