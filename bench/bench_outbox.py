"""The outbox's cost of keeping a chat's replies in order and dropping overtaken questions
(issue 23), on SQLite and PostgreSQL, each beside what it would cost without, in the same run.

- Claims: 20,000 rows of 2,000 chats (10 each, queued in turns as steps queue them) claimed 50
  at a time by :func:`storage.outbox.claim_due` and marked sent in one transaction per batch,
  as the dispatcher does, until none is left: rows per second. Beside it the claim as it was
  before the order rule (due rows by time, no look at the chat's earlier rows), copied here as
  the reference. Then again with a tenth of the chats' first row claimed by an instance that
  died (its lease running): the ordered claim leaves those chats' other rows (scanning past
  them at every claim), the old one sent them.
- Steps: 5,000 conversation steps over 1,000 chats, each one transaction queuing a
  supersedable question with :func:`storage.outbox.append_many` and then
  :func:`storage.outbox.supersede` (each chat's previous question is still unsent: the worst
  case, one row superseded every step), beside the same steps queuing only.

``python -m bench outbox`` runs it alone.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage import Database
from storage import outbox as ob
from storage._times import to_db
from storage.messages import Outgoing, Text
from storage.sql import Connection, is_postgres

__all__ = ["run"]

CHATS = 2_000
PER_CHAT = 10
BATCH = 50
STEP_CHATS = 1_000
STEP_TURNS = 5
#: Chats whose first row a dead instance holds (every tenth).
HELD_EVERY = 10
AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
QUESTION = Text("K (60) tidak boleh lebih dari S (42). (2/9) K: berapa balita punya KMS?")
#: Rows per second a claim must carry: bench_load's 2,000 kader peak at ~300 messages/s,
#: about one reply each; three times that.
CLAIM_TARGET = 1_000.0


async def _unordered_claim(tx: Connection, now: datetime, limit: int) -> list[int]:
    """The claim before issue 23 (storage/outbox.py at 0b9ab32), the reference."""
    when = to_db(now)
    sql = (
        "SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, id LIMIT ?"
    )
    if is_postgres(tx):
        sql += " FOR UPDATE SKIP LOCKED"
    ids = [int(r[0]) for r in await tx.execute_fetchall(sql, (when, limit))]
    if ids:
        lease = to_db(now + ob.DEFAULT_LEASE)
        await tx.execute(
            f"UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?, "
            f"next_attempt_at = ? WHERE id IN ({','.join('?' * len(ids))})",
            (when, lease, *ids),
        )
    return ids


async def _fill(db: Database, held_every: int) -> int:
    """The rows to claim, and the dead instance's claims; how many rows may be sent now."""
    rows = [
        Outgoing("telegram", str(10_000 + c), QUESTION, f"claim:{turn}:{c}")
        for turn in range(PER_CHAT)
        for c in range(CHATS)
    ]
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM outbox")
        await ob.append_many(tx, rows, AT)
        held = [f"claim:0:{c}" for c in range(0, CHATS, held_every)] if held_every else []
    if held:
        async with db.transaction() as tx:
            await tx.execute(
                f"UPDATE outbox SET status = 'sending', next_attempt_at = ? "
                f"WHERE dedupe_key IN ({','.join('?' * len(held))})",
                (to_db(AT + ob.DEFAULT_LEASE), *held),
            )
    return len(rows) - len(held)


async def _claims(db: Database, ordered: bool, held_every: int = 0) -> tuple[float, int]:
    """Claim and mark sent until nothing is due: rows per second, rows sent. Every
    ``held_every``-th chat's first row is held by a dead instance (0: none)."""
    sendable = await _fill(db, held_every)
    now = AT + timedelta(seconds=1)
    sent = 0
    t0 = time.perf_counter()
    while True:
        async with db.transaction() as tx:
            if ordered:
                ids = [r.id for r in await ob.claim_due(tx, now, BATCH)]
            else:
                ids = await _unordered_claim(tx, now, BATCH)
        if not ids:
            break
        async with db.transaction() as tx:
            for row_id in ids:
                await ob.mark_sent(tx, row_id, now, f"m{row_id}")
        sent += len(ids)
    elapsed = time.perf_counter() - t0
    if ordered and held_every:
        assert sent == sendable - (PER_CHAT - 1) * len(range(0, CHATS, held_every)), sent
    else:
        assert sent == sendable, sent
    return sent / elapsed, sent


async def _steps(db: Database, supersede: bool) -> float:
    """Conversation steps queuing a question (and superseding the last one): steps/s."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM outbox")
    tag = "s" if supersede else "q"
    t0 = time.perf_counter()
    for turn in range(STEP_TURNS):
        for c in range(STEP_CHATS):
            address, key = str(20_000 + c), f"step:{tag}:{turn}:{c}"
            async with db.transaction() as tx:
                out = Outgoing("telegram", address, QUESTION, key, supersedable=True)
                await ob.append_many(tx, [out], AT)
                if supersede:
                    await ob.supersede(tx, "telegram", address, key, AT)
    rate = STEP_CHATS * STEP_TURNS / (time.perf_counter() - t0)
    if supersede:
        async with db.read() as conn:
            found = await ob.counts(conn)
        assert found[ob.Status.SUPERSEDED] == STEP_CHATS * (STEP_TURNS - 1), found
    return rate


async def _measure(target: Path | str) -> dict[str, float]:
    db = await Database.open(target)
    try:
        # Each pair in both orders, so that neither side has the warmer cache.
        old_a, _ = await _claims(db, ordered=False)
        new_a, _ = await _claims(db, ordered=True)
        new_b, _ = await _claims(db, ordered=True)
        old_b, _ = await _claims(db, ordered=False)
        held_old_a, _ = await _claims(db, ordered=False, held_every=HELD_EVERY)
        held_a, sent = await _claims(db, ordered=True, held_every=HELD_EVERY)
        held_b, _ = await _claims(db, ordered=True, held_every=HELD_EVERY)
        held_old_b, _ = await _claims(db, ordered=False, held_every=HELD_EVERY)
        plain_a = await _steps(db, supersede=False)
        with_a = await _steps(db, supersede=True)
        with_b = await _steps(db, supersede=True)
        plain_b = await _steps(db, supersede=False)
    finally:
        await db.close()
    return {
        "claim": (new_a + new_b) / 2,
        "claim_old": (old_a + old_b) / 2,
        "held": (held_a + held_b) / 2,
        "held_old": (held_old_a + held_old_b) / 2,
        "sent": sent,
        "step": (with_a + with_b) / 2,
        "step_old": (plain_a + plain_b) / 2,
    }


def _claim_row(rate: float, before: float, what: str) -> dict[str, Any]:
    return {
        "figure": f"{what} ({rate / before:.0%} of the claim without the order rule"
        f"{', which sends them' if 'held' in what else ''}: {before:,.0f} rows/s, same run)",
        "value": round(rate),
        "unit": "rows/s",
        "target": f">= {CLAIM_TARGET:,.0f}/s",
        "passed": rate >= CLAIM_TARGET,
    }


def _rows(m: dict[str, float], engine: str) -> list[dict[str, Any]]:
    held = CHATS // HELD_EVERY
    return [
        _claim_row(
            m["claim"],
            m["claim_old"],
            f"outbox on {engine}: rows claimed in order and marked sent, "
            f"{CHATS * PER_CHAT:,} rows of {CHATS:,} chats, 50 a claim",
        ),
        _claim_row(
            m["held"],
            m["held_old"],
            f"outbox on {engine}: the same with {held} chats' first row held by a dead "
            "instance's claim, their other rows waiting",
        ),
        {
            "figure": (
                f"outbox on {engine}: a step's question queued and the chat's last one "
                f"superseded, one transaction each ({m['step'] / m['step_old']:.0%} of "
                f"queuing alone, {m['step_old']:,.0f} steps/s, same run)"
            ),
            "value": round(m["step"]),
            "unit": "steps/s",
            "target": "",
            "passed": True,
        },
    ]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-outbox-") as tmp:
        sqlite = asyncio.run(_measure(Path(tmp) / "outbox.db"))
    from tests.postgres import start

    server = start(settings=("max_connections=50",))
    try:
        postgres = asyncio.run(_measure(server.create_database()))
    finally:
        server.stop()
    return _rows(sqlite, "SQLite") + _rows(postgres, "PostgreSQL")


if __name__ == "__main__":
    for row in run():
        mark = "" if row["passed"] else "  ** below target **"
        print(f"{row['figure']}: {row['value']:,} {row['unit']} (target {row['target']}){mark}")
    sys.exit(0)
