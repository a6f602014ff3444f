"""Small query helpers: each is one round trip to aiosqlite's worker thread.

``async with conn.execute(...) as cur: await cur.fetchone()`` costs three hops (execute,
fetch, close); under load every hop is a thread hand-off while the single writer waits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiosqlite import Connection

__all__ = ["fetch_one"]


async def fetch_one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> Any:
    """The first row of ``sql`` (a ``sqlite3.Row`` with the store's row factory), or None."""
    rows = await conn.execute_fetchall(sql, tuple(params))
    for row in rows:
        return row
    return None
