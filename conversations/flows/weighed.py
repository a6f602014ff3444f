"""The month's report pre-filled from the child register (after TIMBANG's SELESAI): the
weighings' D, N, T, O, B, BGM and 2T given, S and K counted from the register and offered in
"masih sama?" (a different answer wins, asked back once: rule ``register_differs``). The
report then goes on as any other (the remaining questions, the summary, YA). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from conversations.effects import StepResult
from conversations.flows import start
from conversations.flows.common import done, text
from conversations.model import Context
from conversations.periods import format_period
from conversations.replies import Text
from conversations.session import Prefill, Session
from scoring import Period
from scoring.fields import WEIGHED_PARTS
from storage.children import Child

__all__ = ["open_report", "register_counts"]


def register_counts(balita: Sequence[Child]) -> dict[str, int]:
    """S (``balita``: the children under five on the register that day) and, when the
    register records it for every one of them, K (those with a KMS or buku KIA): the counts
    ``storage.children.register_counts`` gives, from the children already read."""
    counts = {"s": len(balita)}
    if balita and all(c.has_kms is not None for c in balita):
        counts["k"] = sum(1 for c in balita if c.has_kms)
    return counts


def open_report(
    ctx: Context,
    session: Session,
    day: date,
    counts: Mapping[str, int],
    register: Mapping[str, int],
    summary: Text,
) -> StepResult:
    """``summary`` (SELESAI's, private), then the report of ``day``'s month opened with
    ``counts`` given and the ``register``'s S and K offered (nothing weighed: the summary
    alone). A report being written is left as it is (the kader is told how to fill it later);
    a month already reported asks whether to replace it, as a quick report does."""
    period = Period(day.year, day.month)
    if not counts.get("d") or ctx.posyandu is None or period not in start.allowed_periods(ctx):
        return done(session, summary)
    if session.draft is not None:
        busy = text("weigh.report_busy", period=format_period(session.draft.period))
        return done(session, summary, busy)
    prefill = Prefill(counts=dict(counts), register=dict(register))
    opened = start.go(ctx, session, period, prefill)
    whole = all(f in counts for f in WEIGHED_PARTS)
    key = "weigh.report_filled" if whole else "weigh.report_filled_part"
    filled = text(key, period=format_period(period))
    return replace(opened, replies=(summary, filled, *opened.replies))
