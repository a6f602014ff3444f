"""Building the step's :class:`~conversations.model.Context` from one read snapshot: whom the
address belongs to, their time zone, and what :func:`conversations.plan.plan` says the
message needs (their posyandu, their area, an invitation, who typed in a group)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from conversations.commands import ParsedMessage
from conversations.format import area_title, place_name
from conversations.inbound import Inbound
from conversations.model import (
    AreaData,
    AreaMember,
    Contact,
    Context,
    GroupMember,
    InvitationInfo,
    Limits,
    PosyanduData,
    PosyanduInfo,
    SentReport,
)
from conversations.needs import Needs
from conversations.plan import plan
from conversations.session import Session, session_from_json
from scoring import KnownHistory, Period, ScoringSettings
from storage import Connection
from storage import areas as areas_db
from storage import invitations as invitations_db
from storage import people as people_db
from storage import posyandu as posyandu_db
from storage import reports as reports_db
from storage import sessions as sessions_db
from storage.people import Person, Role

__all__ = ["Loaded", "Loader", "PhoneOf", "no_phone"]

#: The phone number a channel's address is, if it is one: (channel, address) -> number. The
#: channels know (a WhatsApp address is the number); the engine never looks at a channel.
PhoneOf = Callable[[str, str], str | None]

#: Months of hari-buka dates the step is told about, around the current month.
_HARI_BUKA_BACK = 3
#: Months ahead whose one-off moves are loaded (the next few hari buka for JADWAL).
_MOVES_AHEAD = 4
#: How stale an identity's last inbound time may get before a message refreshes it.
_INBOUND_REFRESH = timedelta(minutes=5)


def no_phone(channel: str, address: str) -> str | None:
    """No address is a phone number."""
    return None


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the step runs on, and what the commit needs to know of the snapshot."""

    session: Session
    ctx: Context
    #: The session as stored (None: there was none).
    stored: sessions_db.StoredSession | None
    #: The address's identity wants its last inbound time refreshed.
    refresh: bool


@dataclass(frozen=True, slots=True)
class Loader:
    limits: Limits
    scoring: ScoringSettings
    default_tz: tzinfo
    phone_of: PhoneOf = no_phone

    async def load(
        self, conn: Connection, msg: Inbound, message: ParsedMessage, now: datetime
    ) -> Loaded:
        """Everything the step needs for ``message``, read on ``conn`` (one snapshot)."""
        sender = await people_db.sender_by_address(conn, msg.channel, msg.address)
        person = sender[0] if sender else None
        stored = await sessions_db.get_session(conn, msg.channel, msg.address)
        session = session_from_json(stored.answers.get("session") if stored else None)
        own = await self._own_posyandu(conn, person)
        tz = await self._zone(conn, person, own)
        current = _period_at(now, tz)
        needs = plan(session, message, person, current)
        ctx = Context(
            now=now,
            tz=tz,
            person=person,
            posyandu=await self._posyandu(conn, own, needs, current),
            area=await self._area(conn, person, needs, current),
            invitation=await self._invitation(conn, needs, now),
            code_failures_global=await self._code_failures(conn, needs, now),
            in_group=msg.in_group,
            member=await self._member(conn, msg, needs),
            limits=self.limits,
            scoring=self.scoring,
        )
        return Loaded(session, ctx, stored, sender is not None and _stale(sender[1], msg))

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
        info = await _info(conn, found, current)
        stored = await reports_db.list_stored_reports(conn, found.id, needs.posyandu_since, current)
        names = await _names(conn, [s.submitted_by for s in stored])
        history = (await posyandu_db.known_histories(conn, [found.id]))[found.id]
        return PosyanduData(
            info=info,
            reports={s.report.period: _stored(s, names) for s in stored},
            history=history,
        )

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
            return AreaData(
                id=area.id, name=area_title(area.level, area.name, area.kind), has_reports=reported
            )
        members, reported = await self._members(conn, area, needs, current)
        return AreaData(
            id=area.id,
            name=area_title(area.level, area.name, area.kind),
            members=members,
            has_reports=reported,
        )

    async def _members(
        self, conn: Connection, area: areas_db.Area, needs: Needs, current: Period
    ) -> tuple[tuple[AreaMember, ...], bool]:
        """Every posyandu under ``area`` with its reports of the window, its kader and (for
        JADWAL) its schedule; and whether any of them has a report in the window."""
        found = await posyandu_db.posyandu_under(conn, area)
        ids = [p.id for p in found]
        by_posyandu: dict[int, list[reports_db.StoredReport]] = {}
        histories: dict[int, KnownHistory] = {}
        if needs.area_window is not None:
            first, last = needs.area_window
            by_posyandu = await reports_db.stored_reports_for_posyandu_ids(conn, ids, first, last)
            histories = await posyandu_db.known_histories(conn, ids)
        moves = await _moves_by_posyandu(conn, ids, current) if needs.schedules else {}
        asked = needs.area_window[1] if needs.area_window is not None else current
        asked_moves = await posyandu_db.moves_for(conn, ids, asked, asked)
        contacts = await self._contacts(conn, ids)
        names = await _names(conn, [s.submitted_by for rs in by_posyandu.values() for s in rs])
        places = await _desa_names(conn, area)
        members = tuple(
            AreaMember(
                posyandu=PosyanduData(
                    info=PosyanduInfo(
                        id=p.id,
                        code=p.code,
                        name=p.name,
                        place=place_name(*places[p.desa_id]) if p.desa_id in places else "",
                        schedule=p.schedule if needs.schedules else None,
                        moves=moves.get(p.id, {}),
                    ),
                    reports={s.report.period: _stored(s, names) for s in by_posyandu.get(p.id, [])},
                    history=histories.get(p.id, KnownHistory()),
                ),
                contacts=tuple(contacts.get(p.id, [])),
                hari_buka=posyandu_db.hari_buka(p, asked, asked_moves),
                tz=p.tz,
            )
            for p in found
        )
        return members, any(by_posyandu.values())

    async def _contacts(
        self, conn: Connection, posyandu_ids: list[int]
    ) -> dict[int, list[Contact]]:
        """The kader of each posyandu, with the phone number of their first identity that is
        one (:attr:`phone_of`)."""
        kader = await people_db.people_of_posyandu(conn, posyandu_ids)
        phones: dict[int, str] = {}
        for ident in await people_db.identities_of(conn, [k.id for k in kader]):
            phone = self.phone_of(ident.channel, ident.address)
            if phone is not None and ident.person_id not in phones:
                phones[ident.person_id] = phone
        contacts: dict[int, list[Contact]] = {}
        for k in kader:
            if k.posyandu_id is not None and k.role is Role.KADER:
                contacts.setdefault(k.posyandu_id, []).append(Contact(k.name, phones.get(k.id)))
        return contacts

    async def _invitation(
        self, conn: Connection, needs: Needs, now: datetime
    ) -> InvitationInfo | None:
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
            place = area_title(a.level, a.name, a.kind) if a else ""
        return InvitationInfo(
            code=found.code,
            role=found.role,
            posyandu_id=found.posyandu_id,
            area_id=found.area_id,
            place=place,
            usable=found.expires_at > now and found.uses_left > 0,
        )

    async def _code_failures(self, conn: Connection, needs: Needs, now: datetime) -> int:
        if not needs.code_failures:
            return 0
        since = now - self.limits.wrong_code_global_window
        return await invitations_db.count_code_failures(conn, since)

    async def _member(self, conn: Connection, msg: Inbound, needs: Needs) -> GroupMember | None:
        """Who typed in the group (on the group's channel), and the title of their area."""
        if not needs.group_member or not msg.in_group:
            return None
        found = (
            await people_db.person_by_address(conn, msg.channel, msg.sender) if msg.sender else None
        )
        area = (
            await areas_db.area_by_id(conn, found.area_id)
            if found is not None and found.area_id is not None
            else None
        )
        return GroupMember(
            found, area_title(area.level, area.name, area.kind) if area is not None else ""
        )


async def _info(conn: Connection, p: posyandu_db.Posyandu, current: Period) -> PosyanduInfo:
    first, last = current.shift(-_HARI_BUKA_BACK), current.shift(1)
    moves = await posyandu_db.moves_for(conn, [p.id], first, current.shift(_MOVES_AHEAD))
    periods = [first.shift(i) for i in range(last.months_since(first) + 1)]
    desa = await areas_db.area_by_id(conn, p.desa_id)
    return PosyanduInfo(
        id=p.id,
        code=p.code,
        name=p.name,
        place=place_name(desa.name, desa.kind) if desa else "",
        hari_buka=tuple(posyandu_db.hari_buka(p, period, moves) for period in periods),
        schedule=p.schedule,
        moves={period: day for (_pid, period), day in moves.items()},
    )


async def _moves_by_posyandu(
    conn: Connection, ids: list[int], current: Period
) -> dict[int, dict[Period, date]]:
    found = await posyandu_db.moves_for(conn, ids, current.shift(-1), current.shift(_MOVES_AHEAD))
    moves: dict[int, dict[Period, date]] = {}
    for (pid, period), day in found.items():
        moves.setdefault(pid, {})[period] = day
    return moves


async def _desa_names(conn: Connection, area: areas_db.Area) -> dict[int, tuple[str, str | None]]:
    """The names and kinds of the desa under ``area`` (itself included, when it is one)."""
    under = await areas_db.areas_under(conn, area, areas_db.Level.DESA)
    names = {a.id: (a.name, a.kind) for a in under}
    if area.level is areas_db.Level.DESA:
        names[area.id] = (area.name, area.kind)
    return names


async def _names(conn: Connection, ids: Sequence[int | None]) -> dict[int, str]:
    out: dict[int, str] = {}
    for pid in {i for i in ids if i is not None}:
        found = await people_db.person_by_id(conn, pid)
        if found is not None:
            out[pid] = found.name
    return out


def _stored(s: reports_db.StoredReport, names: dict[int, str]) -> SentReport:
    return SentReport(
        report=s.report,
        revision=s.revision,
        sent_by=names.get(s.submitted_by, "") if s.submitted_by is not None else "",
        sent_at=s.submitted_at,
        sent_by_id=s.submitted_by,
    )


def _stale(identity: people_db.Identity, msg: Inbound) -> bool:
    """The last inbound time (WhatsApp's 24-hour window) is refreshed when it is a few
    minutes old, or when the identity was marked unreachable: not on every message."""
    return (
        not identity.reachable
        or identity.last_inbound_at is None
        or msg.received_at - identity.last_inbound_at >= _INBOUND_REFRESH
    )


def _period_at(now: datetime, tz: tzinfo) -> Period:
    local = now.astimezone(tz)
    return Period(local.year, local.month)
