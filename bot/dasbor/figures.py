"""What the dasbor's pages show, read through storage and assessed with scoring as the chat and
the PDFs do (``assess``, ``rollup``, ``area_totals``, ``month_ratios``): no ratio or stratum
rule of its own. Worded later, by the pages.

An area's figures (:func:`load_area`) serve the area page and the posyandu table; a posyandu's
(:func:`load_posyandu`) its page.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

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
    Standing,
    count_states,
    month_ratios,
    reporting_state,
    rollup,
)
from scoring.ratios import RATIO_NAMES
from scoring.strata import IndicatorId
from scoring.totals import AreaTotals, area_totals, ratio_of_sums
from storage import Connection, Database
from storage.areas import Area, Level, ancestors, areas_under
from storage.assessments import (
    Assessed,
    assess_months,
    keep,
    stored_assessments,
    window_reports,
)
from storage.people import names_of
from storage.posyandu import Posyandu, hari_buka, known_histories, moves_for, posyandu_under
from storage.reports import (
    StoredReport,
    latest_revision,
    posyandu_revised_since,
    ratio_sums,
    stored_reports_for_posyandu_ids,
)

log = logging.getLogger("posyandu.dasbor")

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
    #: Over its known history, in brief; None: no data at all.
    strata: Standing | None
    #: The indicators that hold it at its stratum, named.
    limiting: tuple[str, ...]
    #: The month of its latest report of the window, and who sent it.
    last_period: Period | None
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


#: What an area's figures were read for: its posyandu (ids, in order), the month shown and
#: the settings assessed under.
_Key = tuple[tuple[int, ...], Period, ScoringSettings]


@dataclass(slots=True)
class _Reports:
    """An area's figures as read when the latest report revision id was ``revision``: each
    posyandu's report of the month shown, its kept assessment (storage.assessments) with the
    start of known history it holds for, and the area's 12-month trend (by the posyandu it
    is over)."""

    revision: int
    stored: Mapping[int, StoredReport]
    assessed: dict[int, tuple[Period | None, Assessed]] = field(default_factory=dict)
    trends: dict[tuple[int, ...], tuple[TrendPoint, ...]] = field(default_factory=dict)


class AreaCache:
    """The figures of the areas last shown, so that the next page of the same area reads
    only what changed since.

    An entry is for one set of posyandu (the area's membership: a posyandu added, moved or
    deactivated is another key) at one month under one set of settings, read under the
    latest report revision id of then. Every save of a report writes a revision row
    (storage's triggers; revisions are append-only), so on the next request the posyandu
    with a revision after the entry's are read again (only those: a save elsewhere changes
    nothing here), with the area's trend. The revision id is read before the rest, so a save
    in between only makes the entry look older than what it holds, never the other way
    round. Holds the last ``size`` areas.

    It also keeps, after the page has been answered, the assessments a page had to work out
    (:meth:`keep_later`): a page is a read and never waits for the writer."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._entries: OrderedDict[_Key, _Reports] = OrderedDict()
        self._keeping: set[asyncio.Task[None]] = set()

    def keep_later(
        self, db: Database, loaded: _Loaded, through: Period, scoring: ScoringSettings
    ) -> None:
        task = asyncio.create_task(_keep(db, loaded, through, scoring), name="dasbor-keep")
        self._keeping.add(task)
        task.add_done_callback(self._keeping.discard)

    async def settle(self) -> None:
        """Wait for the assessments being kept (tests, shutdown)."""
        while self._keeping:
            await asyncio.gather(*self._keeping, return_exceptions=True)

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


async def _month_reports(
    conn: Connection, ids: list[int], month: Period
) -> dict[int, StoredReport]:
    found = await stored_reports_for_posyandu_ids(conn, ids, month, month)
    return {i: rs[0] for i, rs in found.items() if rs}


async def _reports(
    conn: Connection,
    ids: list[int],
    month: Period,
    scoring: ScoringSettings,
    cache: AreaCache | None,
) -> _Reports:
    revision = await latest_revision(conn)  # before the reports: see AreaCache
    key = (tuple(ids), month, scoring)
    found = cache.get(key) if cache is not None else None
    if found is not None and found.revision == revision:
        return found
    if found is not None and found.revision < revision:
        changed = await posyandu_revised_since(conn, found.revision, _PATCH_AT_MOST)
        if changed is not None:
            mine = [i for i in ids if i in changed]
            found = _patched(found, revision, mine, await _month_reports(conn, mine, month))
            assert cache is not None
            cache.put(key, found)
            return found
    found = _Reports(revision, await _month_reports(conn, ids, month))
    if cache is not None:
        cache.put(key, found)
    return found


def _patched(
    old: _Reports, revision: int, mine: list[int], fresh: Mapping[int, StoredReport]
) -> _Reports:
    """``old`` with the reports of the posyandu ``mine`` replaced by ``fresh``, and nothing
    worked out from them kept (a new entry: a request still reading the old one is left as
    it was)."""
    if not mine:
        return _Reports(revision, old.stored, old.assessed, old.trends)
    gone = set(mine)
    return _Reports(
        revision,
        {**{k: v for k, v in old.stored.items() if k not in gone}, **fresh},
        {k: v for k, v in old.assessed.items() if k not in gone},
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    members: list[Posyandu]
    reports: _Reports
    known: Mapping[int, KnownHistory]
    desas: Mapping[int, Area]
    children: list[Area]
    crumbs: list[Area]
    names: Mapping[int, str]
    #: The assessments worked out for this request (none kept yet, or stale): to keep.
    fresh: Mapping[int, Assessed]
    #: One-off moves of the month shown's hari buka, by posyandu.
    moves: dict[tuple[int, Period], date] = field(default_factory=dict)


async def _assessments(
    conn: Connection,
    entry: _Reports,
    known: Mapping[int, KnownHistory],
    month: Period,
    scoring: ScoringSettings,
) -> dict[int, Assessed]:
    """Fill ``entry`` with the assessment at ``month`` of every posyandu of ``known`` that
    has data: the entry's own, else the kept one, else worked out from its reports (returned:
    to keep)."""
    wanted = {
        i: k
        for i, k in known.items()
        if k.has_data and (i not in entry.assessed or entry.assessed[i][0] != k.since)
    }
    if not wanted:
        return {}
    kept = await stored_assessments(conn, wanted, month, scoring)
    missing = {i: k for i, k in wanted.items() if i not in kept}
    fresh: dict[int, Assessed] = {}
    if missing:
        stored = await window_reports(conn, sorted(missing), month, scoring)
        # Assessing many posyandu is CPU work: not on the event loop.
        fresh = await asyncio.to_thread(assess_months, stored, missing, month, scoring)
    for i, a in {**kept, **fresh}.items():
        entry.assessed[i] = (known[i].since, a)
    return fresh


async def _trend_of(
    conn: Connection, entry: _Reports, ids: list[int], through: Period, scoring: ScoringSettings
) -> None:
    """The 12-month trend of the posyandu ``ids`` into ``entry`` (unless it is there): each
    month's D/S and N/D from the area's sums (scoring.totals)."""
    key = tuple(ids)
    if key in entry.trends:
        return
    periods = trend_periods(through)
    ratios = {name: RATIO_NAMES[name] for name in _TREND_RATIOS}
    sums = await ratio_sums(conn, ids, ratios, periods[0], through)
    points = []
    for p in periods:
        month = sums.get(p, {})
        d_s, n_d = (ratio_of_sums(*month.get(name, (0, 0))) for name in _TREND_RATIOS)
        points.append(TrendPoint(p, d_s, n_d))
    entry.trends[key] = tuple(points)


#: The ratios of an area's trend, as :class:`TrendPoint` holds them.
_TREND_RATIOS = ("d_s", "n_d")


async def _read_area(
    conn: Connection,
    area: Area,
    top: Area,
    members: list[Posyandu],
    through: Period,
    scoring: ScoringSettings,
    whole: bool,
    cache: AreaCache | None = None,
) -> _Loaded:
    ids = [p.id for p in members]
    reports = await _reports(conn, ids, through, scoring, cache)
    known = await known_histories(conn, ids)
    shown = {i: k for i, k in known.items() if k.started_by(through)}
    fresh = await _assessments(conn, reports, shown, through, scoring)
    if whole:
        await _trend_of(conn, reports, [i for i in ids if i in shown], through, scoring)
    under = await areas_under(conn, area)
    desas = {a.id: a for a in under if a.level is Level.DESA}
    if area.level is Level.DESA:
        desas[area.id] = area
    children = [a for a in under if a.parent_id == area.id]
    crumbs = [a for a in await ancestors(conn, area) if a.path.startswith(top.path)]
    who = {a.last_by for _s, a in reports.assessed.values() if a.last_by is not None}
    names = await names_of(conn, who)
    moves = await moves_for(conn, None, through, through)
    return _Loaded(members, reports, known, desas, children, crumbs, names, fresh, moves)


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
    where the figures of an area shown before may be found still current. The assessments
    worked out for it (none kept, or stale) are kept for the next first page."""
    async with db.read() as conn:
        members = await posyandu_under(conn, area)
        current = area_month(members, now)
        through = min(period, current) if period is not None else current
        loaded = await _read_area(conn, area, top, members, through, scoring, whole, cache)
    if loaded.fresh and cache is not None:
        cache.keep_later(db, loaded, through, scoring)
    elif loaded.fresh:
        await _keep(db, loaded, through, scoring)
    # Many members: CPU work, not on the event loop.
    return await asyncio.to_thread(_area_view, area, loaded, through, current, scoring, now, whole)


async def _keep(db: Database, loaded: _Loaded, through: Period, scoring: ScoringSettings) -> None:
    """Keep the assessments ``loaded`` worked out (storage.assessments.keep: not those of a
    posyandu saved since). Only a saving for the next first page: a failure is logged."""
    try:
        async with db.transaction() as tx:
            await keep(tx, loaded.fresh, through, scoring, loaded.known, loaded.reports.revision)
    except Exception:
        log.warning("dasbor: the assessments worked out were not kept", exc_info=True)


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
        trend=loaded.reports.trends[tuple(m.posyandu.id for m in members)] if whole else (),
        children=tuple(children),
        members=tuple(members),
    )


@lru_cache(maxsize=256)
def _limiting_words(limiting: tuple[IndicatorId, ...]) -> tuple[str, ...]:
    """The limiting indicators named (a kabupaten's 1,500 posyandu share a few sets)."""
    return tuple(indicator_words(i) for i in limiting)


@lru_cache(maxsize=4096)
def _desa_name(desa: Area | None) -> str:
    return place_name(desa.name, desa.kind) if desa else ""


def _member(
    p: Posyandu, loaded: _Loaded, period: Period, scoring: ScoringSettings, now: datetime
) -> Member:
    known = loaded.known.get(p.id, KnownHistory())
    stored = loaded.reports.stored.get(p.id)
    own = stored.report if stored is not None else None
    # The stratum alone (the chat's roll-up path): the year-end outlook is not shown here.
    # Any report of the window is a report at all: known.has_data covers it.
    kept = loaded.reports.assessed.get(p.id) if known.has_data else None
    a = kept[1] if kept is not None else None
    day = hari_buka(p, period, loaded.moves)
    today = now.astimezone(p.tz).date()
    return Member(
        posyandu=p,
        desa=_desa_name(loaded.desas.get(p.desa_id)),
        report=own,
        ratios=month_ratios(own) if own is not None and own.buka else None,
        strata=a.standing if a is not None else None,
        limiting=_limiting_words(a.standing.limiting) if a else (),
        last_period=a.last_period if a is not None else None,
        last_by=loaded.names.get(a.last_by, "") if a and a.last_by is not None else "",
        reporting=reporting_state(period, day, today, own is not None, known.since),
        hari_buka=day,
    )
