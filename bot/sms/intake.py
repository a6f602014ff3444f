"""The SMS gateway's webhooks: the signature check and what a call says.

The app signs every webhook (Settings > Webhooks > Signing Key): ``X-Signature`` is the hex
HMAC-SHA256, under the signing key, of the raw body followed by ``X-Timestamp`` (Unix
seconds). A call whose signature does not match is forged; one whose timestamp is further than
``SMS_WEBHOOK_MAX_AGE_SECONDS`` from now is old (a replay) and refused too.

The body is ``{"event", "payload", "id", "deviceId", "webhookId"}``. ``sms:received`` carries
``message``, ``phoneNumber``, ``receivedAt`` and ``messageId``; the app's ``messageId`` is made
from the content and is not unique (two "YA" from one person may share it), and the app
delivers a webhook again when it got no answer: so a message is known by its sender, the
time it was received and its text (:func:`dedupe_key`), recorded in the inbound table as
every channel's message ids are. ``sms:sent`` / ``sms:delivered`` / ``sms:failed`` carry the
``messageId`` the send returned (the outbox row's external id) and, when failed, a
``reason``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "RECEIPTS",
    "Receipt",
    "SmsText",
    "dedupe_key",
    "normalise_number",
    "parse_event",
    "signature_ok",
]

#: The delivery events, as the outbox's delivery status.
RECEIPTS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}
_E164 = re.compile(r"\+[1-9]\d{6,14}")
#: The longest failure reason kept on the outbox row.
REASON_CHARS = 200


@dataclass(frozen=True, slots=True)
class SmsText:
    #: The sender in E.164 (``+6281234567890``).
    sender: str
    text: str
    received_at: datetime
    #: What the message is known by in the inbound table.
    key: str


@dataclass(frozen=True, slots=True)
class Receipt:
    message_id: str
    status: str
    reason: str | None


def signature_ok(key: str, body: bytes, timestamp: str, signature: str) -> bool:
    """``signature`` is the hex HMAC-SHA256 of ``body`` + ``timestamp`` under ``key``."""
    if not key or not signature or not timestamp:
        return False
    expected = hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def fresh(timestamp: str, now: datetime, max_age_seconds: int) -> bool:
    """Whether ``timestamp`` (Unix seconds) is within ``max_age_seconds`` of ``now``."""
    try:
        at = int(timestamp)
    except ValueError:
        return False
    return abs(now.timestamp() - at) <= max_age_seconds


def normalise_number(value: str, country_code: str) -> str | None:
    """``+62 812-3456-7890``, ``6281234567890`` or ``081234567890`` -> ``+6281234567890``;
    None when it is not a phone number (a carrier's name, a short code)."""
    number = re.sub(r"[\s().-]", "", value)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = f"+{country_code}{number[1:]}"
    elif not number.startswith("+"):
        number = "+" + number
    return number if _E164.fullmatch(number) else None


def dedupe_key(sender: str, received_at: datetime, text: str) -> str:
    """The message's id in the inbound table: its sender, time and text (the app's own
    ``messageId`` is not unique)."""
    when = received_at.astimezone(UTC).isoformat()
    digest = hashlib.sha256(f"{sender}\n{when}\n{text}".encode()).hexdigest()
    return f"sms-{digest[:40]}"


def _received_at(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("receivedAt missing")
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError("receivedAt has no offset")
    return at


def parse_event(body: bytes, country_code: str) -> SmsText | Receipt | None:
    """What a signed call says: a message, a delivery receipt, or None (another event, or a
    message not from a phone number); ``ValueError`` naming what is malformed."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        raise ValueError("body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise ValueError("event and payload needed")
    event, payload = data.get("event"), data["payload"]
    if event in RECEIPTS:
        message_id = payload.get("messageId")
        if not isinstance(message_id, str) or not message_id:
            raise ValueError("messageId missing")
        reason = payload.get("reason")
        reason = str(reason)[:REASON_CHARS] if reason else None
        return Receipt(message_id, RECEIPTS[event], reason)
    if event != "sms:received":
        return None
    text, number = payload.get("message"), payload.get("phoneNumber")
    if not isinstance(text, str) or not isinstance(number, str):
        raise ValueError("message and phoneNumber needed")
    received_at = _received_at(payload.get("receivedAt"))
    sender = normalise_number(number, country_code)
    if sender is None:
        return None
    return SmsText(sender, text, received_at, dedupe_key(sender, received_at, text))
