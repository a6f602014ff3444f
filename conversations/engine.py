"""The engine: one inbound message in, one transaction out.

For each message (one at a time per channel+address, different addresses concurrently) it
loads what :func:`conversations.plan.plan` says the message needs from one read snapshot, runs
the pure :func:`conversations.step.step`, and then records the channel's message id (a
redelivery does nothing) and saves the new session, the report (with its revision) and the
replies (as outbox rows) in ONE write transaction: all of it or none of it. Reading outside
the writer keeps the single write connection busy only with writes.

Any exception in a step is logged and answered with a short apology; nothing of the step is
saved and the message id is not recorded, so a redelivery is handled afresh.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from conversations.catalogue import say
from conversations.effects import (
    CodeFailed,
    MoveHariBuka,
    Register,
    SaveReport,
    SetReminders,
    SetSchedule,
    StepResult,
)
from conversations.inbound import Inbound
from conversations.locks import KeyedLocks
from conversations.model import (
    AreaData,
    AreaMember,
    Contact,
    Context,
    Invitation,
    Limits,
    PosyanduData,
    PosyanduInfo,
    StoredReport,
)
from conversations.notices import conflict_for_other, conflict_for_sender
from conversations.plan import Needs, plan
from conversations.replies import Reply, Text
from conversations.session import Session, session_from_json, session_to_json
from conversations.step import step
from scoring import DEFAULT_SETTINGS, Period, ScoringSettings
from scoring.clock import Clock
from storage import Connection, Database
from storage import areas as areas_db
from storage import invitations as invitations_db
from storage import outbox as outbox_db
from storage import people as people_db
from storage import posyandu as posyandu_db
from storage import reports as reports_db
from storage import sessions as sessions_db
from storage.batch import WriteBatcher
from storage.inbound import record_inbound
from storage.messages import Outgoing, apology_key, notice_key, reply_key
from storage.people import Person

__all__ = ["Engine", "HandleResult"]

log = logging.getLogger("posyandu.engine")

#: Months of hari-buka dates the step is told about, around the current month.
_HARI_BUKA_BACK = 3
#: Months ahead whose one-off moves are loaded (the next few hari buka for JADWAL).
_MOVES_AHEAD = 4
_SESSION_FLOW = "chat"
#: How stale an identity's last inbound time may get before a message refreshes it.
_INBOUND_REFRESH = timedelta(minutes=5)
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
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        limits: Limits | None = None,
        scoring: ScoringSettings = DEFAULT_SETTINGS,
        default_tz: tzinfo = DEFAULT_TZ,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.limits = limits or Limits()
        self.scoring = scoring
        self.default_tz = default_tz
        self.on_queued = on_queued
        self._locks = KeyedLocks()
        self._writes: WriteBatcher[HandleResult] = WriteBatcher(db)

    async def handle(self, inbound: Inbound) -> HandleResult:
        """Handle one message; returns once its effects and replies are committed."""
        async with self._locks.hold((inbound.channel, inbound.address)):
            try:
                result = await self._handle(inbound)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                # No apology: it could not be written either, and the channel will resend.
                log.warning("engine.database_busy", extra={"fields": {"channel": inbound.channel}})
                result = HandleResult(failed=True, busy=True)
            except Exception:
                log.exception(
                    "engine.step_failed",
                    extra={"fields": {"channel": inbound.channel}},
                )
                result = await self._apologise(inbound)
        if result.replies and self.on_queued is not None:
            self.on_queued()
        return result

    # --- one message ---------------------------------------------------------------------
    async def _handle(self, msg: Inbound) -> HandleResult:
        now = self.clock.now()
        # 1. Decide, on a read snapshot: the single writer stays free for other senders while
        #    this one loads and steps. Nothing else writes this address's session (the lock
        #    above), and a report saved meanwhile by someone else is caught at save time
        #    (``base_revision``), so deciding outside the write transaction is safe.
        async with self.db.read() as conn:
            await conn.execute("BEGIN")
            sender = await people_db.sender_by_address(conn, msg.channel, msg.address)
            person = sender[0] if sender else None
            # The last inbound time (WhatsApp's 24-hour window) is refreshed when it is a few
            # minutes old, or when the identity was marked unreachable: not on every message.
            refresh = sender is not None and (
                not sender[1].reachable
                or sender[1].last_inbound_at is None
                or msg.received_at - sender[1].last_inbound_at >= _INBOUND_REFRESH
            )
            stored_session = await sessions_db.get_session(conn, msg.channel, msg.address)
            session = session_from_json(
                stored_session.answers.get("session") if stored_session else None
            )
            own = await self._own_posyandu(conn, person)
            tz = await self._zone(conn, person, own)
            current = _period_at(now, tz)
            needs = plan(session, msg.text, person, current)
            ctx = Context(
                now=now,
                tz=tz,
                person=person,
                posyandu=await self._posyandu(conn, own, needs, current),
                area=await self._area(conn, person, needs, current),
                invitation=await self._invitation(conn, needs, now),
                code_failures_global=await invitations_db.count_code_failures(
                    conn, now - self.limits.wrong_code_global_window
                )
                if needs.code_failures
                else 0,
                in_group=msg.in_group,
                limits=self.limits,
                scoring=self.scoring,
            )
        result = step(session, msg.text, ctx)
        # 2. Commit: the message id, the effects, the session and the replies, all or nothing
        #    (in one transaction, shared with other senders' commits when they queue up).

        async def commit(tx: Connection) -> HandleResult:
            if not await record_inbound(tx, msg.channel, msg.external_id, msg.received_at):
                return HandleResult(duplicate=True)
            if refresh:
                await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)
            replies, extra, saved = await self._apply(tx, msg, result, person, tz, now)
            await self._save_session(tx, msg, result.session, stored_session, now, tz)
            count = await self._queue(tx, msg, replies, extra, now)
            return HandleResult(replies=count, saved_report=saved)

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

    # --- loading -------------------------------------------------------------------------
    async def _own_posyandu(
        self, conn: Connection, person: Person | None
    ) -> posyandu_db.Posyandu | None:
        if person is None or person.posyandu_id is None:
            return None
        return await posyandu_db.posyandu_by_id(conn, person.posyandu_id)

    async def _zone(
        self, conn: Connection, person: Person | None, own: posyandu_db.Posyandu | None
    ) -> tzinfo:
        if person is None:
            return self.default_tz
        if own is not None:
            return own.tz
        if person.area_id is not None:
            area = await areas_db.area_by_id(conn, person.area_id)
            zone = await posyandu_db.area_timezone(conn, area) if area is not None else None
            if zone is not None:
                return ZoneInfo(zone)
        return self.default_tz

    async def _posyandu(
        self,
        conn: Connection,
        found: posyandu_db.Posyandu | None,
        needs: Needs,
        current: Period,
    ) -> PosyanduData | None:
        if found is None or needs.posyandu_since is None:
            return None
        info = await self._info(conn, found, current)
        stored = await reports_db.list_stored_reports(conn, found.id, needs.posyandu_since, current)
        names = await self._names(conn, [s.submitted_by for s in stored])
        return PosyanduData(info=info, reports={s.report.period: _stored(s, names) for s in stored})

    async def _info(
        self, conn: Connection, p: posyandu_db.Posyandu, current: Period
    ) -> PosyanduInfo:
        first, last = current.shift(-_HARI_BUKA_BACK), current.shift(1)
        moves = await posyandu_db.moves_for(conn, [p.id], first, current.shift(_MOVES_AHEAD))
        periods = [first.shift(i) for i in range(last.months_since(first) + 1)]
        desa = await areas_db.area_by_id(conn, p.desa_id)
        return PosyanduInfo(
            id=p.id,
            code=p.code,
            name=p.name,
            place=f"Desa {desa.name}" if desa else "",
            hari_buka=tuple(posyandu_db.hari_buka(p, period, moves) for period in periods),
            schedule=p.schedule,
            moves={period: day for (_pid, period), day in moves.items()},
        )

    async def _names(self, conn: Connection, ids: Sequence[int | None]) -> dict[int, str]:
        out: dict[int, str] = {}
        for pid in {i for i in ids if i is not None}:
            found = await people_db.person_by_id(conn, pid)
            if found is not None:
                out[pid] = found.name
        return out

    async def _area(
        self, conn: Connection, person: Person | None, needs: Needs, current: Period
    ) -> AreaData | None:
        if person is None or person.area_id is None:
            return None
        if needs.area_window is None and not needs.schedules and needs.area_reports is None:
            return None
        area = await areas_db.area_by_id(conn, person.area_id)
        if area is None:
            return None
        if needs.area_reports is not None:
            reported = await reports_db.any_report_under(conn, area, *needs.area_reports)
            return AreaData(id=area.id, name=area.title, has_reports=reported)
        members = await posyandu_db.posyandu_under(conn, area)
        ids = [m.id for m in members]
        by_posyandu: dict[int, list[reports_db.StoredReport]] = {}
        if needs.area_window is not None:
            first, last = needs.area_window
            by_posyandu = await reports_db.stored_reports_for_posyandu_ids(conn, ids, first, last)
        moves: dict[int, dict[Period, date]] = {}
        if needs.schedules:
            found = await posyandu_db.moves_for(
                conn, ids, current.shift(-1), current.shift(_MOVES_AHEAD)
            )
            for (pid, period), day in found.items():
                moves.setdefault(pid, {})[period] = day
        kader = await people_db.people_of_posyandu(conn, [m.id for m in members])
        phones: dict[int, str] = {}
        for ident in await people_db.identities_of(conn, [k.id for k in kader]):
            if ident.channel == "whatsapp" and ident.person_id not in phones:
                phones[ident.person_id] = ident.address
        contacts: dict[int, list[Contact]] = {}
        for k in kader:
            if k.posyandu_id is not None and k.role is people_db.Role.KADER:
                contacts.setdefault(k.posyandu_id, []).append(Contact(k.name, phones.get(k.id)))
        names = await self._names(
            conn, [s.submitted_by for reps in by_posyandu.values() for s in reps]
        )
        desa_names = {
            a.id: a.name for a in await areas_db.areas_under(conn, area, areas_db.Level.DESA)
        }
        if area.level is areas_db.Level.DESA:
            desa_names[area.id] = area.name
        out = []
        for m in members:
            info = PosyanduInfo(
                id=m.id,
                code=m.code,
                name=m.name,
                place=f"Desa {desa_names[m.desa_id]}" if m.desa_id in desa_names else "",
                schedule=m.schedule if needs.schedules else None,
                moves=moves.get(m.id, {}),
            )
            reports = {s.report.period: _stored(s, names) for s in by_posyandu.get(m.id, [])}
            out.append(
                AreaMember(
                    posyandu=PosyanduData(info=info, reports=reports),
                    contacts=tuple(contacts.get(m.id, [])),
                )
            )
        return AreaData(
            id=area.id,
            name=area.title,
            members=tuple(out),
            has_reports=any(by_posyandu.values()),
        )

    async def _invitation(self, conn: Connection, needs: Needs, now: datetime) -> Invitation | None:
        if not needs.invitation_code:
            return None
        found = await invitations_db.invitation_by_code(conn, needs.invitation_code)
        if found is None:
            return None
        place = ""
        if found.posyandu_id is not None:
            p = await posyandu_db.posyandu_by_id(conn, found.posyandu_id)
            place = f"Posyandu {p.name}" if p else ""
        elif found.area_id is not None:
            a = await areas_db.area_by_id(conn, found.area_id)
            place = a.title if a else ""
        return Invitation(
            code=found.code,
            role=found.role,
            posyandu_id=found.posyandu_id,
            area_id=found.area_id,
            place=place,
            usable=found.expires_at > now and found.uses_left > 0,
        )

    # --- applying ------------------------------------------------------------------------
    async def _apply(
        self,
        tx: Connection,
        msg: Inbound,
        result: StepResult,
        person: Person | None,
        tz: tzinfo,
        now: datetime,
    ) -> tuple[list[Reply], list[tuple[str, str, Reply]], bool]:
        """Apply the step's effects; returns (replies to the sender, messages to others,
        whether a report was saved)."""
        replies = list(result.replies)
        others: list[tuple[str, str, Reply]] = []
        saved = False
        for effect in result.effects:
            if isinstance(effect, SaveReport):
                saved_report = await reports_db.save_report(
                    tx,
                    effect.posyandu_id,
                    effect.report,
                    by=person.id if person else None,
                    at=now,
                    channel=msg.channel,
                )
                saved = True
                prev = saved_report.previous
                if (
                    prev is not None
                    and saved_report.changed
                    and prev.revision != effect.base_revision
                ):
                    # Someone else saved this month after the sender started: both are told.
                    other_name = ""
                    if prev.submitted_by is not None:
                        other = await people_db.person_by_id(tx, prev.submitted_by)
                        other_name = other.name if other else ""
                        if other is not None and (person is None or other.id != person.id):
                            for ident in await people_db.identities_of(tx, [other.id]):
                                if ident.reachable:
                                    others.append(
                                        (
                                            ident.channel,
                                            ident.address,
                                            conflict_for_other(
                                                effect.report.period,
                                                person.name if person else "",
                                                saved_report.revision,
                                                tz,
                                                now,
                                            ),
                                        )
                                    )
                    replies.append(
                        conflict_for_sender(
                            effect.report.period,
                            other_name,
                            prev.submitted_at,
                            # The revision the sender's report was saved as (the other's
                            # stays as the one before it).
                            saved_report.revision,
                            tz,
                            now,
                        )
                    )
            elif isinstance(effect, Register):
                outcome, _inv = await invitations_db.redeem(tx, effect.code, now)
                if outcome is not invitations_db.RedeemResult.OK:
                    # Used up or expired between the question and the answer.
                    replies = [Text(say("register.unusable", code=effect.code))]
                    continue
                created = await people_db.create_person(
                    tx,
                    effect.name,
                    effect.role,
                    now,
                    posyandu_id=effect.posyandu_id,
                    area_id=effect.area_id,
                )
                await people_db.add_identity(tx, created.id, msg.channel, msg.address)
                await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)
            elif isinstance(effect, CodeFailed):
                await invitations_db.record_code_failure(tx, msg.channel, msg.address, now)
            elif isinstance(effect, SetReminders):
                if person is not None:
                    await people_db.set_reminders(tx, person.id, effect.enabled)
            elif isinstance(effect, SetSchedule | MoveHariBuka):
                await self._change_schedule(tx, person, effect)
        return replies, others, saved

    async def _change_schedule(
        self, tx: Connection, person: Person | None, effect: SetSchedule | MoveHariBuka
    ) -> None:
        """JADWAL's change, once more checked against the sender's area (the step only ever
        names a posyandu of it; this keeps it so whatever the step says)."""
        target = await posyandu_db.posyandu_by_id(tx, effect.posyandu_id)
        area = (
            await areas_db.area_by_id(tx, person.area_id)
            if person is not None and person.role.sees_area and person.area_id is not None
            else None
        )
        if target is None or area is None:
            raise PermissionError("JADWAL for a posyandu outside the sender's area")
        low, high = areas_db.subtree_bounds(area.path)
        if not low <= target.area_path < high:
            raise PermissionError("JADWAL for a posyandu outside the sender's area")
        if isinstance(effect, SetSchedule):
            await posyandu_db.set_schedule(tx, target.id, effect.schedule)
        else:
            await posyandu_db.move_hari_buka(tx, target.id, effect.day)

    def _session_expiry(self, session: Session, now: datetime, tz: tzinfo) -> datetime:
        """When storage may drop the session: for a half-done report, not before the step
        would (idle ``draft_expiry`` and the month's reporting window over), plus
        ``session_expiry`` so the kader can still be told it was dropped."""
        limits = self.limits
        if session.draft is None:
            return now + limits.session_expiry
        closes = session.draft.period.shift(limits.months_back + 1)
        window_end = datetime(closes.year, closes.month, 1, tzinfo=tz)
        keep = max(limits.draft_expiry, limits.session_expiry)
        return max(now + keep, window_end) + limits.session_expiry

    async def _save_session(
        self,
        tx: Connection,
        msg: Inbound,
        session: Session,
        stored: sessions_db.StoredSession | None,
        now: datetime,
        tz: tzinfo,
    ) -> None:
        session = session.touch(now)
        if session.empty:
            if stored is not None:
                await sessions_db.delete_session(tx, msg.channel, msg.address)
            return
        stage = session.draft.stage.value if session.draft else type(session.awaiting).__name__
        await sessions_db.save_session(
            tx,
            sessions_db.StoredSession(
                channel=msg.channel,
                address=msg.address,
                flow=_SESSION_FLOW,
                step=stage,
                answers={"session": session_to_json(session)},
                started_at=stored.started_at if stored else now,
                updated_at=now,
                expires_at=self._session_expiry(session, now, tz),
            ),
        )

    async def _queue(
        self,
        tx: Connection,
        msg: Inbound,
        replies: list[Reply],
        others: list[tuple[str, str, Reply]],
        now: datetime,
    ) -> int:
        rows = [
            Outgoing(msg.channel, msg.address, reply, reply_key(msg.channel, msg.external_id, i))
            for i, reply in enumerate(replies)
        ]
        rows.extend(
            Outgoing(channel, address, reply, notice_key(msg.channel, msg.external_id, i))
            for i, (channel, address, reply) in enumerate(others)
        )
        await outbox_db.append_many(tx, rows, now)
        return len(rows)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _stored(s: reports_db.StoredReport, names: dict[int, str]) -> StoredReport:
    return StoredReport(
        report=s.report,
        revision=s.revision,
        sent_by=names.get(s.submitted_by, "") if s.submitted_by is not None else "",
        sent_at=s.submitted_at,
        sent_by_id=s.submitted_by,
    )


def _period_at(now: datetime, tz: tzinfo) -> Period:
    local = now.astimezone(tz)
    return Period(local.year, local.month)
