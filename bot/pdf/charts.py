"""Charts drawn with fpdf2's own primitives: bars with their numbers, and a trend line."""

from __future__ import annotations

from collections.abc import Sequence

from bot.colours import INDICATOR_COLOURS
from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.model import TrendPoint
from conversations.catalogue import say
from conversations.figure_words import count, pdf_blank, percent

__all__ = ["bar_chart", "trend_chart"]


def bar_chart(
    pdf: ReportPDF,
    bars: Sequence[tuple[str, int | None, tuple[int, int, int]]],
    height: float = 55,
) -> None:
    """Vertical bars (diagram balok), each labelled under it and numbered above it."""
    x0, y0 = pdf.l_margin, pdf.get_y()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    top = max([v for _l, v, _c in bars if v] or [1])
    slot = width / len(bars)
    bar_w = min(24.0, slot * 0.55)
    plot_h = height - 14
    base = y0 + height - 8
    pdf.set_draw_color(*COLOURS["line"])
    pdf.line(x0, base, x0 + width, base)
    for i, (label, v, colour) in enumerate(bars):
        cx = x0 + slot * i + slot / 2
        h = 0.0 if not v else plot_h * v / top
        pdf.set_fill_color(*colour)
        if h > 0:
            pdf.rect(cx - bar_w / 2, base - h, bar_w, h, style="F")
        pdf.set_font("DejaVu", "B", 12)
        pdf.set_xy(cx - slot / 2, base - h - 7)
        pdf.cell(slot, 6, count(v, pdf_blank()), align="C")
        pdf.set_font("DejaVu", "B", 12)
        pdf.set_xy(cx - slot / 2, base + 1)
        pdf.cell(slot, 6, label, align="C")
    pdf.set_xy(x0, y0 + height + 2)


def trend_chart(pdf: ReportPDF, points: Sequence[TrendPoint], height: float = 50) -> None:
    """D/S and N/D over the months, 0-100%, with a legend; gaps where not computable."""
    x0, y0 = pdf.l_margin + 10, pdf.get_y()
    width = pdf.w - pdf.r_margin - x0
    plot_h = height - 12
    base = y0 + plot_h
    pdf.set_font("DejaVu", "", 8)
    pdf.set_draw_color(*COLOURS["line"])
    pdf.set_text_color(*COLOURS["muted"])
    for pct in (0, 50, 100):
        y = base - plot_h * pct / 100
        pdf.line(x0, y, x0 + width, y)
        pdf.set_xy(x0 - 11, y - 2)
        pdf.cell(10, 4, percent(pct / 100), align="R")
    n = max(1, len(points))
    step = width / n
    # Where the months are narrow (the chart beside the stratum), every other month is named,
    # the latest always.
    every = 1 if step >= pdf.get_string_width("Mmm 00") + 1 else 2
    for i, p in enumerate(points):
        if p.partial:
            # The month in progress: a light band, "berjalan" at its top.
            pdf.set_fill_color(*COLOURS["band"])
            pdf.rect(x0 + step * i, base - plot_h, step, plot_h, style="F")
            # Wider than a narrow month (the chart beside the stratum): it ends at the band's
            # right edge and runs left over the plot, where nothing is drawn at its height.
            pdf.set_font("DejaVu", "", 7)
            label = say("chart.in_progress")
            width = max(step, pdf.get_string_width(label) + 1)
            pdf.set_xy(x0 + step * (i + 1) - width, base - plot_h + 0.5)
            pdf.cell(width, 3.5, label, align="C" if width == step else "R")
            pdf.set_font("DejaVu", "", 8)
        if (n - 1 - i) % every:
            continue
        pdf.set_xy(x0 + step * i - step * (every - 1) / 2, base + 1)
        pdf.cell(step * every, 4, p.label, align="C")
    pdf.set_text_color(*COLOURS["ink"])
    series = (
        ("d_s", INDICATOR_COLOURS["d_s"], say("pdf.legend.ds")),
        ("n_d", INDICATOR_COLOURS["n_d"], say("pdf.legend.nd")),
    )
    for attr, colour, _label in series:
        _line(pdf, [getattr(p, attr) for p in points], points, colour, (x0, base, step, plot_h))
    pdf.set_line_width(0.2)
    _legend(pdf, series, x0, base)


def _legend(
    pdf: ReportPDF, series: Sequence[tuple[str, tuple[int, int, int], str]], x0: float, base: float
) -> None:
    """A line sample and the words of each series (colour is never the only signal)."""
    pdf.set_xy(x0, base + 6)
    pdf.set_font("DejaVu", "", 9)
    for _attr, colour, label in series:
        if pdf.get_x() + 7 + pdf.get_string_width(label) > pdf.w - pdf.r_margin:
            pdf.set_xy(x0, pdf.get_y() + 5)  # no room beside the one before: below it
        x, y = pdf.get_x(), pdf.get_y() + 2.5
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.8)
        pdf.line(x, y, x + 6, y)
        pdf.set_line_width(0.2)
        pdf.set_x(x + 7)
        pdf.cell(pdf.get_string_width(label) + 8, 5, label)
    pdf.set_xy(pdf.l_margin, max(base + 13, pdf.get_y() + 7))


def _line(
    pdf: ReportPDF,
    values: Sequence[float | None],
    points: Sequence[TrendPoint],
    colour: tuple[int, int, int],
    frame: tuple[float, float, float, float],
) -> None:
    """One series: runs of known months joined, a gap where a value is not computable; the
    month in progress hollow and not joined (its figure is what has come in so far).
    ``frame``: the plot's left x, base y, month step and height."""
    x0, base, step, plot_h = frame
    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    pdf.set_line_width(0.8)
    run: list[tuple[float, float]] = []
    for i, (v, p) in enumerate(zip(values, points, strict=True)):
        if v is None or p.partial:
            if len(run) > 1:
                pdf.polyline(run)
            run = []
        if v is None:
            continue
        xy = (x0 + step * i + step / 2, base - plot_h * min(v, 1.0))
        if p.partial:
            pdf.set_fill_color(255, 255, 255)
            pdf.set_line_width(0.5)
            pdf.circle(x=xy[0], y=xy[1], radius=1.3, style="DF")
            pdf.set_line_width(0.8)
            pdf.set_fill_color(*colour)
            continue
        run.append(xy)
        pdf.circle(x=xy[0], y=xy[1], radius=1.1, style="F")
    if len(run) > 1:
        pdf.polyline(run)
