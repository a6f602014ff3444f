"""What a channel is to the outbox dispatcher: something that sends texts and documents, and
says in a few plain exceptions what went wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Channel",
    "DeliveryError",
    "OutgoingDocument",
    "OutsideWindow",
    "PermanentError",
    "RetryLater",
    "TransientError",
    "Unreachable",
    "split_text",
]


@dataclass(frozen=True, slots=True)
class OutgoingDocument:
    filename: str
    content: bytes
    caption: str = ""


class DeliveryError(Exception):
    """A send that did not go through; ``code`` is the service's own error code, if any
    (Twilio's ``63016`` ...), recorded on the outbox row."""

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class RetryLater(DeliveryError):
    """The service throttled us: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or f"retry after {retry_after:g} s", code=code)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """A 5xx, a time-out or a network error: retry with backoff."""


class PermanentError(DeliveryError):
    """The service refused this message for good: do not retry it."""


class Unreachable(PermanentError):
    """The recipient cannot be reached (blocked the bot, left): mark the identity."""


class OutsideWindow(PermanentError):
    """The service refuses a free-form message now (WhatsApp, 24 h after the person's last
    message): only an approved template can go."""


class Channel(Protocol):
    name: str

    async def send_text(self, address: str, text: str, choices: Sequence[str] = ()) -> str | None:
        """Send a text (with answer choices); return the service's message id if it gives one."""
        ...

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        """Send a document; return the service's message id if it gives one."""
        ...


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at line boundaries where
    possible (a single longer line is cut)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
