"""Monthly SKDN ratios. "Not computable" (a zero or unknown denominator, or an unknown
numerator) is ``None``: never a ZeroDivisionError, never a silent 0."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.model import MonthReport, Period

__all__ = ["RATIO_NAMES", "MonthRatios", "month_ratios", "ratio"]

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
