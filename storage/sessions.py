"""Conversation sessions, one per (channel, address): flow, step, answers so far, expiry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage._times import from_db, to_db
from storage.db import Connection
from storage.sql import Row, fetch_one, prefixed_columns

__all__ = [
    "StoredSession",
    "delete_session",
    "get_session",
    "prune_sessions",
    "save_session",
    "session_columns",
    "session_from_row",
]

_COLUMNS = "channel, address, flow, step, answers, started_at, updated_at, expires_at"


@dataclass(frozen=True, slots=True)
class StoredSession:
    channel: str
    address: str
    flow: str
    step: str
    answers: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    expires_at: datetime


async def get_session(conn: Connection, channel: str, address: str) -> StoredSession | None:
    sql = f"SELECT {_COLUMNS} FROM sessions WHERE channel = ? AND address = ?"
    row = await fetch_one(conn, sql, (channel, address))
    return session_from_row(row, "") if row is not None else None


def session_columns(table: str, prefix: str) -> str:
    """The session columns of ``table`` (an alias in a join), each named ``prefix`` + column:
    a row of them is read by :func:`session_from_row`."""
    return prefixed_columns(_COLUMNS, table, prefix)


def session_from_row(row: Row, prefix: str) -> StoredSession | None:
    """The session of a row (None when a join found none)."""
    if row[f"{prefix}channel"] is None:
        return None
    return StoredSession(
        row[f"{prefix}channel"],
        row[f"{prefix}address"],
        row[f"{prefix}flow"],
        row[f"{prefix}step"],
        json.loads(row[f"{prefix}answers"]),
        from_db(row[f"{prefix}started_at"]),
        from_db(row[f"{prefix}updated_at"]),
        from_db(row[f"{prefix}expires_at"]),
    )


async def save_session(tx: Connection, session: StoredSession) -> None:
    await tx.execute(
        "INSERT INTO sessions (channel, address, flow, step, answers, started_at, updated_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO UPDATE "
        "SET flow = excluded.flow, step = excluded.step, answers = excluded.answers, "
        "started_at = excluded.started_at, updated_at = excluded.updated_at, "
        "expires_at = excluded.expires_at",
        (
            session.channel,
            session.address,
            session.flow,
            session.step,
            json.dumps(session.answers, ensure_ascii=False, sort_keys=True),
            to_db(session.started_at),
            to_db(session.updated_at),
            to_db(session.expires_at),
        ),
    )


async def delete_session(tx: Connection, channel: str, address: str) -> None:
    await tx.execute("DELETE FROM sessions WHERE channel = ? AND address = ?", (channel, address))


async def prune_sessions(tx: Connection, now: datetime) -> int:
    """Drop the sessions whose expiry has come (``expires_at <= now``); returns how many.

    The engine sets ``expires_at`` past the time its step would forget the session anyway (a
    half-done report: until its month can no longer be reported, and longer), so nothing a
    conversation still needs is dropped."""
    cur = await tx.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_db(now),))
    return cur.rowcount
