"""The engine: one inbound message in, one transaction out.

For each message (one at a time per channel+address, different addresses concurrently) it
records the channel's message id (a redelivery does nothing), loads what
:func:`conversations.plan.plan` says the message needs, runs the pure
:func:`conversations.step.step`, and saves the new session, the report (with its revision)
and the replies (as outbox rows) in ONE storage transaction: all of it or none of it.

Any exception in a step is logged and answered with a short apology; nothing of the step is
saved and the message id is not recorded, so a redelivery is handled afresh.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from conversations.catalogue import say
from conversations.effects import Register, SaveReport, StepResult
from conversations.inbound import Inbound
from conversations.locks import KeyedLocks
from conversations.model import (
    AreaData,
    AreaMember,
    Contact,
    Context,
    Invitation,
    Limits,
    Person,
    PosyanduData,
    PosyanduInfo,
    Role,
    StoredReport,
)
from conversations.notices import conflict_for_other, conflict_for_sender
from conversations.plan import Needs, plan
from conversations.replies import Reply, Text
from conversations.session import Session, session_from_json, session_to_json
from conversations.step import step
from conversations.wire import reply_to_json
from scoring import DEFAULT_SETTINGS, Period, ScoringSettings
from storage import Connection, Database
from storage import areas as areas_db
from storage import invitations as invitations_db
from storage import outbox as outbox_db
from storage import people as people_db
from storage import posyandu as posyandu_db
from storage import reports as reports_db
from storage import sessions as sessions_db
from storage.clock import Clock
from storage.inbound import record_inbound

__all__ = ["Engine", "HandleResult"]

log = logging.getLogger("posyandu.engine")

#: Months of hari-buka dates the step is told about, around the current month.
_HARI_BUKA_BACK = 3
_SESSION_FLOW = "chat"
DEFAULT_TZ = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class HandleResult:
    duplicate: bool = False
    replies: int = 0
    saved_report: bool = False
    failed: bool = False


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

    async def handle(self, inbound: Inbound) -> HandleResult:
        """Handle one message; returns once its effects and replies are committed."""
        async with self._locks.hold((inbound.channel, inbound.address)):
            try:
                result = await self._handle(inbound)
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
        async with self.db.transaction() as tx:
            if not await record_inbound(tx, msg.channel, msg.external_id, msg.received_at):
                return HandleResult(duplicate=True)
            await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)
            stored_person = await people_db.person_by_address(tx, msg.channel, msg.address)
            person = _person(stored_person) if stored_person else None
            stored_session = await sessions_db.get_session(tx, msg.channel, msg.address)
            session = session_from_json(
                stored_session.answers.get("session") if stored_session else None
            )
            tz = await self._zone(tx, person)
            current = _period_at(now, tz)
            needs = plan(session, msg.text, person, current)
            ctx = Context(
                now=now,
                tz=tz,
                person=person,
                posyandu=await self._posyandu(tx, person, needs, current, now),
                area=await self._area(tx, person, needs),
                invitation=await self._invitation(tx, needs, now),
                limits=self.limits,
                scoring=self.scoring,
            )
            result = step(session, msg.text, ctx)
            replies, extra, saved = await self._apply(tx, msg, result, person, tz, now)
            await self._save_session(tx, msg, result.session, stored_session, now)
            count = await self._queue(tx, msg, replies, extra, now)
        return HandleResult(replies=count, saved_report=saved)

    async def _apologise(self, msg: Inbound) -> HandleResult:
        now = self.clock.now()
        try:
            async with self.db.transaction() as tx:
                await outbox_db.append(
                    tx,
                    msg.channel,
                    msg.address,
                    json.loads(reply_to_json(Text(say("error.apology")))),
                    f"apology:{msg.channel}:{msg.external_id}",
                    now,
                )
        except Exception:
            log.exception("engine.apology_failed")
            return HandleResult(failed=True)
        return HandleResult(replies=1, failed=True)

    # --- loading -------------------------------------------------------------------------
    async def _zone(self, conn: Connection, person: Person | None) -> tzinfo:
        if person is None:
            return self.default_tz
        if person.posyandu_id is not None:
            found = await posyandu_db.posyandu_by_id(conn, person.posyandu_id)
            if found is not None:
                return found.tz
        if person.area_id is not None:
            area = await areas_db.area_by_id(conn, person.area_id)
            if area is not None:
                members = await posyandu_db.posyandu_under(conn, area)
                if members:
                    return members[0].tz
        return self.default_tz

    async def _posyandu(
        self,
        conn: Connection,
        person: Person | None,
        needs: Needs,
        current: Period,
        now: datetime,
    ) -> PosyanduData | None:
        if person is None or person.posyandu_id is None or needs.posyandu_since is None:
            return None
        found = await posyandu_db.posyandu_by_id(conn, person.posyandu_id)
        if found is None:
            return None
        info = await self._info(conn, found, current)
        stored = await reports_db.list_stored_reports(conn, found.id, needs.posyandu_since, current)
        names = await self._names(conn, [s.submitted_by for s in stored])
        return PosyanduData(info=info, reports={s.report.period: _stored(s, names) for s in stored})

    async def _info(
        self, conn: Connection, p: posyandu_db.Posyandu, current: Period
    ) -> PosyanduInfo:
        first, last = current.shift(-_HARI_BUKA_BACK), current.shift(1)
        moves = await posyandu_db.moves_for(conn, [p.id], first, last)
        periods = [first.shift(i) for i in range(last.months_since(first) + 1)]
        desa = await areas_db.area_by_id(conn, p.desa_id)
        return PosyanduInfo(
            id=p.id,
            code=p.code,
            name=p.name,
            place=f"Desa {desa.name}" if desa else "",
            hari_buka=tuple(posyandu_db.hari_buka(p, period, moves) for period in periods),
        )

    async def _names(self, conn: Connection, ids: Sequence[int | None]) -> dict[int, str]:
        out: dict[int, str] = {}
        for pid in {i for i in ids if i is not None}:
            found = await people_db.person_by_id(conn, pid)
            if found is not None:
                out[pid] = found.name
        return out

    async def _area(self, conn: Connection, person: Person | None, needs: Needs) -> AreaData | None:
        if person is None or person.area_id is None or needs.area_window is None:
            return None
        area = await areas_db.area_by_id(conn, person.area_id)
        if area is None:
            return None
        first, last = needs.area_window
        members = await posyandu_db.posyandu_under(conn, area)
        by_posyandu = await reports_db.stored_reports_for_posyandu_ids(
            conn, [m.id for m in members], first, last
        )
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
            )
            reports = {s.report.period: _stored(s, names) for s in by_posyandu.get(m.id, [])}
            out.append(
                AreaMember(
                    posyandu=PosyanduData(info=info, reports=reports),
                    contacts=tuple(contacts.get(m.id, [])),
                )
            )
        return AreaData(id=area.id, name=f"{area.level.label} {area.name}", members=tuple(out))

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
            place = f"{a.level.label} {a.name}" if a else ""
        return Invitation(
            code=found.code,
            role=Role(found.role.value),
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
                            prev.revision,
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
                    people_db.Role(effect.role.value),
                    now,
                    posyandu_id=effect.posyandu_id,
                    area_id=effect.area_id,
                )
                await people_db.add_identity(tx, created.id, msg.channel, msg.address)
                await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)
        return replies, others, saved

    async def _save_session(
        self,
        tx: Connection,
        msg: Inbound,
        session: Session,
        stored: sessions_db.StoredSession | None,
        now: datetime,
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
                expires_at=now + self.limits.session_expiry,
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
        rows: list[tuple[str, str, dict[str, object], str]] = []
        for i, reply in enumerate(replies):
            key = f"reply:{msg.channel}:{msg.external_id}:{i}"
            rows.append((msg.channel, msg.address, json.loads(reply_to_json(reply)), key))
        for i, (channel, address, reply) in enumerate(others):
            key = f"notice:{msg.channel}:{msg.external_id}:{i}"
            rows.append((channel, address, json.loads(reply_to_json(reply)), key))
        await outbox_db.append_many(tx, rows, now)
        return len(rows)


def _person(p: people_db.Person) -> Person:
    return Person(p.id, p.name, Role(p.role.value), p.posyandu_id, p.area_id)


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
