"""What the dasbor's pages show, read through storage and assessed with scoring as the chat and
the PDFs do (``assess``, ``rollup``, ``area_totals``, ``month_ratios``): no ratio or stratum
rule of its own. Worded later, by the pages.

An area's figures (:func:`load_area`) serve the area page and the posyandu table; a posyandu's
(:func:`load_posyandu`) its page.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.documents import month_now
from conversations.figure_words import indicator_words, stratum_cell
from conversations.format import area_title, place_name
from scoring import (
    AreaRollup,
    KnownHistory,
    MemberStatus,
    MonthRatios,
    MonthReport,
    Period,
    Reporting,
    ReportingCounts,
    ScoringSettings,
    StrataResult,
    assess_stratum,
    count_states,
    month_ratios,
    reporting_state,
    rollup,
)
from scoring.totals import AreaTotals, area_totals
from storage import Connection, Database
from storage.areas import Area, Level, ancestors, areas_under
from storage.people import names_of
from storage.posyandu import Posyandu, hari_buka, known_histories, moves_for, posyandu_under
from storage.reports import (
    StoredReport,
    latest_revision,
    posyandu_revised_since,
    stored_reports_for_posyandu_ids,
)

__all__ = [
    "AreaCache",
    "AreaView",
    "Member",
    "Summary",
    "TrendPoint",
    "area_month",
    "load_area",
    "trend_periods",
]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    d_s: float | None
    n_d: float | None


@dataclass(frozen=True, slots=True)
class Member:
    """One posyandu of an area at the month shown."""

    posyandu: Posyandu
    desa: str
    #: The month's report: none (not reported), opened, or TIDAK BUKA.
    report: MonthReport | None
    ratios: MonthRatios | None
    #: Over its known history; None: no data at all.
    strata: StrataResult | None
    #: The indicators that hold it at its stratum, named.
    limiting: tuple[str, ...]
    #: Its latest report of the window, and who sent it.
    last: StoredReport | None
    last_by: str
    #: Where it stands with the month on its local today (scoring's one rule), and the
    #: month's hari buka.
    reporting: Reporting
    hari_buka: date | None

    @property
    def reported(self) -> bool:
        return self.report is not None

    @property
    def closed(self) -> bool:
        return self.report is not None and not self.report.buka

    @property
    def stratum_text(self) -> str:
        return stratum_cell(self.strata, self.strata is not None)

    @property
    def status(self) -> MemberStatus:
        s = self.strata
        return MemberStatus(
            s.stratum if s else None,
            bool(s and s.posyandu_aktif),
            self.reported,
            provisional=bool(s and s.provisional),
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of a set of posyandu at the month: completeness, strata, totals."""

    roll: AreaRollup
    totals: AreaTotals
    #: Reported, hari buka still ahead, today, passed without a report.
    states: ReportingCounts


@dataclass(frozen=True, slots=True)
class AreaView:
    area: Area
    title: str
    #: The areas above it the visitor may see (top first), as (area, title).
    crumbs: tuple[tuple[Area, str], ...]
    period: Period
    current: Period
    summary: Summary
    trend: tuple[TrendPoint, ...]
    #: The areas one level down, with their figures.
    children: tuple[tuple[Area, str, Summary], ...]
    members: tuple[Member, ...]


def trend_periods(through: Period, months: int = 12) -> list[Period]:
    return [through.shift(-i) for i in range(months - 1, -1, -1)]


def summarise(members: Sequence[Member], scoring: ScoringSettings) -> Summary:
    month = [m.report for m in members if m.report is not None]
    states = count_states(m.reporting.state for m in members)
    return Summary(rollup(m.status for m in members), area_totals(month, scoring), states)


def title_of(area: Area) -> str:
    return area_title(area.level, area.name, area.kind)


#: What an area's reports were read for: its posyandu (ids, in order) and the months.
_Key = tuple[tuple[int, ...], Period, Period]
#: A posyandu's stratum at a month, from its known history's start, under settings.
_StrataKey = tuple[int, Period, Period | None, ScoringSettings]
#: An area's trend: over which posyandu, through which month, under settings.
_TrendKey = tuple[tuple[int, ...], Period, ScoringSettings]


@dataclass(slots=True)
class _Reports:
    """An area's reports as read when the latest revision id was ``revision``, and what was
    worked out from them (each stratum over a posyandu's months, each 12-month trend)."""

    revision: int
    stored: Mapping[int, list[StoredReport]]
    strata: dict[_StrataKey, StrataResult] = field(default_factory=dict)
    trends: dict[_TrendKey, tuple[TrendPoint, ...]] = field(default_factory=dict)


class AreaCache:
    """The reports of the areas last shown, so that the next page of the same area does not
    read and decode a kabupaten's year of reports again (the dasbor's largest cost).

    An entry is for one set of posyandu (the area's membership: a posyandu added, moved or
    deactivated is another key) over the same months, read under the latest report revision
    id of then. Every save of a report writes a revision row (storage's triggers; revisions
    are append-only), so on the next request the posyandu with a revision after the entry's
    are read again (only those: a save elsewhere changes nothing here), and what was worked
    out from their reports is dropped. The revision id is read before the reports, so a save
    in between only makes the entry look older than what it holds, never the other way
    round. Holds the last ``size`` areas."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._entries: OrderedDict[_Key, _Reports] = OrderedDict()

    def get(self, key: _Key) -> _Reports | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: _Key, entry: _Reports) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


#: More posyandu changed than this since an entry was read: the area is read again whole.
_PATCH_AT_MOST = 200


async def _reports(
    conn: Connection, ids: list[int], first: Period, last: Period, cache: AreaCache | None
) -> _Reports:
    revision = await latest_revision(conn)  # before the reports: see AreaCache
    key = (tuple(ids), first, last)
    found = cache.get(key) if cache is not None else None
    if found is not None and found.revision == revision:
        return found
    if found is not None and found.revision < revision:
        changed = await posyandu_revised_since(conn, found.revision, _PATCH_AT_MOST)
        if changed is not None:
            mine = [i for i in ids if i in changed]
            fresh = await stored_reports_for_posyandu_ids(conn, mine, first, last)
            found = _patched(found, revision, fresh)
            assert cache is not None
            cache.put(key, found)
            return found
    found = _Reports(revision, await stored_reports_for_posyandu_ids(conn, ids, first, last))
    if cache is not None:
        cache.put(key, found)
    return found


def _patched(old: _Reports, revision: int, fresh: Mapping[int, list[StoredReport]]) -> _Reports:
    """``old`` with the reports of the posyandu in ``fresh`` replaced, and nothing worked out
    from them kept (a new entry: a request still reading the old one is left as it was)."""
    if not fresh:
        return _Reports(revision, old.stored, old.strata, old.trends)
    return _Reports(
        revision,
        {**old.stored, **fresh},
        {k: v for k, v in old.strata.items() if k[0] not in fresh},
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    members: list[Posyandu]
    reports: _Reports
    stored: Mapping[int, list[StoredReport]]
    known: Mapping[int, KnownHistory]
    desas: Mapping[int, Area]
    children: list[Area]
    crumbs: list[Area]
    names: Mapping[int, str]
    #: One-off moves of the month shown's hari buka, by posyandu.
    moves: dict[tuple[int, Period], date] = field(default_factory=dict)


async def _read_area(
    conn: Connection,
    area: Area,
    top: Area,
    members: list[Posyandu],
    span: tuple[Period, Period],
    cache: AreaCache | None = None,
) -> _Loaded:
    ids = [p.id for p in members]
    reports = await _reports(conn, ids, *span, cache)
    stored = reports.stored
    known = await known_histories(conn, ids)
    under = await areas_under(conn, area)
    desas = {a.id: a for a in under if a.level is Level.DESA}
    if area.level is Level.DESA:
        desas[area.id] = area
    children = [a for a in under if a.parent_id == area.id]
    crumbs = [a for a in await ancestors(conn, area) if a.path.startswith(top.path)]
    who = {r.submitted_by for rs in stored.values() for r in rs if r.submitted_by is not None}
    names = await names_of(conn, who)
    last = span[1]
    moves = await moves_for(conn, None, last, last)
    return _Loaded(members, reports, stored, known, desas, children, crumbs, names, moves)


async def load_area(
    db: Database,
    area: Area,
    top: Area,
    period: Period | None,
    now: datetime,
    scoring: ScoringSettings,
    *,
    whole: bool = True,
    cache: AreaCache | None = None,
) -> AreaView:
    """``area`` at ``period`` (None: the month it is now in the area), seen by someone whose
    own area is ``top`` (the crumbs stop there). ``whole=False`` (the posyandu table): the
    posyandu only, without the area's trend and the figures of the areas below. ``cache``:
    where the reports of an area shown before may be found still current."""
    async with db.read() as conn:
        members = await posyandu_under(conn, area)
        current = area_month(members, now)
        through = min(period, current) if period is not None else current
        first = through.shift(1 - max(scoring.window_months, 12))
        loaded = await _read_area(conn, area, top, members, (first, through), cache)
    # Assessing every posyandu is CPU work: not on the event loop.
    return await asyncio.to_thread(
        _area_view, area, loaded, through, current, scoring, now, whole
    )


def area_month(members: Sequence[Posyandu], now: datetime) -> Period:
    """The month it is now in an area: the latest begun in its posyandu's time zones (UTC's
    when it has none)."""
    return month_now(now, {p.tz for p in members}) if members else Period(now.year, now.month)


def _area_view(
    area: Area,
    loaded: _Loaded,
    period: Period,
    current: Period,
    scoring: ScoringSettings,
    now: datetime,
    whole: bool = True,
) -> AreaView:
    members = [
        _member(p, loaded, period, scoring, now)
        for p in loaded.members
        if loaded.known[p.id].started_by(period)
    ]
    children = []
    for child in loaded.children if whole else ():
        own = [m for m in members if m.posyandu.area_path.startswith(child.path)]
        children.append((child, title_of(child), summarise(own, scoring)))
    return AreaView(
        area=area,
        title=title_of(area),
        crumbs=tuple((a, title_of(a)) for a in loaded.crumbs),
        period=period,
        current=current,
        summary=summarise(members, scoring),
        trend=_area_trend(members, loaded, period, scoring) if whole else (),
        children=tuple(children),
        members=tuple(members),
    )


def _member(
    p: Posyandu, loaded: _Loaded, period: Period, scoring: ScoringSettings, now: datetime
) -> Member:
    stored = loaded.stored.get(p.id, [])
    known = loaded.known.get(p.id, KnownHistory())
    months = [r.report for r in stored]
    # The stratum alone (the chat's roll-up path): the year-end outlook is not shown here.
    memo = loaded.reports.strata
    key = (p.id, period, known.since, scoring)
    strata = memo.get(key)
    if strata is None:
        strata = memo[key] = assess_stratum(months, period, scoring, known.since)
    has_data = known.has_data or bool(months)
    own = next((m for m in months if m.period == period), None)
    last = stored[-1] if stored else None
    desa = loaded.desas.get(p.desa_id)
    day = hari_buka(p, period, loaded.moves)
    today = now.astimezone(p.tz).date()
    return Member(
        posyandu=p,
        desa=place_name(desa.name, desa.kind) if desa else "",
        report=own,
        ratios=month_ratios(own) if own is not None and own.buka else None,
        strata=strata if has_data else None,
        limiting=tuple(indicator_words(i) for i in strata.limiting) if has_data else (),
        last=last,
        last_by=loaded.names.get(last.submitted_by, "") if last and last.submitted_by else "",
        reporting=reporting_state(period, day, today, own is not None, known.since),
        hari_buka=day,
    )


def _area_trend(
    members: Sequence[Member], loaded: _Loaded, through: Period, scoring: ScoringSettings
) -> tuple[TrendPoint, ...]:
    """The area's D/S and N/D of each of the 12 months: from the month's totals."""
    key = (tuple(m.posyandu.id for m in members), through, scoring)
    found = loaded.reports.trends.get(key)
    if found is None:
        found = loaded.reports.trends[key] = _trend(members, loaded, through, scoring)
    return found


def _trend(
    members: Sequence[Member], loaded: _Loaded, through: Period, scoring: ScoringSettings
) -> tuple[TrendPoint, ...]:
    by_period: dict[Period, list[MonthReport]] = {}
    for m in members:
        for r in loaded.stored.get(m.posyandu.id, []):
            by_period.setdefault(r.report.period, []).append(r.report)
    points = []
    for p in trend_periods(through):
        gaps = {g.indicator: g for g in area_totals(by_period.get(p, []), scoring).gaps}
        points.append(TrendPoint(p, gaps["d_s"].actual, gaps["n_d"].actual))
    return tuple(points)
