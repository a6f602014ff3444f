"""Invitation codes: short, from an unambiguous alphabet, generated with ``secrets``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from storage._times import from_db, to_db
from storage.db import Connection
from storage.people import Role
from storage.sql import Row, fetch_one

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "Invitation",
    "RedeemResult",
    "count_code_failures",
    "create_invitation",
    "invitation_by_code",
    "normalise_code",
    "prune_code_failures",
    "record_code_failure",
    "redeem",
]

#: No 0/O, 1/I/L: codes are read aloud and typed on small phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 possible codes


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    code: str
    role: Role
    posyandu_id: int | None
    area_id: int | None
    uses_left: int
    expires_at: datetime
    created_by: int | None


class RedeemResult(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"


def normalise_code(text: str) -> str:
    """A code as stored: upper case, letters and digits only (what people type between them,
    spaces, dashes, dots, is dropped)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _invitation(row: Row) -> Invitation:
    return Invitation(
        row["id"],
        row["code"],
        Role(row["role"]),
        row["posyandu_id"],
        row["area_id"],
        row["uses_left"],
        from_db(row["expires_at"]),
        row["created_by"],
    )


async def create_invitation(
    tx: Connection,
    role: Role,
    at: datetime,
    *,
    posyandu_id: int | None = None,
    area_id: int | None = None,
    uses: int = 1,
    valid_for: timedelta = timedelta(days=14),
    created_by: int | None = None,
) -> Invitation:
    if (posyandu_id is None) == (area_id is None):
        raise ValueError("an invitation targets either a posyandu or an area")
    if role is Role.KADER and posyandu_id is None:
        raise ValueError("a kader invitation targets a posyandu")
    if role is not Role.KADER and area_id is None:
        raise ValueError("a supervisor invitation targets an area")
    if uses < 1:
        raise ValueError("uses must be at least 1")
    if valid_for <= timedelta(0):
        raise ValueError("an invitation must be valid for some time")
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if await invitation_by_code(tx, code) is None:
            break
    expires = at + valid_for
    rows = await tx.execute_fetchall(
        "INSERT INTO invitations (code, role, posyandu_id, area_id, uses_left, expires_at, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (code, role.value, posyandu_id, area_id, uses, to_db(expires), created_by, to_db(at)),
    )
    return Invitation(
        int(next(iter(rows))[0]), code, role, posyandu_id, area_id, uses, expires, created_by
    )


async def invitation_by_code(conn: Connection, code: str) -> Invitation | None:
    row = await fetch_one(conn, "SELECT * FROM invitations WHERE code = ?", (normalise_code(code),))
    return _invitation(row) if row else None


async def redeem(tx: Connection, code: str, at: datetime) -> tuple[RedeemResult, Invitation | None]:
    """Use one use of ``code`` if it is valid at ``at``, inside the caller's transaction (the
    writer's ``BEGIN IMMEDIATE`` makes check and decrement one atomic step). On success the
    invitation is returned with its remaining uses; a code expires at ``expires_at`` exactly."""
    found = await invitation_by_code(tx, code)
    if found is None:
        return RedeemResult.UNKNOWN, None
    if found.expires_at <= at:
        return RedeemResult.EXPIRED, found
    if found.uses_left <= 0:
        return RedeemResult.USED_UP, found
    cur = await tx.execute(
        "UPDATE invitations SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0",
        (found.id,),
    )
    if cur.rowcount != 1:
        return RedeemResult.USED_UP, found
    return RedeemResult.OK, replace(found, uses_left=found.uses_left - 1)


async def record_code_failure(tx: Connection, channel: str, address: str, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO code_failures (channel, address, at) VALUES (?, ?, ?)",
        (channel, address, to_db(at)),
    )


async def prune_code_failures(tx: Connection, before: datetime) -> int:
    """Forget wrong codes older than ``before`` (the limits look back an hour at most)."""
    cur = await tx.execute("DELETE FROM code_failures WHERE at < ?", (to_db(before),))
    return cur.rowcount


async def count_code_failures(
    conn: Connection, since: datetime, channel: str | None = None, address: str | None = None
) -> int:
    """Wrong codes since ``since``: from one address, or from everyone (the global limit)."""
    sql = "SELECT count(*) FROM code_failures WHERE at >= ?"
    args: list[object] = [to_db(since)]
    if channel is not None and address is not None:
        sql += " AND channel = ? AND address = ?"
        args += [channel, address]
    row = await fetch_one(conn, sql, args)
    return int(row[0]) if row else 0
