"""The SMS channel's settings section (``SMS_*``): a pydantic model of its own that the one
settings object (:class:`bot.settings.Settings`) is composed with, so nothing but this module
declares an SMS setting. :func:`sms_settings` reads the section back as what the channel
needs, or None when SMS is not configured.

The four connection settings go together (all or none): the gateway's API base
(``SMS_GATEWAY_URL``: the phone's local server, ``http://192.168.1.20:8080``, or the cloud
server's ``https://api.sms-gate.app/3rdparty/v1``), the username and password the app shows,
and the app's webhook signing key (Settings > Webhooks > Signing Key), which signs every
webhook the app sends (``X-Signature``). The pace and the daily cap have safe defaults: one
phone sends about one SMS every few seconds, and carriers limit what one SIM sends a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, SecretStr, field_validator

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = [
    "MIN_SIGNING_KEY_CHARS",
    "WEBHOOK_PATH",
    "SmsSection",
    "SmsSettings",
    "section_problems",
    "sms_settings",
]

#: The one URL (under ``PUBLIC_BASE_URL``) the gateway's webhooks are registered at.
WEBHOOK_PATH = "/sms/webhook"
#: The shortest signing key accepted (as every secret of the project).
MIN_SIGNING_KEY_CHARS = 16

_CONNECTION = (
    "sms_gateway_url",
    "sms_gateway_username",
    "sms_gateway_password",
    "sms_webhook_signing_key",
)


class SmsSection(BaseModel):
    """The ``SMS_*`` settings, as fields of the one settings object."""

    sms_gateway_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="The SMS gateway's API: the phone's local server (http://192.168.1.20:8080) "
        "or the cloud server (https://api.sms-gate.app/3rdparty/v1).",
    )
    sms_gateway_username: str | None = Field(default=None, min_length=1)
    sms_gateway_password: SecretStr | None = None
    sms_webhook_signing_key: SecretStr | None = Field(
        default=None, description="The app's webhook signing key (Settings > Webhooks)."
    )
    sms_send_interval_seconds: float = Field(
        default=5, ge=0, le=600, description="Seconds between two SMS the phone sends."
    )
    sms_daily_limit: int = Field(
        default=200, ge=1, le=100_000, description="SMS sent a day at most (the SIM's cap)."
    )
    sms_webhook_max_age_seconds: int = Field(
        default=300, ge=30, le=86_400, description="A signed webhook older than this is refused."
    )
    sms_country_code: str = Field(
        default="62",
        pattern=r"^[1-9]\d{0,2}$",
        description="The country code of a number the phone shows without one (0812...).",
    )

    @field_validator("sms_webhook_signing_key")
    @classmethod
    def _sms_key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SIGNING_KEY_CHARS:
            raise ValueError(f"a secret must have at least {MIN_SIGNING_KEY_CHARS} characters")
        return value


def section_problems(section: SmsSection, public_base_url: str | None) -> list[str]:
    """The section's settings that together would not work: one line each."""
    given = [name for name in _CONNECTION if getattr(section, name) is not None]
    if not given:
        return []
    if len(given) < len(_CONNECTION):
        missing = ", ".join(n.upper() for n in _CONNECTION if n not in given)
        return [f"{missing}: needed with {', '.join(n.upper() for n in given)} (all four or none)"]
    if not public_base_url:
        return [
            "PUBLIC_BASE_URL: needed with SMS_GATEWAY_URL (the gateway's webhooks are "
            "registered under it and PDFs are sent as links under it)"
        ]
    return []


@dataclass(frozen=True, slots=True)
class SmsSettings:
    gateway_url: str
    username: str
    password: str
    signing_key: str
    #: Where the gateway posts its webhooks (``PUBLIC_BASE_URL`` + :data:`WEBHOOK_PATH`).
    webhook_url: str
    send_interval_seconds: float
    daily_limit: int
    webhook_max_age_seconds: int
    country_code: str
    #: The zone whose midnight starts a new day of the daily cap.
    timezone: str
    #: How long a PDF link works (the media links' lifetime), as the SMS says.
    media_ttl_hours: float


def sms_settings(settings: Settings) -> SmsSettings | None:
    """The section, or None when SMS is not configured (the four connection settings)."""
    s = settings
    if not (
        s.sms_gateway_url
        and s.sms_gateway_username
        and s.sms_gateway_password
        and s.sms_webhook_signing_key
    ):
        return None
    base = (s.public_base_url or "").rstrip("/")
    return SmsSettings(
        gateway_url=s.sms_gateway_url.rstrip("/"),
        username=s.sms_gateway_username,
        password=s.sms_gateway_password.get_secret_value(),
        signing_key=s.sms_webhook_signing_key.get_secret_value(),
        webhook_url=f"{base}{WEBHOOK_PATH}",
        send_interval_seconds=s.sms_send_interval_seconds,
        daily_limit=s.sms_daily_limit,
        webhook_max_age_seconds=s.sms_webhook_max_age_seconds,
        country_code=s.sms_country_code,
        timezone=s.default_timezone,
        media_ttl_hours=float(s.media_ttl_hours),
    )
