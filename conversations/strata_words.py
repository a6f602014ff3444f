"""A stratum as people read it, the same in the chat, the supervisor's answers and the PDFs:
"Purnama", "Strata sementara (4 bulan data): Purnama", "belum cukup data", "belum ada data"
(domain.md, "History and new posyandu"). Pure text building."""

from __future__ import annotations

from conversations.catalogue import say
from conversations.model import PosyanduData
from scoring import MonthReport, Period, Standing, StrataResult

__all__ = ["line_key", "since_for", "stratum_cell", "stratum_sentence"]


def since_for(data: PosyanduData, report: MonthReport | None = None) -> Period | None:
    """Where the posyandu's known history starts: what storage knows, or else the earliest
    report the dialogue holds, and never after ``report`` (a first report starts it)."""
    known = [p for p in (data.history.since, report.period if report else None) if p]
    if data.history.first_report is None and data.reports:
        known.append(min(data.reports))
    return min(known) if known else None


def line_key(key: str, result: StrataResult) -> str:
    """The catalogue key of a stratum line: ``key`` for a whole window, ``key_provisional``
    for a provisional stratum, ``key_too_few`` when there is none yet."""
    if result.stratum is None:
        return f"{key}_too_few"
    return f"{key}_provisional" if result.provisional else key


def stratum_sentence(key: str, result: StrataResult) -> str:
    """A stratum line (``saved.stratum``, ``saved.aktif`` and their
    provisional and too-few forms)."""
    label = result.stratum.label if result.stratum is not None else ""
    return say(line_key(key, result), stratum=label, months=result.months_known)


def stratum_cell(result: StrataResult | Standing | None, has_data: bool = True) -> str:
    """A stratum in a list or table: "Purnama", "Purnama sementara (4 bln)", "belum cukup
    data", or "belum ada data" (no report at all)."""
    if not has_data or result is None:
        return say("strata.no_data")
    if result.stratum is None:
        return say("strata.too_few")
    if result.provisional:
        return say(
            "strata.cell_provisional", stratum=result.stratum.label, months=result.months_known
        )
    return result.stratum.label
