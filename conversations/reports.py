"""Facts about one posyandu's saved reports that the dialogue needs: the previous report,
last month's value to offer, whether KK is due, the rule context, the assessment. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from conversations.model import Context, PosyanduData, SentReport
from conversations.session import Draft
from scoring import (
    DENOMINATOR_FIELDS,
    GAP_RATIOS,
    Assessment,
    Gap,
    InvalidReportError,
    MonthReport,
    Period,
    RuleContext,
    assess,
    gap,
    month_ratios,
)
from scoring.fields import FIELD_BY_ID, LIST_FIELD, RARE_FIELDS, SAME_FIELDS, FieldRole

__all__ = [
    "Offer",
    "assessment",
    "draft_report",
    "hari_buka_in",
    "largest_gap",
    "latest_hari_buka",
    "offer",
    "previous_opened",
    "rare_due",
    "rule_context",
    "same_value",
    "since_for",
]


def previous_opened(data: PosyanduData, period: Period) -> SentReport | None:
    """The latest saved report before ``period`` for a month the posyandu opened."""
    earlier = [p for p, r in data.reports.items() if p < period and r.report.buka]
    return data.reports[max(earlier)] if earlier else None


@dataclass(frozen=True, slots=True)
class Offer:
    """A value the kader may accept with "=": ``source`` is "current" (the saved report being
    redone), "previous" (last month), "older" (an earlier month, named by ``period``) or
    "register" (counted from the child register: S and K after SELESAI)."""

    value: int | tuple[str, ...]
    source: str
    period: Period | None = None


#: Fields whose last value "=" repeats: the denominators (domain.md), the fields usually the
#: same (the kader on duty: the same team most months) and the extra programmes.
_OFFERED = frozenset((*DENOMINATOR_FIELDS, *SAME_FIELDS, LIST_FIELD))


def offer(data: PosyanduData, draft: Draft, field: str) -> Offer | None:
    """What "=" means for ``field`` in this draft, if anything: the answer already given (after
    KEMBALI), the saved value of the report being redone, or, for the fields of ``_OFFERED``,
    the latest earlier report's value. A choice field (how the month was served) has none:
    it is answered in words every time."""
    if FIELD_BY_ID[field].role is FieldRole.CHOICE:
        return None
    answered = draft.programmes if field == LIST_FIELD else draft.counts.get(field)
    if answered is not None:
        return Offer(answered, "current")
    if field in draft.register:
        return Offer(draft.register[field], "register")
    if draft.base_revision is not None:
        saved = data.reports.get(draft.period)
        value = _value(saved.report, field) if saved is not None else None
        if value is not None:
            return Offer(value, "current")
    if field not in _OFFERED:
        return None
    for p in sorted((p for p in data.reports if p < draft.period), reverse=True):
        report = data.reports[p].report
        value = _value(report, field) if report.buka else None
        if value is not None:
            source = "previous" if p == draft.period.shift(-1) else "older"
            return Offer(value, source, p)
    return None


def same_value(data: PosyanduData, draft: Draft, field: str) -> Offer | None:
    """What "sama" means for a count that "=" does not offer (K, D, N ...): its value in last
    month's report, when last month was reported open and holds it."""
    previous = draft.period.shift(-1)
    saved = data.reports.get(previous)
    if saved is None or not saved.report.buka or not FIELD_BY_ID[field].is_count:
        return None
    value = saved.report.count(field)
    return Offer(value, "previous", previous) if value is not None else None


def _value(report: MonthReport, field: str) -> int | tuple[str, ...] | None:
    if field == LIST_FIELD:
        return report.programmes
    return report.count(field)


def rare_due(data: PosyanduData, period: Period, refresh_months: int) -> bool:
    """KK and dana sehat are asked when unknown or older than ``refresh_months``."""
    known = [
        p
        for p, r in data.reports.items()
        if p < period and r.report.buka and all(r.report.count(f) is not None for f in RARE_FIELDS)
    ]
    return not known or period.months_since(max(known)) > refresh_months


def hari_buka_in(data: PosyanduData, period: Period) -> date | None:
    days = [d for d in data.info.hari_buka if (d.year, d.month) == (period.year, period.month)]
    return min(days) if days else None


def latest_hari_buka(data: PosyanduData, today: date) -> date | None:
    past = [d for d in data.info.hari_buka if d <= today]
    return max(past) if past else None


def rule_context(
    ctx: Context, data: PosyanduData, period: Period, register: Mapping[str, int] | None = None
) -> RuleContext:
    """What the soft rules compare against; ``register``: the counts the child register gave
    the draft (S, K), a different answer being asked back once."""
    previous = previous_opened(data, period)
    return RuleContext(
        register=register or {},
        previous=previous.report if previous else None,
        today=ctx.today,
        hari_buka=hari_buka_in(data, period),
        current_period=ctx.current_period,
        settings=ctx.scoring,  # the soft rules' limits, from the bot's settings
    )


def draft_report(draft: Draft) -> MonthReport:
    report = MonthReport(period=draft.period, buka=draft.buka)
    if not draft.buka:
        return report
    return report.with_values(
        **dict(draft.counts), **dict(draft.choices), **{LIST_FIELD: draft.programmes}
    )


def _history(reports: Mapping[Period, SentReport], report: MonthReport) -> list[MonthReport]:
    months = [r.report for p, r in reports.items() if p != report.period]
    return [*months, report]


def assessment(ctx: Context, data: PosyanduData, report: MonthReport) -> Assessment | None:
    """The 12-month assessment through ``report``'s month, with ``report`` in place of any
    saved one, over the posyandu's known history (provisional while it is short); None when
    saved history breaks a hard rule (it cannot be scored)."""
    since = since_for(data, report)
    try:
        return assess(_history(data.reports, report), report.period, ctx.scoring, since)
    except (InvalidReportError, ValueError):
        return None


def largest_gap(ctx: Context, report: MonthReport) -> Gap | None:
    """The month's ratio furthest behind its target, relative to the target."""
    ratios = month_ratios(report)
    gaps = [
        gap(name, ratios.get(name), ctx.scoring.targets.get(name), ctx.scoring)
        for name in GAP_RATIOS
    ]
    behind = [g for g in gaps if g.gap is not None and g.gap > 0]
    return max(behind, key=lambda g: (g.gap or 0) / g.target, default=None)


def since_for(data: PosyanduData, report: MonthReport | None = None) -> Period | None:
    """Where the posyandu's known history starts: what storage knows, or else the earliest
    report the dialogue holds, and never after ``report`` (a first report starts it)."""
    known = [p for p in (data.history.since, report.period if report else None) if p]
    if data.history.first_report is None and data.reports:
        known.append(min(data.reports))
    return min(known) if known else None
