"""The WhatsApp channel's settings section (``TWILIO_*``, and ``PUBLIC_BASE_URL`` for the
signed webhooks, the status callback and the media links): :class:`WhatsAppSection`, read
with the one settings object, and what the channel opens with, :class:`WhatsAppSettings`.
The Content Templates are named as :mod:`bot.notifications` chooses them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.settings import Settings, SettingsSection

__all__ = [
    "MAX_QUICK_REPLY_BUTTONS",
    "MESSAGE_PATH",
    "STATUS_PATH",
    "TEMPLATE_SETTINGS",
    "WhatsAppSection",
    "WhatsAppSettings",
    "parse_quick_replies",
    "template_label",
    "whatsapp_settings",
]

#: The two URLs (under ``PUBLIC_BASE_URL``) pasted in the Twilio Console.
MESSAGE_PATH = "/twilio/whatsapp"
STATUS_PATH = "/twilio/status"

#: The field of :class:`WhatsAppSection` that holds each template's Content SID, by name.
TEMPLATE_SETTINGS = {
    "reminder": "template_reminder_sid",
    "nudge": "template_nudge_sid",
    "summary": "template_summary_sid",
    "missing": "template_missing_sid",
}
#: Twilio's own prefix of a WhatsApp address (``whatsapp:+14155238886``), as its console shows.
_WHATSAPP_PREFIX = "whatsapp:"
_SID = r"^{}[0-9a-fA-F]{{32}}$"

_ENV_EXAMPLE = """\
# Both or neither; with them PUBLIC_BASE_URL and a sender (below) are needed.
# TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# TWILIO_AUTH_TOKEN=
# The sender: exactly one of these two. One WhatsApp number in E.164 (+14155238886, or
# whatsapp:+14155238886 as Twilio's console shows it), or the SID of a Messaging Service
# (MG + 32 hex; Twilio's sender pool, which picks one of its numbers for each message; the
# national scale: README "Scale").
# TWILIO_WHATSAPP_FROM=+14155238886
# TWILIO_MESSAGING_SERVICE_SID=MGxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# Unset: Twilio's own API. Set only for tests.
# TWILIO_API_BASE_URL=
# Sending limits per sender: text messages per second, and messages with media per second.
TWILIO_RATE_PER_SECOND=10
TWILIO_MEDIA_RATE_PER_SECOND=1
# With TWILIO_MESSAGING_SERVICE_SID: the WhatsApp senders in its pool. Twilio meters each
# sender, so the bot sends at this many times the two rates above (3 senders at 80/s: 240/s).
# Keep it equal to the pool in the Twilio Console. Only 1 with TWILIO_WHATSAPP_FROM.
TWILIO_MESSAGING_SERVICE_SENDERS=1
# Content SIDs of the approved templates, for messages outside WhatsApp's 24-hour window
# (texts and variables in docs/whatsapp.md): REMINDER for h-1 and h, NUDGE for h+2, SUMMARY
# for a PDF that is ready (rekap, monthly report), MISSING for h+7 (the list still missing).
# Unset: such a message outside the window is marked failed (posyandu outbox --failed).
# TWILIO_TEMPLATE_REMINDER_SID=HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# TWILIO_TEMPLATE_NUDGE_SID=HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# TWILIO_TEMPLATE_SUMMARY_SID=HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# TWILIO_TEMPLATE_MISSING_SID=HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# Answer buttons: Content SIDs of twilio/quick-reply templates, one per button count (1 to 3,
# WhatsApp's limit inside the 24-hour window without approval), as <buttons>:<SID> pairs;
# each has body {{1}} and buttons {{2}}..{{N+1}}, id = title (docs/whatsapp.md). A question
# whose answers fit (that many choices, titles of 20 characters at most, text of 1,024 at
# most) gets buttons; otherwise, or unset, the choices are listed "Balas 1 = YA, 2 = BATAL".
"""
_ENV_EXAMPLE += f"# TWILIO_QUICK_REPLY_CONTENT=2:HX{'x' * 32},3:HX{'x' * 32}\n"


class WhatsAppSection(SettingsSection):
    model_config = SettingsConfigDict(env_prefix="TWILIO_")

    env_title: ClassVar[str] = "WhatsApp through Twilio (docs/whatsapp.md)"
    env_example: ClassVar[str] = _ENV_EXAMPLE
    credentials: ClassVar[str] = "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
    banner: ClassVar[str] = "TWILIO_*"

    account_sid: str | None = Field(default=None, pattern=_SID.format("AC"))
    auth_token: SecretStr | None = None
    whatsapp_from: str | None = Field(default=None, pattern=r"^\+[1-9]\d{6,14}$")
    messaging_service_sid: str | None = Field(default=None, pattern=_SID.format("MG"))
    api_base_url: str | None = Field(
        default=None, description="Unset: Twilio's own API. Set only for tests."
    )
    rate_per_second: float = Field(default=10, gt=0, le=1000)
    media_rate_per_second: float = Field(default=1, gt=0, le=1000)
    messaging_service_senders: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="WhatsApp senders in the Messaging Service's pool: the two rates are per "
        "sender, so the service sends at this many times them (1 with TWILIO_WHATSAPP_FROM).",
    )
    template_reminder_sid: str | None = Field(default=None, pattern=_SID.format("HX"))
    template_nudge_sid: str | None = Field(default=None, pattern=_SID.format("HX"))
    template_summary_sid: str | None = Field(default=None, pattern=_SID.format("HX"))
    template_missing_sid: str | None = Field(default=None, pattern=_SID.format("HX"))
    #: Quick-reply buttons (``twilio/quick-reply`` Content Templates), one per button count:
    #: ``2:HX...,3:HX...`` (see :func:`parse_quick_replies`).
    quick_reply_content: str | None = Field(
        default=None,
        description="Content SIDs of twilio/quick-reply templates by button count (2:HX...).",
    )

    @field_validator("whatsapp_from", mode="before")
    @classmethod
    def _without_whatsapp_prefix(cls, value: object) -> object:
        """``whatsapp:+14155238886`` (Twilio's form) and ``+14155238886`` alike."""
        if isinstance(value, str):
            value = value.strip()
            if value.lower().startswith(_WHATSAPP_PREFIX):
                value = value[len(_WHATSAPP_PREFIX) :]
        return value

    @field_validator("quick_reply_content")
    @classmethod
    def _quick_replies(cls, value: str | None) -> str | None:
        parse_quick_replies(value)
        return value

    def quick_replies(self) -> dict[int, str]:
        """The quick-reply templates' Content SIDs by button count (empty: none)."""
        return parse_quick_replies(self.quick_reply_content)

    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token)

    def problems(self, settings: Settings) -> list[str]:
        out: list[str] = []
        twilio = bool(self.account_sid) or self.auth_token is not None
        if twilio and not (self.account_sid and self.auth_token):
            missing = "TWILIO_AUTH_TOKEN" if self.account_sid else "TWILIO_ACCOUNT_SID"
            out.append(f"{missing}: needed with the other Twilio credential")
        if twilio and not settings.public_base_url:
            out.append(
                "PUBLIC_BASE_URL: needed with Twilio credentials (Twilio's signatures are "
                "checked against it and PDFs are sent as links under it)"
            )
        out.extend(self._sender_problems(twilio))
        return out

    def _sender_problems(self, twilio: bool) -> list[str]:
        """Exactly one sender: one number, or a Messaging Service (a pool of numbers)."""
        number, service = self.whatsapp_from, self.messaging_service_sid
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
        if self.messaging_service_senders > 1 and not service:
            return [
                "TWILIO_MESSAGING_SERVICE_SENDERS: only with TWILIO_MESSAGING_SERVICE_SID "
                "(one TWILIO_WHATSAPP_FROM number is one sender)"
            ]
        return []


def template_label(name: str) -> str:
    """How the operator knows a template: its setting (``TWILIO_TEMPLATE_REMINDER_SID``)."""
    return WhatsAppSection.env_name(TEMPLATE_SETTINGS.get(name, f"template_{name}_sid"))


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
    """What the channel opens with, or None when WhatsApp is not configured (no Twilio
    account and token)."""
    s = settings.section(WhatsAppSection)
    if not (s.account_sid and s.auth_token):
        return None
    senders = s.messaging_service_senders if s.messaging_service_sid else 1
    return WhatsAppSettings(
        account_sid=s.account_sid,
        auth_token=s.auth_token.get_secret_value(),
        sender=s.whatsapp_from,
        messaging_service_sid=s.messaging_service_sid,
        api_base_url=s.api_base_url,
        public_base_url=settings.public_base_url or "",
        messages_per_second=s.rate_per_second * senders,
        media_per_second=s.media_rate_per_second * senders,
        templates={name: getattr(s, field) for name, field in TEMPLATE_SETTINGS.items()},
        quick_replies=s.quick_replies(),
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
