"""Signed, expiring media tokens: ``/media/<token>.pdf`` serves a rendered document only to
whoever holds a token this service issued, until it expires.

A token is ``<payload>.<signature>`` in URL-safe base64: the payload is the document spec and
its expiry as compact JSON; the signature is HMAC-SHA256 over the payload with the media key.
Nothing is listable and, without the key, nothing is guessable or forgeable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["MediaGrant", "issue_token", "read_token"]


@dataclass(frozen=True, slots=True)
class MediaGrant:
    kind: str
    params: dict[str, Any]
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def issue_token(kind: str, params: dict[str, Any], expires_at: datetime, key: bytes) -> str:
    body = json.dumps(
        {"k": kind, "p": params, "e": int(expires_at.timestamp())},
        separators=(",", ":"),
        sort_keys=True,
    )
    payload = _b64(body.encode("utf-8"))
    return f"{payload}.{_sign(payload, key)}"


def read_token(token: str, now: datetime, key: bytes) -> MediaGrant | None:
    """The grant in ``token``, or None when it is malformed, forged or expired."""
    payload, sep, signature = token.partition(".")
    if not sep or not payload or not signature or len(token) > 2048:
        return None
    if not hmac.compare_digest(_sign(payload, key), signature):
        return None
    try:
        data = json.loads(_unb64(payload))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    kind, params, expires = data.get("k"), data.get("p"), data.get("e")
    if not isinstance(kind, str) or not isinstance(params, dict) or not isinstance(expires, int):
        return None
    if now.timestamp() >= expires:
        return None
    return MediaGrant(kind, params, expires)
