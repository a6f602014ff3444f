"""Area roll-up over many posyandu: strata counts and shares, Posyandu Aktif, completeness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.model import Stratum

__all__ = ["AreaRollup", "MemberStatus", "rollup"]


@dataclass(frozen=True, slots=True)
class MemberStatus:
    """One posyandu of the area: its stratum (None when it has none: no data at all, or too
    few known months), whether it is Posyandu Aktif, and whether it reported the month in
    question."""

    stratum: Stratum | None
    posyandu_aktif: bool
    reported: bool
    #: The stratum rests on fewer months than the window (sementara); with no stratum: there
    #: are data, but too few months ("belum cukup data") rather than none ("belum ada data").
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class AreaRollup:
    expected: int
    reported: int
    counts: dict[Stratum, int]
    aktif: int
    #: Of ``counts``, strata resting on fewer months than the window (sementara).
    provisional: int = 0
    #: Posyandu with data but too few known months for a stratum ("belum cukup data").
    too_few: int = 0
    #: Posyandu with no data at all ("belum ada data").
    no_data: int = 0

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
    """Counts over every posyandu expected to report; one without a stratum is counted apart
    (no data at all, or too few known months), never as Pratama."""
    counts = dict.fromkeys(Stratum, 0)
    expected = reported = aktif = provisional = too_few = no_data = 0
    for m in members:
        expected += 1
        reported += m.reported
        aktif += m.posyandu_aktif
        if m.stratum is not None:
            counts[m.stratum] += 1
            provisional += m.provisional
        elif m.provisional:
            too_few += 1
        else:
            no_data += 1
    return AreaRollup(expected, reported, counts, aktif, provisional, too_few, no_data)
