"""The data-quality rules of domain.md, as data.

Each rule has an id, the fields it reads, a severity (hard: the answer is refused; soft: the
kader confirms or corrects) and a plain-Indonesian message template. The same rules check one
answer at a time (the chat flow: :func:`check_answer`) and a whole report (:func:`check_report`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import attrgetter
from typing import Any

from scoring.model import COUNT_FIELDS, DENOMINATOR_FIELDS, MonthReport, Period

__all__ = [
    "FIELD_LABELS",
    "RULES",
    "Problem",
    "Rule",
    "RuleContext",
    "Severity",
    "check_answer",
    "check_report",
    "check_value",
    "hard_problems",
]


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


#: Short Indonesian names of the fields, as kader know them.
FIELD_LABELS: dict[str, str] = {
    "buka": "buka",
    "kader": "jumlah kader bertugas",
    "s": "S (semua balita)",
    "k": "K (balita punya KMS/buku KIA)",
    "d": "D (balita ditimbang)",
    "n": "N (balita naik berat badannya)",
    "bgm": "BGM (di bawah garis merah)",
    "t2": "2T (tidak naik 2 kali)",
    "bumil": "ibu hamil",
    "bumil_periksa": "ibu hamil diperiksa",
    "pus": "PUS (pasangan usia subur)",
    "kb_aktif": "peserta KB aktif",
    "bayi": "bayi 0-11 bulan",
    "bayi_imunisasi": "bayi imunisasi dasar lengkap",
    "kk": "KK (kepala keluarga)",
    "kk_dana_sehat": "KK ikut dana sehat",
    "program_tambahan": "program tambahan",
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    fields: tuple[str, ...]
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    field: str
    severity: Severity
    message: str

    @property
    def hard(self) -> bool:
        return self.severity is Severity.HARD


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the soft rules compare against; every part optional (a rule without it is skipped)."""

    previous: MonthReport | None = None
    today: date | None = None
    hari_buka: date | None = None
    current_period: Period | None = None


#: (rule id, the smaller field, the larger field, message).
_ORDER_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("k_le_s", "k", "s", "K ({small}) tidak boleh lebih dari S ({big})."),
    ("d_le_s", "d", "s", "D ({small}) tidak boleh lebih dari S ({big})."),
    (
        "n_le_d",
        "n",
        "d",
        "N ({small}) tidak boleh lebih dari D ({big}): yang naik pasti ditimbang.",
    ),
    ("bgm_le_d", "bgm", "d", "BGM ({small}) tidak boleh lebih dari D ({big})."),
    ("t2_le_d", "t2", "d", "2T ({small}) tidak boleh lebih dari D ({big})."),
    (
        "bumil_periksa_le_bumil",
        "bumil_periksa",
        "bumil",
        "Ibu hamil diperiksa ({small}) tidak boleh lebih dari jumlah ibu hamil ({big}).",
    ),
    (
        "kb_aktif_le_pus",
        "kb_aktif",
        "pus",
        "Peserta KB aktif ({small}) tidak boleh lebih dari PUS ({big}).",
    ),
    (
        "bayi_imunisasi_le_bayi",
        "bayi_imunisasi",
        "bayi",
        "Bayi imunisasi lengkap ({small}) tidak boleh lebih dari jumlah bayi ({big}).",
    ),
    (
        "kk_dana_sehat_le_kk",
        "kk_dana_sehat",
        "kk",
        "KK ikut dana sehat ({small}) tidak boleh lebih dari jumlah KK ({big}).",
    ),
)

#: A denominator that moves by more than this share from the previous report is questioned.
DENOMINATOR_CHANGE_LIMIT = 0.20
#: A report for a month more than this many months back is questioned.
MAX_MONTHS_BACK = 2

RULES: tuple[Rule, ...] = (
    Rule("whole_number", COUNT_FIELDS, Severity.HARD, "{label} harus bilangan bulat, misalnya 12."),
    Rule("non_negative", COUNT_FIELDS, Severity.HARD, "{label} tidak boleh negatif."),
    *(Rule(rid, (small, big), Severity.HARD, msg) for rid, small, big, msg in _ORDER_RULES),
    Rule(
        "denominator_change",
        DENOMINATOR_FIELDS,
        Severity.SOFT,
        "{label} berubah lebih dari 20% dari laporan lalu ({previous} menjadi {value}). "
        "Sudah benar?",
    ),
    Rule(
        "n_gt_previous_d",
        ("n",),
        Severity.SOFT,
        "N ({value}) lebih besar dari D bulan lalu ({previous}). N hanya balita yang juga "
        "ditimbang bulan lalu. Sudah benar?",
    ),
    Rule(
        "before_hari_buka",
        ("buka",),
        Severity.SOFT,
        "Hari buka bulan ini baru tanggal {hari_buka}. Yakin melapor sekarang?",
    ),
    Rule(
        "old_period",
        ("buka",),
        Severity.SOFT,
        "Laporan ini untuk {period}, lebih dari 2 bulan yang lalu. Sudah benar?",
    ),
)

_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def _problem(rule_id: str, field: str, **values: Any) -> Problem:
    rule = _BY_ID[rule_id]
    message = rule.message.format(label=FIELD_LABELS.get(field, field), **values)
    return Problem(rule_id, field, rule.severity, message)


def check_value(field: str, value: object) -> list[Problem]:
    """Type rules of one raw value: a whole number, not negative. ``None`` (unknown) passes."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [_problem("whole_number", field)]
    if value < 0:
        return [_problem("non_negative", field)]
    return []


def _order_problems(values: Mapping[str, int | None], only: str | None) -> list[Problem]:
    out: list[Problem] = []
    for rid, small, big, _msg in _ORDER_RULES:
        if only is not None and only not in (small, big):
            continue
        a, b = values.get(small), values.get(big)
        if a is not None and b is not None and a > b:
            out.append(_problem(rid, only or small, small=a, big=b))
    return out


def _soft_value_problems(
    field: str, value: int | None, ctx: RuleContext, period: Period | None
) -> list[Problem]:
    prev = ctx.previous
    if prev is None or value is None or not prev.buka:
        return []
    out: list[Problem] = []
    if field in DENOMINATOR_FIELDS:
        before = prev.count(field)
        if before and abs(value - before) > DENOMINATOR_CHANGE_LIMIT * before:
            out.append(_problem("denominator_change", field, previous=before, value=value))
    if (
        field == "n"
        and prev.d is not None
        and value > prev.d
        and (period is None or prev.period == period.shift(-1))
    ):
        out.append(_problem("n_gt_previous_d", field, previous=prev.d, value=value))
    return out


def _soft_period_problems(period: Period, ctx: RuleContext) -> list[Problem]:
    out: list[Problem] = []
    if ctx.today is not None and ctx.hari_buka is not None and ctx.today < ctx.hari_buka:
        out.append(_problem("before_hari_buka", "buka", hari_buka=ctx.hari_buka.day))
    if ctx.current_period is not None and period < ctx.current_period.shift(-MAX_MONTHS_BACK):
        out.append(_problem("old_period", "buka", period=str(period)))
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
    return _soft_value_problems(field, value, ctx or RuleContext(), period)


def check_report(report: MonthReport, ctx: RuleContext | None = None) -> list[Problem]:
    """Every problem of a whole report: hard ones first, then soft ones."""
    ctx = ctx or RuleContext()
    hard: list[Problem] = []
    for name in COUNT_FIELDS:
        hard.extend(check_value(name, report.count(name)))
    if hard:
        return hard
    values = {name: report.count(name) for name in COUNT_FIELDS}
    hard = _order_problems(values, only=None)
    soft: list[Problem] = []
    if report.buka:
        for name in COUNT_FIELDS:
            soft.extend(_soft_value_problems(name, report.count(name), ctx, report.period))
    soft.extend(_soft_period_problems(report.period, ctx))
    return hard + soft


def hard_problems(report: MonthReport) -> list[Problem]:
    """Only the hard problems of a report (what makes it unscorable).

    The common case (a valid report) is checked without building anything: scoring a
    national roll-up calls this for every month of every posyandu.
    """
    values = _ALL_COUNTS(report)
    for value in values:
        if value is not None and (type(value) is not int or value < 0):
            return [p for p in check_report(report) if p.hard]
    for small, big in _ORDER_INDEXES:
        a, b = values[small], values[big]
        if a is not None and b is not None and a > b:
            return [p for p in check_report(report) if p.hard]
    return []


_ALL_COUNTS = attrgetter(*COUNT_FIELDS)
_ORDER_INDEXES: tuple[tuple[int, int], ...] = tuple(
    (COUNT_FIELDS.index(small), COUNT_FIELDS.index(big)) for _r, small, big, _m in _ORDER_RULES
)
