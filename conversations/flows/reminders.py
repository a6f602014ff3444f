"""STOP PENGINGAT / MULAI PENGINGAT / PENGINGAT: a person's own reminders off, on, or how
they stand. A kader's are the hari-buka reminders (H-1, H, H+2); a supervisor's or admin's
the H+7 list of posyandu not reported and the monthly REKAP (a linked group keeps its own)."""

from __future__ import annotations

from conversations.effects import SetReminders, StepResult
from conversations.flows.common import Call, done, text
from conversations.session import Session
from storage.people import Person, Role

__all__ = ["mulai", "status", "stop"]


def stop(call: Call) -> StepResult:
    """STOP PENGINGAT."""
    return _set(call.session, call.person, enabled=False)


def mulai(call: Call) -> StepResult:
    """MULAI PENGINGAT."""
    return _set(call.session, call.person, enabled=True)


def _set(session: Session, person: Person, enabled: bool) -> StepResult:
    if person.reminders == enabled:
        # Already on: MULAI PENGINGAT still chooses the channel it came by for the reminders
        # (a kader on WhatsApp and SMS).
        effects = (SetReminders(True),) if enabled else ()
        key = "reminders.already_on" if enabled else "reminders.already_off"
        return done(session, text(key), effects=effects)
    if not enabled:
        key = "reminders.stopped"
    elif person.role is Role.KADER:
        key = "reminders.started"
    else:
        key = "reminders.started_supervisor"
    return done(session, text(key), effects=(SetReminders(enabled),))


def status(call: Call) -> StepResult:
    """PENGINGAT: whether the sender's reminders are on."""
    person = call.person
    if not person.reminders:
        return done(call.session, text("reminders.off"))
    kader = person.role is Role.KADER
    return done(call.session, text("reminders.on" if kader else "reminders.on_supervisor"))
