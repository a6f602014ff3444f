"""A report's columns read back: the decoding of many rows at once (:func:`from_values`, which
builds the report by position) gives exactly the report that :func:`from_row` (by name) and the
report written give, for every field of the registry."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import MonthReport, Period
from scoring.fields import FIELDS, Field, FieldRole
from storage.report_columns import COLUMNS, from_row, from_values, to_row


def _value(f: Field) -> st.SearchStrategy[Any]:
    if f.role is FieldRole.FLAG:
        return st.booleans()
    if f.role is FieldRole.LIST:
        return st.one_of(st.none(), st.lists(st.text(max_size=12), max_size=3).map(tuple))
    if f.role is FieldRole.CHOICE:
        return st.one_of(st.none(), st.sampled_from(f.choices))
    return st.one_of(st.none(), st.integers(0, 10_000))


@st.composite
def reports(draw: st.DrawFn) -> MonthReport:
    period = Period(draw(st.integers(2020, 2030)), draw(st.integers(1, 12)))
    return MonthReport(period, **{f.id: draw(_value(f)) for f in FIELDS})


@given(reports())
@settings(max_examples=200, deadline=None)
def test_from_values_is_from_row_and_the_report_written(report: MonthReport) -> None:
    row = to_row(report)
    by_name = dict(zip(COLUMNS, row, strict=True))
    assert from_values(report.period, row) == from_row(report.period, by_name) == report


def test_from_values_refuses_a_row_of_another_length() -> None:
    row = to_row(MonthReport(Period(2026, 11)))
    for wrong in (row[:-1], [*row, None]):
        with pytest.raises(ValueError, match="columns"):
            from_values(Period(2026, 11), wrong)
