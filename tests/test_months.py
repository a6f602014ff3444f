"""The tests' valid month (tests/months.py) is derived from the registry and is valid."""

from __future__ import annotations

from scoring import MonthReport, Period
from scoring.fields import DERIVED_FIELDS, FIELDS, Switch
from scoring.rules import hard_problems
from tests.months import example_values


def test_every_core_field_has_a_value_that_passes_the_hard_rules() -> None:
    values = example_values()
    core = {f.id for f in FIELDS if f.switch is Switch.ALWAYS} - {"buka", *DERIVED_FIELDS}
    assert set(values) == core
    assert all(value is not None for value in values.values())
    assert hard_problems(MonthReport(period=Period(2026, 1)).with_values(**values)) == []


def test_overrides_change_single_fields() -> None:
    assert example_values(s=60, t2=None) == {**example_values(), "s": 60, "t2": None}
