"""The KMS chart as SVG for the dasbor's child page (bot/dasbor/kms_chart.py): the same
geometry as the PDF (scoring/kms.py), so its bands, lines and the child's points are read
back from the markup and checked against the chart they come from."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from bot.colours import kms_css
from bot.dasbor.kms_chart import kms_svg
from bot.kbm import load_kbm
from scoring.growth import GrowthRules, Sex, Weighing
from scoring.kms import BandKind, kms_chart

RULES = GrowthRules(kbm=load_kbm())
SVG = "{http://www.w3.org/2000/svg}"
BORN = date(2025, 1, 10)
WEIGHED = [("2025-02-10", "4.5"), ("2025-03-10", "5.4"), ("2025-04-10", "6.0"),
           ("2025-06-10", "6.6"), ("2025-07-10", "5.6")]  # fmt: skip


def _chart() -> ET.Element:
    weighings = [Weighing(date.fromisoformat(d), Decimal(kg)) for d, kg in WEIGHED]
    chart = kms_chart(Sex.MALE, BORN, weighings, RULES, today=date(2025, 8, 1))
    return ET.fromstring(str(kms_svg(chart)))


def _xy(points: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in points.split())]


def test_the_bands_are_drawn_in_the_kms_colours() -> None:
    svg = _chart()
    bands = [p for p in svg.iter(f"{SVG}polygon") if "band" in p.get("class", "")]
    assert [(b.get("class"), b.get("fill")) for b in bands] == [
        (f"band band-{kind.value}", kms_css(kind.value)) for kind in BandKind
    ]
    red = [p for p in svg.iter(f"{SVG}polyline") if p.get("class") == "red-line"]
    orange = [p for p in svg.iter(f"{SVG}polyline") if p.get("class") == "orange-line"]
    assert len(red) == len(orange) == 1
    assert red[0].get("stroke") == kms_css("red_line")
    # The red line is the yellow band's lower edge; the orange line is above it everywhere.
    red_line = _xy(red[0].get("points", ""))
    yellow = _xy(bands[0].get("points", ""))
    assert yellow[: len(red_line)] == red_line
    assert all(
        oy < ry
        for (_x, oy), (_x2, ry) in zip(_xy(orange[0].get("points", "")), red_line, strict=True)
    )
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Umur (bulan)" in texts and "Berat badan (kg)" in texts and "-3" in texts


def test_the_points_are_the_weighings_joined_month_to_month() -> None:
    svg = _chart()
    dots = list(svg.iter(f"{SVG}circle"))
    assert [d.findtext(f"{SVG}title") for d in dots] == [
        "10 Feb 2025: 4,5 kg, B (baru pertama ditimbang)",
        "10 Mar 2025: 5,4 kg, N (naik)",
        "10 Apr 2025: 6,0 kg, T (tidak naik)",
        "10 Jun 2025: 6,6 kg, O (bulan lalu tidak ditimbang)",
        "10 Jul 2025: 5,6 kg, T (tidak naik)",
    ]
    xs = [float(d.get("cx", "")) for d in dots]
    ys = [float(d.get("cy", "")) for d in dots]
    assert xs == sorted(xs) and ys[1] < ys[0] and ys[4] > ys[3]  # up the page is heavier
    # 5.6 kg at 6 months is under the red line (BGM): a red dot, below the line there.
    assert [d.get("fill") for d in dots].count(kms_css("red_line")) == 1
    assert dots[4].get("fill") == kms_css("red_line")
    red = next(p for p in svg.iter(f"{SVG}polyline") if p.get("class") == "red-line")
    line_y = min(_xy(red.get("points", "")), key=lambda p: abs(p[0] - xs[4]))[1]
    assert ys[4] > line_y
    # Joined where the months follow each other: Feb-Mar-Apr, then Jun-Jul (May missed).
    runs = [
        _xy(p.get("points", "")) for p in svg.iter(f"{SVG}polyline") if p.get("class") == "child"
    ]
    assert runs == [list(zip(xs[:3], ys[:3], strict=True)), list(zip(xs[3:], ys[3:], strict=True))]
