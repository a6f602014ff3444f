"""Channels. This module is what a channel is to the outbox dispatcher: a :class:`Sender` of
texts and documents (and, for a channel with a customer-service window, a
:class:`TemplateSender`), saying in a few plain exceptions what went wrong.

The rest of a channel (its settings, intake, routes, address rule) is
:class:`bot.channels.channel.Channel`; every channel is registered once in
:mod:`bot.channels.registry`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

__all__ = [
    "DeliveryError",
    "OneAddressSender",
    "OutgoingDocument",
    "OutsideWindow",
    "PermanentError",
    "RetryLater",
    "Sender",
    "TemplateSender",
    "TransientError",
    "Unreachable",
    "split_text",
]


@dataclass(frozen=True, slots=True)
class OutgoingDocument:
    filename: str
    content: bytes
    caption: str = ""
    #: It shows a child's name (the KMS): a channel that keeps it for fetching (WhatsApp's
    #: media link) keeps it only until it is fetched, under a short-lived link (bot.media).
    private: bool = False


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


class Sender(Protocol):
    """How the dispatcher sends through a channel (``name`` is the channel's)."""

    name: str

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        """Send a text (with answer choices; ``numbered`` False: a channel without buttons must
        not number them, a typed number being an answer); return the service's message id if it
        gives one."""
        ...

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        """Send a document; return the service's message id if it gives one."""
        ...


@runtime_checkable
class OneAddressSender(Protocol):
    """A sender that speaks for one address at a time (the console: the person at the
    keyboard). While ``serving`` is set, the dispatcher claims only that address's rows of
    the channel; the others stay pending until their address is served."""

    serving: str | None


@runtime_checkable
class TemplateSender(Protocol):
    """A sender with a customer-service window (WhatsApp): what the bot starts (reminders,
    documents) goes free-form only within ``window`` of the person's last message; outside
    it, only as an approved template. Templates are named as :mod:`bot.notifications` chooses
    them (``reminder``, ``nudge``, ``summary``, ``missing``); the sender knows their ids."""

    window: timedelta

    def template_label(self, name: str) -> str:
        """How the operator knows template ``name`` (the setting that configures it)."""
        ...

    def has_template(self, name: str) -> bool:
        """Whether template ``name`` is configured."""
        ...

    async def send_template(
        self, address: str, name: str, variables: Mapping[str, str]
    ) -> str | None:
        """Send template ``name`` (configured) with its variables; the service's message id."""
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
