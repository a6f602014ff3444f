"""The step function: (session, text, context) -> (new session, replies, effects). Pure.

It routes a message: newcomers to registration; commands by role (a kader's commands act
on their own posyandu only, a supervisor's on their own area only); anything else answers
what the session is waiting for, or gets a short hint. It never raises for any text; the
engine still guards it and answers an apology if it ever does.
"""

from __future__ import annotations

from dataclasses import replace

from conversations.catalogue import say
from conversations.commands import Command, CommandName, normalise, parse_command
from conversations.effects import StepResult
from conversations.flows import (
    area,
    closed,
    edit,
    history,
    registration,
    reminders,
    report,
    schedule,
    start,
)
from conversations.flows.common import done, text
from conversations.model import Context
from conversations.periods import format_period
from conversations.replies import Reply, Text
from conversations.session import AwaitChange, AwaitClosed, AwaitName, AwaitPeriod, Session
from scoring import Period
from storage.people import Person, Role

__all__ = ["KADER_COMMANDS", "SUPERVISOR_COMMANDS", "step"]

KADER_COMMANDS = frozenset(
    {
        CommandName.LAPOR,
        CommandName.LANJUT,
        CommandName.TIDAK_BUKA,
        CommandName.UBAH,
        CommandName.RIWAYAT,
        CommandName.PDF,
    }
)
SUPERVISOR_COMMANDS = frozenset(
    {
        CommandName.STATUS,
        CommandName.BELUM,
        CommandName.STRATA,
        CommandName.POSYANDU,
        CommandName.REKAP,
    }
)
#: A person's own settings: never changed from a linked group.
_PERSONAL = frozenset(
    {CommandName.PENGINGAT, CommandName.PENGINGAT_STOP, CommandName.PENGINGAT_MULAI}
)
#: Commands that deal with a report in progress themselves (others get a reminder of it).
_DRAFT_AWARE = frozenset(
    {
        CommandName.LAPOR,
        CommandName.LANJUT,
        CommandName.TIDAK_BUKA,
        CommandName.UBAH,
        CommandName.BATAL,
        CommandName.KEMBALI,
    }
)


def step(session: Session, raw: str, ctx: Context) -> StepResult:
    """Handle one message. ``ctx`` holds what :func:`conversations.plan.plan` asked for."""
    session, notes = _expire(session, ctx)
    result = _route(session, raw, ctx)
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


def _hint(person: Person) -> Text:
    return text("hint.kader" if person.role is Role.KADER else "hint.supervisor")


def _route(session: Session, raw: str, ctx: Context) -> StepResult:
    norm = normalise(raw)
    if len(norm) > ctx.limits.max_text_chars:
        return _too_long(session, ctx)
    cmd = parse_command(norm)
    person = ctx.person
    if person is None:
        return _newcomer(session, norm, cmd, ctx)
    if cmd is not None:
        return _command(session, cmd, person, ctx)
    waiting = session.awaiting
    if isinstance(waiting, AwaitClosed) and ctx.posyandu is not None:
        return closed.answer_closed(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitPeriod) and ctx.posyandu is not None:
        return start.answer_period(ctx, session, norm, waiting)
    if isinstance(waiting, AwaitChange) and ctx.posyandu is not None:
        return start.answer_change(ctx, session, norm, waiting)
    if session.draft is not None and ctx.posyandu is not None:
        return report.answer(ctx, replace(session, awaiting=None, pages=()), norm)
    return done(replace(session, awaiting=None), _hint(person))


def _too_long(session: Session, ctx: Context) -> StepResult:
    if session.draft is not None and ctx.posyandu is not None:
        current = report.prompt(ctx, session.draft)
        body = f"{say('hint.too_long')}\n\n{current.body}"
        return done(session, Text(body, current.choices))
    return done(session, text("hint.too_long"))


def _newcomer(session: Session, norm: str, cmd: Command | None, ctx: Context) -> StepResult:
    name = cmd.name if cmd else None
    if name is CommandName.DAFTAR or (name is CommandName.START and cmd and cmd.args):
        assert cmd is not None
        return registration.daftar(ctx, session, cmd.args)
    waiting = session.awaiting
    if isinstance(waiting, AwaitName):
        if name is CommandName.BATAL:
            return done(replace(session, awaiting=None), text("register.cancelled"))
        if name is not CommandName.BANTUAN:
            return registration.answer_name(ctx, session, norm, waiting)
    return registration.welcome(replace(session, awaiting=None))


def _command(session: Session, cmd: Command, person: Person, ctx: Context) -> StepResult:
    name = cmd.name
    if name is CommandName.BATAL:
        return _batal(session, ctx)
    waiting = session.awaiting
    session = replace(
        session, awaiting=None, pages=session.pages if name is CommandName.LAGI else ()
    )
    if name in KADER_COMMANDS:
        if person.role is not Role.KADER:
            result = done(session, text("role.kader_only", command=name.value))
        elif ctx.posyandu is None:
            result = done(session, text("role.no_posyandu"))
        else:
            result = _kader(session, cmd, ctx, waiting)
    elif name in SUPERVISOR_COMMANDS:
        if not person.role.sees_area:
            result = done(session, text("role.supervisor_only", command=name.value))
        else:
            result = _supervisor(session, cmd, person, ctx)
    elif name is CommandName.KEMBALI:
        if session.draft is None or ctx.posyandu is None:
            return done(session, text("nothing.back"))
        return report.back(ctx, session)
    elif name is CommandName.LAGI:
        result = area.lagi(session)
    elif name is CommandName.DAFTAR:
        result = done(session, text("register.already", name=person.name))
    elif name is CommandName.JADWAL:
        result = _jadwal(session, cmd, person, ctx)
    elif name in _PERSONAL and ctx.in_group:
        result = done(session, text("group.personal", command=name.value))
    elif name is CommandName.PENGINGAT_STOP:
        result = reminders.set_reminders(session, person, enabled=False)
    elif name is CommandName.PENGINGAT_MULAI:
        result = reminders.set_reminders(session, person, enabled=True)
    elif name is CommandName.PENGINGAT:
        result = reminders.reminders_status(session, person)
    else:
        result = done(session, _help(person))
    return _remind(result, cmd, ctx)


def _help(person: Person) -> Text:
    if person.role is Role.KADER:
        return Text("\n".join((say("help.kader"), say("help.quick"))))
    return text("help.supervisor")


def _jadwal(session: Session, cmd: Command, person: Person, ctx: Context) -> StepResult:
    if person.role is Role.KADER:
        if ctx.posyandu is None:
            return done(session, text("role.no_posyandu"))
        return schedule.jadwal_kader(ctx, session, cmd.args)
    if person.area_id is None or ctx.area is None:
        return done(session, text("role.no_area"))
    return schedule.jadwal_area(ctx, session, ctx.area, cmd.args)


def _remind(result: StepResult, cmd: Command, ctx: Context) -> StepResult:
    """After another command, remind the kader of the report still in progress."""
    draft = result.session.draft
    if draft is None or cmd.name in _DRAFT_AWARE or ctx.posyandu is None:
        return result
    note = text("hint.resume", period=format_period(draft.period))
    return replace(result, replies=(*result.replies, note))


def _batal(session: Session, ctx: Context) -> StepResult:
    waiting = session.awaiting
    cleared = replace(session, awaiting=None, pages=())
    if isinstance(waiting, AwaitClosed) and ctx.posyandu is not None:
        # BATAL to "record TIDAK BUKA and drop the half-done report?": nothing is recorded
        # and the report is kept.
        return closed.keep_draft(ctx, cleared)
    if isinstance(waiting, AwaitChange):
        return done(cleared, text("report.cancelled", period=format_period(waiting.period)))
    if session.draft is not None:
        period = format_period(session.draft.period)
        return done(replace(cleared, draft=None), text("report.cancelled", period=period))
    return done(cleared, text("nothing.cancel"))


def _kader(session: Session, cmd: Command, ctx: Context, waiting: object) -> StepResult:
    name = cmd.name
    if name is CommandName.LAPOR:
        return start.lapor(ctx, session, cmd.args)
    if name is CommandName.LANJUT:
        return start.resume(ctx, session)
    if name is CommandName.TIDAK_BUKA:
        return closed.tidak_buka(ctx, session, cmd.args)
    if name is CommandName.UBAH:
        default = waiting.period if isinstance(waiting, AwaitChange) else None
        return edit.ubah(ctx, session, cmd.args, default)
    if name is CommandName.RIWAYAT:
        return history.riwayat(ctx, session)
    return history.pdf(ctx, session, cmd.args)


def _supervisor(session: Session, cmd: Command, person: Person, ctx: Context) -> StepResult:
    name = cmd.name
    data = ctx.area
    if person.area_id is None or data is None:
        return done(session, text("role.no_area"))
    if name is CommandName.POSYANDU:
        return area.posyandu(ctx, session, data, cmd.args)
    period = area.area_period(cmd.args, ctx.current_period)
    if isinstance(period, str):
        refusal = area.period_refusal(period, name.value, cmd.args, ctx.current_period)
        return done(session, refusal)
    if name is CommandName.REKAP:
        return area.rekap(ctx, session, data, period)
    if name is CommandName.STATUS:
        return area.status(ctx, session, data, period)
    if name is CommandName.BELUM:
        return area.belum(ctx, session, data, period)
    return area.strata(ctx, session, data, period)
