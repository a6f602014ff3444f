"""One posyandu's assessment at a month: strata, Posyandu Aktif, ratios, gaps, year-end outlook."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring.forecast import Forecast, forecast, ratio_estimate
from scoring.gaps import GAP_RATIOS, Gap, adequacy_of_effort, adequacy_of_performance, gap, tki
from scoring.model import MonthReport, Period, Stratum
from scoring.ratios import MonthRatios, month_ratios
from scoring.rules import Problem, Severity, hard_problems
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings
from scoring.strata import (
    IndicatorId,
    StrataResult,
    classify,
    compute_indicators,
)

__all__ = [
    "Assessment",
    "InvalidReportError",
    "YearEnd",
    "assess",
    "assess_stratum",
]


class InvalidReportError(ValueError):
    """Reports that break a hard rule (or repeat a period) are refused, never scored."""

    def __init__(self, problems: Sequence[tuple[Period, Problem]]) -> None:
        self.problems = tuple(problems)
        lines = [f"{period}: {p.field}: {p.rule}" for period, p in self.problems]
        super().__init__("invalid reports: " + "; ".join(lines))


@dataclass(frozen=True, slots=True)
class YearEnd:
    """The calendar year of ``through``, projected to December at the current pace."""

    year: int
    elapsed_months: int
    openings_so_far: int
    projected_openings: int
    projected: StrataResult
    #: One value per elapsed month: 1.0 opened, 0.0 not.
    openings_series: tuple[float, ...]
    #: Monthly D/S of the opened months of the year, in order.
    d_s_series: tuple[float, ...]

    @property
    def projected_stratum(self) -> Stratum:
        return self.projected.stratum

    @property
    def openings(self) -> Forecast:
        """Forecasts of openings (``ratio``: the year's total)."""
        return forecast(self.openings_series)

    @property
    def d_s(self) -> Forecast:
        """Forecasts of monthly D/S in December."""
        return forecast(self.d_s_series)


@dataclass(frozen=True, slots=True)
class Assessment:
    through: Period
    #: First and last period of the window.
    window: tuple[Period, Period]
    strata: StrataResult
    #: The reports of the window, oldest first (months without a report are absent).
    reports: tuple[MonthReport, ...]
    latest_opened: Period | None
    #: Gaps of the latest opened month (K/S, D/S, D/K, N/D).
    gaps: tuple[Gap, ...]
    #: Adequacy of performance (achievement / target x 100) per gap ratio.
    performance: dict[str, float | None]
    #: Tingkat kesesuaian over the gap ratios.
    tki: float | None
    #: Adequacy of effort: openings held / months in the window x 100.
    effort: float | None
    year_end: YearEnd

    @property
    def months(self) -> tuple[MonthRatios, ...]:
        """Ratios of each month of the window that has a report, oldest first."""
        return tuple(month_ratios(m) for m in self.reports)

    @property
    def stratum(self) -> Stratum:
        return self.strata.stratum

    @property
    def posyandu_aktif(self) -> bool:
        return self.strata.posyandu_aktif

    @property
    def limiting(self) -> tuple[IndicatorId, ...]:
        return self.strata.limiting

    def largest_gap(self) -> Gap | None:
        """The gap furthest from its target relative to the target, if any is behind."""
        behind = [g for g in self.gaps if g.gap is not None and g.gap > 0]
        return max(behind, key=lambda g: (g.gap or 0) / g.target, default=None)


_DUPLICATE = Problem("duplicate_period", "period", Severity.HARD, "Bulan ini dilaporkan dua kali.")


def _check(months: Iterable[MonthReport]) -> dict[Period, MonthReport]:
    by_period: dict[Period, MonthReport] = {}
    problems: list[tuple[Period, Problem]] = []
    for m in months:
        if m.period in by_period:
            problems.append((m.period, _DUPLICATE))
            continue
        by_period[m.period] = m
        problems.extend((m.period, p) for p in hard_problems(m))
    if problems:
        raise InvalidReportError(problems)
    return by_period


def _in_window(
    by_period: dict[Period, MonthReport], through: Period, settings: ScoringSettings
) -> list[MonthReport]:
    last = through.index
    first = last - settings.window_months + 1
    inside = [(p.index, m) for p, m in by_period.items() if first <= p.index <= last]
    inside.sort(key=lambda pair: pair[0])
    return [m for _i, m in inside]


def assess_stratum(
    months: Iterable[MonthReport],
    through: Period,
    settings: ScoringSettings = DEFAULT_SETTINGS,
) -> StrataResult:
    """Only the stratum and its explanation (the roll-up path). Months outside the window are
    ignored; a report that breaks a hard rule raises :class:`InvalidReportError`."""
    window = _in_window(_check(months), through, settings)
    return classify(compute_indicators(window, settings), through, settings)


def assess(
    months: Iterable[MonthReport],
    through: Period | None = None,
    settings: ScoringSettings = DEFAULT_SETTINGS,
) -> Assessment:
    """The full assessment at ``through`` (default: the latest period given).

    Months outside the window ending at ``through`` are ignored here (callers that must refuse
    them check first). Raises :class:`InvalidReportError` for reports that break a hard rule,
    and ``ValueError`` when no month is given and no ``through``.
    """
    by_period = _check(months)
    if through is None:
        if not by_period:
            raise ValueError("no months given and no 'through' period")
        through = max(by_period)
    window = _in_window(by_period, through, settings)
    strata = classify(compute_indicators(window, settings), through, settings)
    opened = [m for m in window if m.buka]
    latest = month_ratios(opened[-1]) if opened else None
    gaps = tuple(
        gap(name, latest.get(name) if latest else None, settings.targets.get(name), settings)
        for name in GAP_RATIOS
    )
    performance = {g.indicator: adequacy_of_performance(g.actual, g.target) for g in gaps}
    return Assessment(
        through=through,
        window=(through.shift(1 - settings.window_months), through),
        strata=strata,
        reports=tuple(window),
        latest_opened=latest.period if latest else None,
        gaps=gaps,
        performance=performance,
        tki=tki([g.actual for g in gaps], [g.target for g in gaps]),
        effort=adequacy_of_effort(len(opened), settings.window_months),
        year_end=_year_end(by_period, through, settings, strata),
    )


def _year_end(
    by_period: dict[Period, MonthReport],
    through: Period,
    settings: ScoringSettings,
    current: StrataResult,
) -> YearEnd:
    """Project the calendar year to December: future months open at the year's rate so far
    (the ratio estimate), with the values of the latest opened month (the current pace)."""
    year, elapsed = through.year, through.month
    this_year = sorted(
        (m for p, m in by_period.items() if p.year == year and p.month <= elapsed),
        key=lambda m: m.period.month,
    )
    opened = [m for m in this_year if m.buka]
    opened_months = {m.period.month for m in opened}
    openings_series = tuple(1.0 if mo in opened_months else 0.0 for mo in range(1, elapsed + 1))
    projected_total = round(ratio_estimate(len(opened), elapsed, 12) or 0.0)
    future_openings = max(0, min(12 - elapsed, projected_total - len(opened)))
    if elapsed == 12:
        projected = current  # nothing left to project: December's window is the year
    else:
        history = {p: m for p, m in by_period.items() if p <= through}
        if opened:
            for i in range(1, future_openings + 1):
                p = through.shift(i)
                history[p] = opened[-1].with_values(period=p)
        december = Period(year, 12)
        window = _in_window(history, december, settings)
        projected = classify(compute_indicators(window, settings), december, settings)
    return YearEnd(
        year=year,
        elapsed_months=elapsed,
        openings_so_far=len(opened),
        projected_openings=len(opened) + (future_openings if opened else 0),
        projected=projected,
        openings_series=openings_series,
        d_s_series=tuple(m.d / m.s for m in opened if m.s and m.d is not None),
    )
