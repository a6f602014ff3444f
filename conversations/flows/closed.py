"""TIDAK BUKA [month]: the posyandu did not open that month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.effects import SaveReport, StepResult
from conversations.flows.common import done, posyandu_of, sent_line, text
from conversations.flows.start import allowed_periods, allowed_text
from conversations.flows.summary import saved_replies
from conversations.model import Context
from conversations.periods import format_period, parse_period
from conversations.replies import Text
from conversations.session import Draft, Session, Stage
from scoring import MonthReport

__all__ = ["tidak_buka"]


def tidak_buka(ctx: Context, session: Session, args: Sequence[str]) -> StepResult:
    data = posyandu_of(ctx)
    period = ctx.current_period
    if args:
        parsed = parse_period(" ".join(args), ctx.current_period)
        if parsed is None:
            return done(session, text("period.unknown"))
        period = parsed
    if period not in allowed_periods(ctx):
        return done(session, text("period.out_of_range", allowed=allowed_text(ctx)))
    draft = session.draft
    if draft is not None and draft.period != period:
        return done(session, text("report.draft_other", period=format_period(draft.period)))
    session = replace(session, draft=None, awaiting=None)
    stored = data.reports.get(period)
    if stored is not None and not stored.report.buka:
        return done(session, text("report.already_closed", period=format_period(period)))
    closed = MonthReport(period=period, buka=False)
    if stored is None:
        name = ctx.person.name if ctx.person else ""
        replies = saved_replies(ctx, data, closed, name, replaces=False)
        return done(session, *replies, effects=(SaveReport(data.info.id, closed, None),))
    confirm = Draft(
        posyandu_id=data.info.id,
        period=period,
        buka=False,
        stage=Stage.SUMMARY,
        base_revision=stored.revision,
    )
    question = sent_line(ctx, stored, "report.exists_closed", format_period(period))
    return done(replace(session, draft=confirm), Text(question, ("YA", "BATAL")))
