"""Hari-buka schedules (scoring.schedule, pure): phrases, stored forms, fixed days past the
month's end, nth and last weekdays, and JADWAL's one-off move phrases. Stored schedules and
moves: tests/storage/test_hari_buka.py."""

from __future__ import annotations

from datetime import date

import pytest

from scoring import Period
from scoring.schedule import JadwalError, Schedule, ScheduleError, parse_jadwal

SELASA = 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tanggal 12", Schedule(day=12)),
        ("Tanggal 31 setiap bulan", Schedule(day=31)),
        ("tgl 5", Schedule(day=5)),
        ("selasa ke-2", Schedule(weekday=SELASA, nth=2)),
        ("Selasa minggu ke-2", Schedule(weekday=SELASA, nth=2)),
        ("selasa minggu ke 2", Schedule(weekday=SELASA, nth=2)),
        ("setiap kamis ke-4", Schedule(weekday=3, nth=4)),
        ("selasa terakhir", Schedule(weekday=SELASA, nth=-1)),
        ("selasa minggu terakhir", Schedule(weekday=SELASA, nth=-1)),
        ("minggu minggu ke-1", Schedule(weekday=6, nth=1)),
        ("jumat kedua", Schedule(weekday=4, nth=2)),
        ("day:12", Schedule(day=12)),
        ("weekday:1:2", Schedule(weekday=SELASA, nth=2)),
        ("weekday:1:-1", Schedule(weekday=SELASA, nth=-1)),
    ],
)
def test_parse(text: str, expected: Schedule) -> None:
    assert Schedule.parse(text) == expected
    assert Schedule.parse(expected.stored()) == expected
    assert Schedule.parse(expected.describe()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tanggal 0",
        "tanggal 32",
        "selasa ke-5",
        "selasa ke-0",
        "selasa",
        "senen ke-2",
        "day:40",
        "weekday:7:1",
        "weekday:1:5",
        "weekday:1:0",
        "12",
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ScheduleError):
        Schedule.parse(text)


def test_constructor_validates() -> None:
    with pytest.raises(ScheduleError):
        Schedule(day=12, weekday=1, nth=2)
    with pytest.raises(ScheduleError):
        Schedule()


@pytest.mark.parametrize(
    ("day", "period", "expected"),
    [
        (12, Period(2026, 11), date(2026, 11, 12)),
        (31, Period(2027, 2), date(2027, 2, 28)),  # common year
        (31, Period(2028, 2), date(2028, 2, 29)),  # leap year
        (30, Period(2100, 2), date(2100, 2, 28)),  # not a leap year (century)
        (29, Period(2000, 2), date(2000, 2, 29)),  # leap (divisible by 400)
        (31, Period(2026, 4), date(2026, 4, 30)),
        (31, Period(2026, 12), date(2026, 12, 31)),
        (1, Period(2026, 1), date(2026, 1, 1)),
    ],
)
def test_fixed_day(day: int, period: Period, expected: date) -> None:
    assert Schedule(day=day).hari_buka(period) == expected


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        # December 2026 starts on a Tuesday.
        ("selasa ke-1", Period(2026, 12), date(2026, 12, 1)),
        ("selasa ke-2", Period(2026, 12), date(2026, 12, 8)),
        ("selasa ke-4", Period(2026, 12), date(2026, 12, 22)),
        ("senin ke-1", Period(2026, 12), date(2026, 12, 7)),
        ("senin ke-4", Period(2026, 12), date(2026, 12, 28)),
        # November 2026 starts on a Sunday and ends on a Monday.
        ("minggu ke-1", Period(2026, 11), date(2026, 11, 1)),
        ("sabtu ke-1", Period(2026, 11), date(2026, 11, 7)),
        ("senin terakhir", Period(2026, 11), date(2026, 11, 30)),
        ("selasa terakhir", Period(2026, 11), date(2026, 11, 24)),
        ("minggu terakhir", Period(2026, 11), date(2026, 11, 29)),
        # February 2027 has exactly four of each weekday.
        ("senin terakhir", Period(2027, 2), date(2027, 2, 22)),
        ("minggu terakhir", Period(2027, 2), date(2027, 2, 28)),
        ("selasa terakhir", Period(2026, 12), date(2026, 12, 29)),
    ],
)
def test_weekday(text: str, period: Period, expected: date) -> None:
    result = Schedule.parse(text).hari_buka(period)
    assert result == expected
    assert result.weekday() == Schedule.parse(text).weekday


def test_every_weekday_schedule_lands_in_its_month() -> None:
    for weekday in range(7):
        for nth in (1, 2, 3, 4, -1):
            schedule = Schedule(weekday=weekday, nth=nth)
            for index in range(Period(2024, 1).index, Period(2030, 12).index + 1):
                period = Period.from_index(index)
                day = schedule.hari_buka(period)
                assert (day.year, day.month) == (period.year, period.month)
                assert day.weekday() == weekday
                if nth == -1:
                    assert day.day > 21  # the last one is in the final week
                else:
                    assert (day.day - 1) // 7 == nth - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tanggal 12", Schedule(day=12)),
        ("  Tanggal   31 ", Schedule(day=31)),
        ("selasa ke-2", Schedule(weekday=SELASA, nth=2)),
        ("Selasa minggu ke-2", Schedule(weekday=SELASA, nth=2)),
        ("kamis terakhir", Schedule(weekday=3, nth=-1)),
        ("minggu terakhir", Schedule(weekday=6, nth=-1)),
        ("minggu minggu terakhir", Schedule(weekday=6, nth=-1)),
        ("pindah 2026-12-15", date(2026, 12, 15)),
        ("PINDAH ke 2026-12-15", date(2026, 12, 15)),
        ("pindah tanggal 2027-1-2", date(2027, 1, 2)),
        ("pindah 15-12-2026", date(2026, 12, 15)),
        ("pindah 15/12/2026", date(2026, 12, 15)),
        ("pindah 29-02-2028", date(2028, 2, 29)),
    ],
)
def test_parse_jadwal(text: str, expected: Schedule | date) -> None:
    assert parse_jadwal(text) == expected


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("", "empty", "no schedule given"),
        ("   ", "empty", "no schedule given"),
        ("selasa ke-5", "schedule", "cannot read schedule 'selasa ke-5': use 'tanggal 12'"),
        ("tanggal 32", "schedule", "bad schedule 'tanggal 32': day of the month must be 1-31"),
        ("besok", "schedule", "cannot read schedule 'besok'"),
        ("pindah", "date", "cannot read the new date in 'pindah': use 'pindah YYYY-MM-DD'"),
        ("pindah besok", "date", "cannot read the new date"),
        ("pindah 2027-02-29", "date", "no such date 2027-02-29"),
        ("pindah 31/04/2027", "date", "no such date 2027-04-31"),
        ("pindah 2026-12-15 jam 8", "date", "cannot read the new date"),
    ],
)
def test_parse_jadwal_rejects(text: str, reason: str, message: str) -> None:
    with pytest.raises(JadwalError, match=message) as info:
        parse_jadwal(text)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError) and isinstance(info.value, ScheduleError)
