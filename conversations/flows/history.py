"""RIWAYAT (the last months, D/S and N/D, and the trend) and PDF [month]."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.catalogue import say
from conversations.effects import StepResult
from conversations.figure_words import percent
from conversations.flows.common import Call, done, posyandu_of, text
from conversations.periods import format_period, format_period_short, parse_period
from conversations.replies import Document, Text
from scoring import month_ratios

__all__ = ["TREND_FLAT", "pdf", "riwayat"]

#: The first and the last month shown that differ by less than this (a share: 0.03 is 3
#: percentage points) read as "tetap".
TREND_FLAT = 0.03


def _trend(ratio: str, values: Sequence[float]) -> str:
    """The trend of one ratio over the months shown: the first month with a value against
    the last one ("naik, 71% menjadi 82%")."""
    if len(values) < 2:
        return say("history.trend_none_ratio", ratio=ratio)
    first, last = values[0], values[-1]
    shown = {"ratio": ratio, "first": percent(first), "last": percent(last)}
    if last - first >= TREND_FLAT:
        return say("history.trend_up", **shown)
    if first - last >= TREND_FLAT:
        return say("history.trend_down", **shown)
    return say("history.trend_flat", **shown)


def riwayat(call: Call) -> StepResult:
    """RIWAYAT: the last months' D/S and N/D, and their trend."""
    ctx = call.ctx
    data = posyandu_of(ctx)
    current = ctx.current_period
    months = [current.shift(-i) for i in range(ctx.limits.history_months - 1, -1, -1)]
    lines = [say("history.title", posyandu=data.info.name)]
    ds: list[float] = []
    nd: list[float] = []
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
        if ratios.n_d is not None:
            nd.append(ratios.n_d)
    if len(ds) < 2 and len(nd) < 2:
        lines.append(say("history.trend_none"))
    else:
        lines += [_trend("D/S", ds), _trend("N/D", nd)]
    return done(call.session, Text("\n".join(lines)))


def pdf(call: Call) -> StepResult:
    """PDF [month]: the monthly report as a document (the latest reported by default)."""
    ctx, session, args = call.ctx, call.session, call.args
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
