"""Signed, expiring media tokens: ``/media/<token>.pdf`` serves a rendered document only to
whoever holds a token this service issued, until it expires.

A token is ``<payload>.<signature>`` in URL-safe base64: the payload is the document spec and
its expiry as compact JSON; the signature is HMAC-SHA256 over the payload with the media key.
Nothing is listable and, without the key, nothing is guessable or forgeable.

:class:`MediaLinks` is what the service keeps: the store, the key, the lifetime and the public
URL; it issues links (for channels that send documents as links), serves them and prunes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels import OutgoingDocument
from scoring.clock import Clock

__all__ = [
    "PRIVATE_TTL",
    "MediaGrant",
    "MediaLinks",
    "MediaStore",
    "issue_token",
    "media_key",
    "media_route",
    "read_token",
    "verify_token",
]


#: The folder of private documents (a child's name on them), each given once.
ONCE = "once"
#: The longest a private document's link lives (Twilio fetches a message's media as it
#: sends it, in seconds).
PRIVATE_TTL = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class MediaGrant:
    kind: str
    params: dict[str, Any]
    expires_at: int


_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


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
    grant = verify_token(token, key)
    if grant is None or now.timestamp() >= grant.expires_at:
        return None
    return grant


def verify_token(token: str, key: bytes) -> MediaGrant | None:
    """The grant in ``token`` whatever its expiry, or None when it is malformed or forged
    (the dasbor tells an expired link from a forged one)."""
    if len(token) > 2048 or not _TOKEN.fullmatch(token):
        return None
    payload, _sep, signature = token.partition(".")
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
    return MediaGrant(kind, params, expires)


class MediaStore:
    """Rendered documents kept on disk for Twilio to fetch, by content hash.

    A file's modification time is when a token for it was last issued (``put`` sets it to the
    clock's time, also when the same content is put again), so :meth:`prune` with
    ``now - TTL`` removes only files whose every token has expired."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, content: bytes, at: datetime) -> str:
        key = hashlib.sha256(content).hexdigest()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{key}.pdf"
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(content)
            tmp.replace(path)
        os.utime(path, (at.timestamp(), at.timestamp()))
        return key

    def get(self, key: str) -> bytes | None:
        if not re.fullmatch(r"[0-9a-f]{64}", key):
            return None
        path = self.directory / f"{key}.pdf"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def put_once(self, content: bytes, at: datetime) -> str:
        """Keep a private document (a child's name on it) under a random name, in
        ``once/``: :meth:`take` gives it once and deletes it; :meth:`prune` removes it
        unfetched after the short lifetime of its link."""
        key = secrets.token_hex(32)
        folder = self.directory / ONCE
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{key}.part"
        tmp.write_bytes(content)
        tmp.replace(folder / f"{key}.pdf")
        os.utime(folder / f"{key}.pdf", (at.timestamp(), at.timestamp()))
        return key

    def take(self, key: str) -> bytes | None:
        """A private document, deleted as it is read (None: unknown or taken already)."""
        if not re.fullmatch(r"[0-9a-f]{64}", key):
            return None
        path = self.directory / ONCE / f"{key}.pdf"
        try:
            content = path.read_bytes()
            path.unlink()
        except FileNotFoundError:
            return None
        return content

    def prune(self, older_than: datetime, private_older_than: datetime | None = None) -> int:
        """Delete files last put before ``older_than`` (their tokens have expired), private
        ones never fetched put before ``private_older_than`` (default ``older_than``), and
        half-written ones a crash left; the number removed."""
        removed = 0
        if not self.directory.exists():
            return 0
        cutoff = older_than.timestamp()
        once = self.directory / ONCE
        private_cutoff = (private_older_than or older_than).timestamp()
        for path in [*once.glob("*.pdf"), *once.glob("*.part")]:
            try:
                if path.stat().st_mtime < private_cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        for path in [*self.directory.glob("*.pdf"), *self.directory.glob("*.part")]:
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def media_route(store: MediaStore, key: bytes, now: Callable[[], datetime]) -> Route:
    """``GET /media/<token>.pdf``: the document under a valid, unexpired token; else 404."""

    async def serve(request: Request) -> Response:
        token = str(request.path_params.get("token", ""))
        grant = read_token(token, now(), key)
        digest = grant.params.get("key") if grant and grant.kind == "media" else None
        once = grant is not None and grant.params.get("once") is True
        content = None
        if isinstance(digest, str):
            content = store.take(digest) if once else store.get(digest)
        if content is None:
            return PlainTextResponse("not found", status_code=404)
        name = str(grant.params.get("name", "laporan.pdf")) if grant else "laporan.pdf"
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        return Response(
            content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{safe}"',
                "Cache-Control": "private, no-store",
            },
        )

    return Route("/media/{token}.pdf", serve, methods=["GET"])


def media_key(signing_key: str | None, secrets: Sequence[str | None]) -> bytes:
    """``MEDIA_SIGNING_KEY``, or when unset a key derived from the channels' secrets."""
    if signing_key is not None:
        return signing_key.encode()
    seed = "|".join(value if value is not None else "" for value in secrets)
    return hashlib.sha256(b"posyandu-media|" + seed.encode()).digest()


class MediaLinks:
    """Rendered documents behind signed links that expire after ``ttl``."""

    def __init__(
        self, store: MediaStore, key: bytes, ttl: timedelta, public_base_url: str, clock: Clock
    ) -> None:
        self.store = store
        self.key = key
        self.ttl = ttl
        self.base = public_base_url.rstrip("/")
        self.clock = clock

    async def url(self, document: OutgoingDocument) -> str:
        """Keep ``document`` and give its link: ``PUBLIC_BASE_URL/media/<token>.pdf``. A
        private document (a child's name on it) is kept until its first fetch, under a link
        of :data:`PRIVATE_TTL` at most (docs/privacy.md: never kept past its delivery)."""
        now = self.clock.now()
        if document.private:
            key = await asyncio.to_thread(self.store.put_once, document.content, now)
            params: dict[str, Any] = {"key": key, "name": document.filename, "once": True}
            expires = now + min(self.ttl, PRIVATE_TTL)
        else:
            key = await asyncio.to_thread(self.store.put, document.content, now)
            params = {"key": key, "name": document.filename}
            expires = now + self.ttl
        token = issue_token("media", params, expires, self.key)
        return f"{self.base}/media/{token}.pdf"

    def route(self) -> Route:
        return media_route(self.store, self.key, self.clock.now)

    def prune(self, now: datetime) -> int:
        """Delete the documents whose every link has expired; the number removed."""
        return self.store.prune(now - self.ttl, now - min(self.ttl, PRIVATE_TTL))
