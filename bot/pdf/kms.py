"""A child's KMS page (Kartu Menuju Sehat): the weight-for-age chart as the Buku KIA prints it,
for a kader to show the mother on a phone or on paper.

One A4 page: the card's band in the child's colour (blue for a boy, pink for a girl), who the
child is, the chart (the WHO 2006 curves and the KMS bands of :mod:`scoring.kms`, the red and
the orange line, the child's weighings joined), a legend, the last weighing's status and
category, and the latest weighings as a table. Pure and synchronous: data in, bytes out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.colours import KMS_COLOURS
from bot.pdf.base import COLOURS, ReportPDF
from conversations.catalogue import say
from conversations.figure_words import decimal
from scoring.kms import Curve, KmsChart

__all__ = ["KmsData", "KmsRow", "render_kms"]

#: Weighings listed in the table under the chart (the latest ones).
TABLE_ROWS = 12


@dataclass(frozen=True, slots=True)
class KmsRow:
    """A weighing as the table shows it (words already)."""

    date: str
    age: str
    kg: str
    status: str


@dataclass(frozen=True, slots=True)
class KmsData:
    name: str
    sex: str  # "L" / "P": the card's colour
    sex_words: str
    birth: str
    age: str
    posyandu: str
    chart: KmsChart
    #: The last weighing: "7 Des 2026: 9,4 kg, umur 11 bulan"; its status and BB/U words;
    #: why it is referred (empty: it is not). Empty ``last`` when never weighed.
    last: str
    status: str
    category: str
    referral: str
    rows: Sequence[KmsRow]
    generated_at: datetime
    verification: str


def render_kms(data: KmsData) -> bytes:
    title = say("pdf.kms.title")
    pdf = ReportPDF(f"{title} - {data.name}", data.generated_at, data.verification)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _card_band(pdf, data)
    _identity(pdf, data)
    _chart(pdf, data.chart, height=120)
    _legend(pdf, data.chart)
    _last(pdf, data)
    _table(pdf, data.rows[-TABLE_ROWS:])
    return pdf.finish()


def _card_band(pdf: ReportPDF, data: KmsData) -> None:
    colour = KMS_COLOURS.get(data.sex, COLOURS["ink"])
    x, y, w = pdf.l_margin, pdf.get_y(), pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_fill_color(*colour)
    pdf.rect(x, y, w, 15, style="F", round_corners=True, corner_radius=2)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", "B", 15)
    pdf.set_xy(x + 4, y + 1.5)
    pdf.cell(w - 8, 7, say("pdf.kms.title"))
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(x + 4, y + 8)
    pdf.cell(w - 8, 5, say("pdf.kms.subtitle"))
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_xy(x + 4, y + 4)
    pdf.cell(w - 8, 7, data.sex_words.upper(), align="R")
    pdf.set_text_color(*COLOURS["ink"])
    pdf.set_xy(x, y + 17)


def _identity(pdf: ReportPDF, data: KmsData) -> None:
    x0, y0 = pdf.l_margin, pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    cells = [
        (say("pdf.kms.name"), data.name, 0, 0),
        (say("pdf.kms.birth"), f"{data.birth} ({data.age})", half, 0),
        (say("pdf.kms.sex"), data.sex_words.capitalize(), 0, 1),
        (say("pdf.kms.posyandu"), data.posyandu, half, 1),
    ]
    for label, value, dx, row in cells:
        y = y0 + row * 10
        pdf.set_xy(x0 + dx, y)
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(*COLOURS["muted"])
        pdf.cell(half - 2, 4, label)
        pdf.set_xy(x0 + dx, y + 4)
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(*COLOURS["ink"])
        pdf.cell(half - 2, 5.5, value)
    pdf.set_xy(x0, y0 + 22)


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area on the page and the chart's axes."""

    x: float
    y: float
    w: float
    h: float
    months: int
    kg_min: int
    kg_max: int

    def px(self, month: float) -> float:
        return self.x + self.w * month / self.months

    def py(self, kg: float) -> float:
        kg = min(max(kg, self.kg_min), self.kg_max)
        return self.y + self.h * (1 - (kg - self.kg_min) / (self.kg_max - self.kg_min))

    def path(self, curve: Curve) -> list[tuple[float, float]]:
        return [(self.px(m), self.py(kg)) for m, kg in curve.points]


def _chart(pdf: ReportPDF, chart: KmsChart, height: float) -> None:
    left, right = pdf.l_margin + 9, pdf.w - pdf.r_margin - 7
    top = pdf.get_y() + 5
    f = _Frame(left, top, right - left, height, chart.months, chart.kg_min, chart.kg_max)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.set_xy(pdf.l_margin, top - 5)
    pdf.cell(40, 4, say("pdf.kms.kg_axis"))
    # The bands, bottom to top, then the grid over them (light), then the curves.
    for band in chart.bands:
        pdf.set_fill_color(*KMS_COLOURS[band.kind.value])
        pdf.polygon([*f.path(band.lower), *reversed(f.path(band.upper))], style="F")
    _grid(pdf, f)
    for curve in chart.curves:
        if curve.red:
            colour, width = KMS_COLOURS["red_line"], 0.9
        elif curve.orange:
            colour, width = KMS_COLOURS["orange_line"], 0.9
        elif curve.z == 0:
            colour, width = KMS_COLOURS["median"], 0.45
        else:
            colour, width = KMS_COLOURS["curve"], 0.25
        pdf.set_draw_color(*colour)
        pdf.set_line_width(width)
        pdf.polyline(f.path(curve))
        _z_label(pdf, f, curve, colour)
    pdf.set_draw_color(*COLOURS["ink"])
    pdf.set_line_width(0.3)
    pdf.rect(f.x, f.y, f.w, f.h)
    _points(pdf, f, chart)
    pdf.set_line_width(0.2)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.set_xy(pdf.l_margin, f.y + f.h + 8)


def _grid(pdf: ReportPDF, f: _Frame) -> None:
    pdf.set_draw_color(*KMS_COLOURS["grid"])
    pdf.set_line_width(0.1)
    kg_step = 1 if f.kg_max - f.kg_min <= 20 else 2
    for kg in range(f.kg_min, f.kg_max + 1):
        y = f.py(kg)
        pdf.set_draw_color(*KMS_COLOURS["grid"])
        pdf.line(f.x, y, f.x + f.w, y)
        if kg % kg_step == 0:
            pdf.set_xy(f.x - 9, y - 2)
            pdf.cell(8, 4, str(kg), align="R")
    every = 1 if f.months <= 24 else 3
    for month in range(0, f.months + 1):
        x = f.px(month)
        pdf.set_draw_color(*KMS_COLOURS["grid"])
        pdf.set_line_width(0.25 if month % 12 == 0 else 0.1)
        pdf.line(x, f.y, x, f.y + f.h)
        if month % every == 0:
            pdf.set_xy(x - 4, f.y + f.h + 0.5)
            pdf.cell(8, 4, str(month), align="C")
    pdf.set_xy(f.x, f.y + f.h + 4)
    pdf.cell(f.w, 4, say("pdf.kms.month_axis"), align="C")


def _z_label(pdf: ReportPDF, f: _Frame, curve: Curve, colour: tuple[int, int, int]) -> None:
    _m, kg = curve.points[-1]
    pdf.set_text_color(*colour)
    pdf.set_font("DejaVu", "B" if curve.red or curve.orange else "", 7)
    label = decimal(curve.z, 0 if curve.z == int(curve.z) else 1)
    if curve.z > 0:
        label = "+" + label
    pdf.set_xy(f.x + f.w + 0.5, f.py(kg) - 2)
    pdf.cell(6.5, 4, label)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.set_font("DejaVu", "", 7.5)


def _points(pdf: ReportPDF, f: _Frame, chart: KmsChart) -> None:
    """The weighings, joined month to month (a month without a weighing breaks the line, as
    a kader joins only consecutive months' dots on the card)."""
    points = chart.points
    pdf.set_draw_color(*KMS_COLOURS["child"])
    pdf.set_line_width(0.6)
    for a, b in itertools.pairwise(points):
        if (b.date.year * 12 + b.date.month) - (a.date.year * 12 + a.date.month) == 1:
            pdf.line(f.px(a.months), f.py(a.kg), f.px(b.months), f.py(b.kg))
    radius = 1.1
    for p in points:
        fill = KMS_COLOURS["red_line"] if p.under_red_line else KMS_COLOURS["child"]
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.3)
        pdf.circle(f.px(p.months), f.py(p.kg), radius, style="DF")


def _swatch(pdf: ReportPDF, colour: tuple[int, int, int], text: str, line: bool) -> None:
    x, y = pdf.get_x(), pdf.get_y()
    if line:
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.9)
        pdf.line(x, y + 2, x + 6, y + 2)
        pdf.set_line_width(0.2)
    else:
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + 0.5, 6, 3, style="F")
    pdf.set_xy(x + 7.5, y)
    pdf.cell(pdf.get_string_width(text) + 5, 4, text)


def _legend(pdf: ReportPDF, chart: KmsChart) -> None:
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*COLOURS["ink"])
    entries = [
        (KMS_COLOURS["red_line"], say("pdf.kms.legend.red"), True),
        (KMS_COLOURS["yellow"], say("pdf.kms.legend.yellow"), False),
        (KMS_COLOURS["dark_green"], say("pdf.kms.legend.green"), False),
        (KMS_COLOURS["orange_line"], say("pdf.kms.legend.orange"), True),
        (KMS_COLOURS["child"], say("pdf.kms.legend.child"), True),
    ]
    for colour, text, line in entries:
        if pdf.get_x() + pdf.get_string_width(text) + 14 > pdf.w - pdf.r_margin:
            pdf.ln(5)
        _swatch(pdf, colour, text, line)
    pdf.ln(7)


def _last(pdf: ReportPDF, data: KmsData) -> None:
    pdf.heading(say("pdf.kms.last_title"), compact=True)
    if not data.last:
        pdf.para(say("pdf.kms.never"), size=10)
        return
    pdf.para(data.last, size=10, bold=True)
    pdf.para(say("pdf.kms.status_line", status=data.status, category=data.category), size=10)
    if data.referral:
        pdf.set_text_color(*KMS_COLOURS["red_line"])
        pdf.para(data.referral, size=10, bold=True)
        pdf.set_text_color(*COLOURS["ink"])


def _table(pdf: ReportPDF, rows: Sequence[KmsRow]) -> None:
    if not rows:
        return
    pdf.heading(say("pdf.kms.table_title"), compact=True)
    heads = (
        say("pdf.kms.col.date"),
        say("pdf.kms.col.age"),
        say("pdf.kms.col.kg"),
        say("pdf.kms.col.status"),
    )
    # Two lists side by side when there are more than six rows (one page on a phone).
    halves = [rows[:6], rows[6:]] if len(rows) > 6 else [rows]
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 6) / 2
    cols = (0.34, 0.22, 0.2, 0.24)
    y0 = pdf.get_y()
    for i, part in enumerate(halves):
        x = pdf.l_margin + i * (width + 6)
        pdf.set_xy(x, y0)
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_fill_color(*COLOURS["band"])
        for head, share in zip(heads, cols, strict=True):
            pdf.cell(width * share, 5.5, head, fill=True, align="C")
        pdf.set_font("DejaVu", "", 9)
        for n, row in enumerate(part):
            pdf.set_xy(x, y0 + 5.5 * (n + 1))
            values = (row.date, row.age, row.kg, row.status)
            for value, share in zip(values, cols, strict=True):
                pdf.cell(width * share, 5.5, value, align="C")
    pdf.set_xy(pdf.l_margin, y0 + 5.5 * (max(len(h) for h in halves) + 1) + 2)
