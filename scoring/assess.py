"""One posyandu's assessment at a month: strata, Posyandu Aktif, ratios, gaps, year-end outlook."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring.forecast import Forecast, forecast
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
    window_months,
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
    #: Forecasts of the year's openings (``ratio``: total) and of monthly D/S in December.
    openings: Forecast
    d_s: Forecast
    projected_openings: int
    projected: StrataResult

    @property
    def projected_stratum(self) -> Stratum:
        return self.projected.stratum


@dataclass(frozen=True, slots=True)
class Assessment:
    through: Period
    window: tuple[Period, ...]
    strata: StrataResult
    #: Ratios of each month of the window that has a report, oldest first.
    months: tuple[MonthRatios, ...]
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
    first = through.shift(1 - settings.window_months)
    return sorted(
        (m for p, m in by_period.items() if first <= p <= through), key=lambda m: m.period
    )


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
    ratios = tuple(month_ratios(m) for m in window)
    opened = [r for r in ratios if r.buka]
    latest = opened[-1] if opened else None
    gaps = tuple(
        gap(name, latest.get(name) if latest else None, settings.targets.get(name), settings)
        for name in GAP_RATIOS
    )
    performance = {g.indicator: adequacy_of_performance(g.actual, g.target) for g in gaps}
    return Assessment(
        through=through,
        window=window_months(through, settings),
        strata=strata,
        months=ratios,
        latest_opened=latest.period if latest else None,
        gaps=gaps,
        performance=performance,
        tki=tki([g.actual for g in gaps], [g.target for g in gaps]),
        effort=adequacy_of_effort(len(opened), settings.window_months),
        year_end=_year_end(by_period, through, settings),
    )


def _year_end(
    by_period: dict[Period, MonthReport], through: Period, settings: ScoringSettings
) -> YearEnd:
    """Project the calendar year to December: future months open at the year's rate so far,
    with the values of the latest opened month (the current pace)."""
    year = through.year
    december = Period(year, 12)
    elapsed = through.month
    this_year = [by_period.get(Period(year, mo)) for mo in range(1, elapsed + 1)]
    opened = [m for m in this_year if m is not None and m.buka]
    openings_series = [1.0 if m is not None and m.buka else 0.0 for m in this_year]
    ds_series = [m.d / m.s for m in opened if m.s and m.d is not None]
    openings_fc = forecast(openings_series)
    remaining = 12 - elapsed
    projected_total = round(openings_fc.ratio or 0.0)
    future_openings = max(0, min(remaining, projected_total - len(opened)))
    history = {p: m for p, m in by_period.items() if p <= through}
    if opened and future_openings:
        template = opened[-1]
        for i in range(1, future_openings + 1):
            p = through.shift(i)
            history[p] = template.with_values(period=p)
    window = _in_window(history, december, settings)
    projected = classify(compute_indicators(window, settings), december, settings)
    return YearEnd(
        year=year,
        elapsed_months=elapsed,
        openings_so_far=len(opened),
        openings=openings_fc,
        d_s=forecast(ds_series),
        projected_openings=len(opened) + future_openings,
        projected=projected,
    )
