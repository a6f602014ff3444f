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
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from bot.settings import Settings, SettingsSection

__all__ = [
    "WEBHOOK_PATH",
    "SmsSection",
    "SmsSettings",
    "sms_settings",
]

#: The one URL (under ``PUBLIC_BASE_URL``) the gateway's webhooks are registered at.
WEBHOOK_PATH = "/sms/webhook"

#: The four that go together, by field.
_CONNECTION = ("gateway_url", "gateway_username", "gateway_password", "webhook_signing_key")

_ENV_EXAMPLE = """\
# All four or none; with them PUBLIC_BASE_URL is needed (the gateway posts its webhook to
# PUBLIC_BASE_URL/sms/webhook; PDFs go out as links under it). The gateway's API: the phone's
# local server (the SMS Gateway for Android app's "Local server" address, http://IP:8080) or
# the cloud server (https://api.sms-gate.app/3rdparty/v1); the username and password the app
# shows for that server (the app's own, taken as given); and the app's webhook
# signing key (Settings > Webhooks > Signing Key; 16 or more), which signs every webhook.
# SMS_GATEWAY_URL=http://192.168.1.20:8080
# SMS_GATEWAY_USERNAME=sms
# SMS_GATEWAY_PASSWORD=
# SMS_WEBHOOK_SIGNING_KEY=
# Seconds between two SMS (one phone sends about one every few seconds), and SMS sent a day at
# most (the SIM's cap with its carrier, counted from midnight in DEFAULT_TIMEZONE, in SMS parts,
# by every instance together): what is over it waits in the outbox until the next day
# (posyandu outbox, /healthz, the log say so).
SMS_SEND_INTERVAL_SECONDS=5
SMS_DAILY_LIMIT=200
# A signed webhook whose X-Timestamp is further than this from now is refused (a replay).
SMS_WEBHOOK_MAX_AGE_SECONDS=300
# The country code of a sender the phone shows without one (0812...: +62812...).
SMS_COUNTRY_CODE=62
"""


class SmsSection(SettingsSection):
    """The ``SMS_*`` settings."""

    model_config = SettingsConfigDict(env_prefix="SMS_")

    env_title: ClassVar[str] = "SMS through an Android phone (docs/sms.md)"
    env_example: ClassVar[str] = _ENV_EXAMPLE
    credentials: ClassVar[str] = (
        "SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, SMS_GATEWAY_PASSWORD and SMS_WEBHOOK_SIGNING_KEY"
    )
    banner: ClassVar[str] = "SMS_GATEWAY_*"
    #: The app generates the password (the cloud server's cannot be chosen): taken as given.
    issued_secrets: ClassVar[frozenset[str]] = frozenset({"gateway_password"})

    gateway_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="The SMS gateway's API: the phone's local server (http://192.168.1.20:8080) "
        "or the cloud server (https://api.sms-gate.app/3rdparty/v1).",
    )
    gateway_username: str | None = Field(default=None, min_length=1)
    gateway_password: SecretStr | None = None
    webhook_signing_key: SecretStr | None = Field(
        default=None, description="The app's webhook signing key (Settings > Webhooks)."
    )
    send_interval_seconds: float = Field(
        default=5, ge=0, le=600, description="Seconds between two SMS the phone sends."
    )
    daily_limit: int = Field(
        default=200, ge=1, le=100_000, description="SMS sent a day at most (the SIM's cap)."
    )
    webhook_max_age_seconds: int = Field(
        default=300, ge=30, le=86_400, description="A signed webhook older than this is refused."
    )
    country_code: str = Field(
        default="62",
        pattern=r"^[1-9]\d{0,2}$",
        description="The country code of a number the phone shows without one (0812...).",
    )

    def configured(self) -> bool:
        return all(getattr(self, name) is not None for name in _CONNECTION)

    def problems(self, settings: Settings) -> list[str]:
        given = [name for name in _CONNECTION if getattr(self, name) is not None]
        if not given:
            return []
        if len(given) < len(_CONNECTION):
            missing = ", ".join(self.env_name(n) for n in _CONNECTION if n not in given)
            named = ", ".join(self.env_name(n) for n in given)
            return [f"{missing}: needed with {named} (all four or none)"]
        if not settings.public_base_url:
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
    """What the channel opens with, or None when SMS is not configured (the four
    connection settings)."""
    s = settings.section(SmsSection)
    if not (s.gateway_url and s.gateway_username and s.gateway_password and s.webhook_signing_key):
        return None
    base = (settings.public_base_url or "").rstrip("/")
    return SmsSettings(
        gateway_url=s.gateway_url.rstrip("/"),
        username=s.gateway_username,
        password=s.gateway_password.get_secret_value(),
        signing_key=s.webhook_signing_key.get_secret_value(),
        webhook_url=f"{base}{WEBHOOK_PATH}",
        send_interval_seconds=s.send_interval_seconds,
        daily_limit=s.daily_limit,
        webhook_max_age_seconds=s.webhook_max_age_seconds,
        country_code=s.country_code,
        timezone=settings.default_timezone,
        media_ttl_hours=float(settings.media_ttl_hours),
    )
