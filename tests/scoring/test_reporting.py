"""The one rule of where a posyandu stands with a month: before, on and after hari buka."""

from __future__ import annotations

from datetime import date

import pytest

from scoring import Period, ReportingState, count_states, reporting_state

DEC = Period(2026, 12)
HB = date(2026, 12, 12)


@pytest.mark.parametrize(
    ("day", "state", "late"),
    [
        (date(2026, 12, 7), ReportingState.NOT_DUE, 0),
        (date(2026, 12, 11), ReportingState.NOT_DUE, 0),
        (date(2026, 12, 12), ReportingState.TODAY, 0),
        (date(2026, 12, 13), ReportingState.LATE, 1),
        (date(2027, 1, 4), ReportingState.LATE, 23),
    ],
)
def test_before_on_and_after_hari_buka(day: date, state: ReportingState, late: int) -> None:
    found = reporting_state(DEC, HB, day, reported=False)
    assert (found.state, found.days_late) == (state, late)


def test_reported_and_before_the_history_starts() -> None:
    assert reporting_state(DEC, HB, date(2026, 12, 1), True).state is ReportingState.REPORTED
    before = reporting_state(DEC, HB, date(2027, 1, 20), False, since=Period(2027, 1))
    assert before.state is ReportingState.BEFORE_START
    assert reporting_state(DEC, HB, date(2026, 12, 20), False, since=DEC).days_late == 8


def test_a_hari_buka_moved_into_the_next_month() -> None:
    moved = date(2027, 1, 2)
    assert reporting_state(DEC, moved, date(2026, 12, 31), False).state is ReportingState.NOT_DUE
    assert reporting_state(DEC, moved, date(2027, 1, 5), False).days_late == 3


def test_unknown_hari_buka_is_the_month_end() -> None:
    assert reporting_state(DEC, None, date(2026, 12, 31), False).state is ReportingState.TODAY
    assert reporting_state(DEC, None, date(2027, 1, 1), False).state is ReportingState.LATE


def test_counts_apart() -> None:
    states = [ReportingState.REPORTED, *[ReportingState.NOT_DUE] * 4, ReportingState.LATE]
    counts = count_states([*states, ReportingState.BEFORE_START])
    assert (counts.reported, counts.not_due, counts.today, counts.late) == (1, 4, 0, 1)
    assert (counts.expected, counts.missing) == (6, 5)
