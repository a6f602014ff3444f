"""LAPOR: which month (the latest hari buka's by default, asking when it is ambiguous), a
report that already exists (who sent it, when, and how to change it), and the quick
one-line report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.catalogue import say
from conversations.commands import normalise, parse_yes_no
from conversations.effects import SaveReport, StepResult
from conversations.flows import report
from conversations.flows.common import (
    Call,
    cancelled,
    done,
    match_choice,
    posyandu_of,
    sent_line,
    text,
)
from conversations.flows.summary import readback, saved_replies
from conversations.format import field_names, problem_text
from conversations.model import Context
from conversations.numbers import NumberProblem
from conversations.periods import format_period, parse_period
from conversations.quick import (
    QuickProblem,
    QuickProblemKind,
    QuickReport,
    looks_quick,
    parse_quick,
)
from conversations.register_month import month_prefill
from conversations.replies import Text
from conversations.reports import latest_hari_buka, rule_context
from conversations.session import AwaitChange, AwaitPeriod, Draft, Prefill, Session
from scoring import MonthReport, Period, check_report
from scoring.fields import FIELD_BY_ID, LIST_FIELD, REPORT_FIELDS

__all__ = [
    "allowed_periods",
    "allowed_text",
    "answer_change",
    "answer_period",
    "go",
    "lanjut",
    "lapor",
    "resume",
]

REDO = "ISI ULANG"


def allowed_periods(ctx: Context) -> tuple[Period, ...]:
    """The months a report may be for, newest first."""
    current = ctx.current_period
    return tuple(current.shift(-i) for i in range(ctx.limits.months_back + 1))


def allowed_text(ctx: Context) -> str:
    """ "September, Oktober atau November 2026"."""
    months = sorted(allowed_periods(ctx))
    names = [format_period(p) for p in months]
    if len({p.year for p in months}) == 1:
        names = [n.split(" ")[0] for n in names[:-1]] + names[-1:]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " atau " + names[-1]


def _default(ctx: Context) -> Period | tuple[Period, ...]:
    """The month to report, or the months to choose from."""
    data = posyandu_of(ctx)
    allowed = allowed_periods(ctx)
    open_months = tuple(p for p in allowed if p not in data.reports)
    latest = latest_hari_buka(data, ctx.today)
    if latest is not None:
        month = Period(latest.year, latest.month)
        if month in open_months:
            return month
    if len(open_months) == 1:
        return open_months[0]
    if not open_months:
        reported = [p for p in allowed if p in data.reports]
        return max(reported)
    return open_months


def _ask_period(
    session: Session, options: Sequence[Period], prefill: Prefill | None = None
) -> StepResult:
    choices = tuple(format_period(p) for p in options)
    awaiting = AwaitPeriod(tuple(options), prefill)
    return done(replace(session, awaiting=awaiting), text("period.ask", choices))


def _exists(ctx: Context, session: Session, period: Period, prefill: Prefill | None) -> StepResult:
    data = posyandu_of(ctx)
    stored = data.reports[period]
    name = format_period(period)
    if prefill is None:
        body = sent_line(ctx, stored, "report.exists", name)
        choices: tuple[str, ...] = (REDO, "BATAL")
    else:
        body = sent_line(ctx, stored, "report.exists_replace", name)
        choices = ("YA", "BATAL")
    awaiting = AwaitChange(period, stored.revision, prefill)
    return done(replace(session, awaiting=awaiting), Text(body, choices))


def go(
    ctx: Context, session: Session, period: Period, prefill: Prefill | None = None
) -> StepResult:
    """Report ``period``: say so when it exists, else start (or finish) it."""
    data = posyandu_of(ctx)
    if period in data.reports:
        return _exists(ctx, session, period, prefill)
    return _continue(ctx, session, period, prefill, None)


def _continue(
    ctx: Context,
    session: Session,
    period: Period,
    prefill: Prefill | None,
    base_revision: int | None,
) -> StepResult:
    """Start the guided flow, or for a complete quick report, save it at once when it raises
    no warning (else show the summary with the warnings)."""
    started = report.begin(ctx, session, period, prefill, base_revision)
    draft = started.session.draft
    if prefill is None or draft is None or draft.queue:
        return started
    data = posyandu_of(ctx)
    month = MonthReport(period=period).with_values(
        **dict(prefill.counts), **dict(prefill.choices), **{LIST_FIELD: prefill.programmes}
    )
    problems = check_report(month, rule_context(ctx, data, period))
    if problems:
        return started
    name = ctx.person.name if ctx.person else ""
    saved = saved_replies(ctx, data, month, name, replaces=base_revision is not None)
    # The values read come first, in a message of their own: a typo is seen at once.
    replies = (Text(readback(month)), *saved)
    effect = SaveReport(data.info.id, month, base_revision)
    return done(replace(session, draft=None, awaiting=None), *replies, effects=(effect,))


def _quick_problem_line(problem: QuickProblem) -> str:
    if problem.kind is QuickProblemKind.BAD_VALUE and problem.number is not None:
        key = "empty" if problem.number is NumberProblem.EMPTY else problem.number.value
        return say("quick.bad_value", token=problem.token, reason=say(f"reason.{key}"))
    return say(f"quick.{problem.kind.value}", token=problem.token)


def _switched_off(ctx: Context, parsed: QuickReport) -> list[str]:
    """The codes given of service fields this deployment does not ask: such a name is not
    taken (an off field shows nowhere)."""
    return [
        FIELD_BY_ID[name].code
        for name in REPORT_FIELDS
        if name in parsed.given
        and FIELD_BY_ID[name].service
        and name not in ctx.limits.service_fields
    ]


def _quick(ctx: Context, session: Session, args_text: str) -> StepResult:
    parsed = parse_quick(args_text, ctx.current_period)
    period = parsed.period
    lines = [_quick_problem_line(p) for p in parsed.problems]
    lines += [say("quick.unknown_name", token=code) for code in _switched_off(ctx, parsed)]
    if period is not None and period not in allowed_periods(ctx):
        lines.insert(0, "- " + say("period.out_of_range", allowed=allowed_text(ctx)))
    # Every problem in one reply: the order rules too, on the values that could be read.
    values = MonthReport(period=period or ctx.current_period).with_values(**parsed.counts)
    lines += [say("quick.rule", message=problem_text(p)) for p in check_report(values) if p.hard]
    if lines:
        body = "\n".join(
            [
                say("quick.invalid"),
                *lines,
                say("quick.example"),
                say("help.quick", names=field_names(ctx.limits.service_fields)),
            ]
        )
        return done(session, Text(body))
    prefill = Prefill(
        counts=dict(parsed.counts), programmes=parsed.programmes, choices=dict(parsed.choices)
    )
    if period is None:
        chosen = _default(ctx)
        if isinstance(chosen, tuple):
            return _ask_period(session, chosen, prefill)
        period = chosen
    return go(ctx, session, period, prefill)


def resume(ctx: Context, session: Session) -> StepResult:
    """LANJUT (or LAPOR while a report is in progress): ask the pending question again."""
    draft = session.draft
    if draft is None:
        return done(session, text("nothing.resume"))
    return done(replace(session, awaiting=None), *report.prompts(ctx, draft, header=True))


def lanjut(call: Call) -> StepResult:
    """LANJUT."""
    return resume(call.ctx, call.session)


def lapor(call: Call) -> StepResult:
    """LAPOR, LAPOR <month>, or LAPOR [month] NAME=value ..."""
    ctx, session, args = call.ctx, call.session, call.args
    args_text = " ".join(args)
    draft: Draft | None = session.draft
    requested = parse_period(args_text, ctx.current_period) if args else None
    if draft is not None:
        if not args or requested == draft.period:
            return resume(ctx, session)
        return done(session, text("report.draft_other", period=format_period(draft.period)))
    if args and requested is None:
        if looks_quick(args) or any(c.isdigit() for c in args_text):
            return _quick(ctx, session, args_text)
        return done(session, text("period.unknown"))
    if requested is not None:
        if requested not in allowed_periods(ctx):
            return done(session, text("period.out_of_range", allowed=allowed_text(ctx)))
        return _weighed_or_go(ctx, session, requested)
    chosen = _default(ctx)
    if isinstance(chosen, tuple):
        return _ask_period(session, chosen)
    return _weighed_or_go(ctx, session, chosen)


def _weighed_or_go(ctx: Context, session: Session, period: Period) -> StepResult:
    """A new report of a month weighed on the child register starts from the weighings'
    counts (and offers the register's S and K); any other as before."""
    prefill = month_prefill(ctx, period)
    started = go(ctx, session, period, prefill)
    if prefill is None:
        return started
    note = text("report.from_register", period=format_period(period))
    return replace(started, replies=(note, *started.replies))


def answer_period(ctx: Context, session: Session, raw: str, waiting: AwaitPeriod) -> StepResult:
    choices = tuple(format_period(p) for p in waiting.options)
    picked = match_choice(raw, choices)
    period = (
        waiting.options[choices.index(picked)]
        if picked is not None
        else parse_period(normalise(raw), ctx.current_period)
    )
    if period is None or period not in allowed_periods(ctx):
        body = f"{say('period.unknown')}\n\n{say('period.ask')}"
        return done(session, Text(body, choices))
    if waiting.prefill is None:
        return _weighed_or_go(ctx, replace(session, awaiting=None), period)
    return go(ctx, replace(session, awaiting=None), period, waiting.prefill)


def answer_change(ctx: Context, session: Session, raw: str, waiting: AwaitChange) -> StepResult:
    """The answer to "this month was already reported": ISI ULANG, or YA for a quick report."""
    cleared = replace(session, awaiting=None)
    choices = (REDO, "BATAL") if waiting.prefill is None else ("YA", "BATAL")
    picked = match_choice(raw, choices)
    if picked is None and waiting.prefill is not None and parse_yes_no(raw):
        picked = "YA"
    if picked in (REDO, "YA"):
        return _continue(ctx, cleared, waiting.period, waiting.prefill, waiting.revision)
    if picked == "BATAL" or parse_yes_no(raw) is False:
        return done(cleared, cancelled(waiting.period, saved=True))
    return _exists(ctx, session, waiting.period, waiting.prefill)
