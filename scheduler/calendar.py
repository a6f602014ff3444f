"""When each reminder is due, in the posyandu's own time zone. Pure: no I/O, no clock.

Kinds (domain: reminders before hari buka, nudges after it, summaries to supervisors):

- ``h-1``: to the kader, the evening before hari buka;
- ``h``: to the kader, the morning of hari buka;
- ``h+2``: to the kader, two days after, if the month is not reported yet;
- ``h+7``: to the area supervisors, seven days after, the posyandu still missing;
- ``rekap``: to supervisors and linked groups, on the 5th, the previous month's area summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from scoring import Period

__all__ = [
    "CONDITIONAL",
    "HARI_BUKA_KINDS",
    "Kind",
    "ReminderSettings",
    "due_at",
    "hari_buka_reminders",
    "rekap_day",
    "reminder_day",
]


class Kind(StrEnum):
    H_MINUS_1 = "h-1"
    H = "h"
    H_PLUS_2 = "h+2"
    H_PLUS_7 = "h+7"
    REKAP = "rekap"


#: The reminders around a hari buka, in the order they fire.
HARI_BUKA_KINDS = (Kind.H_MINUS_1, Kind.H, Kind.H_PLUS_2, Kind.H_PLUS_7)
#: Sent only when the month is not reported by then.
CONDITIONAL = frozenset({Kind.H_PLUS_2, Kind.H_PLUS_7})


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    #: Local time of each kind (the day is relative to hari buka; rekap on ``rekap_day``).
    times: dict[Kind, time] = field(
        default_factory=lambda: {
            Kind.H_MINUS_1: time(18, 0),
            Kind.H: time(6, 30),
            Kind.H_PLUS_2: time(9, 0),
            Kind.H_PLUS_7: time(9, 0),
            Kind.REKAP: time(8, 0),
        }
    )
    enabled: frozenset[Kind] = frozenset(Kind)
    #: A reminder missed (service down, machine asleep) is still sent within this window,
    #: and never after it.
    grace: timedelta = timedelta(hours=6)
    rekap_day: int = 5


_OFFSETS: dict[Kind, int] = {Kind.H_MINUS_1: -1, Kind.H: 0, Kind.H_PLUS_2: 2, Kind.H_PLUS_7: 7}


def reminder_day(kind: Kind, hari_buka: date) -> date:
    """The local day a hari-buka reminder is due."""
    return hari_buka + timedelta(days=_OFFSETS[kind])


def due_at(kind: Kind, day: date, tz: ZoneInfo, settings: ReminderSettings) -> datetime:
    """The aware instant ``kind`` is due on local ``day``."""
    return datetime.combine(day, settings.times[kind], tzinfo=tz)


def hari_buka_reminders(hari_buka: date, settings: ReminderSettings) -> list[tuple[Kind, date]]:
    """The enabled reminders of one hari buka, each with its local day."""
    return [
        (kind, reminder_day(kind, hari_buka))
        for kind in HARI_BUKA_KINDS
        if kind in settings.enabled
    ]


def rekap_day(month: Period, settings: ReminderSettings) -> date:
    """The day of ``month`` on which the previous month's summary goes out."""
    return date(month.year, month.month, settings.rekap_day)
