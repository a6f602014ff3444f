"""A posyandu's page: the month's SKDN, its 12 months, its stratum, the months whose report was
changed (who, when, what) and its hari buka, read through storage and assessed with scoring as
the chat and the monthly PDF do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.dasbor.figures import title_of, trend_periods
from bot.documents import channel_words, month_now
from conversations.figure_words import indicator_words, need_words
from conversations.format import field_label, moment
from scoring import Assessment, MonthRatios, Period, ScoringSettings, assess, month_ratios
from scoring.schedule import upcoming_days
from storage import Database
from storage.areas import Area, ancestors, area_by_id
from storage.people import names_of
from storage.posyandu import Posyandu, known_histories, moves_for
from storage.reports import (
    Revision,
    StoredReport,
    import_source,
    list_stored_reports,
    revisions,
)

__all__ = ["Change", "MonthLine", "PosyanduView", "load_posyandu"]


@dataclass(frozen=True, slots=True)
class Change:
    """One revision of a month's report after the first: who, when, what changed."""

    period: Period
    revision: int
    who: str
    when: str
    how: str
    #: "D 40 → 41" per changed field.
    what: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MonthLine:
    period: Period
    report: StoredReport | None
    ratios: MonthRatios | None
    #: Whether a report was owed for it (not before the posyandu's known history starts).
    expected: bool = True


@dataclass(frozen=True, slots=True)
class PosyanduView:
    posyandu: Posyandu
    desa: Area | None
    crumbs: tuple[tuple[Area, str], ...]
    period: Period
    current: Period
    #: The month's report, or else the latest one before it (its SKDN chart).
    shown: StoredReport | None
    shown_by: str
    assessment: Assessment
    limiting: tuple[str, ...]
    needs: tuple[str, ...]
    months: tuple[MonthLine, ...]
    changes: tuple[Change, ...]
    schedule: str
    next_days: tuple[date, ...]


async def load_posyandu(
    db: Database,
    posyandu: Posyandu,
    top: Area | None,
    period: Period | None,
    now: datetime,
    scoring: ScoringSettings,
) -> PosyanduView:
    """``posyandu`` at ``period`` (None: its current month), seen by someone whose own area
    is ``top`` (None: its own kader; the crumbs stop there)."""
    current = month_now(now, {posyandu.tz})
    through = min(period, current) if period is not None else current
    first = through.shift(1 - max(scoring.window_months, 12))
    async with db.read() as conn:
        stored = await list_stored_reports(conn, posyandu.id, first, through)
        known = (await known_histories(conn, [posyandu.id]))[posyandu.id]
        desa = await area_by_id(conn, posyandu.desa_id)
        above = [*(await ancestors(conn, desa)), desa] if desa else []
        crumbs = [a for a in above if top is not None and a.path.startswith(top.path)]
        changed = {r.id: await revisions(conn, r.id) for r in stored if r.revision > 1}
        who = {r.submitted_by for r in stored} | {
            v.changed_by for vs in changed.values() for v in vs
        }
        names = await names_of(conn, {i for i in who if i is not None})
        moves = await moves_for(conn, [posyandu.id], current.shift(-1), current.shift(4))
    window = [r.report for r in stored if r.report.period > through.shift(-scoring.window_months)]
    a = assess(window, through, scoring, known.since)
    shown = next((r for r in reversed(stored) if r.report.period <= through), None)
    by_period = {r.report.period: r for r in stored}
    today = now.astimezone(posyandu.tz).date()
    return PosyanduView(
        posyandu=posyandu,
        desa=desa,
        crumbs=tuple((c, title_of(c)) for c in crumbs),
        period=through,
        current=current,
        shown=shown,
        shown_by=names.get(shown.submitted_by, "") if shown and shown.submitted_by else "",
        assessment=a,
        limiting=tuple(indicator_words(i) for i in a.strata.limiting),
        needs=tuple(need_words(n) for n in a.strata.needs),
        months=tuple(
            _line(by_period.get(p), p, known.started_by(p)) for p in trend_periods(through)
        ),
        changes=_changes(stored, changed, names, posyandu, now),
        schedule=posyandu.schedule.describe(),
        next_days=tuple(
            upcoming_days(posyandu.schedule, {p: d for (_i, p), d in moves.items()}, today)
        ),
    )


def _line(stored: StoredReport | None, period: Period, expected: bool) -> MonthLine:
    opened = stored is not None and stored.report.buka
    ratios = month_ratios(stored.report) if opened and stored else None
    return MonthLine(period, stored, ratios, expected or stored is not None)


def _changes(
    stored: list[StoredReport],
    changed: dict[int, list[Revision]],
    names: dict[int, str],
    posyandu: Posyandu,
    now: datetime,
) -> tuple[Change, ...]:
    out = []
    for r in reversed(stored):
        for v in reversed(changed.get(r.id, [])):
            if v.old is None:
                continue
            out.append(
                Change(
                    period=r.report.period,
                    revision=v.revision,
                    who=_who(v, names),
                    when=moment(v.changed_at, posyandu.tz, now),
                    how=channel_words(v.channel),
                    what=tuple(_diff(v.old, v.new)),
                )
            )
    return tuple(out)


def _who(v: Revision, names: dict[int, str]) -> str:
    """Who made a change: the person, or for an import the operator who ran it."""
    if v.changed_by is not None:
        return names.get(v.changed_by, "")
    source = import_source(v.channel)
    return source[0] if source is not None else ""


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key, value in new.items():
        before = old.get(key)
        if before != value:
            out.append(f"{_name(key)} {_value(before)} → {_value(value)}")
    return out


def _name(key: str) -> str:
    try:
        return field_label(key)
    except KeyError:
        return key


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)
