"""View models: everything a page shows, already computed and worded. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scoring.prevalence import Prevalence

__all__ = ["AreaRow", "AreaSummaryData", "MonthlyReportData", "RatioLine", "TrendPoint"]


@dataclass(frozen=True, slots=True)
class RatioLine:
    label: str  # "D/S (partisipasi)"
    actual: float | None
    target: float | None
    #: "achieve" | "on_track" | "off_track" | None (not computable)
    category: str | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str  # "Des 25"
    d_s: float | None
    n_d: float | None
    #: The month in progress: drawn apart (hollow, not joined to the line, "berjalan").
    partial: bool = False


@dataclass(frozen=True, slots=True)
class MonthlyReportData:
    posyandu: str
    posyandu_code: str
    desa: str
    kecamatan: str
    kabupaten: str
    period_label: str  # "November 2026"
    hari_buka: str  # "Kamis, 12 Nov 2026"
    reported_by: str
    reported_at: str
    channel: str
    buka: bool
    #: (group title, [(label, value text)]) in display order.
    groups: list[tuple[str, list[tuple[str, str]]]]
    skdn: dict[str, int | None]  # S, K, D, N
    ratios: list[RatioLine]
    stratum: str  # "Purnama"; "" when too few months are known for one
    aktif: bool
    limiting: list[str]  # worded
    needs: list[str]  # worded
    next_stratum: str | None
    projected: str
    trend: list[TrendPoint]
    generated_at: datetime  # aware, in the posyandu's zone
    verification: str  # "R12-3"
    title: str = ""
    missing: list[str] = field(default_factory=list)
    #: The months a provisional stratum rests on (None: the whole window is known).
    months_known: int | None = None
    #: The puskesmas the posyandu reports to, as its area ("Kecamatan Batu Aji": about one
    #: puskesmas per kecamatan); empty when not known.
    puskesmas: str = ""
    #: A month saved by an import: "Diimpor oleh Bidan Rina dari hist.csv, 7 Des 2026" (said
    #: instead of who reported it, which the file does not know); empty otherwise.
    imported: str = ""


@dataclass(frozen=True, slots=True)
class AreaRow:
    posyandu: str
    code: str
    desa: str
    reported: bool
    d_s: float | None
    n_d: float | None
    stratum: str
    #: The month's largest gap ("D/S", actual, target, category); None when none is behind.
    gap: RatioLine | None
    #: Reported, and the posyandu did not open (TIDAK BUKA): no D/S or N/D to show.
    closed: bool = False
    #: Without a report: where it stands, worded ("belum waktunya", "hari ini buka", "belum
    #: lapor, terlambat 4 hari"), and its state (scoring.ReportingState's value: the colour).
    status: tuple[str, ...] = ()
    status_state: str = ""


@dataclass(frozen=True, slots=True)
class AreaSummaryData:
    area: str  # "Kecamatan Batu Aji"
    parents: str  # "Kota Batam, Kepulauan Riau"
    period_label: str
    expected: int
    reported: int
    counts: dict[str, int]  # stratum label -> count, lowest first
    share_purnama_mandiri: float | None
    share_aktif: float | None
    rows: list[AreaRow]
    generated_at: datetime
    verification: str
    #: The D/S and N/D targets: the table writes a value one decimal finer where whole
    #: percents would make it look like its target.
    ds_target: float
    nd_target: float
    #: The area's totals of the month: "S 402 · K 380 · ..." (worded), the area's K/S, D/S,
    #: D/K and N/D with their gap categories, and the reports that opened or did not.
    totals: str = ""
    ratios: list[RatioLine] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    #: Reports of the month served by home visits (domain.md's optional field of how the
    #: month was served): None until that field is recorded (then counted in
    #: bot/documents.py ``_home_visits`` and shown beside the openings).
    home_visits: int | None = None
    #: "Sudah lapor 1 · belum waktunya 4 · belum lapor 1": where the posyandu stand.
    states: str = ""
    #: The month's optional services, worded: vitamin A coverage (February and August) and
    #: people referred to the puskesmas; empty when no report knows them.
    services: list[str] = field(default_factory=list)
    #: Stunting, wasting and underweight among the children the register has weighed in
    #: the month (counts only); None: not asked, or nobody weighed.
    prevalence: Prevalence | None = None
