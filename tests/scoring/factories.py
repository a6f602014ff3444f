"""Builders of plausible monthly reports for the scoring tests."""

from __future__ import annotations

from typing import Any

from scoring import MonthReport, Period
from tests.months import example_values

THROUGH = Period(2026, 12)


def good_month(period: Period, **overrides: Any) -> MonthReport:
    """A month that passes every indicator comfortably (Mandiri material): every core field
    at its example (tests/months.py), with six kader, no 2T and a posyandu of 40 balita."""
    values = example_values(kader=6, t2=0, s=40, k=38, d=32, n=26)
    values.update(overrides)
    return MonthReport(period=period, **values)


def year(through: Period = THROUGH, **overrides: Any) -> list[MonthReport]:
    """Twelve good months ending at ``through``; overrides apply to every month."""
    return [good_month(through.shift(-i), **overrides) for i in range(11, -1, -1)]


def closed(period: Period) -> MonthReport:
    return MonthReport(period=period, buka=False)
