"""Inbound dedupe: a channel's message id seen once is never handled again while it is kept
(``INBOUND_KEEP_DAYS``, 35 by default)."""

from __future__ import annotations

from datetime import datetime

from storage._times import to_db
from storage.db import Connection

__all__ = ["prune_inbound", "record_inbound"]


async def record_inbound(tx: Connection, channel: str, external_id: str, at: datetime) -> bool:
    """Record the id; False when it was seen before (a redelivery: do nothing)."""
    cur = await tx.execute(
        "INSERT INTO inbound (channel, external_id, received_at) VALUES (?, ?, ?) "
        "ON CONFLICT (channel, external_id) DO NOTHING",
        (channel, external_id, to_db(at)),
    )
    return cur.rowcount == 1


async def prune_inbound(tx: Connection, before: datetime) -> int:
    cur = await tx.execute("DELETE FROM inbound WHERE received_at < ?", (to_db(before),))
    return cur.rowcount
