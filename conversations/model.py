"""What a step knows about the world: plain values the engine loads from storage.

Pure data. The step never queries anything; the engine fills a :class:`Context` with what
:func:`conversations.plan.plan` says the message needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from scoring import DEFAULT_SETTINGS, KnownHistory, MonthReport, Period, ScoringSettings
from scoring.fields import DEFAULT_SERVICE_FIELDS
from scoring.growth import GrowthRules
from scoring.schedule import Schedule
from storage.children import Child, RegisterMonth, Weighing
from storage.people import Person, Role

__all__ = [
    "AreaData",
    "AreaMember",
    "Contact",
    "Context",
    "GroupMember",
    "InvitationInfo",
    "Limits",
    "PosyanduData",
    "PosyanduInfo",
    "SentReport",
]


@dataclass(frozen=True, slots=True)
class PosyanduInfo:
    id: int
    code: str
    name: str
    #: Where it is, for people ("Desa Sukamaju").
    place: str = ""
    #: Hari buka dates (local) known around today: a few months back and the next one.
    hari_buka: tuple[date, ...] = ()
    #: The regular schedule (loaded for JADWAL and a kader's own posyandu).
    schedule: Schedule | None = None
    #: One-off moves around today, by the month whose hari buka moved.
    moves: Mapping[Period, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SentReport:
    report: MonthReport
    revision: int
    #: Name of the person who sent the current revision ("" when unknown, e.g. imported).
    sent_by: str
    sent_at: datetime
    sent_by_id: int | None = None


@dataclass(frozen=True, slots=True)
class PosyanduData:
    info: PosyanduInfo
    #: Saved reports by period (at least the stratum window before the current month).
    reports: Mapping[Period, SentReport] = field(default_factory=dict)
    #: Where its known history starts (registration, first report); empty when not loaded.
    history: KnownHistory = field(default_factory=KnownHistory)


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    #: A phone number or other way to reach the person; None when not known.
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class AreaMember:
    posyandu: PosyanduData
    contacts: tuple[Contact, ...] = ()
    #: Its hari buka in the month the command is about (a one-off move included); None when
    #: not loaded.
    hari_buka: date | None = None
    #: Its time zone (its "today" may differ from the supervisor's); None: the reader's.
    tz: tzinfo | None = None


@dataclass(frozen=True, slots=True)
class AreaData:
    id: int
    name: str
    #: Every posyandu under the area, with reports of the stratum window.
    members: tuple[AreaMember, ...] = ()
    #: Whether any posyandu of the area has a report in the window asked for.
    has_reports: bool = False


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    """An invitation code as found in storage (a code that does not exist is None)."""

    code: str
    role: Role
    posyandu_id: int | None
    area_id: int | None
    #: What the code joins, for people ("Posyandu Melati 1, Desa Sukamaju").
    place: str
    #: False when expired or used up.
    usable: bool = True


@dataclass(frozen=True, slots=True)
class GroupMember:
    """In a chat group, who typed (loaded for the commands that act on the group itself)."""

    #: As registered on the same channel; None when they are not.
    person: Person | None
    #: The title of their area ("Kecamatan Batu Aji"), when they have one.
    area_title: str = ""


@dataclass(frozen=True, slots=True)
class Limits:
    """Conversation limits (from the bot's settings)."""

    wrong_code_limit: int = 5
    wrong_code_window: timedelta = timedelta(hours=1)
    #: Wrong invitation codes allowed from everyone together within the global window; once
    #: reached, no code is checked (for anyone) until the window has moved on.
    wrong_code_global_limit: int = 200
    wrong_code_global_window: timedelta = timedelta(hours=1)
    #: A pending question (which month, a name, LAGI pages) is forgotten after this long
    #: without a message.
    session_expiry: timedelta = timedelta(days=7)
    #: A half-done report is kept at least this long after the kader's last message AND at
    #: least until its month can no longer be reported (``months_back``); only when both
    #: have passed is it dropped, and the kader is told at their next message. Default 60
    #: days: a report started on hari buka outlives the whole reporting window.
    draft_expiry: timedelta = timedelta(days=60)
    page_size: int = 8
    #: A report may be for the current month or up to this many months back.
    months_back: int = 2
    #: KK and dana sehat are asked again when the latest known value is older than this.
    kk_refresh_months: int = 6
    history_months: int = 6
    max_text_chars: int = 1000
    #: The optional service fields this deployment asks (setting ``SERVICE_FIELDS``); one
    #: not listed is never asked, and its name is not taken in a quick report or UBAH.
    service_fields: frozenset[str] = frozenset(DEFAULT_SERVICE_FIELDS)


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    #: The sender's local time zone (their posyandu's or area's).
    tz: tzinfo
    #: Whom the address belongs to (in a linked group: the supervisor who linked it).
    person: Person | None = None
    posyandu: PosyanduData | None = None
    area: AreaData | None = None
    invitation: InvitationInfo | None = None
    #: Wrong invitation codes from everyone within ``limits.wrong_code_global_window``
    #: (loaded only for DAFTAR from a newcomer).
    code_failures_global: int = 0
    #: The address is a chat group: once linked to an area, everyone there speaks with the
    #: supervisor's read scope, so nothing may be changed from it (JADWAL shows, the
    #: PENGINGAT commands are refused).
    in_group: bool = False
    #: In a group, who typed (SAMBUNGKAN, PUTUSKAN).
    member: GroupMember | None = None
    limits: Limits = field(default_factory=Limits)
    scoring: ScoringSettings = DEFAULT_SETTINGS
    #: The child register is set up (its key is known: ``REGISTER_KEY``, or the demo's).
    register: bool = False
    #: The register's optional fields this deployment records (``storage.children``'s
    #: OPTIONAL_FIELDS it turned on): ANAK BARU asks about the KMS where ``has_kms`` is one.
    register_fields: frozenset[str] = frozenset()
    #: The kader's posyandu's children on the register, names decrypted (when asked for).
    children: tuple[Child, ...] | None = None
    #: Their weighings by child id, in date order (TIMBANG).
    weighings: Mapping[int, Sequence[Weighing]] = field(default_factory=dict)
    #: The growth rules (KBM table, BGM): None where the service gave none.
    growth: GrowthRules | None = None
    #: The register's anonymous counts of the months a report may be for (LAPOR): the
    #: children weighed, S and K; empty where the register is off or unused.
    register_months: Mapping[Period, RegisterMonth] = field(default_factory=dict)

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    @property
    def today(self) -> date:
        return self.local_now.date()

    @property
    def current_period(self) -> Period:
        today = self.today
        return Period(today.year, today.month)
