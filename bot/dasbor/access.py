"""Getting into the dasbor and staying in scope.

- A one-time link (``DASBOR`` in the chat): ``<base>/dasbor/masuk/<token>``, the token signed
  (HMAC-SHA256, :func:`bot.media.issue_token`) with the dasbor key over the person, a random
  nonce and an expiry :data:`LINK_TTL` after it is sent. Opening it records the nonce (a
  second opening is refused) and starts a session.
- A session: a random cookie value (:data:`COOKIE`) of which only the SHA-256 is stored, with
  its CSRF token; :data:`SESSION_TTL` long, revoked by the page's logout or ``KELUAR DASBOR``.
- A :class:`Scope`: what the person may see, exactly as in the chat: a supervisor or admin the
  subtree of their area, a kader their own posyandu.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from bot.media import issue_token, verify_token
from scoring.clock import Clock
from storage import Connection, Database
from storage import dasbor as dasbor_db
from storage.areas import Area, area_by_id
from storage.people import Person, person_by_id
from storage.posyandu import Posyandu

__all__ = [
    "COOKIE",
    "LINK_TTL",
    "SESSION_TTL",
    "Access",
    "LinkRefused",
    "Scope",
    "Visitor",
    "dasbor_key",
]

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(days=7)
COOKIE = "dasbor_sesi"
_KIND = "dasbor"


def dasbor_key(explicit: str | None, secrets_: Sequence[str | None]) -> bytes:
    """``DASBOR_SECRET``; unset, a key derived from the service's other secrets; with none at
    all (the console demo), a random key of this process (its links die with it)."""
    if explicit is not None:
        return explicit.encode()
    known = [value for value in secrets_ if value]
    if not known:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"posyandu-dasbor|" + "|".join(known).encode()).digest()


class LinkRefused(Enum):
    """Why a link does not open (each has its page)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a person may see: a supervisor's or admin's area (its whole subtree), or a kader's
    own posyandu."""

    person: Person
    area: Area | None

    def sees_area(self, area: Area) -> bool:
        return self.area is not None and area.path.startswith(self.area.path)

    def sees_posyandu(self, posyandu: Posyandu) -> bool:
        if self.area is None:
            return posyandu.id == self.person.posyandu_id
        return posyandu.active and posyandu.area_path.startswith(self.area.path)


@dataclass(frozen=True, slots=True)
class Visitor:
    """A browser with a live session."""

    scope: Scope
    csrf: str
    token_hash: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


@dataclass
class Access:
    db: Database
    key: bytes
    clock: Clock
    #: The public base URL of the HTTP app (``PUBLIC_BASE_URL``, or the local address).
    base_url: Callable[[], str]

    def issue(self, person_id: int) -> str:
        """A fresh one-time link for ``person_id``."""
        expires = self.clock.now() + LINK_TTL
        params = {"p": person_id, "n": secrets.token_urlsafe(12)}
        token = issue_token(_KIND, params, expires, self.key)
        return f"{self.base_url().rstrip('/')}/dasbor/masuk/{token}"

    async def open_link(self, token: str) -> tuple[str, Visitor] | LinkRefused:
        """The cookie value and visitor of a new session for a valid, unused link; else why
        it is refused. The link is spent either way once it was valid."""
        grant = verify_token(token, self.key)
        person_id = grant.params.get("p") if grant and grant.kind == _KIND else None
        nonce = grant.params.get("n") if grant else None
        if grant is None or not isinstance(person_id, int) or not isinstance(nonce, str):
            return LinkRefused.UNKNOWN
        now = self.clock.now()
        if now.timestamp() >= grant.expires_at:
            return LinkRefused.EXPIRED
        cookie = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = datetime.fromtimestamp(grant.expires_at, UTC)
        async with self.db.transaction() as tx:
            person = await person_by_id(tx, person_id)
            if person is None:
                return LinkRefused.UNKNOWN
            if not await dasbor_db.use_link(tx, nonce, person_id, now, expires):
                return LinkRefused.USED
            await dasbor_db.prune(tx, now)
            await dasbor_db.create_session(
                tx, _hash(cookie), person_id, csrf, now, now + SESSION_TTL
            )
            scope = await _scope(tx, person)
        return cookie, Visitor(scope, csrf, _hash(cookie))

    async def visitor(self, cookie: str | None) -> Visitor | None:
        """The live session a cookie holds, with the person's scope as it is now."""
        if not cookie or len(cookie) > 200:
            return None
        token_hash = _hash(cookie)
        async with self.db.read() as conn:
            found = await dasbor_db.session_by_hash(conn, token_hash)
            if found is None or found.revoked or found.expires_at <= self.clock.now():
                return None
            person = await person_by_id(conn, found.person_id)
            if person is None:
                return None
            scope = await _scope(conn, person)
        return Visitor(scope, found.csrf, token_hash)

    async def logout(self, visitor: Visitor) -> None:
        async with self.db.transaction() as tx:
            await dasbor_db.revoke_session(tx, visitor.token_hash, self.clock.now())


def csrf_ok(visitor: Visitor, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(visitor.csrf, sent)


async def _scope(conn: Connection, person: Person) -> Scope:
    if person.role.sees_area and person.area_id is not None:
        return Scope(person, await area_by_id(conn, person.area_id))
    if person.role.sees_area:
        # A supervisor without an area sees nothing (as in the chat: role.no_area).
        return Scope(Person(person.id, person.name, person.role), None)
    return Scope(person, None)
