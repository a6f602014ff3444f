"""The outbox: every reply and reminder, decided in the transaction that caused it, delivered
later (at least once) by the dispatcher. Rows are never deleted by delivery.

One chat's rows go out in the order they were made (by id: writes are serialised, so ids
follow the commits, on both engines): a row is not claimed while an earlier row of the same
channel and address is unsent (pending, or claimed by an instance whose lease runs), unless
that one was superseded. A step of a conversation supersedes the earlier unsent rows of that
chat that were queued as supersedable (the questions of earlier steps): they become
``superseded``, are never sent however late, and no longer hold the chat's later rows back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from storage._times import from_db, from_db_opt, to_db
from storage.db import Connection
from storage.messages import Message, Outgoing, Text, decode, encode
from storage.sql import Row, fetch_one, is_postgres

__all__ = [
    "DEFAULT_LEASE",
    "OutboxRow",
    "Status",
    "append",
    "append_many",
    "claim_due",
    "counts",
    "get",
    "list_rows",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "recover_sending",
    "requeue",
    "set_delivery_status",
    "supersede",
]


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    #: Overtaken by a later step of the same conversation before it was sent: never sent.
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    channel: str
    address: str
    #: The stored payload as JSON data (what ``posyandu outbox`` shows); :attr:`message` is it
    #: decoded.
    payload: dict[str, Any]
    dedupe_key: str
    status: Status
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    external_id: str | None
    delivery_status: str | None
    error_code: str | None
    #: Queued as supersedable (:class:`storage.messages.Outgoing`).
    supersedable: bool = False
    #: The first row of the step that superseded this one.
    superseded_by: int | None = None

    @property
    def message(self) -> Message:
        """The queued message; ``ValueError`` when the stored payload holds none."""
        return decode(self.payload)


def _payload(message: Message) -> str:
    return json.dumps(encode(message), ensure_ascii=False, sort_keys=True)


#: What a private text's row keeps once delivered, failed or superseded: no body (names of
#: the child register never outlive the delivery; :class:`storage.messages.Text`).
_FORGOTTEN = _payload(Text("", private=True))
#: A private text's payload ends so (its keys sorted: ``private`` then ``type``); a body
#: cannot end the JSON.
_FORGET = (
    'payload = CASE WHEN payload LIKE \'%"private": true, "type": "text"}\' '
    f"THEN '{_FORGOTTEN}' ELSE payload END"
)


def _row(r: Row) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        channel=r["channel"],
        address=r["address"],
        payload=json.loads(r["payload"]),
        dedupe_key=r["dedupe_key"],
        status=Status(r["status"]),
        attempts=r["attempts"],
        next_attempt_at=from_db(r["next_attempt_at"]),
        last_error=r["last_error"],
        created_at=from_db(r["created_at"]),
        updated_at=from_db(r["updated_at"]),
        sent_at=from_db_opt(r["sent_at"]),
        external_id=r["external_id"],
        delivery_status=r["delivery_status"],
        error_code=r["error_code"],
        supersedable=bool(r["supersedable"]),
        superseded_by=r["superseded_by"],
    )


_INSERT = (
    "INSERT INTO outbox (channel, address, payload, dedupe_key, supersedable, next_attempt_at, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING"
)


def _values(out: Outgoing, when: str) -> tuple[object, ...]:
    return (
        out.channel,
        out.address,
        _payload(out.message),
        out.dedupe_key,
        int(out.supersedable),
        when,
        when,
        when,
    )


async def append(tx: Connection, out: Outgoing, at: datetime) -> int | None:
    """Queue a message; None when its dedupe key was queued before (nothing added)."""
    rows = await tx.execute_fetchall(_INSERT + " RETURNING id", _values(out, to_db(at)))
    for row in rows:
        return int(row[0])
    return None


#: How long a claimed row is its claimer's: past it, a row still ``sending`` (its claimer died
#: or hangs) is claimed again, by any instance (delivery is at least once).
DEFAULT_LEASE = timedelta(minutes=5)


async def claim_due(
    tx: Connection,
    now: datetime,
    limit: int = 50,
    channels: list[str] | None = None,
    only: Mapping[str, str] | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> list[OutboxRow]:
    """Mark up to ``limit`` pending rows that are due as ``sending`` and return them, oldest
    first (call inside a transaction so two dispatchers never claim the same row). ``only``
    maps a channel to the one address whose rows of that channel may be claimed.

    A claimed row holds a lease until ``now + lease`` (kept in ``next_attempt_at`` while it
    is ``sending``); a ``sending`` row whose lease has ended is claimed again like a due one.

    A chat's rows in order: a row is left while an earlier unsent row of its chat is not due
    (waiting for a retry, or claimed under a lease that runs); the earlier rows of a row
    claimed are claimed with it (due too, they may fall after the batch's end in its order
    by due time), and a chat's rows are returned in the order they were made."""
    # The unsent rows by due time, read off the front (PostgreSQL's planner takes that
    # index by itself; SQLite's would sort every due row, and is told).
    source = "outbox o" if is_postgres(tx) else "outbox o INDEXED BY outbox_unsent_due"
    sql = (
        f"SELECT * FROM {source} WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? "
        "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel "
        "AND e.address = o.address AND e.status IN ('pending', 'sending') AND e.id < o.id "
        "AND e.next_attempt_at > ?)"
    )
    args: list[object] = [to_db(now), to_db(now)]
    if channels is not None:
        sql += f" AND channel IN ({','.join('?' * len(channels))})"
        args.extend(channels)
    for channel, address in (only or {}).items():
        sql += " AND (channel <> ? OR address = ?)"
        args.extend((channel, address))
    sql += " ORDER BY next_attempt_at, id LIMIT ?"
    if is_postgres(tx):
        # Other instances claim too: a row one of them has locked is left to it.
        sql += " FOR UPDATE SKIP LOCKED"
    found = await tx.execute_fetchall(sql, (*args, limit))
    rows = await _with_earlier_rows([_row(r) for r in found], tx)
    if rows:
        ids = [r.id for r in rows]
        await tx.execute(
            f"UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?, "
            f"next_attempt_at = ? WHERE id IN ({','.join('?' * len(ids))})",
            (to_db(now), to_db(now + lease), *ids),
        )
    return [
        replace(r, status=Status.SENDING, attempts=r.attempts + 1, next_attempt_at=now + lease)
        for r in rows
    ]


async def _with_earlier_rows(rows: list[OutboxRow], tx: Connection) -> list[OutboxRow]:
    """The rows found and their chats' earlier unsent rows that were not (all due: a row
    with an earlier one not due is not found), by id: each chat's in the order made."""
    if not rows:
        return rows
    last: dict[tuple[str, str], int] = {}
    for r in rows:
        last[(r.channel, r.address)] = max(r.id, last.get((r.channel, r.address), 0))
    channels = sorted({c for c, _ in last})
    addresses = sorted({a for _, a in last})
    unsent = await tx.execute_fetchall(
        f"SELECT channel, address, id FROM outbox WHERE channel IN "
        f"({','.join('?' * len(channels))}) AND address IN ({','.join('?' * len(addresses))}) "
        "AND status IN ('pending', 'sending') AND id < ?",
        (*channels, *addresses, max(last.values())),
    )
    found = {r.id for r in rows}
    missing = [int(i) for c, a, i in unsent if i not in found and i < last.get((c, a), 0)]
    if missing:
        more = await tx.execute_fetchall(
            f"SELECT * FROM outbox WHERE id IN ({','.join('?' * len(missing))})", missing
        )
        rows = rows + [_row(r) for r in more]
    return sorted(rows, key=lambda r: r.id)


async def mark_sent(
    tx: Connection,
    row_id: int,
    at: datetime,
    external_id: str | None,
    *,
    note: str | None = None,
    error_code: str | None = None,
) -> None:
    """Sent; ``note`` and ``error_code`` say how when it went another way (a WhatsApp template
    after Twilio refused the free-form message), otherwise ``last_error`` is cleared. (A row
    superseded while its send was under way is recorded as it went: sent.)"""
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, external_id = ?, "
        f"last_error = ?, error_code = coalesce(?, error_code), {_FORGET} WHERE id = ?",
        (to_db(at), to_db(at), external_id, note, error_code, row_id),
    )


async def mark_retry(
    tx: Connection,
    row_id: int,
    next_at: datetime,
    error: str,
    at: datetime,
    error_code: str | None = None,
) -> None:
    """Back to pending until ``next_at``; a row superseded meanwhile stays so (never sent)."""
    await tx.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
        "error_code = coalesce(?, error_code), updated_at = ? "
        "WHERE id = ? AND status <> 'superseded'",
        (to_db(next_at), error[:1000], error_code, to_db(at), row_id),
    )


async def mark_failed(
    tx: Connection, row_id: int, error: str, at: datetime, error_code: str | None = None
) -> None:
    """Failed (not retried); a row superseded meanwhile stays so: it was not meant to go."""
    await tx.execute(
        f"UPDATE outbox SET status = 'failed', last_error = ?, error_code = ?, updated_at = ?, "
        f"{_FORGET} WHERE id = ? AND status <> 'superseded'",
        (error[:1000], error_code, to_db(at), row_id),
    )


async def set_delivery_status(
    tx: Connection, external_id: str, status: str, error_code: str | None, at: datetime
) -> bool:
    """Record a delivery receipt (delivered / read / failed / undelivered); a failed or
    undelivered receipt marks the row failed. False when no row has that external id."""
    failed = status in ("failed", "undelivered")
    cur = await tx.execute(
        "UPDATE outbox SET delivery_status = ?, error_code = coalesce(?, error_code), "
        "updated_at = ?, status = CASE WHEN ? THEN 'failed' ELSE status END, "
        "last_error = CASE WHEN ? THEN 'delivery ' || ? ELSE last_error END "
        "WHERE external_id = ?",
        (status, error_code, to_db(at), failed, failed, status, external_id),
    )
    return cur.rowcount > 0


async def recover_sending(tx: Connection, at: datetime) -> int:
    """Rows left ``sending`` by a crash go back to pending (delivery is at least once). On
    SQLite, the one instance starting: all of them. On PostgreSQL other instances may be
    sending theirs: only rows whose lease has ended."""
    sql = (
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, updated_at = ? "
        "WHERE status = 'sending'"
    )
    args = [to_db(at), to_db(at)]
    if is_postgres(tx):
        sql += " AND next_attempt_at <= ?"
        args.append(to_db(at))
    cur = await tx.execute(sql, args)
    return cur.rowcount


async def counts(conn: Connection) -> dict[Status, int]:
    out = dict.fromkeys(Status, 0)
    rows = await conn.execute_fetchall("SELECT status, count(*) FROM outbox GROUP BY status")
    for row in rows:
        out[Status(row[0])] = int(row[1])
    return out


async def list_rows(
    conn: Connection, statuses: Status | Sequence[Status], limit: int = 200
) -> list[OutboxRow]:
    """Rows with this status (or any of these), oldest first."""
    if isinstance(statuses, Status):
        statuses = [statuses]
    marks = ",".join("?" * len(statuses))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id LIMIT ?",
        (*[s.value for s in statuses], limit),
    )
    return [_row(r) for r in rows]


async def get(conn: Connection, row_id: int) -> OutboxRow | None:
    row = await fetch_one(conn, "SELECT * FROM outbox WHERE id = ?", (row_id,))
    return _row(row) if row else None


async def requeue(tx: Connection, row_id: int, at: datetime) -> bool:
    """A failed (or stuck) row back to pending now, with a fresh count of attempts; False when
    there is no such row, it was sent already or it was superseded (a question the
    conversation has moved past is never sent)."""
    cur = await tx.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? "
        "WHERE id = ? AND status NOT IN ('sent', 'superseded')",
        (to_db(at), to_db(at), row_id),
    )
    return cur.rowcount > 0


async def append_many(tx: Connection, rows: Sequence[Outgoing], at: datetime) -> None:
    """Queue many messages at once; those whose dedupe key was queued before are skipped."""
    when = to_db(at)
    await tx.executemany(_INSERT, [_values(o, when) for o in rows])


async def supersede(tx: Connection, channel: str, address: str, by_key: str, at: datetime) -> int:
    """A conversation's step has queued its replies, the first under ``by_key``: the chat's
    earlier rows queued as supersedable and still unsent (pending, or claimed by an instance
    that may have died) are superseded by it, never to be sent. Returns how many."""
    cur = await tx.execute(
        f"UPDATE outbox SET status = 'superseded', updated_at = ?, last_error = NULL, {_FORGET}, "
        "superseded_by = (SELECT n.id FROM outbox n WHERE n.dedupe_key = ?) "
        "WHERE channel = ? AND address = ? AND status IN ('pending', 'sending') "
        "AND supersedable = 1 AND id < (SELECT n.id FROM outbox n WHERE n.dedupe_key = ?)",
        (to_db(at), by_key, channel, address, by_key),
    )
    return cur.rowcount
