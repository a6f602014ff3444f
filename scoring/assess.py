"""One posyandu's assessment at a month: strata, Posyandu Aktif, ratios, gaps, year-end outlook."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter

from scoring.forecast import Forecast, forecast_openings, forecast_share
from scoring.gaps import GAP_RATIOS, Gap, adequacy_of_effort, adequacy_of_performance, gap, tki
from scoring.history import months_known
from scoring.model import MonthReport, Period, Stratum
from scoring.ratios import RATIO_NAMES, MonthRatios, month_ratios, ratio
from scoring.rules import Problem, Severity, hard_problems, is_scorable
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings
from scoring.strata import IndicatorId, StrataResult, classify, indicator_values

__all__ = [
    "Assessment",
    "InvalidReportError",
    "Standing",
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
    #: The elapsed months of the year that are known (from ``since`` on; all of them when
    #: ``since`` is not given): the months before ``since`` are unknown, not closed.
    known_months: int
    openings_so_far: int
    #: The openings held in the known months of the year by December, if the months left
    #: open at the rate of the known months so far.
    projected_openings: int
    projected: StrataResult
    #: One value per elapsed month: 1.0 opened, 0.0 not.
    openings_series: tuple[float, ...]
    #: Monthly D/S of the opened months of the year, in order.
    d_s_series: tuple[float, ...]
    #: The calendar month (1-12) of each value of ``d_s_series``: the forecasts' time.
    d_s_months: tuple[int, ...] = ()

    @property
    def projected_stratum(self) -> Stratum | None:
        return self.projected.stratum

    @property
    def openings(self) -> Forecast:
        """Forecast of the year's openings: the ratio estimate only (``ratio``), openings in
        the known months / known months x 12 (seed 003: Y = Tt / Ta x A)."""
        return forecast_openings(self.openings_so_far, self.known_months)

    @property
    def d_s(self) -> Forecast:
        """Forecasts of monthly D/S in December, within 0-100%, over the calendar months (a
        closed month is a gap in time)."""
        return forecast_share(self.d_s_series, months=self.d_s_months or None)


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
    #: Adequacy of effort: openings held / known months of the window x 100 (the whole
    #: window without ``since``; months before it are unknown, not closed).
    effort: float | None
    year_end: YearEnd

    @property
    def months(self) -> tuple[MonthRatios, ...]:
        """Ratios of each month of the window that has a report, oldest first."""
        return tuple(month_ratios(m) for m in self.reports)

    @property
    def stratum(self) -> Stratum | None:
        """None while too few months are known (domain.md, "Decision (provisional stratum)")."""
        return self.strata.stratum

    @property
    def provisional(self) -> bool:
        return self.strata.provisional

    @property
    def months_known(self) -> int:
        return self.strata.months_known

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


_DUPLICATE = Problem("duplicate_period", "period", Severity.HARD)

# The assessment's inner loops key months by their index (Period.index: months since year 0)
# instead of by Period: an int hashes and sorts in C, a Period through Python code.


def _index(p: Period) -> int:
    """``p.index``, without the property call (this runs for every month of every window)."""
    return p.year * 12 + p.month - 1


def _check(months: Iterable[MonthReport]) -> dict[int, MonthReport]:
    """The months by index; raises :class:`InvalidReportError` for a hard rule broken or a
    period given twice."""
    by_index: dict[int, MonthReport] = {}
    problems: list[tuple[Period, Problem]] = []
    for m in months:
        p = m.period
        i = p.year * 12 + p.month - 1
        if i in by_index:
            problems.append((p, _DUPLICATE))
            continue
        by_index[i] = m
        if not is_scorable(m):
            problems.extend((p, problem) for problem in hard_problems(m))
    if problems:
        raise InvalidReportError(problems)
    return by_index


def _in_window(by_index: dict[int, MonthReport], last: int, months: int) -> list[MonthReport]:
    """The reports of the ``months``-month window ending at index ``last``, oldest first."""
    first = last - months + 1
    return [by_index[i] for i in sorted([i for i in by_index if first <= i <= last])]


def _known(since: Period | None, through: Period, settings: ScoringSettings) -> int | None:
    """Known months of the window ending at ``through`` (None: ``since`` not given, all)."""
    return None if since is None else months_known(since, through, settings.window_months)


@dataclass(frozen=True, slots=True)
class Standing:
    """A stratum result in brief, as a list of posyandu shows it (and storage keeps it): the
    stratum, Posyandu Aktif, provisional over how many known months, the limiting
    indicators."""

    stratum: Stratum | None
    posyandu_aktif: bool
    provisional: bool
    months_known: int
    limiting: tuple[IndicatorId, ...]

    @classmethod
    def of(cls, result: StrataResult) -> Standing:
        return cls(
            result.stratum,
            result.posyandu_aktif,
            result.provisional,
            result.months_known,
            result.limiting,
        )


def assess_stratum(
    months: Iterable[MonthReport],
    through: Period,
    settings: ScoringSettings = DEFAULT_SETTINGS,
    since: Period | None = None,
) -> StrataResult:
    """Only the stratum and its explanation (the roll-up path). Months outside the window are
    ignored; a report that breaks a hard rule raises :class:`InvalidReportError`. ``since``:
    where the posyandu's known history starts (None: the whole window is known)."""
    window = _in_window(_check(months), _index(through), settings.window_months)
    opened = [m for m in window if m.buka]
    return classify(indicator_values(opened), through, settings, _known(since, through, settings))


#: The numerator and denominator fields of the gap ratios, in GAP_RATIOS order.
_GAP_NUMERATORS = attrgetter(*(RATIO_NAMES[name][0] for name in GAP_RATIOS))
_GAP_DENOMINATORS = attrgetter(*(RATIO_NAMES[name][1] for name in GAP_RATIOS))
_GAP_TARGETS = attrgetter(*GAP_RATIOS)


def assess(
    months: Iterable[MonthReport],
    through: Period | None = None,
    settings: ScoringSettings = DEFAULT_SETTINGS,
    since: Period | None = None,
) -> Assessment:
    """The full assessment at ``through`` (default: the latest period given); ``since``: where
    the posyandu's known history starts (None: the whole window is known).

    Months outside the window ending at ``through`` are ignored here (callers that must refuse
    them check first). Raises :class:`InvalidReportError` for reports that break a hard rule,
    and ``ValueError`` when no month is given and no ``through``.
    """
    by_index = _check(months)
    if through is None:
        if not by_index:
            raise ValueError("no months given and no 'through' period")
        through = by_index[max(by_index)].period
    window = _in_window(by_index, _index(through), settings.window_months)
    opened = [m for m in window if m.buka]
    known = _known(since, through, settings)
    strata = classify(indicator_values(opened), through, settings, known)
    latest = opened[-1] if opened else None
    # The ratios of the latest opened month, as month_ratios(latest) gives them.
    if latest is None:
        actuals: tuple[float | None, ...] = (None,) * len(GAP_RATIOS)
    else:
        actuals = tuple(map(ratio, _GAP_NUMERATORS(latest), _GAP_DENOMINATORS(latest)))
    gaps = tuple(
        gap(name, actual, target, settings)
        for name, actual, target in zip(
            GAP_RATIOS, actuals, _GAP_TARGETS(settings.targets), strict=True
        )
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
        effort=adequacy_of_effort(len(opened), settings.window_months if known is None else known),
        year_end=_year_end(by_index, window, through, settings, strata, since),
    )


def _year_end(
    by_index: dict[int, MonthReport],
    window: list[MonthReport],
    through: Period,
    settings: ScoringSettings,
    current: StrataResult,
    since: Period | None = None,
) -> YearEnd:
    """Project the calendar year to December: future months open at the year's rate so far
    (the ratio estimate), with the values of the latest opened month (the current pace)."""
    year, elapsed = through.year, through.month
    last = _index(through)
    if settings.window_months >= elapsed:  # the window (oldest first) holds the year so far
        this_year = [m for m in window if m.period.year == year]
    else:
        this_year = _in_window(by_index, last, elapsed)
    # The months of the year before ``since`` are unknown, not closed.
    known_so_far = elapsed if since is None else max(0, min(elapsed, last - _index(since) + 1))
    opened = [m for m in this_year if m.buka and m.period.month > elapsed - known_so_far]
    openings = [0.0] * elapsed
    for m in opened:
        openings[m.period.month - 1] = 1.0
    left = 12 - elapsed
    # The ratio estimate of the known months and the months left, exactly (a float would
    # round 7.5 either way): openings x (known + left) / known, less those already held.
    future_openings = 0
    if known_so_far:
        projected_total = round(Fraction(len(opened) * (known_so_far + left), known_so_far))
        future_openings = max(0, min(left, projected_total - len(opened)))
    if elapsed == 12:
        projected = current  # nothing left to project: December's window is the year
    else:
        # December's window: the reports so far, then the future openings, each a copy of the
        # latest opened month (only their values count, and those are all the same).
        december = last + 12 - elapsed
        so_far = _in_window(by_index, last, settings.window_months - (december - last))
        december_opened = [m for m in so_far if m.buka]
        if opened:
            first = december - settings.window_months + 1
            inside = sum(1 for i in range(1, future_openings + 1) if last + i >= first)
            december_opened.extend([opened[-1]] * inside)
        dec = Period(year, 12)
        known = _known(since, dec, settings)
        projected = classify(indicator_values(december_opened), dec, settings, known)
    d_s = [(m.period.month, m.d / m.s) for m in opened if m.s and m.d is not None]
    return YearEnd(
        year=year,
        elapsed_months=elapsed,
        known_months=known_so_far,
        openings_so_far=len(opened),
        projected_openings=len(opened) + (future_openings if opened else 0),
        projected=projected,
        openings_series=tuple(openings),
        d_s_series=tuple(value for _month, value in d_s),
        d_s_months=tuple(month for month, _value in d_s),
    )
