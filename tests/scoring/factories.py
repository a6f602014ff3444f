"""Builders of plausible monthly reports for the scoring tests."""

from __future__ import annotations

from typing import Any

from scoring import MonthReport, Period

THROUGH = Period(2026, 12)


def good_month(period: Period, **overrides: Any) -> MonthReport:
    """A month that passes every indicator comfortably (Mandiri material)."""
    values: dict[str, Any] = {
        "buka": True,
        "kader": 6,
        "s": 40,
        "k": 38,
        "d": 32,
        "n": 26,
        "bgm": 1,
        "t2": 0,
        "bumil": 6,
        "bumil_periksa": 4,
        "pus": 80,
        "kb_aktif": 50,
        "bayi": 12,
        "bayi_imunisasi": 1,
        "program_tambahan": ("BKB",),
        "kk": 120,
        "kk_dana_sehat": 70,
    }
    values.update(overrides)
    return MonthReport(period=period, **values)


def year(through: Period = THROUGH, **overrides: Any) -> list[MonthReport]:
    """Twelve good months ending at ``through``; overrides apply to every month."""
    return [good_month(through.shift(-i), **overrides) for i in range(11, -1, -1)]


def closed(period: Period) -> MonthReport:
    return MonthReport(period=period, buka=False)
