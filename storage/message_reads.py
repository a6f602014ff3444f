"""The reads of one inbound message: two calls, made on one read snapshot by the engine.

1. :meth:`MessageReads.sender`: who and where, in one statement: the address's identity and
   person, its session, the person's own posyandu and their area (and, for a supervisor,
   one more: the area's time zone).
2. :meth:`MessageReads.wanted`: what the plan (pure, in ``conversations``) asked for, in
   storage's words (:class:`Wanted`): a posyandu's recent reports and moves, an area's
   posyandu with their reports, schedules and kader, an invitation, the wrong codes of
   everyone, who typed in a chat group. Everything it finds comes back in one :class:`Found`.

Nothing here knows a conversation: the request names rows and periods, the answer is rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from scoring import KnownHistory, Period
from storage import areas as areas_db
from storage import children as children_db
from storage import invitations as invitations_db
from storage import people as people_db
from storage import posyandu as posyandu_db
from storage import reports as reports_db
from storage import sessions as sessions_db
from storage.areas import Area, Level
from storage.children import NamesShown, RegisterMonth, Weighing
from storage.cipher import RegisterCipher
from storage.db import Connection
from storage.invitations import Invitation
from storage.people import Identity, Person
from storage.posyandu import Posyandu
from storage.reports import StoredReport
from storage.sessions import StoredSession
from storage.sql import fetch_one

__all__ = [
    "AreaFound",
    "AreaWanted",
    "Found",
    "MessageReads",
    "PosyanduFound",
    "PosyanduWanted",
    "Sender",
    "Wanted",
]

Moves = dict[tuple[int, Period], date]
Window = tuple[Period, Period]


@dataclass(frozen=True, slots=True)
class Sender:
    """Whom an address belongs to and where they are (phase 1)."""

    person: Person | None
    identity: Identity | None
    session: StoredSession | None
    #: The person's own posyandu (a kader's).
    posyandu: Posyandu | None
    #: The person's area (a supervisor's).
    area: Area | None
    #: The time zone most posyandu of ``area`` use (only looked up without ``posyandu``).
    area_zone: str | None


@dataclass(frozen=True, slots=True)
class PosyanduWanted:
    posyandu: Posyandu
    #: Its reports in this window (inclusive), with their senders' names.
    reports: Window
    #: Its one-off hari-buka moves in this window.
    moves: Window


@dataclass(frozen=True, slots=True)
class AreaWanted:
    area: Area
    #: Only whether any posyandu under it has a report in this window (nothing else is read).
    any_report: Window | None = None
    #: Every posyandu under it, with its reports in this window and its known history.
    reports: Window | None = None
    #: Their one-off moves in this window (schedules).
    moves: Window | None = None
    #: The month whose moves give each posyandu's hari buka.
    asked: Period | None = None


@dataclass(frozen=True, slots=True)
class ChildrenWanted:
    """A posyandu's children with their names (decrypted with ``cipher``), to audit as
    ``children.<purpose>`` in the write that uses them."""

    posyandu_id: int
    cipher: RegisterCipher
    purpose: str = "chat"
    #: With each child's weighings.
    weighings: bool = False
    #: Only each child's latest (``children.LATEST_WEIGHINGS``) up to this month; None: all.
    weighings_through: Period | None = None


@dataclass(frozen=True, slots=True)
class Wanted:
    """What the plan asked for, in storage's words (phase 3's request)."""

    posyandu: PosyanduWanted | None = None
    area: AreaWanted | None = None
    invitation_code: str | None = None
    #: Count everyone's wrong invitation codes since then.
    code_failures_since: datetime | None = None
    #: (channel, address) of who typed in a chat group.
    group_member: tuple[str, str] | None = None
    children: ChildrenWanted | None = None
    #: A posyandu's register counts (anonymous) of these months, each with the day its S and
    #: K are counted on.
    register_months: tuple[int, tuple[tuple[Period, date], ...]] | None = None


@dataclass(frozen=True, slots=True)
class PosyanduFound:
    desa: Area | None
    reports: list[StoredReport]
    names: dict[int, str]
    history: KnownHistory
    moves: Moves


@dataclass(frozen=True, slots=True)
class AreaFound:
    has_reports: bool
    posyandu: list[Posyandu] = field(default_factory=list)
    reports: dict[int, list[StoredReport]] = field(default_factory=dict)
    histories: dict[int, KnownHistory] = field(default_factory=dict)
    moves: Moves = field(default_factory=dict)
    asked_moves: Moves = field(default_factory=dict)
    kader: list[Person] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    #: The desa under the area (itself included, when it is one): id -> (name, kind).
    desa: dict[int, tuple[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Found:
    """What :meth:`MessageReads.wanted` found (phase 3's answer)."""

    posyandu: PosyanduFound | None = None
    area: AreaFound | None = None
    invitation: Invitation | None = None
    #: The invitation's posyandu or area.
    invitation_place: Posyandu | Area | None = None
    code_failures: int = 0
    group_member: Person | None = None
    group_member_area: Area | None = None
    #: The children asked for (not audited yet: the engine's write does it).
    children: NamesShown | None = None
    #: Their weighings, by child id, in date order (when asked for).
    weighings: dict[int, list[Weighing]] = field(default_factory=dict)
    #: The register's anonymous counts by month (when asked for).
    register_months: dict[Period, RegisterMonth] = field(default_factory=dict)


#: Who and where, in one statement: the key (channel, address) joined to its identity and
#: person, its session, the person's posyandu and area (each NULL when there is none).
_SENDER = (
    f"SELECT {people_db.person_columns('p', 'p_')}, {people_db.identity_columns('i', 'i_')}, "
    f"{sessions_db.session_columns('s', 's_')}, {posyandu_db.posyandu_columns('y', 'y_')}, "
    f"{areas_db.area_columns('a', 'a_')} "
    "FROM (SELECT CAST(? AS TEXT) AS channel, CAST(? AS TEXT) AS address) AS k "
    "LEFT JOIN identities i ON i.channel = k.channel AND i.address = k.address "
    "LEFT JOIN people p ON p.id = i.person_id "
    "LEFT JOIN sessions s ON s.channel = k.channel AND s.address = k.address "
    "LEFT JOIN posyandu y ON y.id = p.posyandu_id "
    "LEFT JOIN areas a ON a.id = p.area_id"
)


class MessageReads:
    """The two reads of a message. Both take the connection of one read snapshot."""

    async def sender(self, conn: Connection, channel: str, address: str) -> Sender:
        row = await fetch_one(conn, _SENDER, (channel, address))
        assert row is not None  # the one row of the key, whatever it joins
        person = people_db.person_from_row(row, "p_")
        own = posyandu_db.posyandu_from_row(row, "y_")
        area = areas_db.area_from_row(row, "a_")
        # A supervisor's zone: one more statement, only for a person with an area and no
        # posyandu of their own.
        zone = await posyandu_db.area_timezone(conn, area) if area and not own else None
        return Sender(
            person=person,
            identity=people_db.identity_from_row(row, "i_") if person else None,
            session=sessions_db.session_from_row(row, "s_"),
            posyandu=own,
            area=area,
            area_zone=zone,
        )

    async def wanted(self, conn: Connection, wanted: Wanted) -> Found:
        invitation, place = await _invitation(conn, wanted.invitation_code)
        member, member_area = await _group_member(conn, wanted.group_member)
        shown, weighings = await _children(conn, wanted.children)
        failures = 0
        if wanted.code_failures_since is not None:
            failures = await invitations_db.count_code_failures(conn, wanted.code_failures_since)
        return Found(
            posyandu=await _posyandu(conn, wanted.posyandu) if wanted.posyandu else None,
            area=await _area(conn, wanted.area) if wanted.area else None,
            invitation=invitation,
            invitation_place=place,
            code_failures=failures,
            group_member=member,
            group_member_area=member_area,
            children=shown,
            weighings=weighings,
            register_months=await _register_months(conn, wanted.register_months),
        )


async def _register_months(
    conn: Connection, wanted: tuple[int, tuple[tuple[Period, date], ...]] | None
) -> dict[Period, RegisterMonth]:
    if wanted is None:
        return {}
    posyandu_id, months = wanted
    return {p: await children_db.register_month(conn, posyandu_id, p, day) for p, day in months}


async def _children(
    conn: Connection, wanted: ChildrenWanted | None
) -> tuple[NamesShown | None, dict[int, list[Weighing]]]:
    if wanted is None:
        return None, {}
    shown = await children_db.read_children(
        conn, wanted.cipher, wanted.posyandu_id, purpose=wanted.purpose
    )
    if not wanted.weighings:
        return shown, {}
    ids = [c.id for c in shown.children]
    if wanted.weighings_through is not None:
        return shown, await children_db.latest_weighings(conn, ids, wanted.weighings_through)
    return shown, await children_db.weighings_of(conn, ids)


async def _posyandu(conn: Connection, wanted: PosyanduWanted) -> PosyanduFound:
    p = wanted.posyandu
    moves = await posyandu_db.moves_for(conn, [p.id], *wanted.moves)
    desa = await areas_db.area_by_id(conn, p.desa_id)
    stored = await reports_db.list_stored_reports(conn, p.id, *wanted.reports)
    names = await _names(conn, stored)
    history = (await posyandu_db.known_histories(conn, [p.id]))[p.id]
    return PosyanduFound(desa, stored, names, history, moves)


async def _area(conn: Connection, wanted: AreaWanted) -> AreaFound:
    area = wanted.area
    if wanted.any_report is not None:
        return AreaFound(await reports_db.any_report_under(conn, area, *wanted.any_report))
    found = await posyandu_db.posyandu_under(conn, area)
    ids = [p.id for p in found]
    by_posyandu: dict[int, list[StoredReport]] = {}
    histories: dict[int, KnownHistory] = {}
    if wanted.reports is not None:
        by_posyandu = await reports_db.stored_reports_for_posyandu_ids(conn, ids, *wanted.reports)
        histories = await posyandu_db.known_histories(conn, ids)
    moves = await posyandu_db.moves_for(conn, ids, *wanted.moves) if wanted.moves else {}
    asked = wanted.asked
    asked_moves = await posyandu_db.moves_for(conn, ids, asked, asked) if asked else {}
    kader = await people_db.people_of_posyandu(conn, ids)
    return AreaFound(
        has_reports=any(by_posyandu.values()),
        posyandu=found,
        reports=by_posyandu,
        histories=histories,
        moves=moves,
        asked_moves=asked_moves,
        kader=kader,
        identities=await people_db.identities_of(conn, [k.id for k in kader]),
        names=await _names(conn, (s for rs in by_posyandu.values() for s in rs)),
        desa=await _desa_names(conn, area),
    )


async def _desa_names(conn: Connection, area: Area) -> dict[int, tuple[str, str | None]]:
    under = await areas_db.areas_under(conn, area, Level.DESA)
    names = {a.id: (a.name, a.kind) for a in under}
    if area.level is Level.DESA:
        names[area.id] = (area.name, area.kind)
    return names


async def _names(conn: Connection, stored: Iterable[StoredReport]) -> dict[int, str]:
    """The names of the people who sent these reports (one query, none when nobody did)."""
    ids = {s.submitted_by for s in stored if s.submitted_by is not None}
    return await people_db.names_of(conn, ids) if ids else {}


async def _invitation(
    conn: Connection, code: str | None
) -> tuple[Invitation | None, Posyandu | Area | None]:
    if not code:
        return None, None
    found = await invitations_db.invitation_by_code(conn, code)
    if found is None:
        return None, None
    if found.posyandu_id is not None:
        return found, await posyandu_db.posyandu_by_id(conn, found.posyandu_id)
    if found.area_id is not None:
        return found, await areas_db.area_by_id(conn, found.area_id)
    return found, None


async def _group_member(
    conn: Connection, who: tuple[str, str] | None
) -> tuple[Person | None, Area | None]:
    if who is None:
        return None, None
    person = await people_db.person_by_address(conn, *who)
    if person is None or person.area_id is None:
        return person, None
    return person, await areas_db.area_by_id(conn, person.area_id)
