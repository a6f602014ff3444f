"""Area roll-up over many posyandu: strata counts and shares, Posyandu Aktif, completeness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.model import Stratum

__all__ = ["AreaRollup", "MemberStatus", "rollup"]


@dataclass(frozen=True, slots=True)
class MemberStatus:
    """One posyandu of the area: its stratum (None when it has no data at all), whether it is
    Posyandu Aktif, and whether it reported the month in question."""

    stratum: Stratum | None
    posyandu_aktif: bool
    reported: bool


@dataclass(frozen=True, slots=True)
class AreaRollup:
    expected: int
    reported: int
    counts: dict[Stratum, int]
    aktif: int

    @property
    def completeness(self) -> float | None:
        """Reported / expected for the month; None for an area with no posyandu."""
        return self.reported / self.expected if self.expected else None

    def share(self, stratum: Stratum) -> float | None:
        return self.counts[stratum] / self.expected if self.expected else None

    @property
    def share_purnama_mandiri(self) -> float | None:
        if not self.expected:
            return None
        return (self.counts[Stratum.PURNAMA] + self.counts[Stratum.MANDIRI]) / self.expected

    @property
    def share_aktif(self) -> float | None:
        return self.aktif / self.expected if self.expected else None


def rollup(members: Iterable[MemberStatus]) -> AreaRollup:
    """Counts over every posyandu expected to report; one with no data counts as Pratama
    (a month with no report counts as not opened)."""
    counts = dict.fromkeys(Stratum, 0)
    expected = reported = aktif = 0
    for m in members:
        expected += 1
        reported += m.reported
        aktif += m.posyandu_aktif
        counts[m.stratum or Stratum.PRATAMA] += 1
    return AreaRollup(expected=expected, reported=reported, counts=counts, aktif=aktif)
