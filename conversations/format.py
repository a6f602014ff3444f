"""Numbers, ratios, times, field names and rule problems written the Indonesian way, short.
Pure."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from conversations.catalogue import say
from scoring import MonthReport, Period, Problem
from scoring.fields import in_vitamin_a_month
from scoring.ratios import service_totals

__all__ = [
    "area_title",
    "choice_list",
    "clock_time",
    "count",
    "day_name",
    "field_label",
    "moment",
    "percent",
    "percent_of_target",
    "place_name",
    "problem_text",
    "service_lines",
    "short_date",
]


def percent(value: float | None) -> str:
    """ "80%"; "-" when not computable."""
    if value is None:
        return "-"
    return f"{value * 100:.0f}%"


def percent_of_target(value: float | None, target: float | None) -> str:
    """Like :func:`percent`, but a value below its target never reads as reaching it: when
    rounding would show 80% for 79.5% against a target of 80%, it shows "79,5%" (rounded
    down to one decimal, Indonesian decimal comma)."""
    if value is None or target is None or value >= target:
        return percent(value)
    shown = percent(value)
    if shown != percent(target):
        return shown
    tenths = math.floor(value * 1000 + 1e-9) / 10
    return f"{tenths:.1f}".replace(".", ",") + "%"


def count(value: int | None) -> str:
    """ "1.250"; "-" when unknown."""
    if value is None:
        return "-"
    return f"{value:,}".replace(",", ".")


def _month_short(month: int) -> str:
    return say(f"date.month_short.{month}")


def _weekday(day: date) -> str:
    return say(f"date.weekday.{day.weekday()}")


def moment(when: datetime, tz: tzinfo, now: datetime) -> str:
    """ "12 Nov pukul 10.15" in the reader's zone; the year only when it is not this year."""
    local = when.astimezone(tz)
    year = "" if local.year == now.astimezone(tz).year else f" {local.year}"
    return f"{local.day} {_month_short(local.month)}{year} pukul {local:%H.%M}"


def day_name(day: date) -> str:
    """ "Sabtu 12 Des 2026"."""
    return f"{_weekday(day)} {day.day} {_month_short(day.month)} {day.year}"


def short_date(day: date) -> str:
    """ "Sabtu, 12 Des 2026" (a date standing alone; :func:`day_name` goes in lists)."""
    return say(
        "date.short",
        weekday=_weekday(day),
        day=day.day,
        month=_month_short(day.month),
        year=day.year,
    )


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


def field_label(field: str) -> str:
    """A field's short name, as kader know it ("ibu hamil", "S (semua balita)")."""
    return say(f"label.{field}")


def problem_text(problem: Problem) -> str:
    """A broken data-quality rule as a sentence ("K (50) tidak boleh lebih dari S (48).")."""
    text = say(f"rule.{problem.rule}", label=field_label(problem.field), **problem.values)
    # A sentence: the label it may start with is lower case ("ibu hamil berubah ...").
    return text[:1].upper() + text[1:]


def area_title(level: str, name: str) -> str:
    """An area as people name it: its level and its name ("Kecamatan Batu Aji")."""
    return say(f"area.title.{level}", name=name)


def place_name(desa: str) -> str:
    """Where a posyandu is, for people ("Desa Sukamaju")."""
    return say("place.desa", name=desa)


def service_lines(period: Period, reports: Iterable[MonthReport]) -> list[str]:
    """An area's month of the optional services, for the chat and the area PDF: vitamin A
    coverage in February and August, and people referred to the puskesmas; a line only where
    some report of the month knows it."""
    totals = service_totals(reports)
    lines = []
    if in_vitamin_a_month(period, {}) and totals.vitamin_a is not None:
        lines.append(
            say(
                "area.vitamin_a",
                given=count(totals.vitamin_a),
                s=count(totals.vitamin_a_s),
                share=percent(totals.vitamin_a_coverage),
            )
        )
    if totals.referrals is not None:
        lines.append(say("area.referrals", count=count(totals.referrals)))
    return lines
