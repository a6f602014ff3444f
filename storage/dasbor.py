"""The dasbor's server-side state: the one-time links sent, and browser sessions.

A link's nonce is recorded when the link is sent, marked when it is opened (a second opening
finds it used and is refused) or voided (KELUAR DASBOR, a key rotation) before that.
A session is stored by the SHA-256 of its cookie value (the cookie itself is never stored), with
its CSRF token, its expiry and, once revoked (KELUAR DASBOR, or the page's logout), when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage._times import from_db, to_db
from storage.db import Connection
from storage.sql import fetch_one

__all__ = [
    "DasborSession",
    "SentLink",
    "create_session",
    "prune",
    "record_link",
    "revoke_all",
    "revoke_person",
    "revoke_session",
    "sent_link",
    "session_by_hash",
    "use_link",
    "void_links",
]


@dataclass(frozen=True, slots=True)
class DasborSession:
    token_hash: str
    person_id: int
    csrf: str
    created_at: datetime
    expires_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class SentLink:
    """A one-time link as it was sent: whose, until when, and whether it was used or voided."""

    person_id: int
    expires_at: datetime
    used: bool
    voided: bool


async def record_link(
    tx: Connection, nonce: str, person_id: int, at: datetime, expires_at: datetime
) -> None:
    """A link with ``nonce`` is being sent to ``person_id`` (it is accepted only once this row
    is here)."""
    await tx.execute(
        "INSERT INTO dasbor_links (nonce, person_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
        (nonce, person_id, to_db(at), to_db(expires_at)),
    )


async def sent_link(conn: Connection, nonce: str) -> SentLink | None:
    row = await fetch_one(
        conn,
        "SELECT person_id, expires_at, used_at, voided_at FROM dasbor_links WHERE nonce = ?",
        (nonce,),
    )
    if row is None:
        return None
    return SentLink(int(row[0]), from_db(row[1]), row[2] is not None, row[3] is not None)


async def use_link(tx: Connection, nonce: str, at: datetime) -> bool:
    """Mark the link ``nonce`` used; False when it is not there, already used or voided (one
    conditional update: of two openings at once, one wins)."""
    cur = await tx.execute(
        "UPDATE dasbor_links SET used_at = ?"
        " WHERE nonce = ? AND used_at IS NULL AND voided_at IS NULL",
        (to_db(at), nonce),
    )
    return int(cur.rowcount or 0) == 1


async def void_links(tx: Connection, person_id: int | None, at: datetime) -> int:
    """Void the links sent and not yet used, of ``person_id`` (None: everyone's); how many."""
    sql = "UPDATE dasbor_links SET voided_at = ? WHERE used_at IS NULL AND voided_at IS NULL"
    params: tuple[object, ...] = (to_db(at),)
    if person_id is not None:
        sql += " AND person_id = ?"
        params += (person_id,)
    cur = await tx.execute(sql, params)
    return int(cur.rowcount or 0)


async def create_session(
    tx: Connection, token_hash: str, person_id: int, csrf: str, at: datetime, expires_at: datetime
) -> None:
    await tx.execute(
        "INSERT INTO dasbor_sessions (token_hash, person_id, csrf, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (token_hash, person_id, csrf, to_db(at), to_db(expires_at)),
    )


async def session_by_hash(conn: Connection, token_hash: str) -> DasborSession | None:
    row = await fetch_one(
        conn,
        "SELECT token_hash, person_id, csrf, created_at, expires_at, revoked_at"
        " FROM dasbor_sessions WHERE token_hash = ?",
        (token_hash,),
    )
    if row is None:
        return None
    return DasborSession(
        row[0], int(row[1]), row[2], from_db(row[3]), from_db(row[4]), row[5] is not None
    )


async def revoke_session(tx: Connection, token_hash: str, at: datetime) -> None:
    await tx.execute(
        "UPDATE dasbor_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        (to_db(at), token_hash),
    )


async def revoke_person(tx: Connection, person_id: int, at: datetime) -> int:
    """Revoke every open session of ``person_id``; how many there were."""
    cur = await tx.execute(
        "UPDATE dasbor_sessions SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL",
        (to_db(at), person_id),
    )
    return int(cur.rowcount or 0)


async def revoke_all(tx: Connection, at: datetime) -> int:
    """Revoke every open session of everyone (a key rotation); how many there were."""
    cur = await tx.execute(
        "UPDATE dasbor_sessions SET revoked_at = ? WHERE revoked_at IS NULL", (to_db(at),)
    )
    return int(cur.rowcount or 0)


async def prune(tx: Connection, now: datetime) -> None:
    """Forget links and sessions that have expired (both are refused by then anyway)."""
    await tx.execute("DELETE FROM dasbor_links WHERE expires_at < ?", (to_db(now),))
    await tx.execute("DELETE FROM dasbor_sessions WHERE expires_at < ?", (to_db(now),))
