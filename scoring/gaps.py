"""Gaps against targets and the evaluation measures of seeds/003 (domain.md, "Gaps and
progress")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scoring.settings import DEFAULT_SETTINGS, ScoringSettings

__all__ = [
    "GAP_RATIOS",
    "Band",
    "Gap",
    "GapCategory",
    "adequacy_of_effort",
    "adequacy_of_performance",
    "band",
    "gap",
    "tki",
]

#: The ratios whose gap is always reported (of the latest opened month).
GAP_RATIOS: tuple[str, ...] = ("k_s", "d_s", "d_k", "n_d")


class GapCategory(StrEnum):
    ACHIEVE = "achieve"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"


@dataclass(frozen=True, slots=True)
class Gap:
    indicator: str
    target: float
    #: None when the ratio is not computable; then gap and category are None too.
    actual: float | None
    gap: float | None
    category: GapCategory | None


def gap(
    indicator: str,
    actual: float | None,
    target: float,
    settings: ScoringSettings = DEFAULT_SETTINGS,
) -> Gap:
    """Gap capaian = target - capaian; category by gap / target."""
    if actual is None:
        return Gap(indicator, target, None, None, None)
    diff = target - actual
    share = diff / target if target else 0.0
    if share <= 1e-12:
        category = GapCategory.ACHIEVE
    elif share <= settings.on_track_max_gap_share + 1e-12:
        category = GapCategory.ON_TRACK
    else:
        category = GapCategory.OFF_TRACK
    return Gap(indicator, target, actual, diff, category)


def adequacy_of_effort(done: float, planned: float) -> float | None:
    """Activities done / planned x 100 (e.g. openings held / 12); None when nothing was planned."""
    return done / planned * 100 if planned > 0 else None


def adequacy_of_performance(achievement: float | None, target: float) -> float | None:
    """Achievement / target x 100."""
    if achievement is None or target <= 0:
        return None
    return achievement / target * 100


def tki(performances: Sequence[float | None], expectations: Sequence[float]) -> float | None:
    """Tingkat kesesuaian: sum of performance / sum of expectation x 100, over the pairs known."""
    pairs = [(p, e) for p, e in zip(performances, expectations, strict=True) if p is not None]
    total = sum(e for _p, e in pairs)
    if not pairs or total <= 0:
        return None
    return sum(p for p, _e in pairs) / total * 100


class Band(StrEnum):
    BAIK = "baik"
    CUKUP = "cukup"
    KURANG = "kurang"
    BURUK = "buruk"


def band(score: float) -> Band:
    """Performance band of a 0-100 score: Baik 80-100, Cukup 60-79, Kurang 40-59, else Buruk."""
    if score >= 80:
        return Band.BAIK
    if score >= 60:
        return Band.CUKUP
    if score >= 40:
        return Band.KURANG
    return Band.BURUK
