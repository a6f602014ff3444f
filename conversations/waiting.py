"""What a session waits for, in a stable vocabulary (``posyandu chat --jsonl``), and the values
its open report has so far.

One pure function of :class:`~conversations.session.Session`, beside the session's states, so
a new awaiting class or draft stage gets its word here (``tests/conversations/test_waiting.py``
fails until it does). The words, not the classes, are what scripts read: the classes may be
renamed or split without a script noticing.
"""

from __future__ import annotations

from typing import Any

from conversations.session import (
    AwaitChange,
    AwaitChild,
    AwaitClosed,
    AwaitLeave,
    AwaitName,
    AwaitPeriod,
    AwaitWeighing,
    AwaitWithdraw,
    ChildStage,
    Draft,
    Session,
    Stage,
)
from scoring.fields import LIST_FIELD

__all__ = ["WORDS", "draft_values", "waiting_for"]

#: Every word :func:`waiting_for` may answer (``field:<id>`` for a monthly field's question).
#: ``choice``: the answers are words other than yes and no (ISI ULANG or BATAL); ``same``:
#: "still the same as last month?" (YA, TIDAK, or the values that changed). ``code`` is
#: reserved: no session state gives it yet.
WORDS: tuple[str, ...] = (
    "field",
    "confirm",
    "yes_no",
    "same",
    "programme_names",
    "month",
    "name",
    "code",
    "choice",
    "child",
    "weighing",
)

_AWAITING: dict[type, str] = {
    AwaitName: "name",
    AwaitPeriod: "month",
    AwaitChange: "choice",
    AwaitClosed: "yes_no",
    AwaitChild: "child",
    AwaitWithdraw: "choice",
    AwaitLeave: "choice",
    AwaitWeighing: "weighing",
}

_STAGES: dict[Stage, str] = {
    Stage.PERIOD_SOFT: "yes_no",
    Stage.SAME: "same",
    Stage.SOFT: "yes_no",
    Stage.SUMMARY: "confirm",
    Stage.FIELD: "field",
}


def _draft_word(draft: Draft) -> str:
    word = _STAGES[draft.stage]
    if word != "field":
        return word
    current = draft.current
    if current is None:
        return "confirm"
    return "programme_names" if current == LIST_FIELD else f"field:{current}"


def waiting_for(session: Session) -> str | None:
    """What the bot now waits for from this address, or None when nothing is pending. A
    pending question (``awaiting``) comes first, as the engine answers it first."""
    awaiting = session.awaiting
    if isinstance(awaiting, AwaitChange) and awaiting.prefill is not None:
        return "yes_no"  # the quick report's values over the saved month: YA or BATAL
    if isinstance(awaiting, AwaitChild) and awaiting.stage in (
        ChildStage.KMS,
        ChildStage.CHECK,
        ChildStage.CONSENT,
    ):
        return "yes_no"  # ANAK BARU's KMS question, its read-back and the consent
    if awaiting is not None:
        return _AWAITING[type(awaiting)]
    if session.draft is not None:
        return _draft_word(session.draft)
    return None


def draft_values(session: Session) -> dict[str, Any]:
    """The open report's values so far (field id -> value, the programmes as a list); ``{}``
    when no report is open."""
    draft = session.draft
    if draft is None:
        return {}
    values: dict[str, Any] = {"buka": draft.buka, **draft.counts, **draft.choices}
    if draft.programmes is not None:
        values[LIST_FIELD] = list(draft.programmes)
    return values
