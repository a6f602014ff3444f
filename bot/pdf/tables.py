"""Tables more than one PDF draws: the ratios against their targets."""

from __future__ import annotations

from collections.abc import Sequence

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.model import RatioLine
from conversations.catalogue import say
from conversations.figure_words import category_words, pdf_blank, percent_pair

__all__ = ["ratio_table"]


def ratio_table(pdf: ReportPDF, ratios: Sequence[RatioLine], row: float = 8.0) -> None:
    """Indicator, actual, target and the gap category (in words and colour), ``row`` mm a
    line."""
    widths = (52, 28, 26, 76)
    heads = ("indicator", "actual", "target", "status")
    pdf.set_font("DejaVu", "B", 10)
    for w, key in zip(widths, heads, strict=True):
        pdf.cell(w, 7, say(f"pdf.ratio.col.{key}"), border="B")
    pdf.ln(7)
    pdf.set_font("DejaVu", "", 11)
    for r in ratios:
        colour = COLOURS[r.category or "none"]
        # One decimal where whole percents would make a shortfall look reached (84,6% / 85%).
        actual, target = percent_pair(r.actual, r.target, pdf_blank())
        pdf.cell(widths[0], row, r.label)
        pdf.cell(widths[1], row, actual, align="R")
        pdf.cell(widths[2], row, target, align="R")
        x, y = pdf.get_x() + 3, pdf.get_y() + (row - 4) / 2
        pdf.set_fill_color(*colour)
        pdf.rect(x, y, 4, 4, style="F")
        pdf.set_x(x + 6)
        pdf.set_text_color(*colour)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(widths[3] - 9, row, category_words(r.category), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*COLOURS["ink"])
        pdf.set_font("DejaVu", "", 11)
