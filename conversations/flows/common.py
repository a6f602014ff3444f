"""Small helpers shared by the flows."""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.catalogue import say
from conversations.commands import normalise
from conversations.effects import Effect, StepResult
from conversations.format import moment
from conversations.model import Context, PosyanduData, StoredReport
from conversations.replies import Reply, Text
from conversations.session import Session

__all__ = [
    "done",
    "match_choice",
    "posyandu_of",
    "sent_line",
    "text",
    "who_sent",
]


def text(key: str, choices: Sequence[str] = (), **values: object) -> Text:
    return Text(say(key, **values), tuple(choices))


def done(session: Session, *replies: Reply, effects: Sequence[Effect] = ()) -> StepResult:
    return StepResult(session, tuple(replies), tuple(effects))


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


def who_sent(ctx: Context, stored: StoredReport) -> str:
    if ctx.person is not None and stored.sent_by_id == ctx.person.id:
        return say("report.who_you")
    if stored.sent_by:
        return say("report.who_other", name=stored.sent_by)
    return say("report.who_unknown")


def sent_line(ctx: Context, stored: StoredReport, key: str, period: str) -> str:
    """A sentence naming who sent the saved report and when."""
    when = moment(stored.sent_at, ctx.tz, ctx.now)
    who = who_sent(ctx, stored)
    return re.sub(" {2,}", " ", say(key, period=period, who=who, when=when))
