"""The posyandu's monthly report: 1-2 A4 pages, large type."""

from __future__ import annotations

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.charts import bar_chart, trend_chart
from bot.pdf.model import MonthlyReportData
from bot.pdf.tables import ratio_table
from conversations.catalogue import say

__all__ = ["render_posyandu_report"]


def render_posyandu_report(data: MonthlyReportData) -> bytes:
    title = say("pdf.monthly.title", name=data.posyandu)
    pdf = ReportPDF(f"{title} - {data.period_label}", data.generated_at, data.verification)
    pdf.add_page()
    pdf.para(title, size=17, bold=True)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(
        say(
            "pdf.monthly.place", desa=data.desa, kecamatan=data.kecamatan, kabupaten=data.kabupaten
        ),
        size=10,
    )
    if data.puskesmas:
        pdf.para(say("pdf.monthly.puskesmas", puskesmas=data.puskesmas), size=10)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.ln(1)
    pdf.para(say("pdf.monthly.period", period=data.period_label, hari_buka=data.hari_buka))
    pdf.para(
        data.imported
        or say(
            "pdf.monthly.reported",
            who=data.reported_by or say("pdf.no_value"),
            when=data.reported_at,
            channel=data.channel,
        ),
        size=10,
    )
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
    return bytes(pdf.output())


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
    pdf.heading(say("pdf.monthly.notes"))
    pdf.set_draw_color(*COLOURS["line"])
    for i in range(1, NOTE_LINES + 1):
        y = pdf.get_y() + i * NOTE_LINE
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(pdf.get_y() + NOTE_LINES * NOTE_LINE + 2)
    pdf.heading(say("pdf.monthly.sign"))
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
    pdf.set_draw_color(*COLOURS["ink"])
    for i, (role, name) in enumerate(who):
        x = pdf.l_margin + i * col
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "", 11)
        pdf.cell(col - 8, 6, say(role), align="C")
        pdf.line(x + 8, top + 32, x + col - 16, top + 32)
        pdf.set_xy(x, top + 34)
        pdf.cell(col - 8, 6, name, align="C")
    pdf.set_xy(pdf.l_margin, top + 42)


def _values(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(say("pdf.monthly.values"))
    col = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for title, rows in data.groups:
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_fill_color(*COLOURS["band"])
        pdf.cell(0, 7, f" {title}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        for i, (label, value) in enumerate(rows):
            x = pdf.l_margin + (i % 2) * col
            if i % 2 == 0 and i:
                pdf.ln(6.5)
            pdf.set_x(x)
            pdf.cell(col * 0.68, 6.5, label)
            pdf.set_font("DejaVu", "B", 11)
            pdf.cell(col * 0.32 - 2, 6.5, value, align="R")
            pdf.set_font("DejaVu", "", 11)
        pdf.ln(8)


def _ratios(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(say("pdf.monthly.ratios"))
    ratio_table(pdf, data.ratios)


def _strata(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(say("pdf.monthly.strata"))
    pdf.para(_stratum_line(data), size=14, bold=True)
    pdf.para(
        say("pdf.monthly.aktif", answer=say("pdf.yes") if data.aktif else say("pdf.no")), size=12
    )
    if not data.stratum:
        pass  # no stratum yet: nothing holds it, nothing is needed
    elif data.next_stratum is None:
        pdf.para(say("pdf.monthly.top"))
    else:
        if data.limiting:
            pdf.para(say("pdf.monthly.limiting"), bold=True)
            for line in data.limiting:
                pdf.para(f"  • {line}")
        pdf.para(say("pdf.monthly.needs", next=data.next_stratum), bold=True)
        for line in data.needs:
            pdf.para(f"  • {line}")
    if data.missing:
        pdf.para(say("pdf.monthly.missing", fields=", ".join(data.missing)), size=10)
    if data.projected:
        pdf.para(say("pdf.monthly.projected", stratum=data.projected), size=11)
    else:
        pdf.para(say("pdf.monthly.projected_none"), size=11)


def _stratum_line(data: MonthlyReportData) -> str:
    """ "Strata: PURNAMA", "Strata sementara (4 bulan data): PURNAMA", or "Strata: belum
    cukup data (2 bulan data)"."""
    if data.months_known is None:
        return say("pdf.monthly.stratum_line", stratum=data.stratum.upper())
    key = "pdf.monthly.stratum_provisional" if data.stratum else "pdf.monthly.stratum_too_few"
    return say(key, stratum=data.stratum.upper(), months=data.months_known)
