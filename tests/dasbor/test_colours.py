"""One colour per indicator everywhere: the dasbor's SVG charts and the monthly PDF draw the
SKDN bars and the D/S and N/D lines in the colours of the one registry, bot.colours."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot.colours import INDICATOR_COLOURS, css_colour
from bot.dasbor.charts import bar_chart
from bot.dasbor.pages import _environment
from bot.dasbor.render import _trend_chart
from bot.pdf import render_posyandu_report
from bot.pdf.model import TrendPoint
from scoring import Period
from tests.pdf.test_pdf import _data


def _pdf_ops(content: bytes) -> str:
    return "".join(
        page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        for page in PdfReader(io.BytesIO(content)).pages
    )


def _colours(ops: str, op: str) -> set[tuple[int, int, int]]:
    """The colours a content stream sets with ``op`` (``RG`` stroke, ``rg`` fill), in 0-255."""
    found = re.findall(rf"(?<![\w.])([\d.]+) ([\d.]+) ([\d.]+) {op}\b", ops)
    return {(round(float(r) * 255), round(float(g) * 255), round(float(b) * 255))
            for r, g, b in found}  # fmt: skip


def test_the_dasbor_charts_use_the_registry() -> None:
    months = [Period(2026, m) for m in range(1, 13)]
    trend = _trend_chart(
        [(p, 0.7, 0.8) for p in months], {"d_s": 0.85, "n_d": 0.8}, Period(2027, 1)
    )
    charts = _environment().get_template("charts.html").module
    svg = str(charts.lines(trend, "tren"))  # type: ignore[attr-defined]
    strokes = re.findall(r'<polyline [^>]*class="line s(\d)" stroke="(#[0-9a-f]{6})"', svg)
    assert strokes == [("1", css_colour("d_s")), ("2", css_colour("n_d"))]
    # The key shows the same colours as the lines.
    swatches = re.findall(r'<rect width="12" height="4" fill="(#[0-9a-f]{6})"', svg)
    assert swatches == [css_colour("d_s"), css_colour("n_d")]
    bars = bar_chart([("S", 50), ("K", 45), ("D", 40), ("N", 30)], [css_colour(f) for f in "skdn"])
    svg = str(charts.bars(bars, "skdn"))  # type: ignore[attr-defined]
    fills = re.findall(r'class="bar bar\d" fill="(#[0-9a-f]{6})"', svg)
    assert fills == [css_colour(f) for f in "skdn"]


def test_the_pdf_draws_the_same_colours() -> None:
    data = _data()
    data.trend[:] = [
        TrendPoint(f"{m:02d}", 0.6 + m / 100, 0.7 + m / 100) for m in range(1, 13)
    ]
    ops = _pdf_ops(render_posyandu_report(data))
    strokes, fills = _colours(ops, "RG"), _colours(ops, "rg")
    for ratio in ("d_s", "n_d"):  # the 12-month lines
        assert INDICATOR_COLOURS[ratio] in strokes, ratio
    for count in "skdn":  # the SKDN balok
        assert INDICATOR_COLOURS[count] in fills, count


def test_a_ratio_has_its_numerators_colour_and_the_four_bars_differ() -> None:
    assert INDICATOR_COLOURS["d_s"] == INDICATOR_COLOURS["d"]
    assert INDICATOR_COLOURS["n_d"] == INDICATOR_COLOURS["n"]
    assert len({INDICATOR_COLOURS[f] for f in "skdn"}) == 4
