"""The dasbor's server-side state: one-time links already used, and browser sessions.

A link's nonce is recorded when the link is opened (a second opening finds it and is refused).
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
    "create_session",
    "prune",
    "revoke_person",
    "revoke_session",
    "session_by_hash",
    "use_link",
]


@dataclass(frozen=True, slots=True)
class DasborSession:
    token_hash: str
    person_id: int
    csrf: str
    created_at: datetime
    expires_at: datetime
    revoked: bool


async def use_link(
    tx: Connection, nonce: str, person_id: int, at: datetime, expires_at: datetime
) -> bool:
    """Record the link ``nonce`` as used; False when it already was. (``ON CONFLICT``, not an
    error caught: on PostgreSQL an error would end the transaction.)"""
    row = await fetch_one(
        tx,
        "INSERT INTO dasbor_links_used (nonce, person_id, used_at, expires_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
        (nonce, person_id, to_db(at), to_db(expires_at)),
    )
    return row is not None


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


async def prune(tx: Connection, now: datetime) -> None:
    """Forget used links and sessions that have expired (both are refused by then anyway)."""
    await tx.execute("DELETE FROM dasbor_links_used WHERE expires_at < ?", (to_db(now),))
    await tx.execute("DELETE FROM dasbor_sessions WHERE expires_at < ?", (to_db(now),))
