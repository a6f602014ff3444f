"""The step function: (session, message, context) -> (new session, replies, effects). Pure.

It routes a message read once (:class:`~conversations.commands.ParsedMessage`) through the
command table (:mod:`conversations.table`): a command goes to its line's handler, after the
checks the line asks for (a kader's commands need their posyandu, a supervisor's their area,
a personal one is refused from a group); a command of another role is refused; anything else
answers what the session is waiting for, or gets a short hint. Newcomers answer their
registration; a chat group not linked yet is told so. It never raises for any text; the
engine still guards it and answers an apology if it ever does.
"""

from __future__ import annotations

from dataclasses import replace

from conversations.catalogue import say
from conversations.commands import Command, ParsedMessage
from conversations.effects import StepResult
from conversations.flows import children, closed, groups, registration, report, start, weighing
from conversations.flows.common import Call, done, text
from conversations.model import Context
from conversations.periods import format_period
from conversations.replies import Reply, Text
from conversations.session import (
    AwaitChange,
    AwaitChild,
    AwaitClosed,
    AwaitLeave,
    AwaitPeriod,
    AwaitWeighing,
    AwaitWithdraw,
    Session,
)
from conversations.table import Audience, Refusal, Route, resolve
from scoring import Period
from storage.people import Person, Role

__all__ = ["step"]


def step(session: Session, message: ParsedMessage, ctx: Context) -> StepResult:
    """Handle one message. ``ctx`` holds what :func:`conversations.plan.plan` asked for."""
    message = registration.as_daftar(message, session, ctx.person)  # as plan() saw it
    session, notes = _expire(session, ctx)
    result = _route(session, message, ctx)
    replies: tuple[Reply, ...] = (*notes, *result.replies)
    return replace(result, session=result.session.touch(ctx.now), replies=replies)


def reportable(period: Period, ctx: Context) -> bool:
    """Whether a report for ``period`` may still be made (the reporting window)."""
    return period >= ctx.current_period.shift(-ctx.limits.months_back)


def _expire(session: Session, ctx: Context) -> tuple[Session, tuple[Reply, ...]]:
    """Forget a pending question after ``session_expiry``; a half-done report only once it
    has been idle for ``draft_expiry`` AND its month can no longer be reported (the kader is
    told)."""
    updated = session.updated_at
    if updated is None:
        return session, ()
    idle = ctx.now - updated
    limits = ctx.limits
    draft = session.draft
    notes: tuple[Reply, ...] = ()
    if (
        draft is not None
        and idle > max(limits.draft_expiry, limits.session_expiry)
        and not reportable(draft.period, ctx)
    ):
        notes = (text("report.expired", period=format_period(draft.period)),)
        draft = None
    if idle > limits.session_expiry:
        return Session(draft=draft, wrong_codes=session.wrong_codes, updated_at=updated), notes
    return replace(session, draft=draft), notes


def _route(session: Session, message: ParsedMessage, ctx: Context) -> StepResult:
    found = resolve(message, ctx.person)
    if isinstance(found, Route) and found.audience is Audience.GROUP:
        return _run(found, session, message, ctx)
    if message.in_group and ctx.person is None:
        return groups.not_linked(session)
    if len(message.text) > _text_limit(session, ctx):
        return _too_long(session, ctx)
    if isinstance(found, Route):
        return _run(found, session, message, ctx)
    if isinstance(found, Refusal):
        assert message.command is not None
        return _refuse(found, session, message.command, ctx)
    return _answer(session, message.text, ctx, message.lines)


def _text_limit(session: Session, ctx: Context) -> int:
    """The longest message read: a weighing's lines (40 children and more) may be longer."""
    if isinstance(session.awaiting, AwaitWeighing):
        return max(ctx.limits.max_text_chars, weighing.MAX_MESSAGE_CHARS)
    return ctx.limits.max_text_chars


def _answer(session: Session, norm: str, ctx: Context, lines: tuple[str, ...] = ()) -> StepResult:
    """Not a command: the answer to what the session is waiting for, or a hint."""
    person = ctx.person
    if person is None:
        return registration.answer(ctx, session, norm)
    waiting = session.awaiting
    if isinstance(waiting, AwaitChild) and ctx.posyandu is not None and ctx.register:
        if waiting.resume is not None:  # a new child met in TIMBANG
            return weighing.answer_new_child(ctx, session, lines or (norm,), waiting)
        return children.answer_child(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitWeighing) and ctx.posyandu is not None:
        return weighing.answer_weighing(ctx, session, lines or (norm,), waiting)
    if isinstance(waiting, AwaitWithdraw) and ctx.children is not None:
        return children.answer_withdraw(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitLeave) and ctx.children is not None:
        return children.answer_leave(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitClosed) and ctx.posyandu is not None:
        return closed.answer_closed(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitPeriod) and ctx.posyandu is not None:
        return start.answer_period(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitChange) and ctx.posyandu is not None:
        return start.answer_change(ctx, session, norm, waiting)
    if session.draft is not None and ctx.posyandu is not None:
        return report.answer(ctx, replace(session, awaiting=None, pages=()), norm)
    return done(replace(session, awaiting=None), _hint(person))


def _hint(person: Person) -> Text:
    return text("hint.kader" if person.role is Role.KADER else "hint.supervisor")


def _too_long(session: Session, ctx: Context) -> StepResult:
    if session.draft is not None and ctx.posyandu is not None:
        return done(session, *report.noted(say("hint.too_long"), ctx, session.draft))
    return done(session, text("hint.too_long"))


def _interrupted(session: Session) -> Session:
    """A registered sender's command drops the pending question and the pages left."""
    return replace(session, awaiting=None, pages=())


def _run(route: Route, session: Session, message: ParsedMessage, ctx: Context) -> StepResult:
    command = message.command
    assert command is not None
    registered = route.audience.registered
    answering = _interrupted(session) if registered else session
    call = Call(ctx, answering, command, session, message.text)
    blocked = _blocked(route, ctx)
    result = done(answering, blocked) if blocked else route.handler(call)
    if result.effects and not route.writes:
        raise RuntimeError(f"{route.name} is read-only but asked for {result.effects}")
    if registered and not route.draft_aware:
        return _remind(result, ctx)
    return result


def _blocked(route: Route, ctx: Context) -> Text | None:
    """Why the sender cannot use the command now, if they cannot."""
    person = ctx.person
    if route.audience is Audience.KADER and ctx.posyandu is None:
        return text("role.no_posyandu")
    if route.audience is Audience.AREA and (
        person is None or person.area_id is None or ctx.area is None
    ):
        return text("role.no_area")
    if route.personal and ctx.in_group:
        return text("group.personal", command=route.name)
    return None


def _refuse(refusal: Refusal, session: Session, command: Command, ctx: Context) -> StepResult:
    result = done(_interrupted(session), text(refusal.key, command=command.name))
    return _remind(result, ctx)


def _remind(result: StepResult, ctx: Context) -> StepResult:
    """After another command, remind the kader of the report still in progress."""
    draft = result.session.draft
    if draft is None or ctx.posyandu is None:
        return result
    note = text("hint.resume", period=format_period(draft.period))
    return replace(result, replies=(*result.replies, note))
