"""The geometry of the dasbor's charts, drawn as SVG by the templates (no script, no chart
library): the SKDN balok chart of a month and a 12-month line chart of ratios. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversations.figure_words import percent

__all__ = ["Bar", "BarChart", "LineChart", "Series", "bar_chart", "line_chart"]

WIDTH = 320
HEIGHT = 160
_TOP = 16
_BOTTOM = 24
_LEFT = 34
_RIGHT = 16


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int | None
    x: float
    y: float
    width: float
    height: float
    #: Its fill, ``#rrggbb`` (the indicator's colour, bot.colours), or empty for the style's.
    colour: str = ""


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    base: float
    bars: tuple[Bar, ...]


def bar_chart(values: Sequence[tuple[str, int | None]], colours: Sequence[str] = ()) -> BarChart:
    """Bars side by side, their heights against the largest value (S in the SKDN balok); the
    i-th bar filled with ``colours[i]`` when given."""
    top = max((v for _l, v in values if v), default=0) or 1
    inner = HEIGHT - _TOP - _BOTTOM
    slot = (WIDTH - _LEFT - _RIGHT) / max(len(values), 1)
    bars = []
    for i, (label, value) in enumerate(values):
        h = inner * (value or 0) / top
        x = _LEFT + i * slot + slot * 0.15
        bars.append(
            Bar(
                label,
                value,
                round(x, 1),
                round(_TOP + inner - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                colours[i] if i < len(colours) else "",
            )
        )
    return BarChart(WIDTH, HEIGHT, HEIGHT - _BOTTOM, tuple(bars))


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    #: "x,y x,y ..." for each run of known months (a month without a value breaks the line).
    runs: tuple[str, ...]
    #: (x, y, value, in progress) of each known month; the month in progress is not joined
    #: to the line (its figure is what has come in so far) and is drawn hollow.
    dots: tuple[tuple[float, float, float, bool], ...]
    #: The target's line, as its y (None: no target drawn).
    target_y: float | None
    #: Its stroke, ``#rrggbb`` (the indicator's colour, bot.colours), or empty for the style's.
    colour: str = ""


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    base: float
    #: (y, label) of the 0, 50 and 100 % lines.
    grid: tuple[tuple[float, str], ...]
    #: (x, label) of each month.
    months: tuple[tuple[float, str], ...]
    series: tuple[Series, ...]
    #: The month in progress, as (left x, width) of its band; None when every month shown is
    #: over.
    partial: tuple[float, float] | None = None


def _y(value: float) -> float:
    inner = HEIGHT - _TOP - _BOTTOM
    return round(_TOP + inner * (1 - max(0.0, min(1.0, value))), 1)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], float | None]],
    partial: int | None = None,
    colours: Sequence[str] = (),
) -> LineChart:
    """Shares (0 to 1) per month; each series with its target (or None), the n-th drawn in
    ``colours[n]`` when given. ``partial``: the index of the month in progress (its reports
    still coming in), left out of the line, drawn hollow on a band of its own."""
    step = (WIDTH - _LEFT - _RIGHT) / max(len(labels) - 1, 1)
    xs = [round(_LEFT + i * step, 1) for i in range(len(labels))]
    drawn = []
    for n, (name, values, target) in enumerate(series):
        runs: list[list[str]] = [[]]
        dots = []
        for i, (x, value) in enumerate(zip(xs, values, strict=True)):
            if value is None or i == partial:
                runs.append([])
            if value is None:
                continue
            if i != partial:
                runs[-1].append(f"{x},{_y(value)}")
            dots.append((x, _y(value), value, i == partial))
        kept = tuple(" ".join(r) for r in runs if len(r) > 1)
        colour = colours[n] if n < len(colours) else ""
        drawn.append(Series(name, kept, tuple(dots), _y(target) if target else None, colour))
    grid = tuple((_y(v), percent(v)) for v in (0.0, 0.5, 1.0))
    band = None
    if partial is not None and 0 <= partial < len(xs):
        band = (round(xs[partial] - step / 2, 1), round(step, 1))
    return LineChart(
        WIDTH, HEIGHT, _LEFT, WIDTH - _RIGHT, HEIGHT - _BOTTOM, grid,
        tuple(zip(xs, labels, strict=True)), tuple(drawn), band,
    )  # fmt: skip
