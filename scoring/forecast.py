"""Year-end forecasts from the months so far: linear trend, ratio estimate, geometric growth.

What each method may forecast (domain.md, "Gaps and progress"): a coverage stays within 0-100%
(:func:`forecast_share`; immunisation coverage may exceed 1 and is given no ceiling), and a
count of openings is forecast by the ratio estimate only (:func:`forecast_openings`: a line
through a series of 0s and 1s means nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Forecast",
    "forecast",
    "forecast_openings",
    "forecast_share",
    "geometric_growth",
    "linear_trend",
    "ratio_estimate",
]


def linear_trend(
    values: Sequence[float], horizon: int, times: Sequence[int] | None = None
) -> float | None:
    """Least-squares line through ``values`` at the times ``times`` (default t = 1..n: one
    value per consecutive interval), evaluated at t = ``horizon``. The times are the calendar
    (seed 003: "t = jumlah interval waktu"): a month without a value is a gap in t, not a
    step skipped."""
    n = len(values)
    if n == 0:
        return None
    ts = list(range(1, n + 1)) if times is None else list(times)
    if len(ts) != n:
        raise ValueError(f"{n} values but {len(ts)} times")
    mean_t = sum(ts) / n
    mean_y = sum(values) / n
    sxx = sum((t - mean_t) ** 2 for t in ts)
    if sxx == 0:  # one value (or every value at one time): the level itself
        return float(mean_y)
    sxy = sum((t - mean_t) * (y - mean_y) for t, y in zip(ts, values, strict=True))
    slope = sxy / sxx
    return mean_y + slope * (horizon - mean_t)


def ratio_estimate(achieved: float, elapsed: int, total: int) -> float | None:
    """Y = Tt / Ta x A: the achievement so far scaled from the elapsed to the total time."""
    if elapsed <= 0:
        return None
    return total / elapsed * achieved


def geometric_growth(
    first: float, last: float, steps_so_far: int, steps_ahead: int
) -> float | None:
    """Pt = P0 (1 + r)^t, with r the mean growth rate from ``first`` to ``last``."""
    if steps_so_far <= 0 or first <= 0 or last < 0:
        return None
    rate: float = (last / first) ** (1 / steps_so_far) - 1
    return float(last * (1 + rate) ** steps_ahead)


@dataclass(frozen=True, slots=True)
class Forecast:
    linear: float | None
    ratio: float | None
    geometric: float | None


def forecast(monthly: Sequence[float], total_months: int = 12) -> Forecast:
    """Forecast a monthly series (one value per elapsed month) to month ``total_months``.

    ``linear`` and ``geometric`` forecast the value of the last month; ``ratio`` forecasts the
    year's total (the sum so far scaled to the whole year).
    """
    n = len(monthly)
    if n == 0:
        return Forecast(None, None, None)
    return Forecast(
        linear=linear_trend(monthly, total_months),
        ratio=ratio_estimate(sum(monthly), n, total_months),
        geometric=geometric_growth(monthly[0], monthly[-1], n - 1, total_months - n),
    )


def _within(value: float | None, ceiling: float | None) -> float | None:
    if value is None:
        return None
    low = max(0.0, value)
    return low if ceiling is None else min(ceiling, low)


def forecast_share(
    monthly: Sequence[float],
    total_months: int = 12,
    ceiling: float | None = 1.0,
    months: Sequence[int] | None = None,
) -> Forecast:
    """Forecast a monthly share (D/S, a coverage: a fraction) to month ``total_months``.

    ``months``: the calendar month (1-12) of each value (default 1..n, one value a month). A
    month without a value (closed, or not reported) is a gap in time, never skipped: the
    trend's t and the growth's intervals count calendar months.

    ``linear`` and ``geometric`` forecast the value of the last month, kept within 0 and
    ``ceiling`` (None for immunisation coverage, which may exceed 1). No ``ratio``: the ratio
    estimate scales a total so far to the year, and a share is not a total."""
    n = len(monthly)
    if n == 0:
        return Forecast(None, None, None)
    ts = list(range(1, n + 1)) if months is None else list(months)
    return Forecast(
        linear=_within(linear_trend(monthly, total_months, ts), ceiling),
        ratio=None,
        geometric=_within(
            geometric_growth(monthly[0], monthly[-1], ts[-1] - ts[0], total_months - ts[-1]),
            ceiling,
        ),
    )


def forecast_openings(openings: int, elapsed: int, total_months: int = 12) -> Forecast:
    """Forecast the openings of the year by the ratio estimate only (``ratio``: openings so
    far / months known x ``total_months``); a trend or a growth rate through a series of 0s
    and 1s means nothing, so ``linear`` and ``geometric`` are None."""
    return Forecast(
        linear=None, ratio=ratio_estimate(openings, elapsed, total_months), geometric=None
    )
