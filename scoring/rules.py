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
from typing import Any

from scoring.model import COUNT_FIELDS, DENOMINATOR_FIELDS, MonthReport, Period
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings

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
    "is_scorable",
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
    """What the soft rules compare against; every part optional (a rule without it is skipped).

    ``settings`` holds the soft rules' limits (``denominator_change_limit``,
    ``max_months_back``): the same values for the chat (one answer) and a whole report.
    """

    previous: MonthReport | None = None
    today: date | None = None
    hari_buka: date | None = None
    current_period: Period | None = None
    settings: ScoringSettings = DEFAULT_SETTINGS


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

RULES: tuple[Rule, ...] = (
    Rule("whole_number", COUNT_FIELDS, Severity.HARD, "{label} harus bilangan bulat, misalnya 12."),
    Rule("non_negative", COUNT_FIELDS, Severity.HARD, "{label} tidak boleh negatif."),
    *(Rule(rid, (small, big), Severity.HARD, msg) for rid, small, big, msg in _ORDER_RULES),
    Rule(
        "denominator_change",
        DENOMINATOR_FIELDS,
        Severity.SOFT,
        "{label} berubah lebih dari {limit}% dari laporan lalu ({previous} menjadi {value}). "
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
        "Laporan ini untuk {period}, lebih dari {months} bulan yang lalu. Sudah benar?",
    ),
)

_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def _problem(rule_id: str, field: str, **values: Any) -> Problem:
    rule = _BY_ID[rule_id]
    message = rule.message.format(label=FIELD_LABELS.get(field, field), **values)
    # A sentence: the label it may start with is lower case ("ibu hamil berubah ...").
    return Problem(rule_id, field, rule.severity, message[:1].upper() + message[1:])


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
        limit = ctx.settings.denominator_change_limit
        if before and abs(value - before) > limit * before:
            out.append(
                _problem(
                    "denominator_change",
                    field,
                    previous=before,
                    value=value,
                    limit=f"{limit * 100:g}",
                )
            )
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

    The common case (a valid report) is decided by :func:`is_scorable` without building
    anything.
    """
    if is_scorable(report):
        return []
    return [p for p in check_report(report) if p.hard]


def is_scorable(r: MonthReport) -> bool:
    """True when ``r`` breaks no hard rule (``hard_problems(r)`` is empty): every count unknown
    or a whole number >= 0, and every order rule of :data:`_ORDER_RULES` holds where both sides
    are known.

    Written out field by field because it is the hottest line of the scoring benchmark (one
    call per month of every window); ``tests/scoring/test_rules.py`` checks it against
    :data:`_ORDER_RULES` and :func:`check_report`, so the rules stay defined once, as data.
    """
    kader, s, k, d, n = r.kader, r.s, r.k, r.d, r.n
    bgm, t2, bumil, bumil_periksa, pus = r.bgm, r.t2, r.bumil, r.bumil_periksa, r.pus
    kb_aktif, bayi, bayi_imunisasi, kk, kk_dana_sehat = (
        r.kb_aktif,
        r.bayi,
        r.bayi_imunisasi,
        r.kk,
        r.kk_dana_sehat,
    )
    # whole_number and non_negative (bool is not a count: ``type(x) is int`` rules it out)
    if kader is not None and (type(kader) is not int or kader < 0):
        return False
    if s is not None and (type(s) is not int or s < 0):
        return False
    if k is not None and (type(k) is not int or k < 0):
        return False
    if d is not None and (type(d) is not int or d < 0):
        return False
    if n is not None and (type(n) is not int or n < 0):
        return False
    if bgm is not None and (type(bgm) is not int or bgm < 0):
        return False
    if t2 is not None and (type(t2) is not int or t2 < 0):
        return False
    if bumil is not None and (type(bumil) is not int or bumil < 0):
        return False
    if bumil_periksa is not None and (type(bumil_periksa) is not int or bumil_periksa < 0):
        return False
    if pus is not None and (type(pus) is not int or pus < 0):
        return False
    if kb_aktif is not None and (type(kb_aktif) is not int or kb_aktif < 0):
        return False
    if bayi is not None and (type(bayi) is not int or bayi < 0):
        return False
    if bayi_imunisasi is not None and (type(bayi_imunisasi) is not int or bayi_imunisasi < 0):
        return False
    if kk is not None and (type(kk) is not int or kk < 0):
        return False
    if kk_dana_sehat is not None and (type(kk_dana_sehat) is not int or kk_dana_sehat < 0):
        return False
    # the order rules, in the order of _ORDER_RULES
    if s is not None:
        if k is not None and k > s:
            return False
        if d is not None and d > s:
            return False
    if d is not None and (
        (n is not None and n > d) or (bgm is not None and bgm > d) or (t2 is not None and t2 > d)
    ):
        return False
    if bumil is not None and bumil_periksa is not None and bumil_periksa > bumil:
        return False
    if pus is not None and kb_aktif is not None and kb_aktif > pus:
        return False
    if bayi is not None and bayi_imunisasi is not None and bayi_imunisasi > bayi:
        return False
    return not (kk is not None and kk_dana_sehat is not None and kk_dana_sehat > kk)
