"""Small helpers shared by the flows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from conversations.catalogue import say
from conversations.commands import Command, normalise
from conversations.effects import Effect, StepResult
from conversations.format import moment
from conversations.model import AreaData, Context, PosyanduData, SentReport
from conversations.periods import format_period
from conversations.replies import Reply, Text
from conversations.session import Session
from scoring import Period
from storage.people import Person

__all__ = [
    "Call",
    "Handler",
    "area_of",
    "cancelled",
    "done",
    "match_choice",
    "posyandu_of",
    "sent_line",
    "text",
    "who_sent",
]


@dataclass(frozen=True, slots=True)
class Call:
    """What a command's handler gets (see :mod:`conversations.table`)."""

    ctx: Context
    #: The session to answer from: for a registered sender, without the question that was
    #: pending and the pages left (a command interrupts them); otherwise as it was.
    session: Session
    command: Command
    #: The session as the message found it (what was pending, the pages LAGI turns).
    before: Session
    #: The whole message, normalised.
    text: str

    @property
    def args(self) -> tuple[str, ...]:
        return self.command.args

    @property
    def person(self) -> Person:
        if self.ctx.person is None:
            raise LookupError("a command for registered people reached a newcomer")
        return self.ctx.person


#: A command's handler: a function of a flow module.
Handler = Callable[[Call], StepResult]


def text(key: str, choices: Sequence[str] = (), **values: object) -> Text:
    return Text(say(key, **values), tuple(choices))


def done(session: Session, *replies: Reply, effects: Sequence[Effect] = ()) -> StepResult:
    return StepResult(session, tuple(replies), tuple(effects))


def cancelled(period: Period, saved: bool) -> Text:
    """BATAL of a report: a new one is dropped whole; a change to a saved one is dropped and
    the saved report stays as it was."""
    key = "report.change_cancelled" if saved else "report.cancelled"
    return text(key, period=format_period(period))


def match_choice(answer: str, choices: Sequence[str]) -> str | None:
    """The choice an answer picks: its number ("2") or the word itself, in any case."""
    norm = normalise(answer).strip(".").casefold()
    if norm.isdigit():
        index = int(norm) - 1
        return choices[index] if 0 <= index < len(choices) else None
    for choice in choices:
        if norm == choice.casefold():
            return choice
    return None


def posyandu_of(ctx: Context) -> PosyanduData:
    if ctx.posyandu is None:
        raise LookupError("the step needs the sender's posyandu, which was not loaded")
    return ctx.posyandu


def area_of(ctx: Context) -> AreaData:
    if ctx.area is None:
        raise LookupError("the step needs the sender's area, which was not loaded")
    return ctx.area


def who_sent(ctx: Context, stored: SentReport) -> str:
    if ctx.person is not None and stored.sent_by_id == ctx.person.id:
        return say("report.who_you")
    if stored.sent_by:
        return say("report.who_other", name=stored.sent_by)
    return say("report.who_unknown")


def sent_line(ctx: Context, stored: SentReport, key: str, period: str) -> str:
    """A sentence naming who sent the saved report and when."""
    when = moment(stored.sent_at, ctx.tz, ctx.now)
    who = who_sent(ctx, stored)
    return re.sub(" {2,}", " ", say(key, period=period, who=who, when=when))
