"""RIWAYAT (the last months, D/S and N/D, and the trend) and PDF [month]."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.catalogue import say
from conversations.effects import StepResult
from conversations.flows.common import done, posyandu_of, text
from conversations.format import percent
from conversations.model import Context
from conversations.periods import format_period, format_period_short, parse_period
from conversations.replies import Document, Text
from conversations.session import Session
from scoring import month_ratios
from scoring.forecast import linear_trend

__all__ = ["TREND_FLAT", "pdf", "riwayat"]

#: A D/S trend smaller than this per month (in share points) reads as "tetap".
TREND_FLAT = 0.01


def _trend(values: Sequence[float]) -> str:
    if len(values) < 2:
        return say("history.trend_none")
    start = linear_trend(values, 1)
    end = linear_trend(values, len(values))
    assert start is not None and end is not None
    slope = (end - start) / (len(values) - 1)
    first, last = percent(values[0]), percent(values[-1])
    if slope > TREND_FLAT:
        return say("history.trend_up", first=first, last=last)
    if slope < -TREND_FLAT:
        return say("history.trend_down", first=first, last=last)
    return say("history.trend_flat", last=last)


def riwayat(ctx: Context, session: Session) -> StepResult:
    data = posyandu_of(ctx)
    current = ctx.current_period
    months = [current.shift(-i) for i in range(ctx.limits.history_months - 1, -1, -1)]
    lines = [say("history.title", posyandu=data.info.name)]
    ds: list[float] = []
    for period in months:
        month = format_period_short(period)
        stored = data.reports.get(period)
        if stored is None:
            lines.append(say("history.missing", month=month))
            continue
        if not stored.report.buka:
            lines.append(say("history.closed", month=month))
            continue
        ratios = month_ratios(stored.report)
        lines.append(
            say("history.month", month=month, d_s=percent(ratios.d_s), n_d=percent(ratios.n_d))
        )
        if ratios.d_s is not None:
            ds.append(ratios.d_s)
    lines.append(_trend(ds))
    return done(session, Text("\n".join(lines)))


def pdf(ctx: Context, session: Session, args: Sequence[str]) -> StepResult:
    data = posyandu_of(ctx)
    if args:
        period = parse_period(" ".join(args), ctx.current_period)
        if period is None:
            return done(session, text("pdf.unknown"))
    else:
        saved = [p for p in data.reports if p <= ctx.current_period]
        period = max(saved) if saved else ctx.current_period
    if period not in data.reports:
        return done(session, text("pdf.none", period=format_period(period)))
    params = {"posyandu_id": data.info.id, "period": str(period)}
    return done(session, Document("monthly_report", params))
