"""What a step asks the engine to change, besides the session: plain data, applied in the
same storage transaction as the session and the replies."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.model import Role
from conversations.replies import Reply
from conversations.session import Session
from scoring import MonthReport

__all__ = ["Effect", "Register", "SaveReport", "StepResult"]


@dataclass(frozen=True, slots=True)
class SaveReport:
    """Save ``report`` as the posyandu's report for its period. ``base_revision`` is the
    revision the sender saw (None: they saw no report); the engine notices when someone else
    saved in between and tells both."""

    posyandu_id: int
    report: MonthReport
    base_revision: int | None


@dataclass(frozen=True, slots=True)
class Register:
    """Create a person with this name from the invitation and bind the sender to them."""

    code: str
    name: str
    role: Role
    posyandu_id: int | None
    area_id: int | None


Effect = SaveReport | Register


@dataclass(frozen=True, slots=True)
class StepResult:
    session: Session
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
