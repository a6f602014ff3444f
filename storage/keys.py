"""Keys the service makes once and every process of a deployment shares, by name (the
dasbor's link key when ``DASBOR_SECRET`` is unset).

The first process that needs a key makes one; two making it at once end with one key: the
insert does nothing when the name is already there, and both read back what was kept."""

from __future__ import annotations

from datetime import datetime

from storage._times import to_db
from storage.db import Connection
from storage.sql import fetch_one

__all__ = ["key_of", "replace_key", "shared_key"]


async def key_of(conn: Connection, name: str) -> str | None:
    """The key kept under ``name``, or None when none was made yet."""
    row = await fetch_one(conn, "SELECT secret FROM service_keys WHERE name = ?", (name,))
    return None if row is None else str(row[0])


async def shared_key(tx: Connection, name: str, candidate: str, at: datetime) -> str:
    """The key kept under ``name``; when there is none yet, ``candidate`` is kept and returned
    (unless another process kept its own first: then that one)."""
    found = await key_of(tx, name)
    if found is not None:
        return found
    await tx.execute(
        "INSERT INTO service_keys (name, secret, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO NOTHING",
        (name, candidate, to_db(at)),
    )
    kept = await key_of(tx, name)
    assert kept is not None
    return kept


async def replace_key(tx: Connection, name: str, secret: str, at: datetime) -> None:
    """Keep ``secret`` under ``name`` in place of any key kept before."""
    await tx.execute(
        "INSERT INTO service_keys (name, secret, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET secret = excluded.secret,"
        " created_at = excluded.created_at",
        (name, secret, to_db(at)),
    )
