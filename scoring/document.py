"""The JSON contract of ``posyandu score``: a parsed document in, a plain dict out.

Pure: takes an already-decoded JSON value and returns values; reading files is the caller's.
Problems are reported in precise English, one per line, naming the month and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scoring.assess import Assessment, YearEnd, assess
from scoring.fields import (
    CHOICE_FIELDS,
    COUNT_FIELDS,
    FIELD_BY_ID,
    LIST_FIELD,
    REPORT_FIELDS,
    SERVICE_FIELDS,
)
from scoring.model import MonthReport, Period, PeriodError, Stratum
from scoring.rules import english, hard_problems
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings
from scoring.strata import StrataResult

__all__ = ["DocumentError", "ScoreRequest", "assessment_to_dict", "parse_document", "score"]

_MONTH_KEYS = frozenset({"period", *REPORT_FIELDS})
_TARGET_KEYS = ("k_s", "d_s", "d_k", "n_d")


class DocumentError(ValueError):
    """The input document is not valid; ``problems`` holds one English line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class ScoreRequest:
    months: tuple[MonthReport, ...]
    through: Period
    settings: ScoringSettings
    #: Where the posyandu's known history starts (None: not given, the whole window known).
    since: Period | None = None


def _where(index: int, period: str | None) -> str:
    return f"months[{index}] ({period})" if period else f"months[{index}]"


def _parse_month(index: int, raw: object, problems: list[str]) -> MonthReport | None:
    if not isinstance(raw, Mapping):
        problems.append(f"months[{index}]: must be an object, got {type(raw).__name__}")
        return None
    start = len(problems)
    raw_period = raw.get("period")
    period: Period | None = None
    label = raw_period if isinstance(raw_period, str) else None
    where = _where(index, label)
    if raw_period is None:
        problems.append(f"{where}: period: missing")
    elif not isinstance(raw_period, str):
        problems.append(f"{where}: period: must be a string YYYY-MM")
    else:
        try:
            period = Period.parse(raw_period)
        except PeriodError as exc:
            problems.append(f"{where}: period: {exc}")
    for key in sorted(set(raw) - _MONTH_KEYS):
        problems.append(f"{where}: {key}: unknown field")
    buka = raw.get("buka", True)
    if not isinstance(buka, bool):
        problems.append(f"{where}: buka: must be true or false, got {buka!r}")
    counts: dict[str, int | None] = {}
    for name in COUNT_FIELDS:
        value = raw.get(name)
        if value is None:
            counts[name] = None
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: {name}: must be a whole number, got {value!r}")
        elif value < 0:
            problems.append(f"{where}: {name}: must not be negative, got {value}")
        else:
            counts[name] = value
    programme = _parse_programme(raw.get(LIST_FIELD), where, problems)
    choices = _parse_choices(raw, where, problems)
    # The rules between fields are checked over the values that are valid, even when the
    # period or another value is bad, so that every problem of the month is listed.
    checked = MonthReport(period=period or Period(2000, 1), buka=buka is not False)
    checked = checked.with_values(**{**dict.fromkeys(COUNT_FIELDS), **counts, **choices})
    for p in hard_problems(checked):
        problems.append(f"{where}: {p.field}: {english(p.rule, checked)}")
    if len(problems) > start or period is None or not isinstance(buka, bool):
        return None
    return MonthReport(period, buka).with_values(**counts, **choices, **{LIST_FIELD: programme})


def _parse_choices(raw: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, str]:
    """The choice fields given (how the month was served: ``"kunjungan_rumah"``); a value not
    among the field's choices is a problem."""
    out: dict[str, str] = {}
    for name in CHOICE_FIELDS:
        value = raw.get(name)
        if value is None:
            continue
        allowed = FIELD_BY_ID[name].choices
        if value not in allowed:
            problems.append(f"{where}: {name}: must be one of {', '.join(allowed)}, got {value!r}")
        else:
            out[name] = value
    return out


def _period_of(raw: object) -> Period | None:
    """The valid period of a month entry, whatever else is wrong with it; else None."""
    value = raw.get("period") if isinstance(raw, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        return Period.parse(value)
    except PeriodError:
        return None


def _parse_programme(value: object, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return ("ya",) if value else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    problems.append(f"{where}: {LIST_FIELD}: must be a list of names or true/false")
    return None


def _parse_settings(raw: object, base: ScoringSettings, problems: list[str]) -> ScoringSettings:
    """``base`` with the document's target overrides, if any."""
    if raw is None:
        return base
    if not isinstance(raw, Mapping):
        problems.append("targets: must be an object with keys k_s, d_s, d_k, n_d")
        return base
    values: dict[str, float] = {}
    for key in sorted(raw):
        value = raw[key]
        if key not in _TARGET_KEYS:
            problems.append(f"targets: {key}: unknown target (use k_s, d_s, d_k, n_d)")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            problems.append(f"targets: {key}: must be a fraction in (0, 1], got {value!r}")
        else:
            values[key] = float(value)
    if not values:
        return base
    return replace(base, targets=replace(base.targets, **values))


def parse_document(doc: object, settings: ScoringSettings = DEFAULT_SETTINGS) -> ScoreRequest:
    """Validate a decoded ``posyandu score`` document; raise :class:`DocumentError`.

    ``settings`` are the operator's (targets, Decisions, window); the document's ``targets``
    override their targets."""
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise DocumentError([f"document: must be a JSON object, got {type(doc).__name__}"])
    for key in sorted(set(doc) - {"months", "through", "since", "targets"}):
        problems.append(f"document: {key}: unknown key (use months, through, since, targets)")
    raw_months = doc.get("months")
    if not isinstance(raw_months, list):
        problems.append("months: must be a list of month objects")
        raw_months = []
    months: list[MonthReport] = []
    seen: dict[Period, int] = {}
    for i, raw in enumerate(raw_months):
        month = _parse_month(i, raw, problems)
        # A repeated month is named even when either entry is invalid otherwise.
        period = month.period if month is not None else _period_of(raw)
        if period is not None:
            if period in seen:
                problems.append(
                    f"{_where(i, str(period))}: period: given twice (also months[{seen[period]}])"
                )
                continue
            seen[period] = i
        if month is not None:
            months.append(month)
    through = _parse_period_key(doc, "through", problems)
    since = _parse_period_key(doc, "since", problems)
    settings = _parse_settings(doc.get("targets"), settings, problems)
    if through is None and months:
        through = max(m.period for m in months)
    if through is not None:
        first = through.shift(1 - settings.window_months)
        for m in months:
            if not first <= m.period <= through:
                problems.append(
                    f"months[{seen[m.period]}] ({m.period}): period: outside the "
                    f"{settings.window_months}-month window {first}..{through}"
                )
    elif not problems:
        problems.append("months: empty, and no 'through' period given")
    if since is not None:
        for m in months:
            if m.period < since:
                problems.append(
                    f"months[{seen[m.period]}] ({m.period}): period: before since {since} "
                    "(the known history starts there)"
                )
    if problems or through is None:
        raise DocumentError(problems)
    return ScoreRequest(tuple(months), through, settings, since)


def _parse_period_key(doc: Mapping[str, object], key: str, problems: list[str]) -> Period | None:
    """The document's optional period ``key`` ("through", "since"), or None."""
    raw = doc.get(key)
    if raw is None:
        return None
    try:
        if not isinstance(raw, str):
            raise PeriodError(f"{key} must be a string YYYY-MM")
        return Period.parse(raw)
    except PeriodError as exc:
        problems.append(f"{key}: {exc}")
        return None


def _num(value: float | int | bool | None) -> float | int | bool | None:
    if isinstance(value, float):
        return round(value, 6)
    return value


def _indicators(s: StrataResult) -> dict[str, Any]:
    return {
        iid.value: {
            "number": ind.number,
            "value": _num(ind.value),
            "passes": {k.value: v for k, v in ind.passes.items()},
            "required": _num(ind.required),
            "required_from": ind.required_from.value,
            "missing": list(ind.missing),
        }
        for iid, ind in s.indicators.items()
    }


def _next(s: StrataResult) -> dict[str, Any] | None:
    if s.next_stratum is None:
        return None
    return {
        "stratum": s.next_stratum.value,
        "needs": [
            {
                "indicator": n.indicator.value,
                "actual": _num(n.actual),
                "required": _num(n.required),
                "shortfall": _num(n.shortfall),
                "missing": list(n.missing),
                "text": n.describe(),
            }
            for n in s.needs
        ],
    }


def _year_end(y: YearEnd, since_given: bool = False) -> dict[str, Any]:
    """``months_known`` (the elapsed months of the year from ``since`` on, what the openings'
    ratio estimate rests on) only with ``since``: without it the shape is the one pinned."""
    known = {"months_known": y.known_months} if since_given else {}
    return {
        "year": y.year,
        "elapsed_months": y.elapsed_months,
        **known,
        "openings_so_far": y.openings_so_far,
        "projected_openings": y.projected_openings,
        "projected_stratum": _value(y.projected_stratum),
        "forecast_openings": {
            "linear": _num(y.openings.linear),
            "ratio": _num(y.openings.ratio),
            "geometric": _num(y.openings.geometric),
        },
        "forecast_d_s": {"linear": _num(y.d_s.linear), "geometric": _num(y.d_s.geometric)},
    }


def _value(stratum: Stratum | None) -> str | None:
    return stratum.value if stratum is not None else None


def _services(reports: Sequence[MonthReport]) -> dict[Period, dict[str, Any]]:
    """The optional service values each month was given (echoed, never scored): a month
    given none echoes nothing, so an input without them gives the output it always did."""
    out: dict[Period, dict[str, Any]] = {}
    for report in reports:
        values = {name: getattr(report, name) for name in SERVICE_FIELDS}
        out[report.period] = {k: v for k, v in values.items() if v is not None}
    return out


def assessment_to_dict(
    a: Assessment, since_given: bool = False, reports: Sequence[MonthReport] = ()
) -> dict[str, Any]:
    """The published JSON shape of an assessment (see README, "posyandu score"); with
    ``since_given``, ``provisional`` and ``months_known`` follow ``stratum`` (without it the
    shape is exactly the one before ``since`` existed); the optional service values of
    ``reports`` (the input months) are echoed in their month."""
    s = a.strata
    known: dict[str, Any] = {}
    if since_given:
        known = {"provisional": s.provisional, "months_known": s.months_known}
    services = _services(reports)
    return {
        "through": str(a.through),
        "window": [str(a.window[0]), str(a.window[1])],
        "stratum": _value(s.stratum),
        **known,
        "indicators": _indicators(s),
        "limiting": [i.value for i in s.limiting],
        "next": _next(s),
        "missing": {i.value: list(v) for i, v in s.missing.items()},
        "posyandu_aktif": s.posyandu_aktif,
        "months": [
            {
                "period": str(m.period),
                "buka": m.buka,
                **{k: _num(m.get(k)) for k in ("k_s", "d_s", "d_k", "n_d", "n_s", "bgm_d", "t2_d")},
                **services.get(m.period, {}),
            }
            for m in a.months
        ],
        "latest_opened": str(a.latest_opened) if a.latest_opened else None,
        "gaps": [
            {
                "indicator": g.indicator,
                "target": _num(g.target),
                "actual": _num(g.actual),
                "gap": _num(g.gap),
                "category": g.category.value if g.category else None,
            }
            for g in a.gaps
        ],
        "performance": {k: _num(v) for k, v in a.performance.items()},
        "tki": _num(a.tki),
        "effort": _num(a.effort),
        "year_end": _year_end(a.year_end, since_given),
    }


def score(doc: object, settings: ScoringSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """Parse, assess and serialise: the whole of ``posyandu score`` but the I/O (and reading
    the operator's ``settings``)."""
    request = parse_document(doc, settings)
    a = assess(request.months, request.through, request.settings, request.since)
    return assessment_to_dict(a, since_given=request.since is not None, reports=request.months)
