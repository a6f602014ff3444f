"""What a message needs loaded before the step can run. Pure.

The engine reads the message once (:func:`conversations.commands.parse_message`), asks
:func:`plan` and loads only that: what the command's line of the table
(:mod:`conversations.table`) says it needs, and for a kader always their own posyandu with
its recent reports (every answer of theirs may continue a report); for a newcomer giving
their name, the invitation. A newcomer's bare code is DAFTAR <code>
(:func:`conversations.flows.registration.as_daftar`), here and in the step alike.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from conversations.commands import ParsedMessage
from conversations.flows import registration
from conversations.needs import HISTORY_MONTHS, Needs
from conversations.session import (
    AwaitChild,
    AwaitLeave,
    AwaitName,
    AwaitPeriod,
    AwaitWeighing,
    AwaitWithdraw,
    Session,
)
from conversations.table import Route, resolve
from scoring import Period
from storage.people import Person, Role

__all__ = ["plan"]


def plan(session: Session, message: ParsedMessage, person: Person | None, current: Period) -> Needs:
    """``person`` is whom the address belongs to; ``current`` is the sender's current month
    (in their local zone)."""
    message = registration.as_daftar(message, session, person)
    route = resolve(message, person)
    if isinstance(route, Route) and route.needs is not None:
        assert message.command is not None
        needs = route.needs(message.command, current)
    else:
        needs = Needs()
    if person is None:
        if isinstance(session.awaiting, AwaitName) and route is None and not message.in_group:
            return replace(needs, invitation_code=session.awaiting.code)
        return needs
    if (
        person.role is Role.KADER
        and route is None
        and isinstance(session.awaiting, AwaitWithdraw | AwaitLeave)
    ):
        needs = replace(needs, children=True)  # the answer names the child again
    resumes = isinstance(session.awaiting, AwaitChild) and session.awaiting.resume is not None
    if person.role is Role.KADER and route is None and resumes:
        needs = replace(needs, children=True, weighings=True)  # a new child met in TIMBANG
    if person.role is Role.KADER and route is None and isinstance(session.awaiting, AwaitWeighing):
        day = date.fromisoformat(session.awaiting.day)
        through = Period(day.year, day.month)
        needs = replace(needs, children=True, weighings=True, weighings_through=through)
    if person.role is Role.KADER and route is None and isinstance(session.awaiting, AwaitPeriod):
        needs = replace(needs, register_months=True)  # LAPOR's month chosen: as LAPOR <month>
    if person.role is Role.KADER and needs.posyandu_since is None:
        return replace(needs, posyandu_since=current.shift(-HISTORY_MONTHS))
    return needs
