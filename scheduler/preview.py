"""Every reminder that would fire in a span of days, without sending or recording anything:
what ``posyandu reminders preview`` prints, and the next hari buka of a posyandu.

Computed with the sweep's own parts: :mod:`scheduler.calendar` for the day and time of each
kind, :func:`storage.posyandu.hari_buka` with the one-off moves, the reminder settings (kinds
turned off are left out, times as set), :mod:`scheduler.recipients` for who receives what, and
the rekap's area time zone as :mod:`scheduler.sweep` takes it. ``first`` and ``last`` are local
days, inclusive, each reminder in its own zone.

H+2 and H+7 are *conditional*: the sweep sends them only when the month is not reported yet;
the preview lists them all and marks them so. A reminder nobody would receive (no kader
registered, reminders stopped, unreachable) is still listed, with no recipients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.calendar import (
    CONDITIONAL,
    Kind,
    ReminderSettings,
    due_at,
    hari_buka_reminders,
    rekap_day,
)
from scheduler.recipients import (
    Recipient,
    kader_recipients,
    rekap_targets,
    supervisor_recipients,
)
from scoring import Period
from scoring.schedule import upcoming_days
from storage.areas import Area, area_by_code
from storage.db import Connection
from storage.posyandu import (
    Posyandu,
    all_posyandu,
    hari_buka,
    moves_for,
    posyandu_by_code,
    posyandu_under,
)

__all__ = [
    "MAX_SPAN_DAYS",
    "Planned",
    "PreviewError",
    "check_span",
    "hari_buka_times",
    "next_hari_buka",
    "preview",
    "rekap_times",
    "upcoming_hari_buka",
]

#: The longest span a preview covers (a leap year).
MAX_SPAN_DAYS = 366
_CHUNK = 500  # posyandu whose moves and recipients are read at a time
_KIND_ORDER = {k: i for i, k in enumerate(Kind)}


class PreviewError(ValueError):
    """A preview that cannot be made (span, unknown code); the message says why."""


@dataclass(frozen=True, slots=True)
class Planned:
    kind: Kind
    #: Aware, in the posyandu's (or, for rekap, the area's) zone.
    local_time: datetime
    #: The posyandu (hari-buka kinds) or None (rekap).
    posyandu: Posyandu | None
    #: The area (rekap) or None (hari-buka kinds).
    area: Area | None
    #: The hari buka's month, or for rekap the month summarised.
    period: Period
    #: The hari buka the reminder is about (None for rekap).
    hari_buka: date | None
    recipients: tuple[Recipient, ...]

    @property
    def utc_time(self) -> datetime:
        return self.local_time.astimezone(UTC)

    @property
    def conditional(self) -> bool:
        return self.kind in CONDITIONAL


def check_span(first: date, last: date) -> None:
    """``first..last`` must be in order and at most :data:`MAX_SPAN_DAYS` days, both included."""
    if first > last:
        raise PreviewError(f"from {first.isoformat()} is after to {last.isoformat()}")
    days = (last - first).days + 1
    if days > MAX_SPAN_DAYS:
        raise PreviewError(
            f"span {first.isoformat()} to {last.isoformat()} is {days} days; "
            f"at most {MAX_SPAN_DAYS} days"
        )


def _periods(first: date, last: date) -> list[Period]:
    """The months whose hari buka can have a reminder on a day in ``first..last``: the hari
    buka lies within H+7 before and H-1 after, and a move may shift it one month."""
    low = first - timedelta(days=7)
    high = last + timedelta(days=1)
    start = Period(low.year, low.month).shift(-1)
    end = Period(high.year, high.month).shift(1)
    return [Period.from_index(i) for i in range(start.index, end.index + 1)]


def hari_buka_times(
    posyandu: Posyandu,
    moves: dict[tuple[int, Period], date],
    first: date,
    last: date,
    settings: ReminderSettings,
) -> list[tuple[Kind, Period, date, datetime]]:
    """Pure: ``(kind, period, hari buka, local due time)`` of every enabled hari-buka reminder
    of ``posyandu`` on a local day in ``first..last``; a (kind, day) once, as the reminder log
    keeps it."""
    out: list[tuple[Kind, Period, date, datetime]] = []
    seen: set[tuple[Kind, date]] = set()
    for period in _periods(first, last):
        hb = hari_buka(posyandu, period, moves)
        for kind, day in hari_buka_reminders(hb, settings):
            if first <= day <= last and (kind, day) not in seen:
                seen.add((kind, day))
                out.append((kind, period, hb, due_at(kind, day, posyandu.tz, settings)))
    return out


def rekap_times(
    tz: ZoneInfo, first: date, last: date, settings: ReminderSettings
) -> list[tuple[Period, datetime]]:
    """Pure: ``(month summarised, local due time)`` of every rekap on a day in ``first..last``."""
    if Kind.REKAP not in settings.enabled:
        return []
    out = []
    month = Period(first.year, first.month)
    while month <= Period(last.year, last.month):
        day = rekap_day(month, settings)
        if first <= day <= last:
            out.append((month.shift(-1), due_at(Kind.REKAP, day, tz, settings)))
        month = month.shift(1)
    return out


def next_hari_buka(
    posyandu: Posyandu, moves: dict[tuple[int, Period], date], today: date, count: int = 3
) -> list[date]:
    """Pure: the next ``count`` hari buka on or after ``today`` (moves included)."""
    own = {period: day for (pid, period), day in moves.items() if pid == posyandu.id}
    return upcoming_days(posyandu.schedule, own, today, count)


async def upcoming_hari_buka(
    conn: Connection, posyandu: Posyandu, now: datetime, count: int = 3
) -> list[date]:
    """The next ``count`` hari buka from ``now``'s day in the posyandu's zone."""
    today = now.astimezone(posyandu.tz).date()
    here = Period(today.year, today.month)
    moves = await moves_for(conn, [posyandu.id], here.shift(-1), here.shift(count + 1))
    return next_hari_buka(posyandu, moves, today, count)


def _chunks(items: list[Posyandu]) -> Iterable[list[Posyandu]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _path_ids(p: Posyandu) -> list[int]:
    """The areas above a posyandu, provinsi first."""
    return [int(part) for part in p.area_path.strip("/").split("/") if part]


async def _hari_buka_planned(
    conn: Connection,
    posyandu: list[Posyandu],
    first: date,
    last: date,
    settings: ReminderSettings,
) -> list[Planned]:
    periods = _periods(first, last)
    out: list[Planned] = []
    for chunk in _chunks(posyandu):
        ids = [p.id for p in chunk]
        moves = await moves_for(conn, ids, periods[0], periods[-1])
        times = {p.id: hari_buka_times(p, moves, first, last, settings) for p in chunk}
        kader_kinds = any(k is not Kind.H_PLUS_7 for t in times.values() for k, *_ in t)
        h7 = any(k is Kind.H_PLUS_7 for t in times.values() for k, *_ in t)
        kader = await kader_recipients(conn, ids) if kader_kinds else {}
        supervisors = (
            await supervisor_recipients(conn, sorted({a for p in chunk for a in _path_ids(p)}))
            if h7
            else {}
        )
        for p in chunk:
            above = tuple(r for a in _path_ids(p) for r in supervisors.get(a, []))
            mine = tuple(kader.get(p.id, []))
            out.extend(
                Planned(kind, at, p, None, period, hb, above if kind is Kind.H_PLUS_7 else mine)
                for kind, period, hb, at in times[p.id]
            )
    return out


async def _rekap_planned(
    conn: Connection,
    within: Area | None,
    first: date,
    last: date,
    settings: ReminderSettings,
) -> list[Planned]:
    if Kind.REKAP not in settings.enabled:
        return []
    out: list[Planned] = []
    for area, tz, recipients in await rekap_targets(conn):
        if within is not None and not area.path.startswith(within.path):
            continue
        out.extend(
            Planned(Kind.REKAP, at, None, area, period, None, tuple(recipients))
            for period, at in rekap_times(tz, first, last, settings)
        )
    return out


def _order(p: Planned) -> tuple[datetime, str, int]:
    code = p.posyandu.code if p.posyandu else p.area.code if p.area else ""
    return p.utc_time, code, _KIND_ORDER[p.kind]


async def preview(
    conn: Connection,
    first: date,
    last: date,
    settings: ReminderSettings,
    *,
    posyandu_code: str | None = None,
    area_code: str | None = None,
) -> list[Planned]:
    """Every reminder due on a local day in ``first..last``, ordered by time.

    Scope: one posyandu (its hari-buka reminders, no rekap), an area (its active posyandu
    and the rekap of it and every area below it), or, with neither, every active posyandu
    and every area's rekap. Raises :class:`PreviewError` for a bad span, an unknown code, or
    both codes given.
    """
    check_span(first, last)
    if posyandu_code is not None and area_code is not None:
        raise PreviewError("give a posyandu or an area, not both")
    posyandu: list[Posyandu]
    within: Area | None = None
    with_rekap = True
    if posyandu_code is not None:
        found = await posyandu_by_code(conn, posyandu_code)
        if found is None:
            raise PreviewError(f"unknown posyandu {posyandu_code}")
        posyandu = [found] if found.active else []
        with_rekap = False
    elif area_code is not None:
        within = await area_by_code(conn, area_code)
        if within is None:
            raise PreviewError(f"unknown area {area_code}")
        posyandu = await posyandu_under(conn, within)
    else:
        posyandu = await all_posyandu(conn)
    planned = await _hari_buka_planned(conn, posyandu, first, last, settings)
    if with_rekap:
        planned += await _rekap_planned(conn, within, first, last, settings)
    return sorted(planned, key=_order)
