"""Commands for everyone registered: BATAL and KEMBALI (BANTUAN is the command table's own:
:func:`conversations.table.bantuan`)."""

from __future__ import annotations

from dataclasses import replace

from conversations.effects import StepResult
from conversations.flows import closed, report
from conversations.flows.common import Call, cancelled, done, text
from conversations.session import (
    AwaitChange,
    AwaitChild,
    AwaitClosed,
    AwaitLeave,
    AwaitWeighing,
    AwaitWithdraw,
)

__all__ = ["batal", "kembali"]


def batal(call: Call) -> StepResult:
    """Stop what is pending: the question, else the report in progress."""
    ctx, cleared = call.ctx, call.session
    waiting = call.before.awaiting
    if isinstance(waiting, AwaitClosed) and ctx.posyandu is not None:
        # BATAL to "record TIDAK BUKA and drop the half-done report?": nothing is recorded
        # and the report is kept.
        return closed.keep_draft(ctx, cleared)
    if isinstance(waiting, AwaitChange):
        return done(cleared, cancelled(waiting.period, saved=True))
    if isinstance(waiting, AwaitChild) and waiting.resume is not None:
        # A new child met in TIMBANG: not entered, its line dropped; the weighing goes on.
        back = replace(cleared, awaiting=waiting.resume)
        return done(back, text("weigh.new_dropped", name=waiting.name))
    if isinstance(waiting, AwaitChild | AwaitWithdraw | AwaitLeave):
        return done(cleared, text("child.cancelled"))
    if isinstance(waiting, AwaitWeighing):
        return done(cleared, text("weigh.cancelled"))
    draft = cleared.draft
    if draft is not None:
        saved = draft.base_revision is not None
        return done(replace(cleared, draft=None), cancelled(draft.period, saved))
    return done(cleared, text("nothing.cancel"))


def kembali(call: Call) -> StepResult:
    """The previous question of the report in progress."""
    if call.session.draft is None or call.ctx.posyandu is None:
        return done(call.session, text("nothing.back"))
    return report.back(call.ctx, call.session)
