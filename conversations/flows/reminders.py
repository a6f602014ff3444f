"""STOP PENGINGAT / MULAI PENGINGAT / PENGINGAT: a person's own reminders off, on, or how
they stand. A kader's are the hari-buka reminders (H-1, H, H+2); a supervisor's or admin's
the H+7 list of posyandu not reported and the monthly REKAP (a linked group keeps its own)."""

from __future__ import annotations

from conversations.effects import SetReminders, StepResult
from conversations.flows.common import done, text
from conversations.session import Session
from storage.people import Person, Role

__all__ = ["reminders_status", "set_reminders"]


def set_reminders(session: Session, person: Person, enabled: bool) -> StepResult:
    if person.reminders == enabled:
        return done(session, text("reminders.already_on" if enabled else "reminders.already_off"))
    if not enabled:
        key = "reminders.stopped"
    elif person.role is Role.KADER:
        key = "reminders.started"
    else:
        key = "reminders.started_supervisor"
    return done(session, text(key), effects=(SetReminders(enabled),))


def reminders_status(session: Session, person: Person) -> StepResult:
    if not person.reminders:
        return done(session, text("reminders.off"))
    kader = person.role is Role.KADER
    return done(session, text("reminders.on" if kader else "reminders.on_supervisor"))
