"""TIDAK BUKA [month]: the posyandu did not open that month. A half-done report for that
month is never thrown away silently: the kader is asked first."""

from __future__ import annotations

from dataclasses import replace

from conversations.catalogue import say
from conversations.commands import parse_yes_no
from conversations.effects import SaveReport, StepResult
from conversations.flows import report
from conversations.flows.common import Call, done, match_choice, posyandu_of, sent_line, text
from conversations.flows.start import allowed_periods, allowed_text
from conversations.flows.summary import saved_replies
from conversations.model import Context, PosyanduData
from conversations.periods import format_period, parse_period
from conversations.replies import Text
from conversations.reports import rule_context
from conversations.session import AwaitClosed, Draft, Session, Stage
from scoring import MonthReport, Period, check_report
from scoring.lexicon import POLITE_PARTICLES, REASON_WORDS

__all__ = ["answer_closed", "keep_draft", "tidak_buka"]

_CHOICES = ("YA", "TIDAK")
#: The soft rule of a month reported before its hari buka (``scoring.rules``).
_BEFORE_HARI_BUKA = "before_hari_buka"


def _month_words(args: tuple[str, ...]) -> tuple[str, ...]:
    """The words after TIDAK BUKA that name the month: none when they start with a polite
    particle or a reason word ("tidak buka bu, hujan", "gak buka karena hujan": this month;
    the reason is not kept). Anything else must be a month, or is asked back."""
    first = args[0].upper().strip(".,!?:;") if args else ""
    if first in POLITE_PARTICLES or first in REASON_WORDS:
        return ()
    return args


def tidak_buka(call: Call) -> StepResult:
    """TIDAK BUKA [month]."""
    ctx, session, args = call.ctx, call.session, call.args
    data = posyandu_of(ctx)
    period = ctx.current_period
    args = _month_words(args)
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
    stored = data.reports.get(period)
    if stored is not None and not stored.report.buka:
        return done(session, text("report.already_closed", period=format_period(period)))
    name = format_period(period)
    if draft is not None:
        # A report for this month is half done: ask before dropping it.
        lines = [say("closed.draft_question", period=name)]
        if stored is not None:
            lines.insert(0, sent_line(ctx, stored, "report.sent", name))
        awaiting = AwaitClosed(period, stored.revision if stored is not None else None)
        return done(replace(session, awaiting=awaiting), Text("\n".join(lines), _CHOICES))
    session = replace(session, awaiting=None)
    if stored is None:
        day = _before_hari_buka(ctx, data, period)
        if day is not None:  # asked once, as LAPOR asks
            awaiting = AwaitClosed(period, None, early=True)
            asked = text("closed.early_question", _CHOICES, period=name, day=day)
            return done(replace(session, awaiting=awaiting), asked)
        return _record_closed(ctx, session, data, period, None)
    confirm = Draft(
        posyandu_id=data.info.id,
        period=period,
        buka=False,
        stage=Stage.SUMMARY,
        base_revision=stored.revision,
    )
    question = sent_line(ctx, stored, "report.exists_closed", name)
    return done(replace(session, draft=confirm), Text(question, ("YA", "BATAL")))


def answer_closed(ctx: Context, session: Session, raw: str, waiting: AwaitClosed) -> StepResult:
    """YA: record the month as not open (the half-done report is dropped); TIDAK: keep it."""
    picked = match_choice(raw, _CHOICES)
    yes = parse_yes_no(picked or raw)
    name = format_period(waiting.period)
    if yes is None:
        if waiting.early:
            return done(session, text("closed.early_again", _CHOICES, period=name))
        return done(session, text("closed.draft_question", _CHOICES, period=name))
    if not yes:
        if waiting.early:
            return done(replace(session, awaiting=None), text("closed.not_recorded", period=name))
        return keep_draft(ctx, session)
    cleared = replace(session, draft=None, awaiting=None)
    return _record_closed(ctx, cleared, posyandu_of(ctx), waiting.period, waiting.revision)


def _before_hari_buka(ctx: Context, data: PosyanduData, period: Period) -> int | None:
    """The day of the month's hari buka when it has not come yet (LAPOR asks then too)."""
    problems = check_report(MonthReport(period=period), rule_context(ctx, data, period))
    early = next((p for p in problems if p.rule == _BEFORE_HARI_BUKA), None)
    day = early.values.get("hari_buka") if early is not None else None
    return day if isinstance(day, int) else None


def _record_closed(
    ctx: Context, session: Session, data: PosyanduData, period: Period, revision: int | None
) -> StepResult:
    """Save the month as not opened (over ``revision`` when one is saved) and say so."""
    closed = MonthReport(period=period, buka=False)
    person = ctx.person.name if ctx.person else ""
    replies = saved_replies(ctx, data, closed, person, replaces=revision is not None)
    return done(session, *replies, effects=(SaveReport(data.info.id, closed, revision),))


def keep_draft(ctx: Context, session: Session) -> StepResult:
    """TIDAK BUKA not recorded: the half-done report goes on where it was."""
    cleared = replace(session, awaiting=None)
    draft = cleared.draft
    if draft is None:
        return done(cleared, text("nothing.cancel"))
    note = say("closed.kept", period=format_period(draft.period))
    return done(cleared, *report.noted(note, ctx, draft))
