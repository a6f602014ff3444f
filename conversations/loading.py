"""Between the engine's two reads, and after them: what to read and the step's
:class:`~conversations.model.Context`, both pure.

The engine reads who and where (:meth:`storage.message_reads.MessageReads.sender`), asks
:meth:`Loader.plan` what the message needs (:func:`conversations.plan.plan`, put in
storage's words: :class:`~storage.message_reads.Wanted`), reads that in one call
(:meth:`~storage.message_reads.MessageReads.wanted`) and builds the context from the two
answers with :meth:`Loader.context`, which also says whether the sender's last inbound time
wants refreshing. Nothing here reads storage."""

from __future__ import annotations

from collections.abc import Callable
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
from scoring.growth import GrowthRules
from storage import posyandu as posyandu_db
from storage import sessions as sessions_db
from storage.areas import Area
from storage.children import NamesShown
from storage.cipher import RegisterCipher
from storage.message_reads import (
    AreaFound,
    AreaWanted,
    ChildrenWanted,
    Found,
    PosyanduFound,
    PosyanduWanted,
    Sender,
    Wanted,
)
from storage.people import Identity, Role
from storage.posyandu import Posyandu
from storage.reports import StoredReport

__all__ = ["Loaded", "Loader", "PhoneOf", "Planned", "no_phone"]

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
class Planned:
    """The plan of one message: its session, the sender's zone and month, what to read."""

    session: Session
    tz: tzinfo
    current: Period
    needs: Needs
    wanted: Wanted


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the step runs on, and what the commit needs to know of the snapshot."""

    session: Session
    ctx: Context
    #: The session as stored (None: there was none).
    stored: sessions_db.StoredSession | None
    #: The address's identity wants its last inbound time refreshed.
    refresh: bool
    #: Children's names read for the step: audited in the write (``audit_shown``).
    shown: NamesShown | None = None


def _last_day(period: Period) -> date:
    after = period.shift(1)
    return date(after.year, after.month, 1) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Loader:
    limits: Limits
    scoring: ScoringSettings
    default_tz: tzinfo
    phone_of: PhoneOf = no_phone
    #: The child register's cipher (None: the register is off).
    register: RegisterCipher | None = None
    #: The growth rules (KBM, BGM): TIMBANG's statuses (None: no weighing by chat).
    growth: GrowthRules | None = None
    #: The register's optional fields this deployment records.
    register_fields: frozenset[str] = frozenset()

    def plan(self, sender: Sender, msg: Inbound, message: ParsedMessage, now: datetime) -> Planned:
        """Phase 2: what ``message`` needs read, from who and where (phase 1's answer)."""
        stored = sender.session
        raw = stored.answers.get("session") if stored else None
        session = session_from_json(raw, self.register)
        tz = self._zone(sender)
        current = _period_at(now, tz)
        needs = plan(session, message, sender.person, current)
        return Planned(session, tz, current, needs, self._wanted(sender, msg, needs, current, now))

    def context(
        self, sender: Sender, planned: Planned, found: Found, msg: Inbound, now: datetime
    ) -> Loaded:
        """The step's context from the two reads' answers."""
        needs = planned.needs
        ctx = Context(
            now=now,
            tz=planned.tz,
            person=sender.person,
            posyandu=_posyandu(found.posyandu, sender.posyandu, planned.current),
            area=self._area(found.area, sender.area, needs, planned.current),
            invitation=_invitation(found, now),
            code_failures_global=found.code_failures,
            in_group=msg.in_group,
            member=_member(found) if needs.group_member and msg.in_group else None,
            limits=self.limits,
            scoring=self.scoring,
            register=self.register is not None,
            register_fields=self.register_fields,
            children=found.children.children if found.children is not None else None,
            weighings=found.weighings,
            growth=self.growth,
            register_months=found.register_months,
        )
        refresh = sender.identity is not None and _stale(sender.identity, msg)
        return Loaded(planned.session, ctx, sender.session, refresh, found.children)

    def _zone(self, sender: Sender) -> tzinfo:
        if sender.person is None:
            return self.default_tz
        if sender.posyandu is not None:
            return sender.posyandu.tz
        if sender.area_zone is not None:
            return ZoneInfo(sender.area_zone)
        return self.default_tz

    def _wanted(
        self, sender: Sender, msg: Inbound, needs: Needs, current: Period, now: datetime
    ) -> Wanted:
        own = sender.posyandu
        return Wanted(
            posyandu=(
                PosyanduWanted(
                    own,
                    (needs.posyandu_since, current),
                    (current.shift(-_HARI_BUKA_BACK), current.shift(_MOVES_AHEAD)),
                )
                if own is not None and needs.posyandu_since is not None
                else None
            ),
            area=_area_wanted(sender.area, needs, current),
            invitation_code=needs.invitation_code or None,
            code_failures_since=(
                now - self.limits.wrong_code_global_window if needs.code_failures else None
            ),
            group_member=(
                (msg.channel, msg.sender)
                if needs.group_member and msg.in_group and msg.sender
                else None
            ),
            children=(
                ChildrenWanted(
                    own.id,
                    self.register,
                    weighings=needs.weighings,
                    weighings_through=needs.weighings_through,
                )
                if needs.children and own is not None and self.register is not None
                else None
            ),
            register_months=(
                (own.id, self._report_days(current, now, own.tz))
                if needs.register_months and own is not None and self.register is not None
                else None
            ),
        )

    def _report_days(
        self, current: Period, now: datetime, tz: tzinfo
    ) -> tuple[tuple[Period, date], ...]:
        """The months a report may be for, each with the day the register's S and K are
        counted on: today for this month, the last day of an earlier one."""
        today = now.astimezone(tz).date()
        months = [current.shift(-i) for i in range(self.limits.months_back + 1)]
        return tuple((p, today if p == current else _last_day(p)) for p in months)

    def _area(
        self, found: AreaFound | None, area: Area | None, needs: Needs, current: Period
    ) -> AreaData | None:
        if found is None or area is None:
            return None
        title = area_title(area.level, area.name, area.kind)
        if needs.area_reports is not None:
            return AreaData(id=area.id, name=title, has_reports=found.has_reports)
        asked = needs.area_window[1] if needs.area_window is not None else current
        contacts = self._contacts(found)
        moves: dict[int, dict[Period, date]] = {}
        for (pid, period), day in found.moves.items():
            moves.setdefault(pid, {})[period] = day
        members = tuple(
            AreaMember(
                posyandu=_member_data(p, found, moves.get(p.id, {}), needs.schedules),
                contacts=tuple(contacts.get(p.id, [])),
                hari_buka=posyandu_db.hari_buka(p, asked, found.asked_moves),
                tz=p.tz,
            )
            for p in found.posyandu
        )
        return AreaData(id=area.id, name=title, members=members, has_reports=found.has_reports)

    def _contacts(self, found: AreaFound) -> dict[int, list[Contact]]:
        """The kader of each posyandu, with the phone number of their first identity that is
        one (:attr:`phone_of`)."""
        phones: dict[int, str] = {}
        for ident in found.identities:
            phone = self.phone_of(ident.channel, ident.address)
            if phone is not None and ident.person_id not in phones:
                phones[ident.person_id] = phone
        contacts: dict[int, list[Contact]] = {}
        for k in found.kader:
            if k.posyandu_id is not None and k.role is Role.KADER:
                contacts.setdefault(k.posyandu_id, []).append(Contact(k.name, phones.get(k.id)))
        return contacts


def _area_wanted(area: Area | None, needs: Needs, current: Period) -> AreaWanted | None:
    """The sender's area, when the plan needs it: only whether it has reports (REKAP), or
    every posyandu under it with its reports and (JADWAL) schedules."""
    if area is None:
        return None
    if needs.area_reports is not None:
        return AreaWanted(area, any_report=needs.area_reports)
    if needs.area_window is None and not needs.schedules:
        return None
    return AreaWanted(
        area,
        reports=needs.area_window,
        moves=(current.shift(-1), current.shift(_MOVES_AHEAD)) if needs.schedules else None,
        asked=needs.area_window[1] if needs.area_window is not None else current,
    )


def _posyandu(
    found: PosyanduFound | None, own: Posyandu | None, current: Period
) -> PosyanduData | None:
    if found is None or own is None:
        return None
    first, last = current.shift(-_HARI_BUKA_BACK), current.shift(1)
    periods = [first.shift(i) for i in range(last.months_since(first) + 1)]
    desa = found.desa
    info = PosyanduInfo(
        id=own.id,
        code=own.code,
        name=own.name,
        place=place_name(desa.name, desa.kind) if desa else "",
        hari_buka=tuple(posyandu_db.hari_buka(own, period, found.moves) for period in periods),
        schedule=own.schedule,
        moves={period: day for (_pid, period), day in found.moves.items()},
    )
    return PosyanduData(
        info=info,
        reports={s.report.period: _stored(s, found.names) for s in found.reports},
        history=found.history,
    )


def _member_data(
    p: Posyandu, found: AreaFound, moves: dict[Period, date], schedules: bool
) -> PosyanduData:
    place = found.desa.get(p.desa_id)
    return PosyanduData(
        info=PosyanduInfo(
            id=p.id,
            code=p.code,
            name=p.name,
            place=place_name(*place) if place is not None else "",
            schedule=p.schedule if schedules else None,
            moves=moves,
        ),
        reports={s.report.period: _stored(s, found.names) for s in found.reports.get(p.id, [])},
        history=found.histories.get(p.id, KnownHistory()),
    )


def _invitation(found: Found, now: datetime) -> InvitationInfo | None:
    inv = found.invitation
    if inv is None:
        return None
    where = found.invitation_place
    place = ""
    if isinstance(where, Posyandu):
        place = f"Posyandu {where.name}"
    elif isinstance(where, Area):
        place = area_title(where.level, where.name, where.kind)
    return InvitationInfo(
        code=inv.code,
        role=inv.role,
        posyandu_id=inv.posyandu_id,
        area_id=inv.area_id,
        place=place,
        usable=inv.expires_at > now and inv.uses_left > 0,
    )


def _member(found: Found) -> GroupMember:
    """Who typed in the group (on the group's channel), and the title of their area."""
    area = found.group_member_area
    title = area_title(area.level, area.name, area.kind) if area is not None else ""
    return GroupMember(found.group_member, title)


def _stored(s: StoredReport, names: dict[int, str]) -> SentReport:
    return SentReport(
        report=s.report,
        revision=s.revision,
        sent_by=names.get(s.submitted_by, "") if s.submitted_by is not None else "",
        sent_at=s.submitted_at,
        sent_by_id=s.submitted_by,
    )


def _stale(identity: Identity, msg: Inbound) -> bool:
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
