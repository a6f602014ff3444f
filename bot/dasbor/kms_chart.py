"""A child's KMS chart as SVG, for the dasbor's child page: the same chart as the KMS PDF
(bot/pdf/kms.py), from the same geometry (:func:`scoring.kms.kms_chart`) and the same colours
(``bot.colours.KMS_COLOURS``): the bands, the WHO curves, the red and the orange line, the
child's weighings joined month to month, the axes in months and kilograms.

A register child's chart is ``bot.kms.child_chart(child, weighings, rules, today)``.
The SVG is markup made here (no script, no chart library), every text escaped; the page
puts it in with ``|safe`` (it is a :class:`markupsafe.Markup`). It carries no name: the
page around it says whose chart it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from bot.colours import kms_css
from conversations.catalogue import say
from conversations.figure_words import decimal, weight_words
from conversations.format import day_date
from scoring.growth import grams
from scoring.kms import Curve, KmsChart, KmsPoint

__all__ = ["HEIGHT", "WIDTH", "kms_svg"]

WIDTH = 640
HEIGHT = 420
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 30, 24, 40


@dataclass(frozen=True, slots=True)
class _Frame:
    months: int
    kg_min: int
    kg_max: int

    @property
    def w(self) -> float:
        return WIDTH - _LEFT - _RIGHT

    @property
    def h(self) -> float:
        return HEIGHT - _TOP - _BOTTOM

    def x(self, month: float) -> float:
        return round(_LEFT + self.w * month / self.months, 1)

    def y(self, kg: float) -> float:
        kg = min(max(kg, self.kg_min), self.kg_max)
        return round(_TOP + self.h * (1 - (kg - self.kg_min) / (self.kg_max - self.kg_min)), 1)

    def path(self, curve: Curve) -> list[str]:
        return [f"{self.x(m)},{self.y(kg)}" for m, kg in curve.points]


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def _point_title(p: KmsPoint) -> str:
    kg = weight_words(grams(Decimal(str(p.kg))))
    return f"{day_date(p.date)}: {kg} kg, {say(f'weigh.status.{p.status.value}')}"


def kms_svg(chart: KmsChart) -> Markup:
    """The chart as an ``<svg>`` element (scales to its container's width)."""
    f = _Frame(chart.months, chart.kg_min, chart.kg_max)
    label = say("pdf.kms.subtitle")
    out = [
        f'<svg class="kms" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="10">'
    ]
    for band in chart.bands:
        points = [*f.path(band.lower), *reversed(f.path(band.upper))]
        out.append(
            f'<polygon class="band band-{band.kind.value}" points="{" ".join(points)}" '
            f'fill="{kms_css(band.kind.value)}"/>'
        )
    grid = kms_css("grid")
    step = 1 if chart.kg_max - chart.kg_min <= 20 else 2
    for kg in range(chart.kg_min, chart.kg_max + 1):
        out.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{f.y(kg)}" y2="{f.y(kg)}" '
            f'stroke="{grid}" stroke-width="0.5"/>'
        )
        if kg % step == 0:
            out.append(_text(_LEFT - 4, f.y(kg) + 3, str(kg), text_anchor="end"))
    every = 1 if chart.months <= 24 else 3
    for month in range(0, chart.months + 1, every):
        x = f.x(month)
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{_TOP}" y2="{HEIGHT - _BOTTOM}" stroke="{grid}" '
            f'stroke-width="{1 if month % 12 == 0 else 0.5}"/>'
        )
        if month % (2 if chart.months <= 24 else 6) == 0:
            out.append(_text(x, HEIGHT - _BOTTOM + 13, str(month), text_anchor="middle"))
    out.append(_text(WIDTH / 2, HEIGHT - 6, say("pdf.kms.month_axis"), text_anchor="middle"))
    out.append(_text(4, 12, say("pdf.kms.kg_axis")))
    for curve in chart.curves:
        if curve.red:
            colour, width, kind = kms_css("red_line"), 2.5, "red-line"
        elif curve.orange:
            colour, width, kind = kms_css("orange_line"), 2.5, "orange-line"
        elif curve.z == 0:
            colour, width, kind = kms_css("median"), 1.2, "median"
        else:
            colour, width, kind = kms_css("curve"), 0.7, "curve"
        out.append(
            f'<polyline class="{kind}" points="{" ".join(f.path(curve))}" fill="none" '
            f'stroke="{colour}" stroke-width="{width}"/>'
        )
        z = decimal(curve.z, 0 if curve.z == int(curve.z) else 1)
        _m, end = curve.points[-1]
        out.append(_text(WIDTH - _RIGHT + 3, f.y(end) + 3, ("+" if curve.z > 0 else "") + z))
    out.append(
        f'<rect x="{_LEFT}" y="{_TOP}" width="{f.w}" height="{f.h}" fill="none" '
        f'stroke="{kms_css("child")}" stroke-width="0.8"/>'
    )
    out += _child(f, chart)
    out.append("</svg>")
    return Markup("".join(out))


def _child(f: _Frame, chart: KmsChart) -> list[str]:
    """The weighings: joined where they are in consecutive months, a dot each (red below
    the red line), each with its date, weight and status as its title."""
    out = []
    runs: list[list[KmsPoint]] = []
    for p in chart.points:
        before = runs[-1][-1] if runs else None
        if before is not None and _month(p) - _month(before) == 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    child = kms_css("child")
    for run in runs:
        if len(run) > 1:
            joined = " ".join(f"{f.x(p.months)},{f.y(p.kg)}" for p in run)
            out.append(
                f'<polyline class="child" points="{joined}" fill="none" stroke="{child}" '
                'stroke-width="2"/>'
            )
    for p in chart.points:
        fill = kms_css("red_line") if p.under_red_line else child
        out.append(
            f'<circle class="weighing" cx="{f.x(p.months)}" cy="{f.y(p.kg)}" r="4" '
            f'fill="{fill}" stroke="#ffffff" stroke-width="1.2">'
            f"<title>{escape(_point_title(p))}</title></circle>"
        )
    return out


def _month(p: KmsPoint) -> int:
    return p.date.year * 12 + p.date.month
