"""What a message needs loaded before the step can run: :class:`Needs`, filled by
:func:`conversations.plan.plan` from the command table, loaded by the engine. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace

from conversations.commands import Command
from conversations.periods import parse_period_prefix
from scoring import Period

__all__ = [
    "HISTORY_MONTHS",
    "Needs",
    "children_needs",
    "posyandu_needs",
    "report_needs",
    "weighing_needs",
]

#: Months of a posyandu's reports loaded for a kader: the stratum window before the oldest
#: month a report may be for, plus the month before it (for "last month's value").
HISTORY_MONTHS = 15


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
    #: In a chat group: look up who typed (``Inbound.sender``) and their area.
    group_member: bool = False
    #: The kader's posyandu's children with their names (the child register; audited).
    children: bool = False
    #: With their weighings (TIMBANG).
    weighings: bool = False
    #: Only each child's latest weighings up to this month (``LATEST_WEIGHINGS``: what
    #: a weighing's status reads); None: all of them.
    weighings_through: Period | None = None
    #: The register's anonymous counts of the months a report may be for (the children
    #: weighed each month, S and K; no name): LAPOR starts from them.
    register_months: bool = False


def _requested_period(args: tuple[str, ...], current: Period) -> Period | None:
    """A month named anywhere after the command (PDF NOV, UBAH S 50 AGU, LAPOR 2026-09 ...)."""
    for i in range(len(args)):
        parsed = parse_period_prefix(args[i:], current)
        if parsed is not None:
            return parsed[0]
    return None


def posyandu_needs(command: Command, current: Period) -> Needs:
    """A kader's own posyandu: :data:`HISTORY_MONTHS` of reports, from further back when the
    command names an older month."""
    since = current.shift(-HISTORY_MONTHS)
    requested = _requested_period(command.args, current)
    if requested is not None and requested < since:
        since = requested.shift(-1)
    return Needs(posyandu_since=since)


def children_needs(command: Command, current: Period) -> Needs:
    """A kader's own posyandu and its children (the register)."""
    return replace(posyandu_needs(command, current), children=True)


def weighing_needs(command: Command, current: Period) -> Needs:
    """A kader's own posyandu, its children and their latest weighings (TIMBANG)."""
    needs = posyandu_needs(command, current)
    return replace(needs, children=True, weighings=True, weighings_through=current)


def report_needs(command: Command, current: Period) -> Needs:
    """A kader's own posyandu and the register's counts of the months to report (LAPOR)."""
    return replace(posyandu_needs(command, current), register_months=True)
