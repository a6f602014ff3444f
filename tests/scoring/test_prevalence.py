"""Stunting, wasting and underweight among the children measured in a month
(scoring/prevalence.py), worked by hand: each child's z-scores are given, so the counts and
shares follow from the rules (below -2; a flagged z-score left out; 60 months and over not a
balita) alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scoring.growth import Assessed, Flag, Sex, Status, Weighing, ZScores
from scoring.prevalence import AGE_BANDS, AgeBand, Cell, Indicator, age_band, prevalence

D = Decimal
DAY = date(2026, 11, 10)


def child(
    months: int,
    waz: str | None,
    haz: str | None = None,
    whz: str | None = None,
    flags: tuple[Flag, ...] = (),
) -> Assessed:
    def z(v: str | None) -> Decimal | None:
        return None if v is None else D(v)

    return Assessed(
        weighing=Weighing(DAY, D("9.0")),
        age_days=months * 30 + 5,
        age_months=months,
        length=None,
        z=ZScores(z(waz), z(haz), z(whz), None),
        status=Status.B,
        gain_g=None,
        kbm_g=None,
        two_t=False,
        under_red_line=False,
        overweight_risk=False,
        flags=flags,
    )


def test_the_bands_cover_every_balita_month_once() -> None:
    assert [b.key for b in AGE_BANDS] == ["0-5", "6-11", "12-23", "24-59"]
    for months in range(60):
        band = age_band(months)
        assert band is not None and band.low <= months <= band.high
    assert age_band(60) is None
    assert age_band(5) == AgeBand(0, 5) and age_band(6) == AgeBand(6, 11)


def test_counts_and_shares_by_band_and_sex() -> None:
    L, P = Sex.MALE, Sex.FEMALE
    month = [
        (L, child(3, "-2.5", "-1.0", "-2.01")),  # underweight, wasted
        (P, child(4, "-1.99", "-2.00", "-0.5")),  # none: -2.00 is not below -2
        (L, child(14, "-3.2", "-3.1", None)),  # underweight, stunted; no WHZ
        (P, child(30, "0.1", None, None)),  # weighed only: underweight's denominator
        (P, child(30, "-2.2", "-2.4", "-1.0")),  # underweight, stunted
        (L, child(59, "-6.5", "-2.5", "-1.0", (Flag.WAZ,))),  # WAZ flagged: out of underweight
        (L, child(60, "-3", "-3", "-3")),  # five years old: no balita
    ]
    result = prevalence(month)
    assert result.children == 6
    assert result.cell(Indicator.UNDERWEIGHT) == Cell(5, 3)
    assert result.cell(Indicator.STUNTING) == Cell(5, 3)
    assert result.cell(Indicator.WASTING) == Cell(4, 1)
    assert result.cell(Indicator.STUNTING).share == 3 / 5
    band0, band12, band24 = AgeBand(0, 5), AgeBand(12, 23), AgeBand(24, 59)
    assert result.cell(Indicator.UNDERWEIGHT, band0) == Cell(2, 1)
    assert result.cell(Indicator.UNDERWEIGHT, band0, P) == Cell(1, 0)
    assert result.cell(Indicator.STUNTING, band12, L) == Cell(1, 1)
    assert result.cell(Indicator.WASTING, band12) == Cell(0, 0)
    assert result.cell(Indicator.WASTING, band12).share is None
    assert result.cell(Indicator.UNDERWEIGHT, band24) == Cell(2, 1)
    assert result.cell(Indicator.STUNTING, band24, L) == Cell(1, 1)
    assert result.cell(Indicator.STUNTING, None, P) == Cell(2, 1)
    assert result.cell(Indicator.UNDERWEIGHT, AgeBand(6, 11)) == Cell()


def test_nobody_measured() -> None:
    empty = prevalence([])
    assert empty.children == 0
    assert all(empty.cell(i) == Cell() and empty.cell(i).share is None for i in Indicator)
