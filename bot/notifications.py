"""Reminder payloads (queued as data by the scheduler) worded for people, and the WhatsApp
template that carries each one outside the 24-hour window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from conversations.catalogue import say
from conversations.periods import format_period
from conversations.replies import Text
from scoring import Period

__all__ = ["Template", "reminder_template", "reminder_text", "short_date"]

_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@dataclass(frozen=True, slots=True)
class Template:
    """Which approved template (by setting name) and its variables ("1", "2", ...)."""

    setting: str
    variables: dict[str, str]


def short_date(day: date) -> str:
    """ "Sabtu, 12 Des 2026"."""
    return f"{_DAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


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
    """The template for a reminder sent outside WhatsApp's window, or None if none fits."""
    if kind in ("h-1", "h"):
        when = short_date(date.fromisoformat(params["hari_buka"]))
        return Template("twilio_template_reminder_sid", {"1": params["posyandu"], "2": when})
    if kind == "h+2":
        month = format_period(Period.parse(params["period"]))
        return Template("twilio_template_nudge_sid", {"1": params["posyandu"], "2": month})
    return None
