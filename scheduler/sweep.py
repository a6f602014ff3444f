"""One reminder sweep: find every reminder due now across all posyandu, claim it in the
reminder log, and queue its messages in the outbox — all in one transaction.

Sweeps, not a job per posyandu: posyandu are grouped by (time zone, schedule) — a few hundred
groups nationally — so a sweep computes hari buka once per group and reads only the posyandu
of the groups that are due. A reminder due in ``(now - grace, now]`` is sent; the log's unique
(posyandu, kind, day) and the outbox's dedupe keys make a second sweep over the same minute,
or a restart, send nothing twice.

Outbox messages are data (:class:`storage.messages.Reminder`, ``Document``); the bot turns
them into text (or a WhatsApp template) at send time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.calendar import (
    CONDITIONAL,
    Kind,
    ReminderSettings,
    due_at,
    hari_buka_reminders,
    rekap_day,
)
from scheduler.recipients import kader_recipients, rekap_targets, supervisor_recipients
from scoring import Period, ReportingState, reporting_state
from storage import Database
from storage.db import Connection
from storage.messages import (
    Document,
    Outgoing,
    Reminder,
    nudge_key,
    rekap_key,
    reminder_key,
)
from storage.outbox import append_many
from storage.people import people_of_posyandu
from storage.posyandu import (
    Posyandu,
    known_histories,
    moves_for,
    posyandu_in_group,
    schedule_groups,
)
from storage.reminders import claim_reminders
from storage.reports import reported_ids

__all__ = [
    "SWEEP_LOCK",
    "SweepResult",
    "due_hari_buka_reminders",
    "rekap_may_be_due",
    "rekap_period_due",
    "sweep",
]


@dataclass(frozen=True, slots=True)
class Due:
    posyandu: Posyandu
    kind: Kind
    period: Period
    hari_buka: date
    day: date


@dataclass(frozen=True, slots=True)
class SweepResult:
    reminders: int
    messages: int
    #: Another instance was sweeping: this one did nothing (its window is covered by the
    #: other's sweep and the next one, the grace being longer than the interval).
    skipped: bool = False


#: The name of the lock one sweeping instance holds (:meth:`storage.Database.exclusive`).
SWEEP_LOCK = "reminder-sweep"


def _candidate_periods(now: datetime, tz: ZoneInfo) -> list[Period]:
    """The months whose hari buka can have a reminder due now. Two either side: a one-off
    move may put a month's hari buka in the month before or after it, and H+7 (or H-1) of
    that day may cross one more month end (December's moved to 30 January: H+7 on 6 February).
    """
    local = now.astimezone(tz)
    here = Period(local.year, local.month)
    return [here.shift(k) for k in (-2, -1, 0, 1, 2)]


def _due_for(
    posyandu_hari_buka: date,
    tz: ZoneInfo,
    start: datetime,
    now: datetime,
    settings: ReminderSettings,
) -> list[tuple[Kind, date]]:
    return [
        (kind, day)
        for kind, day in hari_buka_reminders(posyandu_hari_buka, settings)
        if start < due_at(kind, day, tz, settings) <= now
    ]


async def due_hari_buka_reminders(
    conn: Connection, now: datetime, settings: ReminderSettings
) -> list[Due]:
    """Every hari-buka reminder due in ``(now - grace, now]``, moves included."""
    start = now - settings.grace
    due: list[Due] = []
    groups = await schedule_groups(conn)
    all_periods = sorted({p for tz, _s in groups for p in _candidate_periods(now, ZoneInfo(tz))})
    moves = await moves_for(conn, None, all_periods[0], all_periods[-1]) if all_periods else {}
    moved_ids = {pid for pid, _p in moves}
    for tz_name, schedule in groups:
        tz = ZoneInfo(tz_name)
        hits: list[tuple[Period, date, Kind, date]] = []
        for period in _candidate_periods(now, tz):
            hb = schedule.hari_buka(period)
            hits.extend(
                (period, hb, kind, day) for kind, day in _due_for(hb, tz, start, now, settings)
            )
        if not hits and not moved_ids:
            continue
        members = await posyandu_in_group(conn, tz_name, schedule) if hits or moved_ids else []
        for p in members:
            if p.id in moved_ids:
                continue
            due.extend(Due(p, kind, period, hb, day) for period, hb, kind, day in hits)
    if moves:
        # Posyandu with a one-off move in a candidate month: computed one by one.
        by_id: dict[int, Posyandu] = {}
        for tz_name, schedule in groups:
            for p in await posyandu_in_group(conn, tz_name, schedule):
                if p.id in moved_ids:
                    by_id[p.id] = p
        for p in by_id.values():
            for period in _candidate_periods(now, p.tz):
                hb = moves.get((p.id, period)) or p.schedule.hari_buka(period)
                due.extend(
                    Due(p, kind, period, hb, day)
                    for kind, day in _due_for(hb, p.tz, start, now, settings)
                )
    return due


def _params(d: Due) -> dict[str, Any]:
    return {
        "posyandu_id": d.posyandu.id,
        "posyandu": d.posyandu.name,
        "period": str(d.period),
        "hari_buka": d.hari_buka.isoformat(),
    }


async def sweep(db: Database, now: datetime, settings: ReminderSettings) -> SweepResult:
    """Find, claim and queue everything due at ``now``; skipped while another instance on
    the database sweeps (one at a time; the reminder log would keep a second sweep from
    queueing anything twice anyway, this spares it the work and the write lock)."""
    async with db.exclusive(SWEEP_LOCK) as mine:
        if not mine:
            return SweepResult(reminders=0, messages=0, skipped=True)
        return await _sweep(db, now, settings)


async def _sweep(db: Database, now: datetime, settings: ReminderSettings) -> SweepResult:
    async with db.transaction() as tx:
        due = await due_hari_buka_reminders(tx, now, settings)
        due = await _owed(tx, due)
        fresh = set(
            await claim_reminders(tx, [(d.posyandu.id, d.kind.value, d.day) for d in due], now)
        )
        due = [d for d in due if (d.posyandu.id, d.kind.value, d.day) in fresh]
        rows: list[Outgoing] = []
        kader_due = [d for d in due if d.kind is not Kind.H_PLUS_7]
        if kader_due:
            reach = await kader_recipients(tx, [d.posyandu.id for d in kader_due])
            for d in kader_due:
                for r in reach.get(d.posyandu.id, []):
                    message = Reminder(d.kind.value, _params(d))
                    key = reminder_key(d.kind.value, d.posyandu.id, d.day, r.channel, r.address)
                    rows.append(Outgoing(r.channel, r.address, message, key))
        rows.extend(await _supervisor_nudges(tx, [d for d in due if d.kind is Kind.H_PLUS_7]))
        if Kind.REKAP in settings.enabled:
            rows.extend(await _rekap(tx, now, settings))
        await append_many(tx, rows, now)
    return SweepResult(reminders=len(due), messages=len(rows))


async def _owed(conn: Connection, due: list[Due]) -> list[Due]:
    """``due`` without the nudges (H+2, H+7) of months that are not late on their day, by the
    rule every view uses (:func:`scoring.reporting_state`): reported by then, or before the
    posyandu's known history starts (registered in December: November was never owed)."""
    after = [d for d in due if d.kind in CONDITIONAL]
    if not after:
        return due
    reported: set[tuple[int, Period]] = set()
    for period in {d.period for d in after}:
        ids = [d.posyandu.id for d in after if d.period == period]
        reported.update((pid, period) for pid in await reported_ids(conn, ids, period))
    known = await known_histories(conn, {d.posyandu.id for d in after})

    def late(d: Due) -> bool:
        done = (d.posyandu.id, d.period) in reported
        since = known[d.posyandu.id].since
        found = reporting_state(d.period, d.hari_buka, d.day, done, since)
        return found.state is ReportingState.LATE

    return [d for d in due if d.kind not in CONDITIONAL or late(d)]


async def _supervisor_nudges(conn: Connection, due: list[Due]) -> list[Outgoing]:
    """H+7: each supervisor above a missing posyandu gets the list of those still missing."""
    if not due:
        return []
    area_ids: dict[int, list[Due]] = defaultdict(list)
    for d in due:
        for part in d.posyandu.area_path.strip("/").split("/"):
            area_ids[int(part)].append(d)
    reach = await supervisor_recipients(conn, sorted(area_ids))
    kader = await people_of_posyandu(conn, sorted({d.posyandu.id for d in due}))
    kader_names: dict[int, list[str]] = defaultdict(list)
    for k in kader:
        if k.posyandu_id is not None:
            kader_names[k.posyandu_id].append(k.name)
    rows: list[Outgoing] = []
    for area_id, recipients in sorted(reach.items()):
        mine = sorted(area_ids[area_id], key=lambda d: d.posyandu.name)
        missing = [
            {
                "posyandu": d.posyandu.name,
                "code": d.posyandu.code,
                "period": str(d.period),
                "kader": kader_names.get(d.posyandu.id, []),
            }
            for d in mine
        ]
        day = mine[0].day
        ids = [d.posyandu.id for d in mine]
        message = Reminder(Kind.H_PLUS_7.value, {"missing": missing, "day": day.isoformat()})
        for r in recipients:
            key = nudge_key(Kind.H_PLUS_7.value, r.person_id, day, ids, r.channel, r.address)
            rows.append(Outgoing(r.channel, r.address, message, key))
    return rows


def rekap_may_be_due(now: datetime, settings: ReminderSettings) -> bool:
    """Cheap, before any query: could a rekap be due in ``(now - grace, now]`` in any time
    zone at all (UTC-12 to UTC+14)? False on all but a day or so around ``rekap_day``."""
    start = now - settings.grace
    utc = now.astimezone(UTC)
    here = Period(utc.year, utc.month)
    for month in (here.shift(-1), here):
        day = rekap_day(month, settings)
        as_if_utc = datetime.combine(day, settings.times[Kind.REKAP], tzinfo=UTC)
        if as_if_utc - timedelta(hours=14) <= now and as_if_utc + timedelta(hours=12) > start:
            return True
    return False


def rekap_period_due(now: datetime, tz: ZoneInfo, settings: ReminderSettings) -> Period | None:
    """The month whose rekap is due in ``(now - grace, now]`` in zone ``tz``, if any: on
    ``rekap_day`` of a month, the month before it."""
    start = now - settings.grace
    local = now.astimezone(tz)
    here = Period(local.year, local.month)
    for month in (here, here.shift(-1)):  # a long grace may reach back across a month end
        day = rekap_day(month, settings)
        if start < due_at(Kind.REKAP, day, tz, settings) <= now:
            return month.shift(-1)
    return None


async def _rekap(conn: Connection, now: datetime, settings: ReminderSettings) -> list[Outgoing]:
    """On ``rekap_day``, every supervisor (and linked group) gets last month's area summary
    (dedupe: one per area, period and recipient), at ``times[rekap]`` in the area's time zone:
    the zone most of its active posyandu use (:data:`DEFAULT_AREA_ZONE` when none).

    The day is checked first, without a query (:func:`rekap_may_be_due`); only around
    ``rekap_day`` are the recipients and each area's time zone read."""
    if not rekap_may_be_due(now, settings):
        return []
    rows: list[Outgoing] = []
    for area, tz, recipients in await rekap_targets(conn):
        area_id = area.id
        period = rekap_period_due(now, tz, settings)
        if period is None:
            continue
        message = Document("area_summary", {"area_id": area_id, "period": str(period)})
        rows.extend(
            Outgoing(
                r.channel, r.address, message, rekap_key(area_id, str(period), r.channel, r.address)
            )
            for r in recipients
        )
    return rows
