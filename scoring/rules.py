"""The data-quality rules of domain.md, as data.

Each rule has an id, the fields it reads and a severity (hard: the answer is refused; soft: the
kader confirms or corrects). A :class:`Problem` names its rule, field and the values that broke
it; the conversation layer words it from the catalogue (``rule.<id>``). The order rules
(K <= S ...) come from the field registry. The same rules check one answer at a time (the chat
flow: :func:`check_answer`) and a whole report (:func:`check_report`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from scoring.fields import (
    CHOICE_FIELDS,
    COUNT_FIELDS,
    DENOMINATOR_FIELDS,
    FIELD_BY_ID,
    FIELDS,
    HOME_VISIT,
    ORDER_RULES,
    REFERRAL_FIELD,
    REFERRED_FIELDS,
    SERVED_FIELD,
    WEIGHED_PARTS,
    FieldRole,
    to_refer,
)
from scoring.model import MonthReport, Period
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings

__all__ = [
    "RULES",
    "Problem",
    "Rule",
    "RuleContext",
    "Severity",
    "check_answer",
    "check_choice",
    "check_report",
    "check_value",
    "english",
    "hard_problems",
    "is_scorable",
]


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    fields: tuple[str, ...]
    severity: Severity


@dataclass(frozen=True, slots=True)
class Problem:
    """A broken rule: which, on which field, and the values the message needs (``small`` and
    ``big`` for an order rule; ``previous``, ``value``, ``limit``, ``hari_buka``, ``period``,
    ``months``, ``d`` and ``k`` for the soft ones)."""

    rule: str
    field: str
    severity: Severity
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def hard(self) -> bool:
        return self.severity is Severity.HARD


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the soft rules compare against; every part optional (a rule without it is skipped).

    ``settings`` holds the soft rules' limits (``denominator_change_limit``,
    ``denominator_change_min``, ``max_months_back`` ...): the same values for the chat (one
    answer) and a whole report.
    """

    previous: MonthReport | None = None
    today: date | None = None
    hari_buka: date | None = None
    current_period: Period | None = None
    settings: ScoringSettings = DEFAULT_SETTINGS
    #: Counts the child register gives this month (S, K): an answer that differs is asked
    #: back once (``register_differs``); the kader's answer wins.
    register: Mapping[str, int] = dataclasses.field(default_factory=dict)


#: D and its parts (D = N + T + O + B).
SUM_FIELDS: tuple[str, ...] = ("d", *WEIGHED_PARTS)

RULES: tuple[Rule, ...] = (
    Rule("whole_number", COUNT_FIELDS, Severity.HARD),
    Rule("non_negative", COUNT_FIELDS, Severity.HARD),
    Rule("known_choice", CHOICE_FIELDS, Severity.HARD),
    # A month served by home visits counts as opened (domain.md, the served field): a home visit
    # in a month reported closed contradicts itself.
    Rule("home_visit_closed", (SERVED_FIELD, "buka"), Severity.HARD),
    *(Rule(r.id, (r.small, r.big), Severity.HARD) for r in ORDER_RULES),
    # Soft rules, the most important first: a report shows one warning at a time, in this order.
    Rule("all_zero", ("buka",), Severity.SOFT),
    Rule("d_gt_k", ("d", "k"), Severity.SOFT),
    # D = N + T + O + B (domain.md, per-child register), once all five are known: soft, the
    # kader confirms or corrects (a count typed by hand may be off; the register's never is).
    Rule("d_sum", SUM_FIELDS, Severity.SOFT),
    # Nobody referred while BGM, 2T or KEK are above zero (domain.md); only once the
    # referral count is known: a report that was not asked it cannot break it.
    Rule("no_referral", (REFERRAL_FIELD, *REFERRED_FIELDS), Severity.SOFT),
    Rule("denominator_change", DENOMINATOR_FIELDS, Severity.SOFT),
    Rule("n_gt_previous_d", ("n",), Severity.SOFT),
    # S or K answered otherwise than the child register counts them (after SELESAI).
    Rule("register_differs", ("s", "k"), Severity.SOFT),
    Rule("kader_change", ("kader",), Severity.SOFT),
    Rule("before_hari_buka", ("buka",), Severity.SOFT),
    Rule("old_period", ("buka",), Severity.SOFT),
)

_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
#: A rule's place in :data:`RULES`: problems are listed in this order (the most important first).
_RANK: dict[str, int] = {rule.id: i for i, rule in enumerate(RULES)}

#: The counts of what happened in the month (not head counts, not kader on duty): all zero in
#: an opened month is questioned (``all_zero``).
ACTIVITY_FIELDS: tuple[str, ...] = tuple(
    f.id for f in FIELDS if f.role is FieldRole.COUNT and f.id != "kader"
)


def _problem(rule_id: str, field: str, **values: Any) -> Problem:
    return Problem(rule_id, field, _BY_ID[rule_id].severity, values)


def check_value(field: str, value: object) -> list[Problem]:
    """Type rules of one raw value: a whole number, not negative. ``None`` (unknown) passes."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [_problem("whole_number", field)]
    if value < 0:
        return [_problem("non_negative", field)]
    return []


def check_choice(field: str, value: object) -> list[Problem]:
    """A choice field's value is one of its choices. ``None`` (unknown) passes."""
    if value is None or value in FIELD_BY_ID[field].choices:
        return []
    return [_problem("known_choice", field, value=value)]


def _order_problems(values: Mapping[str, int | None], only: str | None) -> list[Problem]:
    out: list[Problem] = []
    for rule in ORDER_RULES:
        if only is not None and only not in (rule.small, rule.big):
            continue
        a, b = values.get(rule.small), values.get(rule.big)
        if a is not None and b is not None and a > b:
            out.append(_problem(rule.id, only or rule.small, small=a, big=b))
    return out


def _denominator_problems(
    field: str, value: int, prev: MonthReport, ctx: RuleContext
) -> list[Problem]:
    before = prev.count(field)
    limit = ctx.settings.denominator_change_limit
    moved = abs(value - before) if before else 0
    if before and moved > limit * before and moved >= ctx.settings.denominator_change_min:
        return [
            _problem(
                "denominator_change", field, previous=before, value=value, limit=f"{limit * 100:g}"
            )
        ]
    return []


def _kader_problems(value: int, prev: MonthReport, ctx: RuleContext) -> list[Problem]:
    before = prev.kader
    if before is None:
        return []
    ratio = ctx.settings.kader_change_ratio
    far = value > ratio * before or value * ratio < before
    if far and abs(value - before) >= ctx.settings.kader_change_min:
        return [_problem("kader_change", "kader", previous=before, value=value)]
    return []


def _register_problems(field: str, value: int | None, ctx: RuleContext) -> list[Problem]:
    """A count the child register gives (S, K), answered otherwise."""
    counted = ctx.register.get(field)
    if value is None or counted is None or value == counted:
        return []
    return [_problem("register_differs", field, value=value, register=counted)]


def _soft_value_problems(
    field: str, value: int | None, ctx: RuleContext, period: Period | None
) -> list[Problem]:
    differs = _register_problems(field, value, ctx)
    if differs:
        return differs
    prev = ctx.previous
    if prev is None or value is None or not prev.buka:
        return []
    if field in DENOMINATOR_FIELDS:
        return _denominator_problems(field, value, prev, ctx)
    if field == "kader":
        return _kader_problems(value, prev, ctx)
    if (
        field == "n"
        and prev.d is not None
        and value > prev.d
        and (period is None or prev.period == period.shift(-1))
    ):
        return [_problem("n_gt_previous_d", field, previous=prev.d, value=value)]
    return []


def _d_gt_k_problems(values: Mapping[str, int | None], only: str | None) -> list[Problem]:
    """D above K (D/K above 100%): soft, once both are known (on the answer being checked)."""
    if only is not None and only not in ("d", "k"):
        return []
    d, k = values.get("d"), values.get("k")
    if d is not None and k is not None and d > k:
        return [_problem("d_gt_k", only or "d", d=d, k=k)]
    return []


def _sum_problems(values: Mapping[str, int | None], only: str | None) -> list[Problem]:
    """D is not N + T + O + B, once all five are known (on the answer being checked)."""
    if only is not None and only not in SUM_FIELDS:
        return []
    known = {name: values.get(name) for name in SUM_FIELDS}
    parts = [known[name] for name in WEIGHED_PARTS]
    d = known["d"]
    if d is None or any(v is None for v in parts):
        return []
    total = sum(v for v in parts if v is not None)
    if total == d:
        return []
    return [_problem("d_sum", only or "d", total=total, **known)]


def _referral_problems(values: Mapping[str, int | None], only: str | None) -> list[Problem]:
    """Nobody referred (the referral count known and 0) while BGM + 2T + KEK > 0."""
    if only is not None and only != REFERRAL_FIELD:
        return []
    people = to_refer(values)
    if values.get(REFERRAL_FIELD) == 0 and people > 0:
        return [_problem("no_referral", REFERRAL_FIELD, count=people)]
    return []


def _all_zero_problems(report: MonthReport) -> list[Problem]:
    """An opened month whose counts (of :data:`ACTIVITY_FIELDS` that are known) are all 0."""
    known = [report.count(name) for name in ACTIVITY_FIELDS if report.count(name) is not None]
    if report.buka and known and not any(known):
        return [_problem("all_zero", "buka")]
    return []


def _served_problems(report: MonthReport) -> list[Problem]:
    """A month reported closed (``buka`` false) said to be served by home visits: a
    home-visit month counts as opened, so one of the two is wrong (rule
    ``home_visit_closed``, named on the served field)."""
    if not report.buka and report.choice(SERVED_FIELD) == HOME_VISIT:
        return [_problem("home_visit_closed", SERVED_FIELD, value=HOME_VISIT)]
    return []


def _soft_period_problems(period: Period, ctx: RuleContext) -> list[Problem]:
    out: list[Problem] = []
    if ctx.today is not None and ctx.hari_buka is not None and ctx.today < ctx.hari_buka:
        out.append(_problem("before_hari_buka", "buka", hari_buka=ctx.hari_buka.day))
    back = ctx.settings.max_months_back
    if ctx.current_period is not None and period < ctx.current_period.shift(-back):
        out.append(_problem("old_period", "buka", period=str(period), months=back))
    return out


def check_answer(
    field: str,
    value: int | None,
    known: Mapping[str, int | None],
    ctx: RuleContext | None = None,
    period: Period | None = None,
) -> list[Problem]:
    """Problems with one answer, against the answers known so far (hard first, then soft)."""
    problems = check_value(field, value)
    if problems:
        return problems
    values = {**known, field: value}
    problems = _order_problems(values, only=field)
    if problems:
        return problems
    soft = _soft_value_problems(field, value, ctx or RuleContext(), period)
    return (
        soft
        + _d_gt_k_problems(values, only=field)
        + _sum_problems(values, only=field)
        + _referral_problems(values, only=field)
    )


def check_report(report: MonthReport, ctx: RuleContext | None = None) -> list[Problem]:
    """Every problem of a whole report: hard ones first, then soft ones, the most important
    first (the order of :data:`RULES`)."""
    ctx = ctx or RuleContext()
    hard: list[Problem] = []
    values: dict[str, int | None] = {}
    for name in COUNT_FIELDS:
        wrong = check_value(name, report.count(name))
        hard.extend(wrong)
        # A value that is not a count is left out of the order rules, which still check the
        # others: every problem of the report is listed, not only the first kind.
        values[name] = None if wrong else report.count(name)
    for name in CHOICE_FIELDS:
        hard.extend(check_choice(name, report.choice(name)))
    hard.extend(_served_problems(report))
    hard.extend(_order_problems(values, only=None))
    if any(p.rule in ("whole_number", "non_negative", "known_choice") for p in hard):
        return hard
    soft: list[Problem] = []
    if report.buka:
        for name in COUNT_FIELDS:
            soft.extend(_soft_value_problems(name, report.count(name), ctx, report.period))
        soft.extend(_d_gt_k_problems(values, only=None))
        soft.extend(_sum_problems(values, only=None))
        soft.extend(_referral_problems(values, only=None))
        soft.extend(_all_zero_problems(report))
    soft.extend(_soft_period_problems(report.period, ctx))
    # sorted() is stable: problems of one rule keep the registry's field order.
    return hard + sorted(soft, key=lambda p: _RANK[p.rule])


def english(rule: str, report: MonthReport) -> str:
    """A hard rule broken, in precise English for an operator ("n (24) is greater than d
    (20) (rule n_le_d)"): ``posyandu score`` and ``posyandu import reports`` word it alike."""
    small, _, big = rule.partition("_le_")
    if big:
        return (
            f"{small} ({report.count(small)}) is greater than {big} ({report.count(big)}) "
            f"(rule {rule})"
        )
    if rule == "home_visit_closed":
        return (
            f"{SERVED_FIELD} is {report.choice(SERVED_FIELD)} but buka is false: a month "
            f"served by home visits counts as opened (rule {rule})"
        )
    return f"breaks rule {rule}"


def hard_problems(report: MonthReport) -> list[Problem]:
    """Only the hard problems of a report (what makes it unscorable).

    The common case (a valid report) is decided by :func:`is_scorable` without building
    anything.
    """
    if is_scorable(report):
        return []
    return [p for p in check_report(report) if p.hard]


def _scorable_source() -> str:
    """The body of :func:`is_scorable`, generated from the registry: one line per count and
    per order rule, with the fields as locals (a loop over names with ``getattr`` costs the
    scoring benchmark a quarter of its time; this is the hottest line, one call per month of
    every window)."""
    lines = ["def is_scorable(r):"]
    lines += [f"    {name} = r.{name}" for name in COUNT_FIELDS]
    # whole_number and non_negative (bool is not a count: ``type(x) is int`` rules it out)
    lines += [
        f"    if {name} is not None and (type({name}) is not int or {name} < 0): return False"
        for name in COUNT_FIELDS
    ]
    # known_choice
    lines += [f"    {name} = r.{name}" for name in CHOICE_FIELDS]
    lines += [
        f"    if {name} is not None and {name} not in {FIELD_BY_ID[name].choices!r}: return False"
        for name in CHOICE_FIELDS
    ]
    # home_visit_closed
    lines.append(f"    if not r.buka and {SERVED_FIELD} == {HOME_VISIT!r}: return False")
    lines += [
        f"    if {r.small} is not None and {r.big} is not None and {r.small} > {r.big}: "
        "return False"
        for r in ORDER_RULES
    ]
    lines.append("    return True")
    return "\n".join(lines)


def _compile_scorable() -> Callable[[MonthReport], bool]:
    namespace: dict[str, Any] = {}
    exec(compile(_scorable_source(), "<scoring.rules.is_scorable>", "exec"), namespace)
    scorable: Callable[[MonthReport], bool] = namespace["is_scorable"]
    scorable.__doc__ = """True when ``r`` breaks no hard rule (``hard_problems(r)`` is empty):
    every count unknown or a whole number >= 0, and every order rule of the registry holds
    where both sides are known. Generated from the registry (:func:`_scorable_source`)."""
    return scorable


is_scorable = _compile_scorable()
