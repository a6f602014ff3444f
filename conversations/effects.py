"""What a step asks the engine to change, besides the session: plain data, applied in the
same storage transaction as the session and the replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.replies import Reply
from conversations.session import Session
from scoring import MonthReport, Period
from scoring.growth import Status
from scoring.schedule import Schedule
from storage.children import Keep, LeaveReason, NewChild
from storage.people import Role

__all__ = [
    "AddChild",
    "CodeFailed",
    "CorrectStatus",
    "Effect",
    "EndDasbor",
    "KeepScores",
    "LeaveChild",
    "LinkGroup",
    "MoveHariBuka",
    "Register",
    "SaveReport",
    "SetReminders",
    "SetSchedule",
    "StepResult",
    "UnlinkGroup",
    "Weigh",
    "WithdrawChild",
]


@dataclass(frozen=True, slots=True)
class SaveReport:
    """Save ``report`` as the posyandu's report for its period. ``base_revision`` is the
    revision the sender saw (None: they saw no report); the engine notices when someone else
    saved in between and tells both."""

    posyandu_id: int
    report: MonthReport
    base_revision: int | None


@dataclass(frozen=True, slots=True)
class Register:
    """Create a person with this name from the invitation and bind the sender to them."""

    code: str
    name: str
    role: Role
    posyandu_id: int | None
    area_id: int | None


@dataclass(frozen=True, slots=True)
class CodeFailed:
    """A wrong invitation code was typed: counted (with the sender and the time) towards the
    global limit on wrong codes."""


@dataclass(frozen=True, slots=True)
class SetReminders:
    """STOP PENGINGAT / MULAI PENGINGAT: the sender's reminders off or on."""

    enabled: bool


@dataclass(frozen=True, slots=True)
class SetSchedule:
    """JADWAL <posyandu> <schedule>: the posyandu's regular hari buka (in the sender's area)."""

    posyandu_id: int
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class MoveHariBuka:
    """JADWAL <posyandu> pindah <day>: that month's hari buka moves to ``day`` (once)."""

    posyandu_id: int
    day: date


@dataclass(frozen=True, slots=True)
class LinkGroup:
    """SAMBUNGKAN: the chat group (the address) speaks for ``area_id`` with the scope of the
    supervisor ``person_id``, who linked it (the group becomes one of their identities)."""

    area_id: int
    person_id: int


@dataclass(frozen=True, slots=True)
class UnlinkGroup:
    """PUTUSKAN: the chat group (the address) is no longer linked nor anyone's identity."""


@dataclass(frozen=True, slots=True)
class EndDasbor:
    """KELUAR DASBOR: every dasbor session of the sender (any browser) is revoked."""


@dataclass(frozen=True, slots=True)
class AddChild:
    """ANAK BARU: the child joins the posyandu's register, the parents' consent taken by the
    sender. Entered from TIMBANG: its first weighing too (``day``, grams, millimetres), by
    the sender."""

    posyandu_id: int
    child: NewChild
    day: date | None = None
    weight_g: int | None = None
    height_mm: int | None = None


@dataclass(frozen=True, slots=True)
class WithdrawChild:
    """HAPUS ANAK: a parent withdrew consent; the child's identity is deleted (its anonymous
    record stays for the counts)."""

    child_id: int


@dataclass(frozen=True, slots=True)
class LeaveChild:
    """KELUAR ANAK: the child leaves the register for ``reason`` (a
    :class:`storage.children.LeaveReason`), kept for the counts."""

    child_id: int
    reason: LeaveReason


@dataclass(frozen=True, slots=True)
class CorrectStatus:
    """STATUS <child> <status> from a kader: the status of the child's weighing of
    ``period`` corrected to ``status``, kept beside ``computed`` (the rules'); equal to it:
    the correction is dropped."""

    child_id: int
    period: Period
    status: Status
    computed: Status


@dataclass(frozen=True, slots=True)
class Weigh:
    """TIMBANG: a child's weighing of the month, by the sender (``replace``: it replaces the
    month's other weighing the kader was asked about). ``name`` words the reply when another
    kader stored a different one in between (never stored here)."""

    child_id: int
    day: date
    weight_g: int
    height_mm: int | None
    name: str
    replace: bool = False

    def __repr__(self) -> str:  # no name in a log
        return f"Weigh(child_id={self.child_id}, day={self.day})"


@dataclass(frozen=True, slots=True)
class KeepScores:
    """TIMBANG, SELESAI: weighings' z-scores and statuses the step worked out, kept with them
    (each only while it and the weighing before it are as the step read them); after the
    message's ``Weigh`` effects."""

    keeps: tuple[Keep, ...]

    def __repr__(self) -> str:
        return f"KeepScores({len(self.keeps)})"


Effect = (
    AddChild
    | WithdrawChild
    | LeaveChild
    | CorrectStatus
    | Weigh
    | KeepScores
    | SaveReport
    | Register
    | CodeFailed
    | SetReminders
    | SetSchedule
    | MoveHariBuka
    | LinkGroup
    | UnlinkGroup
    | EndDasbor
)


@dataclass(frozen=True, slots=True)
class StepResult:
    session: Session
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
