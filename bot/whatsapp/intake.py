"""Twilio's WhatsApp webhook: signature check and normalisation of the form fields (a tapped
quick-reply button reads as its text)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from twilio.request_validator import RequestValidator

__all__ = ["NotWhatsApp", "WhatsAppText", "normalise_number", "parse_form", "signature_ok"]

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: How Twilio writes a WhatsApp address; an SMS to the same URL has a bare number instead.
_PREFIX = "whatsapp:"


class NotWhatsApp(ValueError):
    """A message whose ``From`` is not a WhatsApp address: an SMS routed to the same Twilio
    URL, whose caller ID can be forged. It is nobody's WhatsApp identity; ``sender`` is the
    ``From`` as given."""

    def __init__(self, sender: str) -> None:
        super().__init__("From is not a WhatsApp address")
        self.sender = sender


@dataclass(frozen=True, slots=True)
class WhatsAppText:
    message_sid: str
    #: The sender in E.164 (``+6281234567890``).
    sender: str
    text: str
    media_count: int


def normalise_number(value: str) -> str | None:
    """``whatsapp:+62 812-3456-7890`` -> ``+6281234567890``; None when not a phone number."""
    number = value.strip()
    if number.lower().startswith(_PREFIX):
        number = number[len(_PREFIX) :]
    number = re.sub(r"[\s().-]", "", number)
    return number if _E164.match(number) else None


def signature_ok(auth_token: str, url: str, form: Mapping[str, str], signature: str) -> bool:
    """X-Twilio-Signature checked with twilio's own validator against the public URL."""
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(form), signature))


def parse_form(form: Mapping[str, str]) -> WhatsAppText:
    """The message in a webhook form; :class:`NotWhatsApp` when it did not come by WhatsApp,
    ``ValueError`` naming what is missing or malformed otherwise."""
    given = form.get("From", "")
    if not given.strip().lower().startswith(_PREFIX):
        raise NotWhatsApp(given)
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not re.fullmatch(r"[A-Z]{2}[0-9a-fA-F]{32}", sid):
        raise ValueError("MessageSid missing or malformed")
    sender = normalise_number(form.get("From", ""))
    if sender is None:
        raise ValueError("From is not a WhatsApp number")
    try:
        media = int(form.get("NumMedia", "0") or 0)
    except ValueError:
        media = 0
    return WhatsAppText(sid, sender, _said(form), media)


def _said(form: Mapping[str, str]) -> str:
    """What the person said: a tapped quick-reply button as its title (``ButtonText``, what
    the person saw and WhatsApp shows as their message), else its id (``ButtonPayload``: ours
    are the title too), else the typed ``Body``. Never the button's position, which a count
    question would read as a count."""
    for name in ("ButtonText", "ButtonPayload", "Body"):
        value = form.get(name, "")
        if value.strip():
            return value
    return form.get("Body", "")
