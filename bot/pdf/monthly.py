"""The posyandu's monthly report: 1-2 A4 pages, large type."""

from __future__ import annotations

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.charts import bar_chart, trend_chart
from bot.pdf.model import MonthlyReportData
from bot.pdf.text import CATEGORY, T, percent

__all__ = ["render_posyandu_report"]


def render_posyandu_report(data: MonthlyReportData) -> bytes:
    title = T["monthly.title"].format(name=data.posyandu)
    pdf = ReportPDF(f"{title} - {data.period_label}", data.generated_at, data.verification)
    pdf.add_page()
    pdf.para(title, size=17, bold=True)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(
        T["monthly.place"].format(
            desa=data.desa, kecamatan=data.kecamatan, kabupaten=data.kabupaten
        ),
        size=10,
    )
    pdf.set_text_color(*COLOURS["ink"])
    pdf.ln(1)
    pdf.para(T["monthly.period"].format(period=data.period_label, hari_buka=data.hari_buka))
    pdf.para(
        T["monthly.reported"].format(
            who=data.reported_by, when=data.reported_at, channel=data.channel
        ),
        size=10,
    )
    if not data.buka:
        pdf.ln(2)
        pdf.para(T["monthly.closed"], bold=True)
    else:
        _values(pdf, data)
        pdf.heading(T["monthly.skdn"])
        bar_chart(
            pdf,
            [(k, data.skdn.get(k), COLOURS[k]) for k in ("S", "K", "D", "N")],
        )
        _ratios(pdf, data)
    _strata(pdf, data)
    pdf.heading(T["monthly.trend"])
    trend_chart(pdf, data.trend)
    return bytes(pdf.output())


def _values(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(T["monthly.values"])
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
    pdf.heading(T["monthly.ratios"])
    widths = (52, 28, 26, 76)
    heads = ("ratio.col.indicator", "ratio.col.actual", "ratio.col.target", "ratio.col.status")
    pdf.set_font("DejaVu", "B", 10)
    for w, key in zip(widths, heads, strict=True):
        pdf.cell(w, 7, T[key], border="B")
    pdf.ln(7)
    pdf.set_font("DejaVu", "", 11)
    for r in data.ratios:
        colour = COLOURS[r.category or "none"]
        pdf.cell(widths[0], 8, r.label)
        pdf.cell(widths[1], 8, percent(r.actual), align="R")
        pdf.cell(widths[2], 8, percent(r.target), align="R")
        x, y = pdf.get_x() + 3, pdf.get_y() + 2
        pdf.set_fill_color(*colour)
        pdf.rect(x, y, 4, 4, style="F")
        pdf.set_x(x + 6)
        pdf.set_text_color(*colour)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(widths[3] - 9, 8, CATEGORY[r.category], new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*COLOURS["ink"])
        pdf.set_font("DejaVu", "", 11)


def _strata(pdf: ReportPDF, data: MonthlyReportData) -> None:
    pdf.heading(T["monthly.strata"])
    pdf.para(T["monthly.stratum_line"].format(stratum=data.stratum.upper()), size=14, bold=True)
    pdf.para(T["monthly.aktif"].format(answer=T["yes"] if data.aktif else T["no"]), size=12)
    if data.next_stratum is None:
        pdf.para(T["monthly.top"])
    else:
        if data.limiting:
            pdf.para(T["monthly.limiting"], bold=True)
            for line in data.limiting:
                pdf.para(f"  • {line}")
        pdf.para(T["monthly.needs"].format(next=data.next_stratum), bold=True)
        for line in data.needs:
            pdf.para(f"  • {line}")
    if data.missing:
        pdf.para(T["monthly.missing"].format(fields=", ".join(data.missing)), size=10)
    pdf.para(T["monthly.projected"].format(stratum=data.projected), size=11)
