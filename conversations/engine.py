"""The engine: one inbound message in, one transaction out.

For each message (one at a time per channel+address, different addresses concurrently), one
way through, five phases:

1. read who and where (:meth:`storage.message_reads.MessageReads.sender`: identity, person,
   session, their posyandu or area), on a read snapshot;
2. plan what the message needs (pure: :meth:`conversations.loading.Loader.plan`);
3. read that in one batched call (:meth:`~storage.message_reads.MessageReads.wanted`) on the
   same snapshot; the context is built from the two answers (pure, and whether the sender's
   last inbound time is stale);
4. step (pure: :func:`conversations.step.step`);
5. write once: record the channel's message id (a redelivery does nothing), apply the
   effects (:mod:`conversations.applying`), save the session
   (:mod:`conversations.session_store`) and queue the replies as outbox rows in ONE write
   transaction (group commit, :mod:`storage.batch`): all of it or none of it.

Reading outside the writer keeps the single write connection busy only with writes.

Any exception in a step is logged and answered with a short apology; nothing of the step is
saved and the message id is not recorded, so a redelivery is handled afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from conversations.applying import Applied, apply
from conversations.catalogue import say
from conversations.commands import parse_message
from conversations.effects import StepResult
from conversations.inbound import Inbound
from conversations.loading import Loader, PhoneOf, no_phone
from conversations.locks import KeyedLocks
from conversations.model import Limits
from conversations.replies import Text
from conversations.session import Session
from conversations.session_store import save_session
from conversations.step import step
from scoring import DEFAULT_SETTINGS, ScoringSettings
from scoring.clock import Clock
from scoring.growth import GrowthRules
from storage import Connection, Database
from storage import children as children_db
from storage import outbox as outbox_db
from storage import people as people_db
from storage.batch import WriteBatcher
from storage.cipher import RegisterCipher
from storage.errors import is_busy
from storage.inbound import record_inbound
from storage.message_reads import MessageReads
from storage.messages import Outgoing, apology_key, notice_key, reply_key

__all__ = ["DEFAULT_TZ", "Engine", "HandleResult"]

log = logging.getLogger("posyandu.engine")

DEFAULT_TZ = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class HandleResult:
    duplicate: bool = False
    replies: int = 0
    saved_report: bool = False
    failed: bool = False
    #: Not handled because the database stayed locked past its busy timeout: nothing was
    #: recorded, so the message is new to a redelivery (webhooks answer 503 to get one).
    busy: bool = False


class Engine:
    """``phone_of`` says which channel addresses are phone numbers (shown to supervisors in
    BELUM); by default none is. ``reads`` are the two reads of a message (a subclass may
    count them)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        limits: Limits | None = None,
        scoring: ScoringSettings = DEFAULT_SETTINGS,
        default_tz: tzinfo = DEFAULT_TZ,
        on_queued: Callable[[], None] | None = None,
        phone_of: PhoneOf = no_phone,
        reads: MessageReads | None = None,
        register: RegisterCipher | None = None,
        growth: GrowthRules | None = None,
        register_fields: frozenset[str] = frozenset(),
    ) -> None:
        """``register``: the child register's cipher (None: the register is off); ``growth``:
        the growth rules TIMBANG assesses with (None: TIMBANG says the register is off)."""
        self.db = db
        self.clock = clock
        self.limits = limits or Limits()
        self.on_queued = on_queued
        self.register = register
        self._loader = Loader(
            self.limits, scoring, default_tz, phone_of, register, growth, register_fields
        )
        self._reads = reads or MessageReads()
        self._locks = KeyedLocks()
        self._writes: WriteBatcher[HandleResult] = WriteBatcher(db)

    async def handle(self, inbound: Inbound) -> HandleResult:
        """Handle one message; returns once its effects and replies are committed."""
        async with self._locks.hold((inbound.channel, inbound.address)):
            try:
                # Across instances too: one message of this person at a time.
                async with self.db.conversation_lock(inbound.channel, inbound.address):
                    result = await self._handle(inbound)
            except Exception as exc:
                if is_busy(exc):
                    # No apology: it could not be written either, and the channel will resend.
                    log.warning(
                        "engine.database_busy", extra={"fields": {"channel": inbound.channel}}
                    )
                    result = HandleResult(failed=True, busy=True)
                else:
                    log.exception(
                        "engine.step_failed",
                        extra={"fields": {"channel": inbound.channel}},
                    )
                    result = await self._apologise(inbound)
        if result.replies and self.on_queued is not None:
            self.on_queued()
        return result

    async def _handle(self, msg: Inbound) -> HandleResult:
        now = self.clock.now()
        message = parse_message(msg.text, in_group=msg.in_group)
        # Read on one snapshot, outside the writer: the single writer stays free for other
        # senders while this one loads and steps. Nothing else writes this address's session
        # (the lock above), and a report saved meanwhile by someone else is caught at save
        # time (``base_revision``), so deciding outside the write transaction is safe.
        async with self.db.read() as conn:
            await conn.execute("BEGIN")
            # 1. Who and where: identity, person, session, their posyandu or area (one call).
            sender = await self._reads.sender(conn, msg.channel, msg.address)
            # 2. What this message needs (pure).
            planned = self._loader.plan(sender, msg, message, now)
            # 3. That, in one call.
            found = await self._reads.wanted(conn, planned.wanted)
        loaded = self._loader.context(sender, planned, found, msg, now)
        # 4. The step (pure).
        result = step(loaded.session, message, loaded.ctx)

        # 5. Write once: the message id, the effects, the session and the replies, all or
        #    nothing (one transaction, shared with other senders' commits when they queue up).
        async def commit(tx: Connection) -> HandleResult:
            if not await record_inbound(tx, msg.channel, msg.external_id, msg.received_at):
                return HandleResult(duplicate=True)
            if loaded.refresh:
                await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)
            ctx = loaded.ctx
            if loaded.shown is not None and ctx.person is not None:
                who = children_db.Actor(person_id=ctx.person.id)
                await children_db.audit_shown(tx, loaded.shown, who=who, at=now)
            applied = await apply(tx, msg, result, ctx.person, ctx.tz, now, self.register)
            await save_session(
                tx, msg, result.session, loaded.stored, self.limits, now, ctx.tz, self.register
            )
            count = await _queue(
                tx, msg, applied, now, _supersedable(result), _open_question(loaded.session)
            )
            return HandleResult(replies=count, saved_report=applied.saved)

        return await self._writes.run(commit)

    async def _apologise(self, msg: Inbound) -> HandleResult:
        now = self.clock.now()
        try:
            async with self.db.transaction() as tx:
                apology = Text(say("error.apology"))
                key = apology_key(msg.channel, msg.external_id)
                await outbox_db.append(tx, Outgoing(msg.channel, msg.address, apology, key), now)
        except Exception:
            log.exception("engine.apology_failed")
            return HandleResult(failed=True)
        return HandleResult(replies=1, failed=True)


def _supersedable(result: StepResult) -> bool:
    """Whether this step's texts are only the state of the conversation, which its next step
    restates, so that the next step's replies may supersede them while they are unsent (a
    failover: the instance that claimed them died). So it is when the step changed nothing
    but the conversation (no effect: no report saved, nobody registered, no schedule or
    setting changed) and left a question open (a report being written, or an answer awaited):
    its texts read back answers and ask that question, and the kader's next message has
    already been read as the answer to it. A question sent after that would be answered by
    the kader's next message and shift every number by one field. A step that stored
    something confirms a fact that stays true, and one that closed the conversation answered
    what was asked (help, a list, a cancellation): those are sent, in order, however late."""
    return _open_question(result.session) and not result.effects


def _open_question(session: Session) -> bool:
    return session.draft is not None or session.awaiting is not None


async def _queue(
    tx: Connection,
    msg: Inbound,
    applied: Applied,
    now: datetime,
    supersedable: bool,
    after_question: bool,
) -> int:
    """The replies to the sender and the notices to others, as outbox rows. The replies
    supersede the sender's earlier replies that were queued as supersedable and are unsent;
    only the step before can have left such rows (each step supersedes those before it), and
    only if it left a question open (``after_question``: the session this step started from),
    so otherwise nothing is looked for."""
    rows = [
        Outgoing(
            msg.channel,
            msg.address,
            reply,
            reply_key(msg.channel, msg.external_id, i),
            supersedable=supersedable and isinstance(reply, Text),
        )
        for i, reply in enumerate(applied.replies)
    ]
    first = rows[0].dedupe_key if rows else None
    rows.extend(
        Outgoing(channel, address, reply, notice_key(msg.channel, msg.external_id, i))
        for i, (channel, address, reply) in enumerate(applied.others)
    )
    await outbox_db.append_many(tx, rows, now)
    if first is not None and after_question:
        await outbox_db.supersede(tx, msg.channel, msg.address, first, now)
    return len(rows)
