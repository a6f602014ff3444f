"""The demo's month leaves no core field of the registry empty: a field its hand-tuned SKDN
month does not name (a field added later) gets a plausible value within its bound. The optional
service fields stay unknown (which are asked is the deployment's choice), and so do T, O and B
(which the child register gives)."""

from __future__ import annotations

import pytest

from bot.demo import _fill
from scoring import MonthReport, Period, hard_problems
from scoring.fields import COUNT_FIELDS, DERIVED_FIELDS, FIELD_BY_ID, SERVICE_FIELDS


@pytest.mark.parametrize("posture", [0, 1, 2, 3])
def test_every_count_gets_a_value_within_its_bound(posture: int) -> None:
    partial = MonthReport(Period(2026, 10), kader=5, s=50, k=45, d=40)
    filled = _fill(partial, posture)
    core = [
        name
        for name in COUNT_FIELDS
        if not (FIELD_BY_ID[name].service or FIELD_BY_ID[name].derived)
    ]
    assert all(filled.count(name) is not None for name in core)
    assert all(getattr(filled, name) is None for name in (*SERVICE_FIELDS, *DERIVED_FIELDS))
    assert (filled.kader, filled.s, filled.k, filled.d) == (5, 50, 45, 40)  # kept as given
    for name in COUNT_FIELDS:
        bound = FIELD_BY_ID[name].at_most
        if bound is not None:
            assert (filled.count(name) or 0) <= (filled.count(bound) or 0), name
    assert hard_problems(filled) == []
    assert _fill(partial, posture) == filled  # the same demo every time
