"""Where a posyandu stands with a month's report, told from its hari buka and its local today:
the one rule every view (chat STATUS and BELUM, the dasbor, the area summary PDF) and the
reminders use. Pure: the caller gives the day; nothing here reads a clock.

- ``reported``: the month has a report (TIDAK BUKA included);
- ``before_start``: the month lies before the posyandu's known history (registered or
  imported from a later month): nothing is owed ("belum terdaftar");
- ``not_due``: hari buka is still ahead ("belum waktunya");
- ``today``: hari buka is today: the report is expected by the evening ("hari ini buka");
- ``late``: hari buka has passed without a report ("belum lapor"), by ``days_late`` days.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scoring.model import Period

__all__ = ["Reporting", "ReportingCounts", "ReportingState", "count_states", "reporting_state"]


class ReportingState(StrEnum):
    REPORTED = "reported"
    BEFORE_START = "before_start"
    NOT_DUE = "not_due"
    TODAY = "today"
    LATE = "late"

    @property
    def owed(self) -> bool:
        """Whether a report is owed now (hari buka today or passed, and none yet)."""
        return self in (ReportingState.TODAY, ReportingState.LATE)


@dataclass(frozen=True, slots=True)
class Reporting:
    state: ReportingState
    #: Days since hari buka, for ``late`` (at least 1); 0 otherwise.
    days_late: int = 0


def reporting_state(
    period: Period,
    hari_buka: date | None,
    today: date,
    reported: bool,
    since: Period | None = None,
) -> Reporting:
    """Where a posyandu stands with ``period`` on its local ``today``.

    ``hari_buka`` is the month's day (a one-off move included; it may fall in the month
    before or after); when it is not known, the month's last day stands for it (a month
    that has ended is owed). ``since``: where its known history starts (None: unknown, every
    month is owed)."""
    if reported:
        return Reporting(ReportingState.REPORTED)
    if since is not None and period < since:
        return Reporting(ReportingState.BEFORE_START)
    if hari_buka is None:
        last = calendar.monthrange(period.year, period.month)[1]
        hari_buka = date(period.year, period.month, last)
    if today < hari_buka:
        return Reporting(ReportingState.NOT_DUE)
    if today == hari_buka:
        return Reporting(ReportingState.TODAY)
    return Reporting(ReportingState.LATE, (today - hari_buka).days)


@dataclass(frozen=True, slots=True)
class ReportingCounts:
    """How many posyandu of an area stand where, for one month (``before_start`` ones are
    not expected and not counted)."""

    reported: int = 0
    not_due: int = 0
    today: int = 0
    late: int = 0

    @property
    def expected(self) -> int:
        return self.reported + self.not_due + self.today + self.late

    @property
    def missing(self) -> int:
        """Without a report yet, whether owed or not."""
        return self.not_due + self.today + self.late


def count_states(states: Iterable[ReportingState]) -> ReportingCounts:
    found = Counter(states)
    return ReportingCounts(
        reported=found[ReportingState.REPORTED],
        not_due=found[ReportingState.NOT_DUE],
        today=found[ReportingState.TODAY],
        late=found[ReportingState.LATE],
    )
