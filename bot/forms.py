"""The forms a puskesmas files, as Excel workbooks: a posyandu's monthly F1 form and an area's
F2 recap (``posyandu report --format xlsx``, the dasbor's downloads).

F1: the month's counts in the registry's order and the PDF's groups (a service field only when
the month has it); D, N, T, O, B, BGM and 2T also by age band (0-5, 6-11, 12-23, 24-59 months)
and sex where the child register weighed the month and its counts add up to the report's (the
report's figure is the total either way; a count the register cannot give is left blank); S
and K likewise from the children on the register at the month's end.
F2: one row per posyandu expected to report (desa, then name), its counts, the month's K/S,
D/S, D/K and N/D and its stratum; the area's totals (over the posyandu that opened) and
ratios of those totals; the posyandu per stratum. Loading, then laying out in a worker thread.
"""

from __future__ import annotations

import asyncio
from calendar import monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.channels import OutgoingDocument
from bot.document_params import area_of, posyandu_of
from bot.documents import RATIOS, DocumentNotFound, month_now, period_of, render_document
from bot.eppgbm import WORDED, EppgbmColumn
from bot.sheets import Count, Share, Sheet, Value
from conversations.catalogue import say
from conversations.figure_words import ratio_label, stratum_cell
from conversations.format import area_title, place_name
from conversations.periods import format_period
from scoring import KnownHistory, MemberStatus, MonthReport, Period, ScoringSettings, assess, rollup
from scoring.fields import COUNT_FIELDS, FIELD_BY_ID, TABLE_GROUPS
from scoring.growth import GrowthRules, Sex
from scoring.prevalence import AGE_BANDS
from scoring.ratios import month_ratios
from scoring.tally import ChildMonth, Tally, month_tally, register_tally
from scoring.totals import area_totals
from storage import Database
from storage.areas import Area, Level, ancestors, area_by_id, areas_under
from storage.children import posyandu_month_histories, register_on
from storage.posyandu import Posyandu, known_histories, posyandu_under
from storage.reports import list_stored_reports, stored_reports_for_posyandu_ids

__all__ = ["FORM_KINDS", "eppgbm_workbook", "render_file", "render_form"]

#: The workbooks, by document kind.
FORM_KINDS = ("f1_form", "f2_form")
_SEXES = (Sex.MALE, Sex.FEMALE)


async def render_file(
    db: Database,
    kind: str,
    params: Mapping[str, object],
    now: datetime,
    scoring: ScoringSettings,
    growth: GrowthRules | None = None,
) -> OutgoingDocument:
    """The file of ``kind``: a form as a workbook, anything else as its PDF."""
    render = render_form if kind in FORM_KINDS else render_document
    return await render(db, kind, params, now, scoring, growth)


async def render_form(
    db: Database,
    kind: str,
    params: Mapping[str, object],
    now: datetime,
    scoring: ScoringSettings,
    growth: GrowthRules | None = None,
) -> OutgoingDocument:
    """The workbook of ``kind`` (``f1_form``: ``posyandu_id`` or ``posyandu_code``; ``f2_form``:
    ``area_id`` or ``area_code``; both ``period``). ``growth`` None: the F1 has totals only."""
    period = period_of(params)
    if kind == "f1_form":
        f1 = await _load_f1(db, params, period, growth)
        content = await asyncio.to_thread(_f1_sheet, f1, now)
        name = f1.posyandu.code
    elif kind == "f2_form":
        f2 = await _load_f2(db, params, period, now, scoring)
        content = await asyncio.to_thread(_f2_sheet, f2, now, scoring)
        name = f2.area.code
    else:
        raise DocumentNotFound(f"unknown form {kind!r}")
    filename = say(f"form.file.{kind}", name=name, period=period)
    return OutgoingDocument(filename, content)


# --- F1 -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _F1:
    posyandu: Posyandu
    where: str
    report: MonthReport
    tally: Tally | None


async def _load_f1(
    db: Database, params: Mapping[str, object], period: Period, growth: GrowthRules | None
) -> _F1:
    async with db.read() as conn:
        posyandu = await posyandu_of(conn, params)
        if posyandu is None:
            raise DocumentNotFound("unknown posyandu")
        stored = await list_stored_reports(conn, posyandu.id, period, period)
        if not stored:
            raise DocumentNotFound(f"posyandu {posyandu.code} has no report for {period}")
        desa = await area_by_id(conn, posyandu.desa_id)
        above = await ancestors(conn, desa) if desa else []
        weighed = await posyandu_month_histories(conn, posyandu.id, period) if growth else []
        last_day = date(period.year, period.month, monthrange(period.year, period.month)[1])
        listed = await register_on(conn, posyandu.id, last_day) if growth else []
    places = [place_name(desa.name, desa.kind)] if desa else []
    places += [area_title(a.level, a.name, a.kind) for a in above if a.level is Level.KECAMATAN]
    found = None
    if growth is not None and (weighed or listed):
        month = (ChildMonth(s, b, [w.as_mark() for w in ws]) for s, b, ws in weighed)
        found = register_tally(listed, last_day) | month_tally(month, growth).tally
    return _F1(posyandu, ", ".join(places), stored[-1].report, found)


_F1_WIDTHS = (30, *(6.5,) * (2 * len(AGE_BANDS) + 2), 9)


def _f1_sheet(f1: _F1, now: datetime) -> bytes:
    sheet = Sheet(say("form.f1.sheet"), _F1_WIDTHS)
    m = f1.report
    sheet.text_line(say("form.f1.title"), bold=True, size=14)
    sheet.text_line(say("form.posyandu", name=f1.posyandu.name, code=f1.posyandu.code))
    sheet.text_line(f1.where)
    sheet.text_line(say("form.period", period=format_period(m.period)))
    if not m.buka:
        sheet.text_line(say("form.closed"), bold=True)
    sheet.blank()
    first = _f1_header(sheet)
    for group, fields in TABLE_GROUPS:
        rows = [f for f in fields if f in COUNT_FIELDS and _shown(m, f)]
        if not rows:
            continue
        sheet.values([say(f"pdf.group.{group}")], bold=True, boxed=False)
        for f in rows:
            sheet.values([say(f"pdf.value.{f}"), *_breakdown(f1.tally, f, m.count(f)), m.count(f)])
    sheet.blank()
    sheet.text_line(say("form.f1.note"))
    sheet.text_line(say("form.made", date=_when(now, f1.posyandu)))
    sheet.finish(first, first + 1, 1, one_page=True)
    return sheet.content()


def _f1_header(sheet: Sheet) -> int:
    """Two header rows: the age bands (and "Jumlah") over L and P. The first row's number."""
    total = 2 + 2 * len(AGE_BANDS)
    bands = [
        (say("form.band", low=b.low, high=b.high), 2 + 2 * i, 2) for i, b in enumerate(AGE_BANDS)
    ]
    first = sheet.header([(say("form.activity"), 1, 1), *bands, (say("form.total"), total, 3)])
    sexes = [say(f"form.sex.{s.value}") for s in _SEXES]
    under = [(sexes[i % 2], 2 + i, 1) for i in range(2 * len(AGE_BANDS) + 2)]
    sheet.header([("", 1, 1), *under, (say("form.both"), total + 2, 1)])
    return first


def _shown(m: MonthReport, field: str) -> bool:
    """A service field has a row only when the month has its value (as in the PDF)."""
    return not FIELD_BY_ID[field].service or m.count(field) is not None


def _breakdown(found: Tally | None, field: str, total: int | None) -> list[Value]:
    """The by-band-and-sex cells, then the totals by sex: the register's, where it counts
    the field and adds up to the report's figure; blank otherwise."""
    width = 2 * len(AGE_BANDS) + 2
    if found is None or total is None or not found.gives(field) or found.get(field) != total:
        return [None] * width
    cells: list[Value] = [found.get(field, b, s) for b in AGE_BANDS for s in _SEXES]
    return cells + [found.get(field, None, s) for s in _SEXES]


def _when(now: datetime, posyandu: Posyandu) -> str:
    local = now.astimezone(posyandu.tz)
    return f"{local:%d-%m-%Y %H.%M} {local.tzname() or ''}".strip()


# --- F2 -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Row:
    posyandu: Posyandu
    desa: str
    report: MonthReport | None
    stratum: str
    status: MemberStatus


@dataclass(frozen=True, slots=True)
class _F2:
    area: Area
    title: str
    parents: str
    period: Period
    rows: list[_Row]


async def _load_f2(
    db: Database,
    params: Mapping[str, object],
    period: Period,
    now: datetime,
    scoring: ScoringSettings,
) -> _F2:
    """The area's posyandu (those expected to report in ``period``) with their window."""
    async with db.read() as conn:
        area = await area_of(conn, params)
        if area is None:
            raise DocumentNotFound("unknown area")
        members = await posyandu_under(conn, area)
        if not members:
            raise DocumentNotFound(f"area {area.code} has no posyandu")
        if period > month_now(now, {p.tz for p in members}):
            raise DocumentNotFound(f"area {area.code}: {period} has not begun")
        stored = await stored_reports_for_posyandu_ids(
            conn, [p.id for p in members], period.shift(1 - scoring.window_months), period
        )
        if not any(stored.values()):
            raise DocumentNotFound(
                f"area {area.code} has no reports in the {scoring.window_months} months to {period}"
            )
        desas = {a.id: a for a in await areas_under(conn, area, Level.DESA)}
        desas[area.id] = area
        above = await ancestors(conn, area)
        known = await known_histories(conn, [p.id for p in members])
    months = {pid: [r.report for r in rs] for pid, rs in stored.items()}
    rows = await asyncio.to_thread(_f2_rows, members, months, desas, known, period, scoring)
    parents = ", ".join(a.name for a in reversed(above))
    return _F2(area, area_title(area.level, area.name, area.kind), parents, period, rows)


def _f2_rows(
    members: Sequence[Posyandu],
    months: Mapping[int, list[MonthReport]],
    desas: Mapping[int, Area],
    known: Mapping[int, KnownHistory],
    period: Period,
    scoring: ScoringSettings,
) -> list[_Row]:
    rows = []
    for p in members:
        history = known.get(p.id, KnownHistory())
        if not history.started_by(period):
            continue  # registered or imported from a later month: owes nothing for this one
        window = months.get(p.id, [])
        a = assess(window, period, scoring, history.since)
        has_data = history.has_data or bool(window)
        own = next((m for m in window if m.period == period), None)
        stratum = a.stratum if has_data else None
        status = MemberStatus(
            stratum, a.posyandu_aktif and has_data, own is not None, has_data and a.provisional
        )
        desa = desas.get(p.desa_id)
        rows.append(
            _Row(p, desa.name if desa else "", own, stratum_cell(a.strata, has_data), status)
        )
    rows.sort(key=lambda r: (r.desa, r.posyandu.name, r.posyandu.code))
    return rows


def _f2_fields(rows: Sequence[_Row]) -> list[str]:
    """The counts the recap has columns for: every core one, a service one where a posyandu
    gave it this month."""
    reports = [r.report for r in rows if r.report is not None]
    return [
        f
        for f in COUNT_FIELDS
        if not FIELD_BY_ID[f].service or any(m.count(f) is not None for m in reports)
    ]


def _f2_sheet(f2: _F2, now: datetime, scoring: ScoringSettings) -> bytes:
    fields = _f2_fields(f2.rows)
    widths = _f2_widths(f2.rows, fields)
    sheet = Sheet(say("form.f2.sheet"), widths)
    sheet.text_line(say("form.f2.title"), bold=True, size=14)
    sheet.text_line(", ".join(filter(None, (f2.title, f2.parents))))
    sheet.text_line(say("form.period", period=format_period(f2.period)))
    sheet.blank()
    heads = [say(f"form.f2.col.{c}") for c in ("no", "desa", "code", "posyandu", "reported")]
    heads += [say(f"pdf.value.{f}") for f in fields] + [ratio_label(r) for r in RATIOS]
    first = sheet.header([(h, i, 1) for i, h in enumerate([*heads, say("form.f2.col.stratum")], 1)])
    sheet.ws.row_dimensions[first].height = 56
    for i, row in enumerate(f2.rows, start=1):
        p, m = row.posyandu, row.report
        ratios = month_ratios(m) if m is not None else None
        cells: list[Value] = [i, row.desa, p.code, p.name, _reported(m)]
        cells += [m.count(f) if m is not None else None for f in fields]
        cells += [Share(ratios.get(r) if ratios else None) for r in RATIOS]
        sheet.values([*cells, row.stratum])
    _f2_totals(sheet, f2, fields, scoring)
    _f2_strata(sheet, f2)
    sheet.blank()
    sheet.text_line(say("form.made", date=_when(now, f2.rows[0].posyandu) if f2.rows else ""))
    sheet.finish(first, first, 4)
    return sheet.content()


def _f2_widths(rows: Sequence[_Row], fields: Sequence[str]) -> tuple[float, ...]:
    """The columns' widths: a text column as wide as its longest text (a spreadsheet cuts text
    at the next cell), within reason."""

    def fit(texts: Iterable[str], least: float) -> float:
        return min(max([least, *(len(t) + 2.0 for t in texts)]), 45.0)

    return (
        5,
        fit((r.desa for r in rows), 16),
        fit((r.posyandu.code for r in rows), 8),
        fit((r.posyandu.name for r in rows), 20),
        11,
        *(9.5,) * len(fields),
        *(8,) * len(RATIOS),
        fit((r.stratum for r in rows), 12),
    )


def _reported(m: MonthReport | None) -> str:
    if m is None:
        return say("pdf.area.no")
    return say("pdf.area.yes") if m.buka else say("pdf.area.closed")


def _f2_totals(sheet: Sheet, f2: _F2, fields: Sequence[str], scoring: ScoringSettings) -> None:
    """The area's row: each count summed over the posyandu that opened (blank where none gave
    it), and the ratios of those sums."""
    opened = [r.report for r in f2.rows if r.report is not None and r.report.buka]
    sums: list[Value] = []
    for f in fields:
        known = [v for v in (m.count(f) for m in opened) if v is not None]
        sums.append(Count(sum(known) if known else None))
    gaps = {g.indicator: g.actual for g in area_totals(opened, scoring).gaps}
    shares: list[Value] = [Share(gaps.get(r)) for r in RATIOS]
    sheet.values([None, say("form.total"), None, None, None, *sums, *shares, None], bold=True)


def _f2_strata(sheet: Sheet, f2: _F2) -> None:
    """How many posyandu stand in each stratum, and the shares the puskesmas reports."""
    roll = rollup(r.status for r in f2.rows)
    sheet.blank()
    sheet.pair(say("pdf.area.strata"), None, 2, 4, bold=True)
    lines: list[tuple[str, Value]] = [(s.label, roll.counts[s]) for s in roll.counts]
    lines += [(say("strata.too_few"), roll.too_few), (say("strata.no_data"), roll.no_data)]
    lines += [
        (say("form.f2.pm"), Share(roll.share_purnama_mandiri)),
        (say("form.f2.aktif"), Share(roll.share_aktif)),
        (say("form.f2.reported"), Share(roll.completeness)),
    ]
    for label, value in lines:
        sheet.pair(label, value, 2, 4)


# --- e-PPGBM --------------------------------------------------------------------------------
def _cell(column: EppgbmColumn, value: object) -> Value:
    if value is None:
        return None
    if column.source in WORDED:
        return column.words.get(str(value), str(value))
    if isinstance(value, date | Decimal | int) and not isinstance(value, bool):
        return value
    return str(value)


def eppgbm_workbook(
    columns: tuple[EppgbmColumn, ...], rows: Iterable[Mapping[str, object]]
) -> bytes:
    """The per-child file for e-PPGBM: the column map's headings in row 1 (frozen), then a
    row per weighing with each column's source; NIK and names text cells (a 16-digit NIK
    never becomes a number), dates date cells, weights and heights numbers."""
    cells = [[_cell(c, row.get(c.source)) for c in columns] for row in rows]
    # Each column as wide as its heading or its longest value (a 16-digit NIK, a full name).
    widths = [
        min(45.0, max([10.0, len(c.heading) + 2.0, *(len(str(r[i])) + 2.0 for r in cells)]))
        for i, c in enumerate(columns)
    ]
    sheet = Sheet("e-PPGBM", widths)
    header = sheet.header([(c.heading, i, 1) for i, c in enumerate(columns, 1)])
    for values in cells:
        sheet.values(values, boxed=False)
    sheet.finish(header, header, 0)
    return sheet.content()
