"""What a message needs loaded before the step can run. Pure.

The engine asks :func:`plan` and loads only that: a kader's own posyandu with its recent
reports, a supervisor's area only for the commands that read it, an invitation only when a
code is typed or a newcomer is giving their name.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.commands import CommandName, normalise, parse_command
from conversations.flows.area import area_period
from conversations.flows.registration import normalise_code
from conversations.periods import parse_period_prefix
from conversations.session import AwaitName, Session
from scoring import Period
from storage.people import Person, Role

__all__ = ["HISTORY_MONTHS", "Needs", "plan"]

#: Months of a posyandu's reports loaded for a kader: the stratum window before the oldest
#: month a report may be for, plus the month before it (for "last month's value").
HISTORY_MONTHS = 15

_AREA_COMMANDS = frozenset(
    {
        CommandName.STATUS,
        CommandName.BELUM,
        CommandName.STRATA,
        CommandName.POSYANDU,
        CommandName.REKAP,
    }
)



@dataclass(frozen=True, slots=True)
class Needs:
    #: Load the sender's posyandu with its reports from this month on.
    posyandu_since: Period | None = None
    #: Load the sender's area with every posyandu's reports in this window (inclusive).
    area_window: tuple[Period, Period] | None = None
    #: Only whether any posyandu of the sender's area has a report in this window (REKAP:
    #: the document is made from the database at send time).
    area_reports: tuple[Period, Period] | None = None
    #: Look up this invitation code.
    invitation_code: str | None = None
    #: Count the recent wrong invitation codes of everyone (the global limit).
    code_failures: bool = False
    #: Load the sender's area with every posyandu's schedule and one-off moves (JADWAL);
    #: without ``area_window``, no reports.
    schedules: bool = False


def _requested_period(args: tuple[str, ...], current: Period) -> Period | None:
    """A month named anywhere after the command (PDF NOV, UBAH S 50 AGU, LAPOR 2026-09 ...)."""
    for i in range(len(args)):
        parsed = parse_period_prefix(args[i:], current)
        if parsed is not None:
            return parsed[0]
    return None


def plan(session: Session, raw: str, person: Person | None, current: Period) -> Needs:
    """``current`` is the sender's current month (in their local zone)."""
    cmd = parse_command(normalise(raw))
    if person is None:
        if cmd is not None and cmd.name in (CommandName.DAFTAR, CommandName.START):
            return Needs(invitation_code=normalise_code(cmd.args), code_failures=bool(cmd.args))
        if isinstance(session.awaiting, AwaitName):
            return Needs(invitation_code=session.awaiting.code)
        return Needs()
    if person.role is Role.KADER:
        since = current.shift(-HISTORY_MONTHS)
        if cmd is not None:
            requested = _requested_period(cmd.args, current)
            if requested is not None and requested < since:
                since = requested.shift(-1)
        return Needs(posyandu_since=since)
    if cmd is not None and cmd.name is CommandName.JADWAL:
        return Needs(schedules=True)
    if cmd is None or cmd.name not in _AREA_COMMANDS:
        return Needs()
    through = current
    if cmd.name is not CommandName.POSYANDU:
        period = area_period(cmd.args, current)
        if isinstance(period, Period):
            through = period
    window = (through.shift(-11), through)
    if cmd.name is CommandName.REKAP:
        return Needs(area_reports=window)
    return Needs(area_window=window)
