"""``pindah <date>`` as people write it: month names and short forms of the lexicon, day and
month with or without the year; a date without its year is the next such date from today."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.schedule import YEARLESS_AHEAD_MONTHS, JadwalError, parse_jadwal

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pindah 16 des", date(2026, 12, 16)),
        ("pindah 16 Desember", date(2026, 12, 16)),
        ("PINDAH ke 16 DES", date(2026, 12, 16)),
        ("pindah tanggal 16 des 2026", date(2026, 12, 16)),
        ("pindah 16-des", date(2026, 12, 16)),
        ("pindah 16/12", date(2026, 12, 16)),
        ("pindah 16-12", date(2026, 12, 16)),
        ("pindah 16/12/2026", date(2026, 12, 16)),
        ("pindah 2026-12-16", date(2026, 12, 16)),
        ("pindah 28 nov", date(2026, 11, 28)),  # today
        ("pindah 5 jan", date(2027, 1, 5)),  # passed this year: next year's, soon
        ("pindah 5 januari", date(2027, 1, 5)),
        ("pindah 31 mei", date(2027, 5, 31)),  # the last month of the window
    ],
)
def test_dates_as_people_write_them(text: str, expected: date) -> None:
    assert parse_jadwal(text, TODAY) == expected


def test_window_is_six_months() -> None:
    assert YEARLESS_AHEAD_MONTHS == 6


@pytest.mark.parametrize("text", ["pindah 10 nov", "pindah 1 juni", "pindah 27/11"])
def test_a_passed_date_beyond_the_window_is_refused_clearly(text: str) -> None:
    with pytest.raises(JadwalError, match="has passed: write the year") as info:
        parse_jadwal(text, TODAY)
    assert info.value.reason == "past"
    assert info.value.day is not None and info.value.day < TODAY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pindah 31/4", "no such date 2026-04-31"),
        ("pindah 16 xyz", "cannot read the new date"),
        ("pindah 32 des", "no such date"),
    ],
)
def test_bad_yearless_dates(text: str, message: str) -> None:
    with pytest.raises(JadwalError, match=message) as info:
        parse_jadwal(text, TODAY)
    assert info.value.reason == "date"
