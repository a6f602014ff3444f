"""Monthly SKDN ratios. "Not computable" (a zero or unknown denominator, or an unknown
numerator) is ``None``: never a ZeroDivisionError, never a silent 0."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.fields import REFERRAL_FIELD, VITAMIN_A_FIELD
from scoring.model import MonthReport, Period

__all__ = [
    "RATIO_NAMES",
    "MonthRatios",
    "ServiceTotals",
    "month_ratios",
    "ratio",
    "service_totals",
]

#: Ratio name -> (numerator field, denominator field).
RATIO_NAMES: dict[str, tuple[str, str]] = {
    "k_s": ("k", "s"),
    "d_s": ("d", "s"),
    "d_k": ("d", "k"),
    "n_d": ("n", "d"),
    "n_s": ("n", "s"),
    "bgm_d": ("bgm", "d"),
    "t2_d": ("t2", "d"),
}


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    """``numerator / denominator``, or ``None`` when either is unknown or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass(frozen=True, slots=True)
class MonthRatios:
    period: Period
    buka: bool
    k_s: float | None
    d_s: float | None
    d_k: float | None
    n_d: float | None
    n_s: float | None
    bgm_d: float | None
    t2_d: float | None

    def get(self, name: str) -> float | None:
        if name not in RATIO_NAMES:
            raise KeyError(name)
        value: float | None = getattr(self, name)
        return value


def month_ratios(report: MonthReport) -> MonthRatios:
    """The month's ratios; all ``None`` for a month the posyandu did not open."""
    if not report.buka:
        return MonthRatios(report.period, False, None, None, None, None, None, None, None)
    s, k, d = report.s, report.k, report.d
    return MonthRatios(
        period=report.period,
        buka=True,
        k_s=ratio(k, s),
        d_s=ratio(d, s),
        d_k=ratio(d, k),
        n_d=ratio(report.n, d),
        n_s=ratio(report.n, s),
        bgm_d=ratio(report.bgm, d),
        t2_d=ratio(report.t2, d),
    )


@dataclass(frozen=True, slots=True)
class ServiceTotals:
    """An area's month of the optional services: vitamin A (balita given a capsule, and S of
    the posyandu that reported it) and people referred to the puskesmas; None where no opened
    report of the month knows them."""

    vitamin_a: int | None
    vitamin_a_s: int | None
    referrals: int | None

    @property
    def vitamin_a_coverage(self) -> float | None:
        """Vitamin A coverage, vit_a / S, over the posyandu that reported both."""
        return ratio(self.vitamin_a, self.vitamin_a_s)


def _total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def service_totals(reports: Iterable[MonthReport]) -> ServiceTotals:
    """The totals of ``reports`` (one month of an area's posyandu; closed months ignored)."""
    opened = [r for r in reports if r.buka]
    with_a = [r for r in opened if r.count(VITAMIN_A_FIELD) is not None and r.s is not None]
    return ServiceTotals(
        vitamin_a=_total(r.count(VITAMIN_A_FIELD) for r in with_a),
        vitamin_a_s=_total(r.s for r in with_a),
        referrals=_total(r.count(REFERRAL_FIELD) for r in opened),
    )
