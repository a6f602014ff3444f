"""Reminder payloads (queued as data by the scheduler) worded for people, and the template
that carries each reminder or document outside a channel's customer-service window (WhatsApp's
24 hours).

The template texts themselves are registered with the channel (docs/whatsapp.md lists them);
here is only which template fits a message, by name (``reminder``, ``nudge``, ``summary``,
``missing``; the channel's settings hold their ids), and its variables ("1", "2", ...).
WhatsApp refuses variables with line breaks, so lists become one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from conversations.catalogue import say
from conversations.format import short_date
from conversations.periods import format_period
from conversations.replies import Text
from scoring import Period

__all__ = [
    "Template",
    "document_template",
    "reminder_template",
    "reminder_text",
]

#: At most this many posyandu named in the H+7 template (the rest are counted).
MISSING_NAMED = 10
#: The command that brings each document back, by document kind.
_DOCUMENT_COMMANDS = {"monthly_report": "PDF", "area_summary": "REKAP"}


@dataclass(frozen=True, slots=True)
class Template:
    """Which approved template (by name) and its variables ("1", "2", ...)."""

    name: str
    variables: dict[str, str]


def reminder_text(kind: str, params: Mapping[str, Any]) -> Text:
    """The message of a reminder payload; ``ValueError`` for a payload that is not one."""
    try:
        if kind in ("h-1", "h", "h+2"):
            return Text(
                say(
                    f"reminder.{kind}",
                    posyandu=params["posyandu"],
                    date=short_date(date.fromisoformat(params["hari_buka"])),
                    month=format_period(Period.parse(params["period"])),
                )
            )
        if kind == "h+7":
            lines = [
                say(
                    "reminder.h+7.line",
                    posyandu=m["posyandu"],
                    month=format_period(Period.parse(m["period"])),
                    kader=", ".join(m.get("kader") or []) or say("reminder.no_kader"),
                )
                for m in params["missing"]
            ]
            return Text(say("reminder.h+7", count=len(lines), lines="\n".join(lines)))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed {kind} reminder: {exc}") from exc
    raise ValueError(f"unknown reminder kind {kind!r}")


def reminder_template(kind: str, params: Mapping[str, Any]) -> Template | None:
    """The template for a reminder sent outside WhatsApp's window, or None if none fits
    (``ValueError`` for a malformed payload)."""
    try:
        if kind in ("h-1", "h"):
            when = short_date(date.fromisoformat(params["hari_buka"]))
            return Template("reminder", {"1": params["posyandu"], "2": when})
        if kind == "h+2":
            month = format_period(Period.parse(params["period"]))
            return Template("nudge", {"1": params["posyandu"], "2": month})
        if kind == "h+7":
            return _missing_template(params["missing"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed {kind} reminder: {exc}") from exc
    return None


def _missing_template(missing: list[Mapping[str, Any]]) -> Template:
    """H+7 to a supervisor: how many posyandu have not reported, for which month(s), which."""
    names = [str(m["posyandu"]) for m in missing]
    listed = ", ".join(names[:MISSING_NAMED])
    if len(names) > MISSING_NAMED:
        listed = f"{listed} {say('template.more', count=len(names) - MISSING_NAMED)}"
    periods = sorted({Period.parse(str(m["period"])) for m in missing})
    months = ", ".join(format_period(p) for p in periods)
    return Template("missing", {"1": str(len(names)), "2": months, "3": listed})


def document_template(kind: str, params: Mapping[str, Any], subject: str) -> Template | None:
    """The template that tells a document is ready, outside WhatsApp's window: ``subject`` is
    what it is about ("Posyandu Mawar", "Kecamatan Batu Aji"); the answer asked for brings the
    same document back. None when no template fits (an unknown kind, no period)."""
    command = _DOCUMENT_COMMANDS.get(kind)
    try:
        period = Period.parse(str(params.get("period", "")))
    except ValueError:
        return None
    if command is None or not subject:
        return None
    month = format_period(period)
    return Template("summary", {"1": subject, "2": month, "3": f"{command} {period}"})
