"""The sweep's rekap day: the cheap check before any query never misses a due rekap in any
zone, and a long grace reaches back across a month end."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.calendar import Kind, ReminderSettings
from scheduler.sweep import rekap_may_be_due, rekap_period_due
from scoring import Period

SETTINGS = ReminderSettings()  # rekap on the 5th at 08:00, grace 6 h
WITA = ZoneInfo("Asia/Makassar")
ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Pacific/Kiritimati", "Pacific/Niue"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 4, 23, 59, tzinfo=UTC), None),  # 07:59 WITA on the 5th
        (datetime(2026, 12, 5, 0, 0, tzinfo=UTC), Period(2026, 11)),  # 08:00 WITA
        (datetime(2026, 12, 5, 5, 59, tzinfo=UTC), Period(2026, 11)),  # late, inside grace
        (datetime(2026, 12, 5, 6, 0, tzinfo=UTC), None),  # the grace is (now - 6 h, now]
        (datetime(2027, 1, 5, 0, 0, tzinfo=UTC), Period(2026, 12)),  # across the year
    ],
)
def test_rekap_period_due(now: datetime, expected: Period | None) -> None:
    assert rekap_period_due(now, WITA, SETTINGS) == expected


def test_long_grace_reaches_back_across_a_month_end() -> None:
    late = ReminderSettings(
        times={**SETTINGS.times, Kind.REKAP: time(23, 30)},
        grace=timedelta(hours=72),
        rekap_day=28,
    )
    # 28 February 23:30 WITA was 2.5 hours ago, in the previous local month.
    now = datetime(2027, 3, 1, 2, 0, tzinfo=WITA)
    assert rekap_period_due(now, WITA, late) == Period(2027, 1)
    assert rekap_may_be_due(now, late)


def test_cheap_check_never_misses_and_is_mostly_false() -> None:
    start = datetime(2026, 11, 25, tzinfo=UTC)
    maybe = 0
    for step in range(0, 20 * 48):
        now = start + timedelta(minutes=30 * step)
        due = any(rekap_period_due(now, ZoneInfo(z), SETTINGS) for z in ZONES)
        possible = rekap_may_be_due(now, SETTINGS)
        assert possible or not due, now
        maybe += possible
    # Around the 5th only: well under two days of the twenty.
    assert 0 < maybe < 2 * 48
