"""Gaps and their categories, adequacy, Tki, bands, forecasts, the year-end projection."""

from __future__ import annotations

import pytest

from scoring import (
    Band,
    GapCategory,
    MonthReport,
    Period,
    Stratum,
    adequacy_of_effort,
    adequacy_of_performance,
    assess,
    band,
    forecast,
    forecast_openings,
    forecast_share,
    gap,
    tki,
)
from scoring.forecast import geometric_growth, linear_trend, ratio_estimate
from tests.scoring.factories import closed, good_month


@pytest.mark.parametrize(
    ("actual", "category"),
    [
        (0.90, GapCategory.ACHIEVE),
        (0.80, GapCategory.ACHIEVE),  # gap 0 -> achieve
        (0.79, GapCategory.ON_TRACK),
        (0.60, GapCategory.ON_TRACK),  # gap / target = 25% exactly
        (0.59, GapCategory.OFF_TRACK),
        (0.0, GapCategory.OFF_TRACK),
    ],
)
def test_gap_categories(actual: float, category: GapCategory) -> None:
    g = gap("k_s", actual, 0.80)
    assert g.category is category
    assert g.gap == pytest.approx(0.80 - actual)


def test_gap_not_computable() -> None:
    g = gap("d_s", None, 0.85)
    assert (g.actual, g.gap, g.category) == (None, None, None)


def test_adequacy_and_tki() -> None:
    assert adequacy_of_effort(9, 12) == pytest.approx(75.0)
    assert adequacy_of_effort(1, 0) is None
    assert adequacy_of_performance(0.68, 0.85) == pytest.approx(80.0)
    assert adequacy_of_performance(None, 0.85) is None
    assert tki([0.4, None, 0.8], [0.5, 0.6, 0.8]) == pytest.approx(1.2 / 1.3 * 100)
    assert tki([None], [0.5]) is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, Band.BAIK),
        (80, Band.BAIK),
        (79.9, Band.CUKUP),
        (60, Band.CUKUP),
        (59, Band.KURANG),
        (40, Band.KURANG),
        (39.9, Band.BURUK),
        (0, Band.BURUK),
    ],
)
def test_bands(score: float, expected: Band) -> None:
    assert band(score) is expected


def test_forecast_methods() -> None:
    assert linear_trend([1, 2, 3], 12) == pytest.approx(12)
    assert linear_trend([], 12) is None
    assert ratio_estimate(6, 9, 12) == pytest.approx(8)
    assert ratio_estimate(6, 0, 12) is None
    assert geometric_growth(100, 121, 2, 1) == pytest.approx(133.1)
    assert geometric_growth(0, 5, 2, 1) is None
    fc = forecast([1.0, 1.0, 0.0])
    assert fc.ratio == pytest.approx(8.0)


def test_assessment_gaps_of_latest_opened_month() -> None:
    months = [good_month(Period(2026, m)) for m in range(1, 11)]
    months.append(closed(Period(2026, 11)))
    months[9] = months[9].with_values(s=50, k=40, d=20, n=10)
    a = assess(months)
    assert a.through == Period(2026, 11)
    assert a.latest_opened == Period(2026, 10)
    by = {g.indicator: g for g in a.gaps}
    assert by["k_s"].actual == pytest.approx(0.8)
    assert by["k_s"].category is GapCategory.ACHIEVE
    assert by["d_s"].actual == pytest.approx(0.4)
    assert by["d_s"].category is GapCategory.OFF_TRACK
    assert by["d_k"].actual == pytest.approx(0.5)
    assert by["d_k"].category is GapCategory.ON_TRACK
    assert a.largest_gap() is by["d_s"] or a.largest_gap() == by["d_s"]
    assert a.performance["d_s"] == pytest.approx(0.4 / 0.85 * 100)
    assert a.effort == pytest.approx(10 / 12 * 100)


def test_custom_targets_change_gaps() -> None:
    from scoring import ScoringSettings, Targets

    months = [good_month(Period(2026, 1), s=40, d=30)]
    a = assess(months, settings=ScoringSettings(targets=Targets(d_s=0.7)))
    d_s = next(g for g in a.gaps if g.indicator == "d_s")
    assert d_s.target == 0.7
    assert d_s.category is GapCategory.ACHIEVE


def test_year_end_projection_at_current_pace() -> None:
    # Opened 6 of the first 9 months: at that pace 8 openings by December -> still Madya+.
    months = [good_month(Period(2026, m)) for m in range(1, 10)]
    for m in (2, 4, 6):
        months[m - 1] = closed(Period(2026, m))
    a = assess(months)
    assert a.year_end.openings_so_far == 6
    assert a.year_end.projected_openings == 8
    assert a.year_end.projected_stratum is Stratum.MANDIRI
    # Opened 3 of 9: 4 by December -> Pratama.
    sparse = [
        good_month(Period(2026, m)) if m in (1, 5, 9) else closed(Period(2026, m))
        for m in range(1, 10)
    ]
    b = assess(sparse)
    assert b.year_end.projected_openings == 4
    assert b.year_end.projected_stratum is Stratum.PRATAMA


@pytest.mark.parametrize(
    ("series", "ceiling", "linear", "geometric"),
    [
        # D/S 40%, 70%, 50%, 76%, 76%, 92%: the raw line says 141% in December, growth 250%
        ([0.40, 0.70, 0.50, 0.76, 0.76, 0.92], 1.0, 1.0, 1.0),
        # falling fast: the line goes below 0
        ([0.9, 0.6, 0.3], 1.0, 0.0, pytest.approx(0.3 * (1 / 3) ** 4.5)),
        # steady: the forecast is the level itself
        ([0.5, 0.5, 0.5], 1.0, pytest.approx(0.5), pytest.approx(0.5)),
        # immunisation coverage may exceed 1: no ceiling, only the floor at 0
        ([0.5, 0.7, 0.9], None, pytest.approx(2.7), pytest.approx(0.9 * (0.9 / 0.5) ** 4.5)),
        ([0.0], 1.0, 0.0, None),
        ([], 1.0, None, None),
    ],
)
def test_share_forecasts_stay_within_bounds(
    series: list[float], ceiling: float | None, linear: object, geometric: object
) -> None:
    fc = forecast_share(series, ceiling=ceiling)
    assert fc.linear == linear
    assert fc.geometric == geometric
    assert fc.ratio is None  # a share is not a total to scale to the year


def test_noisy_ds_trend_no_longer_forecasts_141_percent() -> None:
    ds = [0.40, 0.70, 0.50, 0.76, 0.76, 0.92]
    assert linear_trend(ds, 12) == pytest.approx(1.4116, abs=1e-4)  # what was published
    months = [good_month(Period(2026, i), s=50, d=round(v * 50), n=20) for i, v in enumerate(ds, 1)]
    a = assess(months)
    assert a.year_end.d_s.linear == 1.0
    assert a.year_end.d_s.geometric == 1.0


@pytest.mark.parametrize(
    ("opened_months", "elapsed", "ratio"),
    [
        ((1, 2, 3, 4, 5, 6), 6, 12.0),
        ((1, 3, 5), 6, 6.0),
        ((2, 4, 6), 9, 4.0),  # the old line through 0,1,0,1,0,1,0,0,0 said 0.03 openings
        ((), 5, 0.0),
        ((1,), 1, 12.0),
    ],
)
def test_openings_are_forecast_by_the_ratio_estimate_only(
    opened_months: tuple[int, ...], elapsed: int, ratio: float
) -> None:
    months = [
        good_month(Period(2026, m)) if m in opened_months else closed(Period(2026, m))
        for m in range(1, elapsed + 1)
    ]
    fc = assess(months).year_end.openings
    assert fc.ratio == pytest.approx(ratio)
    assert fc.linear is None and fc.geometric is None
    assert forecast_openings(len(opened_months), elapsed) == fc


def test_effort_and_the_openings_forecast_count_only_the_known_months() -> None:
    """Issue 23: known since March, 6 sessions held of 6 by August. Effort was 6 / 12 = 50%
    and the year's openings 6 / 8 x 12 = 9: the months before ``since`` are unknown, not
    closed. The seed's ratio estimate is 12 / 6 x 6 = 12."""
    since = Period(2026, 3)
    months = [good_month(Period(2026, m)) for m in range(3, 9)]
    a = assess(months, Period(2026, 8), since=since)
    assert a.effort == pytest.approx(100.0)
    y = a.year_end
    assert (y.elapsed_months, y.known_months, y.openings_so_far) == (8, 6, 6)
    assert y.openings.ratio == pytest.approx(12.0)
    # September to December open at the known months' rate (all of them): 10 held by then.
    assert y.projected_openings == 10
    # Without since, January and February count as closed: as before.
    b = assess(months, Period(2026, 8))
    assert b.effort == pytest.approx(50.0)
    assert b.year_end.openings.ratio == pytest.approx(9.0)
    # Half the known months opened: effort 50%, the year's estimate 6.
    half = [good_month(Period(2026, m)) if m % 2 else closed(Period(2026, m)) for m in range(3, 9)]
    c = assess(half, Period(2026, 8), since=since)
    assert c.effort == pytest.approx(50.0)
    assert c.year_end.openings.ratio == pytest.approx(6.0)
    assert c.year_end.projected_openings == 3 + 2


def test_since_before_the_year_or_the_window_changes_nothing() -> None:
    months = [good_month(Period(2026, m)) for m in range(1, 9)]
    months[3] = closed(Period(2026, 4))
    plain = assess(months, Period(2026, 8))
    early = assess(months, Period(2026, 8), since=Period(2025, 1))
    assert early.effort == plain.effort == pytest.approx(7 / 12 * 100)
    assert early.year_end == plain.year_end
    # Since January of this year: the whole year so far is known, the window's 4 months of
    # 2025 are not (effort over the 8 known months).
    jan = assess(months, Period(2026, 8), since=Period(2026, 1))
    assert jan.effort == pytest.approx(7 / 8 * 100)
    assert jan.year_end.openings == plain.year_end.openings


def _ds_months(values: dict[int, float | None]) -> list[MonthReport]:
    """Months of 2026 with the given D/S (S = 1,000); None: closed."""
    return [
        closed(Period(2026, m))
        if v is None
        else good_month(Period(2026, m), s=1000, k=1000, d=round(v * 1000), n=100)
        for m, v in values.items()
    ]


def test_forecasts_step_over_calendar_months_not_the_list_of_opened_months() -> None:
    """Issue 23: a closed April moved the D/S forecast (geometric 65% -> 74%). The time of the
    trend and of the growth is the calendar month (seed 003: "t = jumlah interval waktu")."""
    # D/S grows 4% a month (geometric) from January: April's value lies on the same path.
    path = {m: round(0.4 * 1.04 ** (m - 1), 3) for m in range(1, 7)}
    opened = assess(_ds_months(path)).year_end.d_s
    closed_april = assess(_ds_months({**path, 4: None})).year_end.d_s
    assert closed_april.geometric == pytest.approx(opened.geometric, abs=1e-3)
    assert closed_april.geometric == pytest.approx(0.4 * 1.04**11, abs=1e-3)
    # A straight line: D/S 40% + 3 points a month. With April closed, the fitted line is the
    # same line, December 73% (the index of the opened months said 76%).
    line = {m: 0.40 + 0.03 * (m - 1) for m in range(1, 7)}
    assert assess(_ds_months(line)).year_end.d_s.linear == pytest.approx(0.73, abs=1e-3)
    assert assess(_ds_months({**line, 4: None})).year_end.d_s.linear == pytest.approx(
        0.73, abs=1e-3
    )
    y = assess(_ds_months({**line, 4: None})).year_end
    assert y.d_s_months == (1, 2, 3, 5, 6)


@pytest.mark.parametrize(
    ("months", "linear"),
    [((1, 2, 3), pytest.approx(0.73)), ((1, 3, 6), pytest.approx(0.73)), ((6,), 0.55)],
)
def test_share_forecast_takes_the_calendar_months(months: tuple[int, ...], linear: object) -> None:
    values = {1: 0.40, 2: 0.43, 3: 0.46, 6: 0.55}
    series = [values[m] for m in months]
    fc = forecast_share(series, ceiling=None, months=months)
    assert fc.linear == linear
    if len(months) > 1:
        # growth from the first to the last value over the calendar intervals between them
        first, last = series[0], series[-1]
        rate = (last / first) ** (1 / (months[-1] - months[0])) - 1
        assert fc.geometric == pytest.approx(last * (1 + rate) ** (12 - months[-1]))
    else:
        assert fc.geometric is None
    assert linear_trend([0.4, 0.46], 12, times=[1, 3]) == pytest.approx(0.73)
