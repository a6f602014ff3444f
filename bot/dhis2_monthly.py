"""The monthly DHIS2 push (DHIS2_MONTHLY_PUSH, docs/dhis2.md): on DHIS2_PUSH_DAY each
kabupaten's closed months are pushed (the last closed month and the REPORT_MONTHS_BACK before
it, so that a late revision goes too; what DHIS2 already holds is left out), each push recorded
as the command's are, and the kabupaten's supervisors get one chat line with its summary."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dhis2 import Dhis2Client, Outcome, Selection, push, request_for
from bot.settings import Settings
from conversations.catalogue import say
from conversations.figure_words import count
from conversations.periods import format_period
from conversations.replies import Text
from scheduler.recipients import supervisor_recipients
from scoring import Period
from scoring.dhis2 import MappedField, MappingError, parse_mapping
from storage.areas import areas_by_ids
from storage.db import Database
from storage.dhis2 import kabupaten_ids
from storage.messages import Outgoing, dhis2_key
from storage.outbox import append_many

__all__ = ["MonthlyPush", "closed_months", "line_for"]

log = logging.getLogger("posyandu.dhis2")

#: Who the monthly pushes are recorded as.
OPERATOR = "scheduler"


def closed_months(now: datetime, zone: ZoneInfo, months_back: int) -> tuple[Period, Period]:
    """The months a push at ``now`` sends: the last closed one and ``months_back`` before."""
    local = now.astimezone(zone)
    last = Period(local.year, local.month).shift(-1)
    return last.shift(-months_back), last


def line_for(outcome: Outcome, area_name: str, last: Period) -> str:
    """The supervisors' one line about a push (Indonesian, the catalogue's)."""
    s = outcome.record.summary
    words = {"area": area_name, "month": format_period(last), "sent": count(outcome.record.sent)}
    if outcome.error is not None or s.status == "ERROR":
        return say("dhis2.failed", **words)
    if s.conflicts:
        return say("dhis2.conflicts", **words, conflicts=count(len(s.conflicts)))
    return say("dhis2.pushed", **words, imported=count(s.imported), updated=count(s.updated))


@dataclass
class MonthlyPush:
    """The job: called by the scheduler with the clock's now."""

    db: Database
    settings: Settings

    def _mapping(self) -> Sequence[MappedField]:
        path = self.settings.dhis2_mapping
        assert path is not None  # the settings refuse a monthly push without it
        return parse_mapping(path.read_text("utf-8"))

    async def __call__(self, now: datetime) -> list[Outcome]:
        try:
            mapping = self._mapping()
        except (OSError, UnicodeDecodeError, MappingError) as exc:
            log.error("dhis2.monthly.mapping", extra={"fields": {"problem": str(exc)}})
            return []
        zone = ZoneInfo(self.settings.default_timezone)
        first, last = closed_months(now, zone, self.settings.report_months_back)
        async with self.db.read() as conn:
            areas = await areas_by_ids(conn, await kabupaten_ids(conn))
        outcomes = []
        async with Dhis2Client(self.settings) as client:
            for area in sorted(areas.values(), key=lambda a: a.code):
                selection = Selection(area.code, first, last)
                request = request_for(self.settings, OPERATOR, now, mapping, selection, False)
                outcome = await push(self.db, client, mapping, selection, request, self.settings)
                outcomes.append(outcome)
                await self._tell(area.id, line_for(outcome, area.name, last), last, now)
        return outcomes

    async def _tell(self, area_id: int, line: str, last: Period, now: datetime) -> None:
        async with self.db.transaction() as tx:
            reach = await supervisor_recipients(tx, [area_id])
            rows = [
                Outgoing(
                    r.channel,
                    r.address,
                    Text(line),
                    dhis2_key(area_id, str(last), r.channel, r.address),
                )
                for r in reach.get(area_id, [])
            ]
            await append_many(tx, rows, now)
