"""Thresholds, targets and the Decisions of domain.md, as one named, frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_SETTINGS", "ScoringSettings", "Targets"]


@dataclass(frozen=True, slots=True)
class Targets:
    """Monthly SKDN targets as fractions (national defaults; a kabupaten may set its own)."""

    k_s: float = 0.80
    d_s: float = 0.85
    d_k: float = 0.60
    n_d: float = 0.80

    def get(self, name: str) -> float:
        value: float = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    #: Decision (rolling window): months in the stratum window, ending at ``through``.
    window_months: int = 12
    #: Indicator 1: openings needed for Madya and above.
    min_openings: int = 8
    #: Decision (exactly 8 openings): the source says both "> 8" and "minimal 8"; True counts
    #: exactly ``min_openings`` as passing.
    openings_threshold_inclusive: bool = True
    #: Indicator 2: mean kader on duty needed for Madya and above.
    min_mean_kader: float = 5.0
    #: Indicators 3-6 and 8: coverage needed (a fraction; a value exactly at it passes).
    coverage_threshold: float = 0.5
    #: Posyandu Aktif: how many of the four coverages (indicators 3-6) must reach the threshold.
    aktif_min_coverages: int = 3
    #: Gap categories: gap / target up to this share is "on track", above it "off track".
    on_track_max_gap_share: float = 0.25
    #: Soft rule ``denominator_change``: a denominator (a head count: S, ibu hamil, PUS ...)
    #: that moves by more than this share of the previous report's value is questioned (0.20: 20%).
    denominator_change_limit: float = 0.20
    #: Soft rule ``denominator_change``: the share applies only from a move of at least this
    #: many people (8 -> 10 infants is 25% but no reason to ask).
    denominator_change_min: int = 5
    #: Soft rule ``kader_change``: kader on duty far from last month's (5 then 50): more than
    #: this many times last month's, or less than last month's divided by it ...
    kader_change_ratio: float = 2.0
    #: ... and different by at least this many kader (2 then 5 is not asked, 2 then 1 neither).
    kader_change_min: int = 3
    #: Soft rule ``old_period``: a report for a month more than this many months before the
    #: current one is questioned (the bot's REPORT_MONTHS_BACK).
    max_months_back: int = 2
    #: Decision (provisional stratum): with fewer known months than this in the window there
    #: is no stratum yet ("belum cukup data"); from it up to a full window the stratum is
    #: provisional (sementara).
    min_known_months: int = 3
    targets: Targets = field(default_factory=Targets)

    @property
    def openings_required(self) -> int:
        """The smallest number of openings that passes indicator 1."""
        return self.min_openings if self.openings_threshold_inclusive else self.min_openings + 1


DEFAULT_SETTINGS = ScoringSettings()
