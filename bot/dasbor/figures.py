"""What the dasbor's pages show, read through storage and assessed with scoring as the chat and
the PDFs do (``assess``, ``rollup``, ``area_totals``, ``month_ratios``): no ratio or stratum
rule of its own. Worded later, by the pages.

An area's figures (:func:`load_area`) serve the area page and the posyandu table; a posyandu's
(:func:`load_posyandu`) its page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.documents import indicator_words, month_now
from conversations.format import area_title, place_name
from conversations.strata_words import stratum_cell
from scoring import (
    AreaRollup,
    KnownHistory,
    MemberStatus,
    MonthRatios,
    MonthReport,
    Period,
    ScoringSettings,
    StrataResult,
    assess_stratum,
    month_ratios,
    rollup,
)
from scoring.totals import AreaTotals, area_totals
from storage import Connection, Database
from storage.areas import Area, Level, ancestors, areas_under
from storage.people import names_of
from storage.posyandu import Posyandu, known_histories, posyandu_under
from storage.reports import StoredReport, stored_reports_for_posyandu_ids

__all__ = [
    "AreaView",
    "Member",
    "Summary",
    "TrendPoint",
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
    return Summary(rollup(m.status for m in members), area_totals(month, scoring))


def title_of(area: Area) -> str:
    return area_title(area.level, area.name, area.kind)


@dataclass(frozen=True, slots=True)
class _Loaded:
    members: list[Posyandu]
    stored: Mapping[int, list[StoredReport]]
    known: Mapping[int, KnownHistory]
    desas: Mapping[int, Area]
    children: list[Area]
    crumbs: list[Area]
    names: Mapping[int, str]


async def _read_area(
    conn: Connection, area: Area, top: Area, first: Period, last: Period
) -> _Loaded:
    members = await posyandu_under(conn, area)
    ids = [p.id for p in members]
    stored = await stored_reports_for_posyandu_ids(conn, ids, first, last)
    known = await known_histories(conn, ids)
    under = await areas_under(conn, area)
    desas = {a.id: a for a in under if a.level is Level.DESA}
    if area.level is Level.DESA:
        desas[area.id] = area
    children = [a for a in under if a.parent_id == area.id]
    crumbs = [a for a in await ancestors(conn, area) if a.path.startswith(top.path)]
    who = {r.submitted_by for rs in stored.values() for r in rs if r.submitted_by is not None}
    names = await names_of(conn, who)
    return _Loaded(members, stored, known, desas, children, crumbs, names)


async def load_area(
    db: Database,
    area: Area,
    top: Area,
    period: Period | None,
    now: datetime,
    scoring: ScoringSettings,
    *,
    whole: bool = True,
) -> AreaView:
    """``area`` at ``period`` (None: the month it is now in the area), seen by someone whose
    own area is ``top`` (the crumbs stop there). ``whole=False`` (the posyandu table): the
    posyandu only, without the area's trend and the figures of the areas below."""
    async with db.read() as conn:
        members = await posyandu_under(conn, area)
        current = month_now(now, {p.tz for p in members}) if members else _utc_month(now)
        through = min(period, current) if period is not None else current
        first = through.shift(1 - max(scoring.window_months, 12))
        loaded = await _read_area(conn, area, top, first, through)
    # Assessing every posyandu is CPU work: not on the event loop.
    return await asyncio.to_thread(_area_view, area, loaded, through, current, scoring, whole)


def _utc_month(now: datetime) -> Period:
    return Period(now.year, now.month)


def _area_view(
    area: Area,
    loaded: _Loaded,
    period: Period,
    current: Period,
    scoring: ScoringSettings,
    whole: bool = True,
) -> AreaView:
    members = [
        _member(p, loaded, period, scoring)
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


def _member(p: Posyandu, loaded: _Loaded, period: Period, scoring: ScoringSettings) -> Member:
    stored = loaded.stored.get(p.id, [])
    known = loaded.known.get(p.id, KnownHistory())
    months = [r.report for r in stored]
    # The stratum alone (the chat's roll-up path): the year-end outlook is not shown here.
    strata = assess_stratum(months, period, scoring, known.since)
    has_data = known.has_data or bool(months)
    own = next((m for m in months if m.period == period), None)
    last = stored[-1] if stored else None
    desa = loaded.desas.get(p.desa_id)
    return Member(
        posyandu=p,
        desa=place_name(desa.name, desa.kind) if desa else "",
        report=own,
        ratios=month_ratios(own) if own is not None and own.buka else None,
        strata=strata if has_data else None,
        limiting=tuple(indicator_words(i) for i in strata.limiting) if has_data else (),
        last=last,
        last_by=loaded.names.get(last.submitted_by, "") if last and last.submitted_by else "",
    )


def _area_trend(
    members: Sequence[Member], loaded: _Loaded, through: Period, scoring: ScoringSettings
) -> tuple[TrendPoint, ...]:
    """The area's D/S and N/D of each of the 12 months: from the month's totals."""
    by_period: dict[Period, list[MonthReport]] = {}
    for m in members:
        for r in loaded.stored.get(m.posyandu.id, []):
            by_period.setdefault(r.report.period, []).append(r.report)
    points = []
    for p in trend_periods(through):
        gaps = {g.indicator: g for g in area_totals(by_period.get(p, []), scoring).gaps}
        points.append(TrendPoint(p, gaps["d_s"].actual, gaps["n_d"].actual))
    return tuple(points)
