"""Year-end forecasts from the months so far: linear trend, ratio estimate, geometric growth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Forecast", "forecast", "geometric_growth", "linear_trend", "ratio_estimate"]


def linear_trend(values: Sequence[float], horizon: int) -> float | None:
    """Least-squares line through ``values`` (at t = 1..n), evaluated at t = ``horizon``."""
    n = len(values)
    if n == 0:
        return None
    if n == 1:
        return float(values[0])
    ts = range(1, n + 1)
    mean_t = (n + 1) / 2
    mean_y = sum(values) / n
    sxx = sum((t - mean_t) ** 2 for t in ts)
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
