"""Command words that are also answers: "belum" (no) and "lanjut" (yes) typed while the bot
waits for a yes/no answer (or, for "belum", any answer of the report in progress).

Decision: a command word is read as an answer only when it is the whole message (a polite
particle allowed: "belum bu", "lanjut kak") or, for BELUM, "belum ada", and only while a
question is pending; otherwise it stays the command ("LANJUT" resumes the report,
"BELUM" is refused to a kader as a supervisor's command). Pure.
"""

from __future__ import annotations

from dataclasses import replace

from conversations.commands import bare_answer
from conversations.effects import StepResult
from conversations.flows import children, closed, report, start, weighing
from conversations.flows.common import Call, done, text
from conversations.periods import format_period
from conversations.session import AwaitChange, AwaitChild, AwaitClosed, ChildStage, Stage
from scoring.lexicon import COMMAND_WORDS

__all__ = ["belum_kader", "lanjut", "yes_no_pending"]

#: The report's stages that ask a yes/no question.
_YES_NO_STAGES = frozenset({Stage.SUMMARY, Stage.SOFT, Stage.PERIOD_SOFT, Stage.SAME})
#: ANAK BARU's yes/no questions a "belum" answers no: has a KMS yet, is it right, have the
#: parents agreed (none of their no's needs more than the session).
_CHILD_NO_STAGES = frozenset({ChildStage.KMS, ChildStage.CHECK, ChildStage.CONSENT})


def yes_no_pending(call: Call) -> bool:
    """Whether the message answers a yes/no question the bot is waiting for."""
    before = call.before
    if isinstance(before.awaiting, AwaitClosed):
        return True
    if isinstance(before.awaiting, AwaitChange):
        return before.awaiting.prefill is not None
    draft = before.draft
    return (
        before.awaiting is None
        and draft is not None
        and call.ctx.posyandu is not None
        and draft.stage in _YES_NO_STAGES
    )


def as_answer(call: Call, answer: str) -> StepResult:
    """``answer`` given to what the session was waiting for (see :func:`yes_no_pending`)."""
    ctx, before = call.ctx, call.before
    if isinstance(before.awaiting, AwaitClosed):
        return closed.answer_closed(ctx, before, answer, before.awaiting)
    if isinstance(before.awaiting, AwaitChange):
        return start.answer_change(ctx, before, answer, before.awaiting)
    return report.answer(ctx, replace(before, awaiting=None, pages=()), answer)


def belum_kader(call: Call) -> StepResult:
    """BELUM from a kader: "no" (or "none") to what is pending, else the supervisors'."""
    words = bare_answer(call.text)
    before = call.before
    in_report = (
        before.awaiting is None and before.draft is not None and call.ctx.posyandu is not None
    )
    if in_report or (words == "BELUM" and yes_no_pending(call)):
        # In a report every "belum ..." is an answer ("belum ada", "belum berubah"):
        # BELUM is never a kader's command.
        return as_answer(call, call.text)
    child = before.awaiting
    if (
        words == "BELUM"
        and isinstance(child, AwaitChild)
        and child.stage in _CHILD_NO_STAGES
        and call.ctx.register
        and call.ctx.posyandu is not None
    ):  # "belum" (punya KMS, setuju): no
        if child.resume is not None:
            return weighing.answer_new_child(call.ctx, before, (call.text,), child)
        return children.answer_child(call.ctx, before, call.text, child)
    refused = text("role.supervisor_only", command=call.command.name)
    draft = call.session.draft
    if draft is None:
        return done(call.session, refused)
    note = text("hint.resume", period=format_period(draft.period))
    return done(call.session, refused, note)


def lanjut(call: Call) -> StepResult:
    """LANJUT: "yes" to a pending yes/no question, else the command (resume the report)."""
    if bare_answer(call.text).lstrip("/") in COMMAND_WORDS["LANJUT"] and yes_no_pending(call):
        return as_answer(call, call.text)
    return start.lanjut(call)
