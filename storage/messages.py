"""The outgoing-message contract: what any layer may queue in the outbox, and how it is stored.

Four kinds of message, plain data: a :class:`Text` (with answer choices), a :class:`Document`
rendered by the bot at send time (``Document("monthly_report", {"posyandu_id": 7, "period":
"2026-11"})``), a :class:`Reminder` worded by the bot at send time and a :class:`Link` the bot
makes at send time (the dasbor's one-time link: its secret is the bot's, never stored).
:func:`encode` and :func:`decode` are the one codec of the outbox's ``payload`` column;
:class:`Outgoing` is one row to queue; the ``*_key`` builders are the only places a dedupe key
is spelled.

Pure data: the engine, the scheduler and the group commands build messages, the dispatcher reads
them back; none of them writes or parses the JSON itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "Document",
    "Link",
    "Message",
    "Outgoing",
    "Reminder",
    "Text",
    "apology_key",
    "decode",
    "dhis2_key",
    "encode",
    "nudge_key",
    "rekap_key",
    "reminder_key",
    "reply_key",
]


@dataclass(frozen=True, slots=True)
class Text:
    """A text message. ``choices`` are the expected answers (shown as buttons or a numbered
    list); a typed number or the word itself is always accepted. ``numbered`` is False where a
    typed number is itself an answer (a count question): channels without buttons then do not
    number the choices, so "1" never means "choice 1". ``private``: it shows names of the
    child register, so its outbox row forgets the body once it is sent, failed or superseded
    (docs/privacy.md: never in an outbox row that outlives its delivery)."""

    body: str
    choices: tuple[str, ...] = ()
    numbered: bool = True
    private: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A document the bot renders at send time from the stored data, e.g.
    ``Document("monthly_report", {"posyandu_id": 7, "period": "2026-11"})``."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder the bot words at send time (or sends as a WhatsApp template): ``kind`` is a
    reminder kind (``h-1``, ``h+7`` ...), ``params`` what its text needs."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Link:
    """A link the bot makes and words at send time, e.g. ``Link("dasbor", {"person_id": 7})``:
    a one-time sign-in link to the dasbor, signed with the bot's key and valid for minutes
    from when it is sent (so it is never kept in the outbox)."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


Message = Text | Document | Reminder | Link


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to queue: to whom, what, and the key that makes queuing it twice a no-op.

    ``supersedable``: a reply whose whole content is the state of a conversation (what was
    understood, what is asked now), which that conversation's next step restates: while it is
    unsent, the next step's replies to the same chat supersede it (it is dropped, never sent;
    :func:`storage.outbox.supersede`). Confirmations, documents, links, notices and reminders
    are never supersedable."""

    channel: str
    address: str
    message: Message
    dedupe_key: str
    supersedable: bool = False


def encode(message: Message) -> dict[str, Any]:
    """The message as the outbox stores it (JSON-ready)."""
    if isinstance(message, Text):
        payload: dict[str, Any] = {"type": "text", "body": message.body}
        payload["choices"] = list(message.choices)
        if not message.numbered:
            payload["numbered"] = False
        if message.private:
            payload["private"] = True
        return payload
    kind = _TYPES[type(message)]
    return {"type": kind, "kind": message.kind, "params": dict(message.params)}


_TYPES: dict[type[Document | Reminder | Link], str] = {
    Document: "document",
    Reminder: "reminder",
    Link: "link",
}
_CLASSES = {name: cls for cls, name in _TYPES.items()}


def decode(payload: Mapping[str, Any]) -> Message:
    """The message a stored payload holds; ``ValueError`` when it holds none."""
    try:
        kind = payload["type"]
        if kind == "text":
            choices: Sequence[Any] = payload.get("choices") or ()
            numbered = payload.get("numbered", True) is not False
            private = payload.get("private", False) is True
            return Text(str(payload["body"]), tuple(str(c) for c in choices), numbered, private)
        if kind in _CLASSES:
            params = dict(payload.get("params") or {})
            return _CLASSES[kind](str(payload["kind"]), params)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a message: {exc!r}") from exc
    raise ValueError(f"unknown message type {kind!r}")


# --- dedupe keys: a message queued twice under one key is queued once ---------------------
def reply_key(channel: str, external_id: str, index: int) -> str:
    """The ``index``-th reply to an inbound message."""
    return f"reply:{channel}:{external_id}:{index}"


def notice_key(channel: str, external_id: str, index: int) -> str:
    """The ``index``-th message to someone else caused by an inbound message."""
    return f"notice:{channel}:{external_id}:{index}"


def apology_key(channel: str, external_id: str) -> str:
    """The apology for an inbound message whose step failed."""
    return f"apology:{channel}:{external_id}"


def reminder_key(kind: str, posyandu_id: int, day: date, channel: str, address: str) -> str:
    """A kader's reminder of one posyandu's hari buka."""
    return f"reminder:{kind}:{posyandu_id}:{day}:{channel}:{address}"


def nudge_key(
    kind: str,
    person_id: int | None,
    day: date,
    posyandu_ids: Sequence[int],
    channel: str,
    address: str,
) -> str:
    """A supervisor's (or a linked group's: no person) list of posyandu still missing on
    ``day``."""
    ids = ",".join(str(i) for i in posyandu_ids)
    return f"reminder:{kind}:{person_id}:{day}:{ids}:{channel}:{address}"


def dhis2_key(area_id: int, period: str, channel: str, address: str) -> str:
    """The monthly DHIS2 push's line to one of an area's supervisors."""
    return f"dhis2:{area_id}:{period}:{channel}:{address}"


def rekap_key(area_id: int, period: str, channel: str, address: str) -> str:
    """An area's monthly summary to one recipient."""
    return f"rekap:{area_id}:{period}:{channel}:{address}"
