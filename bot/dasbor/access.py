"""Getting into the dasbor and staying in scope.

- A one-time link (``DASBOR`` in the chat): ``<base>/dasbor/masuk/<token>``, the token signed
  (HMAC-SHA256, :func:`bot.media.issue_token`) with the dasbor key over the person, a random
  nonce and an expiry :data:`LINK_TTL` after it is sent. The nonce is recorded as it is sent.
  Asking the link (GET, a chat app's preview) spends nothing: it shows a page with one button,
  whose POST opens the link (marks the nonce used: a second opening is refused) and starts a
  session. ``KELUAR DASBOR`` and a key rotation void the links sent and not yet opened.
- The dasbor key: ``DASBOR_SECRET``; unset, a key made once and kept in the database
  (:mod:`storage.keys`), so that every process of a deployment signs and accepts the same
  links and a restart keeps them; ``posyandu dasbor rotate-key`` replaces it
  (:func:`rotate_key`).
- A session: a random cookie value (:data:`COOKIE`) of which only the SHA-256 is stored, with
  its CSRF token; :data:`SESSION_TTL` long, revoked by the page's logout or ``KELUAR DASBOR``.
- A :class:`Scope`: what the person may see, exactly as in the chat: a supervisor or admin the
  subtree of their area, a kader their own posyandu. Children's names (the register, issue
  26; docs/privacy.md) only the posyandu's kader and the supervisors of its desa: above desa
  level, counts only (:meth:`Scope.sees_names`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.media import issue_token, verify_token
from scoring.clock import Clock
from storage import Connection, Database
from storage import dasbor as dasbor_db
from storage import keys as keys_db
from storage.areas import Area, Level, area_by_id
from storage.people import Person, person_by_id
from storage.posyandu import Posyandu

__all__ = [
    "COOKIE",
    "KEY_NAME",
    "LINK_TTL",
    "SESSION_TTL",
    "Access",
    "LinkRefused",
    "Rotated",
    "Scope",
    "Visitor",
    "rotate_key",
]

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(days=7)
COOKIE = "dasbor_sesi"
#: The name of the dasbor's key among the service's kept keys (:mod:`storage.keys`).
KEY_NAME = "dasbor"
_KIND = "dasbor"


def _new_key() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Rotated:
    """What a key rotation voided."""

    links: int
    sessions: int


async def rotate_key(db: Database, now: datetime) -> Rotated:
    """A new dasbor key in the database; every link sent and not yet opened is voided and every
    session revoked (in one transaction)."""
    async with db.transaction() as tx:
        await keys_db.replace_key(tx, KEY_NAME, _new_key(), now)
        links = await dasbor_db.void_links(tx, None, now)
        sessions = await dasbor_db.revoke_all(tx, now)
    return Rotated(links, sessions)


class LinkRefused(Enum):
    """Why a link does not open (each has its page)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    #: Voided before it was opened (KELUAR DASBOR, a key rotation).
    VOIDED = "voided"


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

    def sees_names(self, posyandu: Posyandu) -> bool:
        """Whether the children's names of ``posyandu`` may be shown: its own kader, or a
        supervisor (or admin) whose area is its desa. Above desa level: counts only."""
        if self.area is None:
            return posyandu.id == self.person.posyandu_id
        return self.area.level is Level.DESA and self.sees_posyandu(posyandu)


@dataclass(frozen=True, slots=True)
class Visitor:
    """A browser with a live session."""

    scope: Scope
    csrf: str
    token_hash: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class _Grant:
    person_id: int
    nonce: str


@dataclass
class Access:
    db: Database
    clock: Clock
    #: The public base URL of the HTTP app (``PUBLIC_BASE_URL``, or the local address).
    base_url: Callable[[], str]
    #: ``DASBOR_SECRET``; None: the key kept in the database (made by the first link).
    explicit_key: bytes | None = None

    async def _key(self, conn: Connection, *, make: bool) -> bytes | None:
        if self.explicit_key is not None:
            return self.explicit_key
        kept = (
            await keys_db.shared_key(conn, KEY_NAME, _new_key(), self.clock.now())
            if make
            else await keys_db.key_of(conn, KEY_NAME)
        )
        return None if kept is None else kept.encode()

    async def issue(self, person_id: int) -> str:
        """A fresh one-time link for ``person_id``, recorded as sent."""
        now = self.clock.now()
        expires = now + LINK_TTL
        nonce = secrets.token_urlsafe(12)
        async with self.db.transaction() as tx:
            key = await self._key(tx, make=True)
            assert key is not None
            await dasbor_db.prune(tx, now)
            await dasbor_db.record_link(tx, nonce, person_id, now, expires)
        token = issue_token(_KIND, {"p": person_id, "n": nonce}, expires, key)
        return f"{self.base_url().rstrip('/')}/dasbor/masuk/{token}"

    async def _grant(self, conn: Connection, token: str) -> _Grant | LinkRefused:
        """What a link grants, if it can still be opened (read only: nothing is spent)."""
        key = await self._key(conn, make=False)
        grant = verify_token(token, key) if key is not None else None
        person_id = grant.params.get("p") if grant and grant.kind == _KIND else None
        nonce = grant.params.get("n") if grant else None
        if grant is None or not isinstance(person_id, int) or not isinstance(nonce, str):
            return LinkRefused.UNKNOWN
        if self.clock.now().timestamp() >= grant.expires_at:
            return LinkRefused.EXPIRED
        sent = await dasbor_db.sent_link(conn, nonce)
        if sent is None or sent.person_id != person_id:
            return LinkRefused.UNKNOWN
        if sent.used:
            return LinkRefused.USED
        if sent.voided:
            return LinkRefused.VOIDED
        return _Grant(person_id, nonce)

    async def check_link(self, token: str) -> Person | LinkRefused:
        """Whose a link is, if it can still be opened; else why not. Nothing is spent (a GET
        or HEAD of the link, a chat app's preview)."""
        async with self.db.read() as conn:
            grant = await self._grant(conn, token)
            if isinstance(grant, LinkRefused):
                return grant
            person = await person_by_id(conn, grant.person_id)
        return LinkRefused.UNKNOWN if person is None else person

    async def open_link(self, token: str) -> tuple[str, Visitor] | LinkRefused:
        """The cookie value and visitor of a new session for a link that can still be opened
        (it is spent); else why it is refused."""
        cookie = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            grant = await self._grant(tx, token)
            if isinstance(grant, LinkRefused):
                return grant
            person = await person_by_id(tx, grant.person_id)
            if person is None:
                return LinkRefused.UNKNOWN
            if not await dasbor_db.use_link(tx, grant.nonce, now):
                return LinkRefused.USED
            await dasbor_db.prune(tx, now)
            await dasbor_db.create_session(
                tx, _hash(cookie), person.id, csrf, now, now + SESSION_TTL
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
