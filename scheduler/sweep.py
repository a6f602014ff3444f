"""One reminder sweep: find every reminder due now across all posyandu, claim it in the
reminder log, and queue its messages in the outbox — all in one transaction.

Sweeps, not a job per posyandu: posyandu are grouped by (time zone, schedule) — a few hundred
groups nationally — so a sweep computes hari buka once per group and reads only the posyandu
of the groups that are due. A reminder due in ``(now - grace, now]`` is sent; the log's unique
(posyandu, kind, day) and the outbox's dedupe keys make a second sweep over the same minute,
or a restart, send nothing twice.

Outbox payloads are data (``{"type": "reminder", "kind": ..., "params": ...}``); the bot turns
them into text (or a WhatsApp template) at send time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.calendar import Kind, ReminderSettings, due_at, reminder_day
from scoring import Period
from storage import Database
from storage.areas import area_by_id
from storage.db import Connection
from storage.groups import groups_of_areas
from storage.outbox import append_many
from storage.people import (
    Person,
    Role,
    area_people,
    identities_of,
    people_of_area,
    people_of_posyandu,
)
from storage.posyandu import (
    Posyandu,
    moves_for,
    posyandu_in_group,
    posyandu_under,
    schedule_groups,
)
from storage.reminders import claim_reminders
from storage.reports import reported_ids

__all__ = ["SweepResult", "due_hari_buka_reminders", "sweep"]

HARI_BUKA_KINDS = (Kind.H_MINUS_1, Kind.H, Kind.H_PLUS_2, Kind.H_PLUS_7)


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


def _candidate_periods(now: datetime, tz: ZoneInfo) -> list[Period]:
    local = now.astimezone(tz)
    here = Period(local.year, local.month)
    return [here.shift(-1), here, here.shift(1)]


def _due_for(
    posyandu_hari_buka: date,
    tz: ZoneInfo,
    start: datetime,
    now: datetime,
    settings: ReminderSettings,
) -> list[tuple[Kind, date]]:
    out = []
    for kind in HARI_BUKA_KINDS:
        if kind not in settings.enabled:
            continue
        day = reminder_day(kind, posyandu_hari_buka)
        if start < due_at(kind, day, tz, settings) <= now:
            out.append((kind, day))
    return out


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


async def _recipients(
    conn: Connection, people: list[Person], channel_rows: bool = True
) -> dict[int, list[tuple[str, str]]]:
    identities = await identities_of(conn, [p.id for p in people])
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i in identities:
        if i.reachable:
            out[i.person_id].append((i.channel, i.address))
    return out


def _params(d: Due) -> dict[str, Any]:
    return {
        "posyandu_id": d.posyandu.id,
        "posyandu": d.posyandu.name,
        "period": str(d.period),
        "hari_buka": d.hari_buka.isoformat(),
    }


async def sweep(db: Database, now: datetime, settings: ReminderSettings) -> SweepResult:
    """Find, claim and queue everything due at ``now``."""
    async with db.transaction() as tx:
        due = await due_hari_buka_reminders(tx, now, settings)
        # Nudges only for months not reported yet.
        after = [d for d in due if d.kind in (Kind.H_PLUS_2, Kind.H_PLUS_7)]
        reported: set[tuple[int, Period]] = set()
        for period in {d.period for d in after}:
            ids = [d.posyandu.id for d in after if d.period == period]
            reported.update((pid, period) for pid in await reported_ids(tx, ids, period))
        due = [
            d
            for d in due
            if d.kind not in (Kind.H_PLUS_2, Kind.H_PLUS_7)
            or (d.posyandu.id, d.period) not in reported
        ]
        fresh = set(
            await claim_reminders(tx, [(d.posyandu.id, d.kind.value, d.day) for d in due], now)
        )
        due = [d for d in due if (d.posyandu.id, d.kind.value, d.day) in fresh]
        rows: list[tuple[str, str, dict[str, Any], str]] = []
        kader_due = [d for d in due if d.kind is not Kind.H_PLUS_7]
        if kader_due:
            kader = [
                p
                for p in await people_of_posyandu(tx, sorted({d.posyandu.id for d in kader_due}))
                if p.role is Role.KADER and p.reminders
            ]
            reach = await _recipients(tx, kader)
            by_posyandu: dict[int, list[Person]] = defaultdict(list)
            for person in kader:
                if person.posyandu_id is not None:
                    by_posyandu[person.posyandu_id].append(person)
            for d in kader_due:
                for person in by_posyandu[d.posyandu.id]:
                    for channel, address in reach.get(person.id, []):
                        payload = {"type": "reminder", "kind": d.kind.value, "params": _params(d)}
                        key = f"reminder:{d.kind.value}:{d.posyandu.id}:{d.day}:{channel}:{address}"
                        rows.append((channel, address, payload, key))
        rows.extend(await _supervisor_nudges(tx, [d for d in due if d.kind is Kind.H_PLUS_7]))
        if Kind.REKAP in settings.enabled:
            rows.extend(await _rekap(tx, now, settings))
        await append_many(tx, rows, now)
    return SweepResult(reminders=len(due), messages=len(rows))


async def _supervisor_nudges(
    conn: Connection, due: list[Due]
) -> list[tuple[str, str, dict[str, Any], str]]:
    """H+7: each supervisor above a missing posyandu gets the list of those still missing."""
    if not due:
        return []
    area_ids: dict[int, list[Due]] = defaultdict(list)
    for d in due:
        for part in d.posyandu.area_path.strip("/").split("/"):
            area_ids[int(part)].append(d)
    supervisors = [
        p for p in await people_of_area(conn, sorted(area_ids)) if p.role is not Role.KADER
    ]
    kader = await people_of_posyandu(conn, sorted({d.posyandu.id for d in due}))
    kader_names: dict[int, list[str]] = defaultdict(list)
    for k in kader:
        if k.posyandu_id is not None:
            kader_names[k.posyandu_id].append(k.name)
    reach = await _recipients(conn, supervisors)
    rows = []
    for person in supervisors:
        assert person.area_id is not None
        mine = sorted(area_ids[person.area_id], key=lambda d: d.posyandu.name)
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
        ids = ",".join(str(d.posyandu.id) for d in mine)
        for channel, address in reach.get(person.id, []):
            payload = {
                "type": "reminder",
                "kind": Kind.H_PLUS_7.value,
                "params": {"missing": missing, "day": day.isoformat()},
            }
            rows.append(
                (
                    channel,
                    address,
                    payload,
                    f"reminder:h+7:{person.id}:{day}:{ids}:{channel}:{address}",
                )
            )
    return rows


async def _rekap(
    conn: Connection, now: datetime, settings: ReminderSettings
) -> list[tuple[str, str, dict[str, Any], str]]:
    """On ``rekap_day``, every supervisor (and linked group) gets last month's area summary,
    at the local time of the area's posyandu (dedupe: one per area, period and recipient)."""
    start = now - settings.grace
    supervisors = await area_people(conn)
    area_ids = sorted({p.area_id for p in supervisors if p.area_id is not None})
    groups = await groups_of_areas(conn, area_ids) if area_ids else []
    area_ids = sorted(set(area_ids) | {g.area_id for g in groups})
    reach = await _recipients(conn, supervisors)
    rows = []
    for area_id in area_ids:
        area = await area_by_id(conn, area_id)
        if area is None:
            continue
        members = await posyandu_under(conn, area)
        tz = members[0].tz if members else ZoneInfo("Asia/Jakarta")
        local = now.astimezone(tz)
        day = date(local.year, local.month, settings.rekap_day)
        if not start < due_at(Kind.REKAP, day, tz, settings) <= now:
            continue
        period = Period(local.year, local.month).shift(-1)
        payload = {
            "type": "document",
            "kind": "area_summary",
            "params": {"area_id": area_id, "period": str(period)},
        }
        targets = [
            addr for p in supervisors if p.area_id == area_id for addr in reach.get(p.id, [])
        ]
        targets += [(g.channel, g.address) for g in groups if g.area_id == area_id]
        for channel, address in targets:
            rows.append(
                (channel, address, payload, f"rekap:{area_id}:{period}:{channel}:{address}")
            )
    return rows
