"""The WhatsApp channel's settings section (``TWILIO_*``, and ``PUBLIC_BASE_URL`` for the
signed webhooks, the status callback and the media links), read from the one settings
object. The Content Templates are named as :mod:`bot.notifications` chooses them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.settings import Settings

__all__ = [
    "MESSAGE_PATH",
    "STATUS_PATH",
    "TEMPLATE_SETTINGS",
    "WhatsAppSettings",
    "template_label",
    "whatsapp_settings",
]

#: The two URLs (under ``PUBLIC_BASE_URL``) pasted in the Twilio Console.
MESSAGE_PATH = "/twilio/whatsapp"
STATUS_PATH = "/twilio/status"

#: The setting that holds each template's Content SID, by template name.
TEMPLATE_SETTINGS = {
    "reminder": "twilio_template_reminder_sid",
    "nudge": "twilio_template_nudge_sid",
    "summary": "twilio_template_summary_sid",
    "missing": "twilio_template_missing_sid",
}


def template_label(name: str) -> str:
    """How the operator knows a template: its setting (``TWILIO_TEMPLATE_REMINDER_SID``)."""
    return TEMPLATE_SETTINGS.get(name, f"twilio_template_{name}_sid").upper()


@dataclass(frozen=True, slots=True)
class WhatsAppSettings:
    account_sid: str
    auth_token: str
    #: The WhatsApp sender number, or the Messaging Service that chooses one.
    sender: str | None
    messaging_service_sid: str | None
    #: Unset: Twilio's own API.
    api_base_url: str | None
    #: The app's public URL ("" unset): webhook signatures are checked against it.
    public_base_url: str
    #: The sender's whole rate: the per-sender settings times the senders in the pool (one
    #: for a single number), as Twilio meters a Messaging Service per sender in its pool.
    messages_per_second: float
    media_per_second: float
    #: Content SIDs by template name (None: not configured).
    templates: Mapping[str, str | None] = field(default_factory=dict)
    #: Content SIDs of the ``twilio/quick-reply`` templates by button count (none: numbered
    #: text only).
    quick_replies: Mapping[int, str] = field(default_factory=dict)

    @property
    def status_callback(self) -> str | None:
        base = self.public_base_url.rstrip("/")
        return f"{base}{STATUS_PATH}" if base else None


def whatsapp_settings(settings: Settings) -> WhatsAppSettings | None:
    """The section, or None when WhatsApp is not configured (no Twilio account and token)."""
    s = settings
    if not (s.twilio_account_sid and s.twilio_auth_token):
        return None
    senders = s.twilio_messaging_service_senders if s.twilio_messaging_service_sid else 1
    return WhatsAppSettings(
        account_sid=s.twilio_account_sid,
        auth_token=s.twilio_auth_token.get_secret_value(),
        sender=s.twilio_whatsapp_from,
        messaging_service_sid=s.twilio_messaging_service_sid,
        api_base_url=s.twilio_api_base_url,
        public_base_url=s.public_base_url or "",
        messages_per_second=s.twilio_rate_per_second * senders,
        media_per_second=s.twilio_media_rate_per_second * senders,
        templates={
            "reminder": s.twilio_template_reminder_sid,
            "nudge": s.twilio_template_nudge_sid,
            "summary": s.twilio_template_summary_sid,
            "missing": s.twilio_template_missing_sid,
        },
        quick_replies=s.quick_replies(),
    )
