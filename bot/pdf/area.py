"""The area summary: completeness, strata, and every posyandu (worst first)."""

from __future__ import annotations

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.charts import bar_chart
from bot.pdf.model import AreaSummaryData
from bot.pdf.text import T, percent

__all__ = ["render_area_summary"]

STRATUM_COLOURS = {
    "Pratama": (198, 40, 40),
    "Madya": (230, 145, 0),
    "Purnama": (3, 155, 229),
    "Mandiri": (46, 125, 50),
}
#: Column widths (mm) of the table: fits A4 portrait with large-enough type.
WIDTHS = (11, 44, 32, 15, 13, 13, 19, 35)


def render_area_summary(data: AreaSummaryData) -> bytes:
    title = T["area.title"].format(area=data.area)
    pdf = ReportPDF(f"{title} - {data.period_label}", data.generated_at, data.verification)
    pdf.add_page()
    pdf.para(title, size=17, bold=True)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(data.parents, size=10)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.para(T["area.period"].format(period=data.period_label))
    share = data.reported / data.expected if data.expected else None
    pdf.para(
        T["area.completeness"].format(
            reported=data.reported, expected=data.expected, share=percent(share)
        ),
        size=12,
        bold=True,
    )
    pdf.heading(T["area.strata"])
    bar_chart(
        pdf,
        [(label, n, STRATUM_COLOURS.get(label, COLOURS["S"])) for label, n in data.counts.items()],
        height=48,
    )
    pdf.para(T["area.pm"].format(share=percent(data.share_purnama_mandiri)), size=12)
    pdf.para(T["area.aktif"].format(share=percent(data.share_aktif)), size=12)
    pdf.heading(T["area.table"])
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(T["area.gap_note"], size=9)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.ln(1)
    heads = [
        T[f"area.col.{key}"]
        for key in ("no", "posyandu", "desa", "reported", "ds", "nd", "stratum", "gap")
    ]
    _header(pdf, heads)
    pdf.set_font("DejaVu", "", 9)
    for i, r in enumerate(data.rows, start=1):
        if pdf.get_y() + ROW_H > pdf.page_break_trigger:
            pdf.add_page()
            _header(pdf, heads)
            pdf.set_font("DejaVu", "", 9)
        if i % 2 == 0:
            pdf.set_fill_color(*COLOURS["band"])
            pdf.rect(pdf.l_margin, pdf.get_y(), sum(WIDTHS), ROW_H, style="F")
        cells = (
            str(i),
            r.posyandu,
            r.desa,
            T["area.yes"] if r.reported else T["area.no"],
            percent(r.d_s),
            percent(r.n_d),
            r.stratum,
            r.top_gap,
        )
        for w, align, text in zip(WIDTHS, ALIGN, cells, strict=True):
            bold = text == T["area.no"]
            if bold:
                pdf.set_font("DejaVu", "B", 9)
            pdf.cell(w, ROW_H, _fit(pdf, text, w - 2), align=align)
            if bold:
                pdf.set_font("DejaVu", "", 9)
        pdf.ln(ROW_H)
    return bytes(pdf.output())


ROW_H = 6.0
ALIGN = ("R", "L", "L", "C", "R", "R", "L", "L")


def _header(pdf: ReportPDF, heads: list[str]) -> None:
    """The table's headings: at its start and again at the top of every page it runs onto."""
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_fill_color(*COLOURS["line"])
    pdf.rect(pdf.l_margin, pdf.get_y(), sum(WIDTHS), ROW_H + 1, style="F")
    for w, align, text in zip(WIDTHS, ALIGN, heads, strict=True):
        pdf.cell(w, ROW_H + 1, _fit(pdf, text, w - 2), align=align)
    pdf.ln(ROW_H + 1)


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    """``text``, shortened with an ellipsis when it would not fit in ``width``."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
