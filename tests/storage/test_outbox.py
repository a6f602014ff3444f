"""The outbox: dedupe keys, claiming due rows, retries, failures, crash recovery."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage import Database
from storage.messages import Document, Outgoing, Text
from storage.outbox import (
    DEFAULT_LEASE,
    Status,
    append,
    append_many,
    claim_due,
    counts,
    get,
    list_rows,
    mark_failed,
    mark_retry,
    mark_sent,
    recover_sending,
    requeue,
    set_delivery_status,
    supersede,
)
from tests.storage.helpers import T0

TEXT = Text("Terima kasih", ("Ya", "Tidak"))
#: A lease longer than any test's span of times.
LONG = timedelta(hours=2)
DOC = Document("monthly_report", {"posyandu_id": 7})


async def test_append_ignores_a_repeated_dedupe_key(db: Database) -> None:
    async with db.transaction() as tx:
        first = await append(tx, Outgoing("telegram", "42", TEXT, "reply:1"), T0)
        again = await append(tx, Outgoing("telegram", "42", Text("other"), "reply:1"), T0)
        second = await append(tx, Outgoing("whatsapp", "+628111", DOC, "doc:1"), T0)
        await append_many(
            tx,
            [
                Outgoing("telegram", "42", TEXT, "reply:1"),
                Outgoing("telegram", "43", TEXT, "reply:2"),
            ],
            T0,
        )
    assert first is not None and second is not None and again is None
    async with db.read() as conn:
        rows = await list_rows(conn, Status.PENDING)
        stored = await get(conn, first)
    assert [r.dedupe_key for r in rows] == ["reply:1", "doc:1", "reply:2"]
    assert stored is not None and stored.message == TEXT  # the first payload is kept
    assert stored.attempts == 0 and stored.external_id is None and stored.delivery_status is None


async def test_claim_due_marks_and_returns_only_due_rows(db: Database) -> None:
    # (Each row to its own chat: one chat's rows wait for its earlier ones, tested below.)
    async with db.transaction() as tx:
        for i in range(5):
            out = Outgoing("telegram", f"4{i}", TEXT, f"k{i}")
            await append(tx, out, T0 + timedelta(seconds=i))
        later = await append(tx, Outgoing("telegram", "49", TEXT, "later"), T0)
        assert later is not None
        await mark_retry(tx, later, T0 + timedelta(hours=1), "429 too many requests", T0)
    async with db.transaction() as tx:
        claimed = await claim_due(tx, T0 + timedelta(seconds=10), limit=3, lease=LONG)
    assert [r.dedupe_key for r in claimed] == ["k0", "k1", "k2"]
    assert all(r.status is Status.SENDING and r.attempts == 1 for r in claimed)
    async with db.transaction() as tx:
        rest = await claim_due(tx, T0 + timedelta(seconds=10), limit=10, lease=LONG)
        nothing = await claim_due(tx, T0 + timedelta(seconds=10), limit=10, lease=LONG)
    assert [r.dedupe_key for r in rest] == ["k3", "k4"]
    assert nothing == []
    async with db.read() as conn:
        assert (await counts(conn))[Status.SENDING] == 5
        assert (await counts(conn))[Status.PENDING] == 1
    async with db.transaction() as tx:
        retry = await claim_due(tx, T0 + timedelta(hours=1), limit=10)
    assert [r.dedupe_key for r in retry] == ["later"]
    assert retry[0].last_error == "429 too many requests"


async def test_concurrent_claims_never_share_a_row(db: Database) -> None:
    async with db.transaction() as tx:
        for i in range(200):  # (each to its own chat: a chat's rows wait for its earlier ones)
            await append(tx, Outgoing("telegram", f"a{i}", TEXT, f"k{i}"), T0)

    async def claimer() -> list[int]:
        got: list[int] = []
        while True:
            async with db.transaction() as tx:
                rows = await claim_due(tx, T0, limit=7)
            if not rows:
                return got
            got.extend(r.id for r in rows)

    results = await asyncio.gather(*(claimer() for _ in range(8)))
    everything = [i for ids in results for i in ids]
    assert len(everything) == len(set(everything)) == 200


async def test_sent_retry_failed_requeue(db: Database) -> None:
    async with db.transaction() as tx:
        a = await append(tx, Outgoing("telegram", "42", TEXT, "a"), T0)
        b = await append(tx, Outgoing("telegram", "42", TEXT, "b"), T0)
        c = await append(tx, Outgoing("whatsapp", "+628111", DOC, "c"), T0)
        assert a is not None and b is not None and c is not None
        await claim_due(tx, T0, limit=10)
        await mark_sent(tx, a, T0 + timedelta(seconds=1), "msg-1")
        await mark_retry(tx, b, T0 + timedelta(minutes=5), "network down", T0)
        await mark_failed(tx, c, "63016 outside the 24-hour window", T0, error_code="63016")
    async with db.read() as conn:
        assert await counts(conn) == {
            Status.PENDING: 1,
            Status.SENDING: 0,
            Status.SENT: 1,
            Status.FAILED: 1,
            Status.SUPERSEDED: 0,
        }
        sent, retried, failed = (await get(conn, a), await get(conn, b), await get(conn, c))
        both = await list_rows(conn, [Status.SENT, Status.FAILED])
    assert sent is not None and sent.external_id == "msg-1" and sent.sent_at is not None
    assert retried is not None and retried.next_attempt_at == T0 + timedelta(minutes=5)
    assert retried.last_error == "network down" and retried.attempts == 1
    assert failed is not None and failed.error_code == "63016"
    assert [r.id for r in both] == [a, c]
    async with db.transaction() as tx:
        assert await requeue(tx, c, T0 + timedelta(hours=1))
        assert not await requeue(tx, a, T0)  # sent rows stay sent
        assert not await requeue(tx, 9999, T0)
        assert await set_delivery_status(tx, "msg-1", "delivered", None, T0)
        assert not await set_delivery_status(tx, "unknown", "read", None, T0)
    async with db.read() as conn:
        again = await get(conn, c)
        delivered = await get(conn, a)
    assert again is not None and again.status is Status.PENDING and again.attempts == 0
    assert delivered is not None and delivered.delivery_status == "delivered"


async def test_undelivered_receipt_marks_failed(db: Database) -> None:
    async with db.transaction() as tx:
        a = await append(tx, Outgoing("whatsapp", "+628111", TEXT, "a"), T0)
        assert a is not None
        await claim_due(tx, T0, 10)
        await mark_sent(tx, a, T0, "SM1")
        await set_delivery_status(tx, "SM1", "undelivered", "63024", T0)
    async with db.read() as conn:
        row = await get(conn, a)
    assert row is not None and row.status is Status.FAILED and row.error_code == "63024"


async def test_recover_sending_after_a_crash(db: Database) -> None:
    async with db.transaction() as tx:
        for i in range(3):
            await append(tx, Outgoing("telegram", "42", TEXT, f"k{i}"), T0)
        claimed = await claim_due(tx, T0, limit=2)
        await mark_sent(tx, claimed[0].id, T0, "m")
    # The dispatcher died holding claimed[1]; at the next start (after its lease):
    restart = T0 + DEFAULT_LEASE + timedelta(minutes=3)
    async with db.transaction() as tx:
        assert await recover_sending(tx, restart) == 1
        due = await claim_due(tx, restart, limit=10)
    assert sorted(r.dedupe_key for r in due) == ["k1", "k2"]
    recovered = next(r for r in due if r.dedupe_key == "k1")
    assert recovered.attempts == 2  # the lost attempt still counts


async def test_a_claim_holds_a_lease_and_after_it_another_instance_sends_the_row(
    db: Database,
) -> None:
    """Two instances on one database (two Database objects): a row claimed by the first is
    not the second's while the lease runs; once it has ended (the first died), the second
    claims it, the lost attempt counted. The times are the clock's, passed in."""
    other = await Database.open(db.path)
    lease = timedelta(seconds=60)
    try:
        async with db.transaction() as tx:
            await append(tx, Outgoing("telegram", "42", TEXT, "k"), T0)
            mine = await claim_due(tx, T0, lease=lease)
        assert [r.next_attempt_at for r in mine] == [T0 + lease]
        async with other.transaction() as tx:
            assert await claim_due(tx, T0 + lease - timedelta(seconds=1), lease=lease) == []
        async with other.transaction() as tx:
            theirs = await claim_due(tx, T0 + lease, lease=lease)
        assert [(r.id, r.attempts) for r in theirs] == [(mine[0].id, 2)]
        async with other.transaction() as tx:
            await mark_sent(tx, theirs[0].id, T0 + lease, "m1")
        async with db.read() as conn:
            assert (await counts(conn))[Status.SENT] == 1
    finally:
        await other.close()


async def test_an_instance_starting_leaves_the_rows_others_are_sending(
    db: Database, engine: str
) -> None:
    """At start, SQLite's one instance takes back every row left sending; on PostgreSQL a
    starting instance takes back only rows whose lease has ended (others are alive)."""
    async with db.transaction() as tx:
        await append(tx, Outgoing("telegram", "42", TEXT, "old"), T0 - timedelta(seconds=200))
        await append(tx, Outgoing("telegram", "43", TEXT, "new"), T0)
        # "old" claimed by an instance whose lease ends at T0 + 0.5 s, "new" by a live one.
        old = await claim_due(tx, T0 - timedelta(seconds=120), lease=timedelta(seconds=120.5))
        new = await claim_due(tx, T0, lease=timedelta(seconds=60))
    assert [r.dedupe_key for r in old + new] == ["old", "new"]
    async with db.transaction() as tx:
        recovered = await recover_sending(tx, T0 + timedelta(seconds=1))
    assert recovered == (2 if engine == "sqlite" else 1)


async def test_a_chats_rows_wait_for_its_earlier_unsent_rows(db: Database) -> None:
    """Replies to one chat go in the order they were made: a row is not claimed while an
    earlier row of its chat is claimed under a running lease or waits for a retry; other
    chats are not held up; once the earlier row is due, both come in one claim, in order."""
    lease = timedelta(seconds=60)
    async with db.transaction() as tx:
        a1 = await append(tx, Outgoing("telegram", "42", TEXT, "a1"), T0)
        a2 = await append(tx, Outgoing("telegram", "42", DOC, "a2"), T0)
        b1 = await append(tx, Outgoing("telegram", "43", TEXT, "b1"), T0)
        first = await claim_due(tx, T0, limit=1, lease=lease)
    assert [r.id for r in first] == [a1]
    async with db.transaction() as tx:  # a1 is claimed (its claimer may have died)
        other = await claim_due(tx, T0 + timedelta(seconds=1), lease=lease)
        assert [r.id for r in other] == [b1]
        await mark_sent(tx, other[0].id, T0 + timedelta(seconds=1), "m1")
        assert await claim_due(tx, T0 + lease - timedelta(seconds=1), lease=lease) == []
    async with db.transaction() as tx:  # the lease ended: a1 again, then a2, in one claim
        again = await claim_due(tx, T0 + lease, lease=lease)
    assert [r.id for r in again] == [a1, a2]
    later = T0 + lease + timedelta(seconds=30)
    async with db.transaction() as tx:  # a1 failed for now: a2 waits for its retry
        assert a1 is not None and a2 is not None
        await mark_retry(tx, a1, later, "network down", T0 + lease)
        await mark_retry(tx, a2, T0 + lease, "waiting for an earlier message", T0 + lease)
        assert await claim_due(tx, later - timedelta(seconds=1), lease=lease) == []
        assert [r.id for r in await claim_due(tx, later, lease=lease)] == [a1, a2]
    async with db.transaction() as tx:  # a failed row holds nothing back
        await mark_failed(tx, a1, "refused", later)
        await append(tx, Outgoing("telegram", "42", TEXT, "a3"), later)
        assert [r.dedupe_key for r in await claim_due(tx, later + lease)] == ["a2", "a3"]


async def test_a_later_step_supersedes_an_unsent_question_never_to_be_sent(
    db: Database,
) -> None:
    """The failover of issue 23: an instance claimed a question (supersedable) and died; the
    kader's next message is answered elsewhere. The new reply supersedes the question: it
    goes at once (not after the dead claimer's lease), and the question is never sent,
    however late, by any path (lease, restart, retry, requeue, a late failure mark)."""
    question = Text("K (60) tidak boleh lebih dari S (42). (1/9) K: berapa ...")
    async with db.transaction() as tx:
        saved = await append(tx, Outgoing("telegram", "42", TEXT, "saved"), T0)
        q1 = await append(tx, Outgoing("telegram", "42", question, "q1", supersedable=True), T0)
        elsewhere = await append(
            tx, Outgoing("telegram", "43", question, "q43", supersedable=True), T0
        )
        claimed = await claim_due(tx, T0)  # by the instance that dies; default lease
    assert [r.id for r in claimed] == [saved, q1, elsewhere]
    assert saved is not None and q1 is not None and elsewhere is not None
    async with db.transaction() as tx:
        await mark_sent(tx, saved, T0, "m0")
    step = T0 + timedelta(seconds=20)
    async with db.transaction() as tx:  # the next step, on another instance
        await append_many(
            tx,
            [
                Outgoing("telegram", "42", Text("(2/9) D: berapa ..."), "q2", supersedable=True),
                Outgoing("telegram", "42", DOC, "q2-doc"),
            ],
            step,
        )
        assert await supersede(tx, "telegram", "42", "q2", step) == 1
        now = await claim_due(tx, step)
    assert [r.dedupe_key for r in now] == ["q2", "q2-doc"]
    async with db.read() as conn:
        dropped = await get(conn, q1)
        other = await get(conn, elsewhere)
        assert (await counts(conn))[Status.SUPERSEDED] == 1
        listed = await list_rows(conn, Status.SUPERSEDED)
    assert dropped is not None and dropped.status is Status.SUPERSEDED
    assert dropped.superseded_by == now[0].id and dropped.supersedable
    assert [r.id for r in listed] == [q1]
    assert other is not None and other.status is Status.SENDING  # another chat's: untouched
    much_later = T0 + DEFAULT_LEASE + timedelta(days=2)
    async with db.transaction() as tx:
        await mark_retry(tx, q1, T0, "late", much_later)
        await mark_failed(tx, q1, "late", much_later)
        assert not await requeue(tx, q1, much_later)
        await recover_sending(tx, much_later)
        late = await claim_due(tx, much_later)
        # A step supersedes only rows before its own, and never what is not supersedable.
        assert await supersede(tx, "telegram", "42", "q2", much_later) == 0
    assert q1 not in [r.id for r in late]
    async with db.read() as conn:
        still = await get(conn, q1)
    assert still is not None and still.status is Status.SUPERSEDED and still.sent_at is None


async def test_a_confirmation_is_never_superseded_and_holds_later_replies_back(
    db: Database,
) -> None:
    """What is not supersedable (a saved report's thanks, a PDF, a reminder) is sent however
    late, and the chat's later replies wait for it: they go after it, in order."""
    lease = timedelta(seconds=30)
    async with db.transaction() as tx:
        thanks = await append(tx, Outgoing("telegram", "42", TEXT, "thanks"), T0)
        await claim_due(tx, T0, lease=lease)  # by the instance that dies
        await append(tx, Outgoing("telegram", "42", Text("status"), "next"), T0)
        assert await supersede(tx, "telegram", "42", "next", T0) == 0
        assert await claim_due(tx, T0 + lease - timedelta(seconds=1)) == []
        after = await claim_due(tx, T0 + lease)
    assert [r.dedupe_key for r in after] == ["thanks", "next"] and after[0].id == thanks


async def test_a_chats_first_row_due_after_its_second_still_goes_first(db: Database) -> None:
    """A retry can leave a chat's first row due after its second (the second was held back
    for less time). A batch whose end by due time falls between them takes the first with
    the second, in order: never the second alone."""
    async with db.transaction() as tx:
        first = await append(tx, Outgoing("telegram", "42", TEXT, "first"), T0)
        second = await append(tx, Outgoing("telegram", "42", TEXT, "second"), T0)
        other = await append(tx, Outgoing("telegram", "43", TEXT, "other"), T0)
        assert first is not None and second is not None and other is not None
        await mark_retry(tx, first, T0 + timedelta(seconds=9), "network down", T0)
        await mark_retry(tx, second, T0 + timedelta(seconds=5), "waiting", T0)
        await mark_retry(tx, other, T0 + timedelta(seconds=7), "network down", T0)
    now = T0 + timedelta(seconds=10)
    async with db.transaction() as tx:
        one = await claim_due(tx, now, limit=1, lease=LONG)
        rest = await claim_due(tx, now, limit=1, lease=LONG)
        none = await claim_due(tx, now, limit=1, lease=LONG)
    assert [r.dedupe_key for r in one] == ["first", "second"]
    assert [r.dedupe_key for r in rest] == ["other"] and none == []


async def test_a_private_texts_body_is_forgotten_once_sent_failed_or_superseded(
    db: Database,
) -> None:
    """Names of the child register never outlive their delivery (docs/privacy.md)."""
    secret = Text("Nama: Andi Saputra", private=True)
    async with db.transaction() as tx:
        ids = [
            await append(tx, Outgoing("telegram", str(i), message, f"p:{i}", supersedable=True), T0)
            for i, message in enumerate((secret, secret, TEXT, secret))
        ]
        await append(tx, Outgoing("telegram", "3", TEXT, "p:later"), T0)
    sent, failed, public, superseded = ids
    assert None not in ids
    async with db.read() as conn:
        stored = await get(conn, sent)  # type: ignore[arg-type]
    assert stored is not None and stored.message == secret  # kept until it goes
    async with db.transaction() as tx:
        await mark_sent(tx, sent, T0, "x1")  # type: ignore[arg-type]
        await mark_failed(tx, failed, "refused", T0)  # type: ignore[arg-type]
        await mark_sent(tx, public, T0, "x2")  # type: ignore[arg-type]
        await supersede(tx, "telegram", "3", "p:later", T0)
    async with db.read() as conn:
        rows = await conn.execute_fetchall("SELECT id, payload FROM outbox ORDER BY id")
        kept = await get(conn, public)  # type: ignore[arg-type]
    payloads = {r["id"]: r["payload"] for r in rows}
    for row_id in (sent, failed, superseded):
        assert "Andi" not in payloads[row_id]
    assert kept is not None and kept.message == TEXT
