"""The posyandu's monthly report: one A4 page, notes and signature places included.

It is laid out compactly first (the month's values beside the SKDN balok, the stratum beside
the 12-month trend, the notes beside the signatures); only when that does not fit one page (a
long list of what holds the stratum and what is needed, many service fields) is it laid out in
large type over two pages: what did not fit a compact page fills much of a second one, never a
nearly blank page (the notes and signatures are kept together)."""

from __future__ import annotations

from collections.abc import Callable

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.charts import bar_chart, trend_chart
from bot.pdf.model import MonthlyReportData
from bot.pdf.tables import ratio_table
from conversations.catalogue import say

__all__ = ["render_posyandu_report"]


def render_posyandu_report(data: MonthlyReportData) -> bytes:
    """One page when it fits (see the module's docstring), else two."""
    pdf = _render(data, compact=True)
    if pdf.page_no() > 1:
        pdf.discard()
        pdf = _render(data, compact=False)
    return pdf.finish()


def _render(data: MonthlyReportData, *, compact: bool) -> ReportPDF:
    title = say("pdf.monthly.title", name=data.posyandu)
    pdf = ReportPDF(f"{title} - {data.period_label}", data.generated_at, data.verification)
    pdf.add_page()
    small = 9 if compact else 10
    pdf.para(title, size=15 if compact else 17, bold=True)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(
        say(
            "pdf.monthly.place", desa=data.desa, kecamatan=data.kecamatan, kabupaten=data.kabupaten
        ),
        size=small,
    )
    if data.puskesmas:
        pdf.para(say("pdf.monthly.puskesmas", puskesmas=data.puskesmas), size=small)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.ln(1)
    pdf.para(
        say("pdf.monthly.period", period=data.period_label, hari_buka=data.hari_buka),
        size=10 if compact else 11,
    )
    pdf.para(
        data.imported
        or say(
            "pdf.monthly.reported",
            who=data.reported_by or say("pdf.no_value"),
            when=data.reported_at,
            channel=data.channel,
        ),
        size=small,
    )
    if compact:
        _compact_body(pdf, data)
        return pdf
    if not data.buka:
        pdf.ln(2)
        pdf.para(say("pdf.monthly.closed"), bold=True)
    else:
        _values(pdf, data)
        pdf.heading(say("pdf.monthly.skdn"))
        bar_chart(
            pdf,
            [(k, data.skdn.get(k), COLOURS[k]) for k in ("S", "K", "D", "N")],
        )
        _ratios(pdf, data)
    _strata(pdf, data)
    pdf.heading(say("pdf.monthly.trend"))
    trend_chart(pdf, data.trend)
    _signatures(pdf, data)
    return pdf


#: The compact layout: the gap between two columns, and the room for a value (mm).
GUTTER = 6.0
VALUE_WIDTH = 13.0


def _compact_body(pdf: ReportPDF, data: MonthlyReportData) -> None:
    """Everything below the header, on the rest of the first page."""

    def values() -> None:
        pdf.heading(say("pdf.monthly.values"), compact=True)
        _values(pdf, data, compact=True)

    def skdn() -> None:
        pdf.heading(say("pdf.monthly.skdn"), compact=True)
        bars = [(k, data.skdn.get(k), COLOURS[k]) for k in ("S", "K", "D", "N")]
        bar_chart(pdf, bars, height=52)

    def trend() -> None:
        pdf.heading(say("pdf.monthly.trend"), compact=True)
        trend_chart(pdf, data.trend, height=44)

    if not data.buka:
        pdf.ln(1.5)
        pdf.para(say("pdf.monthly.closed"), bold=True)
    else:
        _side_by_side(pdf, values, skdn, share=0.6)
        pdf.heading(say("pdf.monthly.ratios"), compact=True)
        ratio_table(pdf, data.ratios, row=6.0)
    _side_by_side(pdf, lambda: _strata(pdf, data, compact=True), trend)
    _side_by_side(pdf, lambda: _notes(pdf, compact=True), lambda: _sign(pdf, data, compact=True))


def _side_by_side(
    pdf: ReportPDF, left: Callable[[], None], right: Callable[[], None], share: float = 0.5
) -> None:
    """``left`` drawn in the left ``share`` of the width and ``right`` beside it, from the same
    height (each sees its column as the page's margins); below the taller of the two after.
    (A column that runs past the page makes a second page: the report is then laid out in
    large type instead, see :func:`render_posyandu_report`.)"""
    top, margin_l, margin_r = pdf.get_y(), pdf.l_margin, pdf.r_margin
    split = margin_l + (pdf.w - margin_l - margin_r) * share
    pdf.set_right_margin(pdf.w - split + GUTTER / 2)
    pdf.set_xy(margin_l, top)
    left()
    bottom = pdf.get_y()
    pdf.set_right_margin(margin_r)
    pdf.set_left_margin(split + GUTTER / 2)
    pdf.set_xy(pdf.l_margin, top)
    right()
    bottom = max(bottom, pdf.get_y())
    pdf.set_left_margin(margin_l)
    pdf.set_xy(margin_l, bottom)


#: The signature block's height (mm): heading, the two roles, room to sign, the names; and
#: before it the ruled lines for notes (each NOTE_LINE apart).
SIGN_HEIGHT = 62.0
NOTE_LINES = 4
NOTE_LINE = 9.0


def _signatures(pdf: ReportPDF, data: MonthlyReportData) -> None:
    """Ruled lines for the bidan's notes, and room for the kader's and the bidan's signature
    side by side, so the printed report can go into the paper file; never split."""
    if pdf.get_y() + SIGN_HEIGHT + 14 + NOTE_LINES * NOTE_LINE > pdf.page_break_trigger:
        pdf.add_page()
    _notes(pdf)
    _sign(pdf, data)


def _notes(pdf: ReportPDF, *, compact: bool = False) -> None:
    """The heading and ruled lines for the bidan's notes."""
    lines, gap = (3, 8.0) if compact else (NOTE_LINES, NOTE_LINE)
    pdf.heading(say("pdf.monthly.notes"), compact=compact)
    pdf.set_draw_color(*COLOURS["line"])
    for i in range(1, lines + 1):
        y = pdf.get_y() + i * gap
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(pdf.get_y() + lines * gap + 2)


def _sign(pdf: ReportPDF, data: MonthlyReportData, *, compact: bool = False) -> None:
    """Room for the kader's and the bidan's signatures, side by side, with their names."""
    pdf.heading(say("pdf.monthly.sign"), compact=compact)
    col = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    who = (
        # Who reported, when known; else a line to write the name on (an imported month).
        (
            "pdf.monthly.sign.kader",
            say("pdf.monthly.sign.name", name=data.reported_by)
            if data.reported_by
            else say("pdf.monthly.sign.blank"),
        ),
        ("pdf.monthly.sign.bidan", say("pdf.monthly.sign.blank")),
    )
    top = pdf.get_y() + 2
    size, room, inset = (9, 20.0, 3.0) if compact else (11, 26.0, 8.0)
    pdf.set_draw_color(*COLOURS["ink"])
    for i, (role, name) in enumerate(who):
        x = pdf.l_margin + i * col
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(col - 2, size * 0.5, say(role), align="C")
        pdf.line(x + inset, top + room + 6, x + col - 2 * inset, top + room + 6)
        pdf.set_xy(x, top + room + 8)
        pdf.cell(col - 2, 6, name, align="C")
    pdf.set_xy(pdf.l_margin, top + room + 16)


def _values(pdf: ReportPDF, data: MonthlyReportData, *, compact: bool = False) -> None:
    if not compact:
        pdf.heading(say("pdf.monthly.values"))
    col = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    size, band, row = (9, 5.0, 4.8) if compact else (11, 7.0, 6.5)
    for title, rows in data.groups:
        pdf.set_font("DejaVu", "B", size)
        pdf.set_fill_color(*COLOURS["band"])
        pdf.cell(0, band, f" {title}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", size)
        for i, (label, value) in enumerate(rows):
            x = pdf.l_margin + (i % 2) * col
            if i % 2 == 0 and i:
                pdf.ln(row)
            pdf.set_x(x)
            room = col * 0.68
            if compact:  # the value's own width (a programme's names), at least VALUE_WIDTH
                pdf.set_font("DejaVu", "B", size)
                needed = pdf.get_string_width(value) + 2 * pdf.c_margin + 1
                room = col - max(VALUE_WIDTH, needed) - 2
                pdf.set_font("DejaVu", "", size)
            while compact and pdf.get_string_width(label) > room and pdf.font_size_pt > 6.5:
                pdf.set_font_size(pdf.font_size_pt - 0.5)  # a long label, in a narrow column
            pdf.cell(room, row, label)
            pdf.set_font("DejaVu", "B", size)
            pdf.cell(col - room - 2, row, value, align="R")
            pdf.set_font("DejaVu", "", size)
        pdf.ln(row + (0.6 if compact else 1.5))


def _ratios(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(say("pdf.monthly.ratios"))
    ratio_table(pdf, data.ratios)


def _strata(pdf: ReportPDF, data: MonthlyReportData, *, compact: bool = False) -> None:
    pdf.heading(say("pdf.monthly.strata"), compact=compact)
    body, small = (9.5, 9.0) if compact else (11.0, 10.0)
    pdf.para(_stratum_line(data), size=12 if compact else 14, bold=True)
    pdf.para(
        say("pdf.monthly.aktif", answer=say("pdf.yes") if data.aktif else say("pdf.no")),
        size=10 if compact else 12,
    )
    if not data.stratum:
        pass  # no stratum yet: nothing holds it, nothing is needed
    elif data.next_stratum is None:
        pdf.para(say("pdf.monthly.top"), size=body)
    else:
        if data.limiting:
            pdf.para(say("pdf.monthly.limiting"), size=body, bold=True)
            for line in data.limiting:
                pdf.para(f"  • {line}", size=body)
        pdf.para(say("pdf.monthly.needs", next=data.next_stratum), size=body, bold=True)
        for line in data.needs:
            pdf.para(f"  • {line}", size=body)
    if data.missing:
        pdf.para(say("pdf.monthly.missing", fields=", ".join(data.missing)), size=small)
    if data.projected:
        pdf.para(say("pdf.monthly.projected", stratum=data.projected), size=small)
    else:
        pdf.para(say("pdf.monthly.projected_none"), size=small)


def _stratum_line(data: MonthlyReportData) -> str:
    """ "Strata: PURNAMA", "Strata sementara (4 bulan data): PURNAMA", or "Strata: belum
    cukup data (2 bulan data)"."""
    if data.months_known is None:
        return say("pdf.monthly.stratum_line", stratum=data.stratum.upper())
    key = "pdf.monthly.stratum_provisional" if data.stratum else "pdf.monthly.stratum_too_few"
    return say(key, stratum=data.stratum.upper(), months=data.months_known)
