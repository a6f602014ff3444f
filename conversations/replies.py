"""Replies are data: the conversation layer says *what* to send, channels decide *how*."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Document", "Reply", "Text"]


@dataclass(frozen=True, slots=True)
class Text:
    """A text message. ``choices`` are the expected answers (shown as buttons or a numbered
    list); a typed number or the word itself is always accepted."""

    body: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A document rendered by the bot at send time, e.g.
    ``Document("monthly_report", {"posyandu_id": 7, "period": "2026-11"})``."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


Reply = Text | Document
