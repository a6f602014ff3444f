"""Numbers, ratios and times written the Indonesian way, short. Pure."""

from __future__ import annotations

from datetime import datetime, tzinfo

from conversations.catalogue import say
from conversations.periods import format_period_short

__all__ = ["choice_list", "clock_time", "count", "moment", "percent", "short_month"]

short_month = format_period_short


def percent(value: float | None) -> str:
    """ "80%"; "-" when not computable."""
    if value is None:
        return "-"
    return f"{value * 100:.0f}%"


def count(value: int | None) -> str:
    """ "1.250"; "-" when unknown."""
    if value is None:
        return "-"
    return f"{value:,}".replace(",", ".")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def moment(when: datetime, tz: tzinfo, now: datetime) -> str:
    """ "12 Nov pukul 10.15" in the reader's zone; the year only when it is not this year."""
    local = when.astimezone(tz)
    year = "" if local.year == now.astimezone(tz).year else f" {local.year}"
    return f"{local.day} {_MONTHS[local.month - 1]}{year} pukul {local:%H.%M}"


def clock_time(when: datetime, tz: tzinfo) -> str:
    """ "10.15" in the reader's zone."""
    return f"{when.astimezone(tz):%H.%M}"


def choice_list(choices: tuple[str, ...] | list[str]) -> str:
    """Choices as a numbered list for channels without buttons ("Balas 1 atau 2:"). A single
    choice is a suggested command the text already names (PDF, LAGI): no list."""
    if len(choices) < 2:
        return ""
    numbers = [str(i) for i in range(1, len(choices) + 1)]
    joined = ", ".join(numbers[:-1]) + " atau " + numbers[-1]
    lines = [say("choices.hint", numbers=joined)]
    lines += [f"{n}. {choice}" for n, choice in zip(numbers, choices, strict=True)]
    return "\n".join(lines)
