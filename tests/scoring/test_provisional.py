"""The provisional stratum (domain.md, "History and new posyandu" and "Decision (provisional
stratum)"), table-driven: months of the window before ``since`` are unknown, not closed; with
fewer than 12 known months the stratum is sementara and indicator 1 is the ratio estimate
(openings in the known months / known months x 12); below 3 known months there is none."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import (
    IndicatorId,
    KnownHistory,
    MonthReport,
    Period,
    Stratum,
    assess,
    assess_stratum,
    months_known,
)
from scoring.strata import classify, openings_needed
from tests.scoring.factories import closed, good_month

THROUGH = Period(2026, 10)
OPENINGS = IndicatorId.FREKUENSI_PENIMBANGAN


def history(known: int, opened: int) -> list[MonthReport]:
    """``known`` months ending at THROUGH, the first ``opened`` of them opened (good months,
    enough immunisation for any length), the rest reported closed."""
    months = [THROUGH.shift(-i) for i in range(known - 1, -1, -1)]
    return [
        good_month(p, bayi_imunisasi=3) if i < opened else closed(p) for i, p in enumerate(months)
    ]


@dataclass(frozen=True)
class Case:
    name: str
    known: int
    opened: int
    stratum: Stratum | None
    provisional: bool
    #: Indicator 1 as the result gives it (the ratio estimate when provisional).
    openings: float | int


CASES = (
    Case("0 known months: no stratum", 0, 0, None, True, 0),
    Case("2 known months: belum cukup data", 2, 2, None, True, 2),
    Case("3 known, 3 openings count as 12", 3, 3, Stratum.MANDIRI, True, 12),
    Case("3 known, 2 openings count as 8: exactly the threshold", 3, 2, Stratum.MANDIRI, True, 8),
    Case("4 known, 4 openings count as 12", 4, 4, Stratum.MANDIRI, True, 12),
    Case("4 known, 2 openings count as 6: pratama", 4, 2, Stratum.PRATAMA, True, 6),
    Case("7 known, 5 openings: 8.57 passes", 7, 5, Stratum.MANDIRI, True, 5 * 12 / 7),
    Case("11 known, 7 openings: 7.64 fails", 11, 7, Stratum.PRATAMA, True, 7 * 12 / 11),
    Case("11 known, 8 openings: 8.73 passes", 11, 8, Stratum.MANDIRI, True, 8 * 12 / 11),
    Case("12 known months: a stratum like any other", 12, 8, Stratum.MANDIRI, False, 8),
    Case("12 known, 7 openings: pratama, not estimated", 12, 7, Stratum.PRATAMA, False, 7),
)


def since_for(known: int) -> Period:
    return THROUGH.shift(1 - known)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_provisional_strata(case: Case) -> None:
    months = history(case.known, case.opened)
    since = since_for(case.known)
    result = assess_stratum(months, THROUGH, since=since)
    assert result.stratum is case.stratum
    assert result.provisional is case.provisional
    assert result.months_known == case.known
    assert result.indicators[OPENINGS].value == pytest.approx(case.openings)
    full = assess(months, THROUGH, since=since)
    assert (full.stratum, full.provisional, full.months_known) == (
        case.stratum,
        case.provisional,
        case.known,
    )
    if case.stratum is None:
        assert (result.limiting, result.needs, result.next_stratum) == ((), (), None)
        assert not result.posyandu_aktif


def test_without_since_the_same_months_are_pratama_as_before() -> None:
    """The whole window known (no ``since``): the months before count as not opened."""
    result = assess_stratum(history(4, 4), THROUGH)
    assert (result.stratum, result.provisional, result.months_known) == (Stratum.PRATAMA, False, 12)
    assert result.indicators[OPENINGS].value == 4


def test_since_before_the_window_is_a_whole_window() -> None:
    result = assess_stratum(history(12, 12), THROUGH, since=Period(2020, 1))
    assert (result.stratum, result.provisional, result.months_known) == (Stratum.MANDIRI, False, 12)


def test_the_need_for_openings_reads_the_estimate() -> None:
    result = assess_stratum(history(11, 7), THROUGH, since=since_for(11))
    (need,) = [n for n in result.needs if n.indicator is OPENINGS]
    assert need.describe() == "1 more opening (7.6 -> 8)"
    result = assess_stratum(history(4, 2), THROUGH, since=since_for(4))
    (need,) = [n for n in result.needs if n.indicator is OPENINGS]
    assert need.describe() == "2 more openings (6 -> 8)"


@pytest.mark.parametrize(
    ("since", "through", "known"),
    [
        (None, THROUGH, 12),
        (THROUGH, THROUGH, 1),
        (THROUGH.shift(1), THROUGH, 0),
        (THROUGH.shift(-3), THROUGH, 4),
        (THROUGH.shift(-11), THROUGH, 12),
        (THROUGH.shift(-40), THROUGH, 12),
    ],
)
def test_months_known(since: Period | None, through: Period, known: int) -> None:
    assert months_known(since, through, 12) == known


@pytest.mark.parametrize(
    ("registered", "first", "since", "has_data"),
    [
        (None, None, None, False),
        (Period(2026, 11), None, Period(2026, 11), False),
        (Period(2026, 11), Period(2025, 1), Period(2025, 1), True),
        (Period(2024, 3), Period(2025, 1), Period(2024, 3), True),
    ],
)
def test_known_history_starts_at_the_earlier_of_registration_and_first_report(
    registered: Period | None, first: Period | None, since: Period | None, has_data: bool
) -> None:
    known = KnownHistory(registered, first)
    assert (known.since, known.has_data) == (since, has_data)
    assert known.started_by(Period(2026, 11))
    assert known.started_by(Period(2026, 10)) is (since is None or since <= Period(2026, 10))


@pytest.mark.parametrize(
    ("known", "opened", "more", "estimate"),
    [
        # Issue 23: 1 opening in 3 known months (estimate 4) needs 3 more, not 8 - 4 = 4:
        # (1 + 3) / (3 + 3) x 12 = 8.
        (3, 1, 3, 4),
        (3, 0, 6, 0),  # 6 of 9 = 8; 5 of 8 = 7.5 is not enough
        (3, 2, 0, 8),  # exactly the threshold: nothing more (not a need: it passes)
        (4, 2, 2, 6),  # 4 of 6 = 8
        (5, 1, 7, 2.4),  # 8 of 12: the window just fills
        (5, 0, 8, 0),  # 7 of 12 would not do: a whole window then, 8 - 0
        (6, 3, 3, 6),
        (11, 7, 1, 7 * 12 / 11),  # 8 of 12
        (11, 3, 5, 36 / 11),  # 4 of 12 with the window whole: then 8 - 3
    ],
)
def test_the_openings_needed_over_the_known_months_are_exact(
    known: int, opened: int, more: int, estimate: float
) -> None:
    assert openings_needed(opened, known, 12, 8) == more
    result = assess_stratum(history(known, opened), THROUGH, since=since_for(known))
    assert result.indicators[OPENINGS].value == pytest.approx(estimate)
    needs = [n for n in result.needs if n.indicator is OPENINGS]
    assert [n.shortfall for n in needs] == ([more] if more else [])


@given(st.integers(min_value=3, max_value=11), st.data())
def test_the_openings_needed_are_the_fewest_that_reach_the_threshold(
    known: int, data: st.DataObject
) -> None:
    """Holding the openings needed (one a month from the next month on) passes indicator 1,
    one fewer does not, while the window is still partly known."""
    opened = data.draw(st.integers(min_value=0, max_value=known))
    more = openings_needed(opened, known, 12, 8)

    def passes(extra: int) -> bool:
        result = classify(
            _values(opened + extra), THROUGH, months_known=min(12, known + extra)
        )
        return result.indicators[OPENINGS].passes[Stratum.MADYA]

    if known + more <= 12:
        assert passes(more)
        assert more == 0 or not passes(more - 1)
    else:  # the window is whole first: as many as a whole window would need
        assert more == 8 - opened
        assert not passes(12 - known)


def _values(openings: int) -> dict[IndicatorId, float | int | bool | None]:
    return {i: None for i in IndicatorId} | {OPENINGS: openings}


def test_provisional_immunisation_is_scaled_by_the_known_months_like_the_openings() -> None:
    """Issue 23: three months at a Mandiri pace (1 of 12 infants completing basic
    immunisation each month: 12 of 12 in a year) came out Madya, Σ 3 / 12 = 25% read against
    the year's 50%. Indicator 6 is cumulative like indicator 1: x 12 / known months."""
    months = [good_month(THROUGH.shift(-i)) for i in range(2, -1, -1)]
    result = assess_stratum(months, THROUGH, since=since_for(3))
    assert result.indicators[IndicatorId.KUMULATIF_IMUNISASI].value == pytest.approx(1.0)
    assert (result.stratum, result.provisional) == (Stratum.MANDIRI, True)
    # Half that pace: 1 a month with 24 infants, 3 / 24 x 4 = 50%, exactly the threshold.
    half = [good_month(THROUGH.shift(-i), bayi=24) for i in range(2, -1, -1)]
    half_result = assess_stratum(half, THROUGH, since=since_for(3))
    assert half_result.indicators[IndicatorId.KUMULATIF_IMUNISASI].value == pytest.approx(0.5)
    assert half_result.stratum is Stratum.MANDIRI
    # Below it: 3 / 25 x 4 = 48%, Madya, and the need reads the scaled coverage.
    low = [good_month(THROUGH.shift(-i), bayi=25) for i in range(2, -1, -1)]
    low_result = assess_stratum(low, THROUGH, since=since_for(3))
    assert low_result.stratum is Stratum.MADYA
    (need,) = low_result.needs
    assert need.describe() == "immunisation coverage 48% -> 50%"
    # A whole window is not scaled: 12 months of the same pace are 12 / 12.
    whole = assess_stratum([good_month(THROUGH.shift(-i)) for i in range(12)], THROUGH)
    assert whole.indicators[IndicatorId.KUMULATIF_IMUNISASI].value == pytest.approx(1.0)
    # Without since the three months are a whole window with nine closed months: unscaled.
    plain = assess_stratum(months, THROUGH)
    assert plain.indicators[IndicatorId.KUMULATIF_IMUNISASI].value == pytest.approx(0.25)
