"""The KMS chart's geometry (scoring/kms.py): the WHO 2006 weight-for-age curves at whole
z-scores, checked against WHO's published "Weight-for-age BOYS/GIRLS, birth to 5 years
(z-scores)" tables (kg to one decimal, as printed); the bands from the red line to +3 by the
settings; the child's points where its weighings are, with the rules' statuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.kbm import load_kbm
from scoring.growth import GrowthRules, Sex, Status, Weighing, zscores
from scoring.kms import DAYS_PER_MONTH, KMS_Z, BandKind, kms_chart, weight_at

RULES = GrowthRules(kbm=load_kbm())

#: WHO's published tables (tab_wfa_boys_z_0_5, tab_wfa_girls_z_0_5): month, then the weight
#: at -3, -2, -1, 0, +1, +2, +3 SD.
WHO_PUBLISHED = {
    Sex.MALE: {
        0: (2.1, 2.5, 2.9, 3.3, 3.9, 4.4, 5.0),
        1: (2.9, 3.4, 3.9, 4.5, 5.1, 5.8, 6.6),
        2: (3.8, 4.3, 4.9, 5.6, 6.3, 7.1, 8.0),
        12: (6.9, 7.7, 8.6, 9.6, 10.8, 12.0, 13.3),
        60: (12.4, 14.1, 16.0, 18.3, 21.0, 24.2, 27.9),
    },
    Sex.FEMALE: {
        0: (2.0, 2.4, 2.8, 3.2, 3.7, 4.2, 4.8),
        1: (2.7, 3.2, 3.6, 4.2, 4.8, 5.5, 6.2),
        2: (3.4, 3.9, 4.5, 5.1, 5.8, 6.6, 7.5),
        3: (4.0, 4.5, 5.2, 5.8, 6.6, 7.5, 8.5),
        12: (6.3, 7.0, 7.9, 8.9, 10.1, 11.5, 13.1),
        24: (8.1, 9.0, 10.2, 11.5, 13.0, 14.8, 17.0),
    },
}


@pytest.mark.parametrize(
    ("sex", "month"), [(s, m) for s, rows in WHO_PUBLISHED.items() for m in rows]
)
def test_curves_are_whos_published_table(sex: Sex, month: int) -> None:
    days = month * DAYS_PER_MONTH
    got = tuple(round(weight_at(sex, days, z) + 1e-9, 1) for z in KMS_Z)
    assert got == WHO_PUBLISHED[sex][month]


@pytest.mark.parametrize("z", [-2.5, -1, 0, 0.7, 2])
def test_weight_at_a_z_gives_back_that_z(z: float) -> None:
    """The library's own z-score of the curve's weight is the curve's z (to its 2 decimals)."""
    kg = weight_at(Sex.FEMALE, 400, z)
    waz = zscores(Sex.FEMALE, 400, Decimal(f"{kg:.4f}"), None).waz
    assert waz is not None and abs(float(waz) - z) <= 0.01


def test_bands_follow_the_settings() -> None:
    chart = kms_chart(Sex.MALE, date(2025, 1, 10), [], RULES, today=date(2025, 6, 1))
    kinds = [(b.kind, b.lower.z, b.upper.z) for b in chart.bands]
    assert kinds == [
        (BandKind.YELLOW, -3, -2),
        (BandKind.LIGHT_GREEN, -2, -1),
        (BandKind.DARK_GREEN, -1, 1),
        (BandKind.ORANGE, 1, 3),
    ]
    red = [c for c in chart.curves if c.red]
    orange = [c for c in chart.curves if c.orange]
    assert [c.z for c in red] == [-3] and [c.z for c in orange] == [1]
    moved = GrowthRules(
        kbm=RULES.kbm, bgm_below_waz=Decimal("-2.5"), overweight_above_waz=Decimal(2)
    )
    chart = kms_chart(Sex.MALE, date(2025, 1, 10), [], moved, today=date(2025, 6, 1))
    assert [c.z for c in chart.curves if c.red] == [-2.5]
    assert [c.z for c in chart.curves if c.orange] == [2]
    assert [(b.lower.z, b.upper.z) for b in chart.bands] == [
        (-2.5, -2), (-2, -1), (-1, 2), (2, 3),
    ]  # fmt: skip


def test_axis_is_24_months_under_two_then_60() -> None:
    born = date(2024, 3, 5)
    young = kms_chart(Sex.FEMALE, born, [], RULES, today=date(2026, 3, 4))
    old = kms_chart(Sex.FEMALE, born, [], RULES, today=date(2026, 3, 5))
    assert (young.months, old.months) == (24, 60)
    assert young.curves[0].points[-1][0] == 24 and old.curves[0].points[-1][0] == 60
    # The weight axis holds the +3 curve's end and starts below the -3 curve's birth weight.
    assert young.kg_max >= young.curves[-1].points[-1][1]
    assert young.kg_min <= young.curves[0].points[0][1]


def test_points_are_the_weighings_with_their_status() -> None:
    born = date(2025, 1, 15)
    weighings = [
        Weighing(date(2025, 3, 15), Decimal("5.2")),
        Weighing(date(2025, 4, 15), Decimal("6.2")),
        Weighing(date(2025, 5, 15), Decimal("6.3")),
        Weighing(date(2025, 7, 15), Decimal("4.9")),
    ]
    chart = kms_chart(Sex.MALE, born, weighings, RULES, today=date(2025, 7, 20))
    got = [(p.date, p.kg, p.status) for p in chart.points]
    assert got == [
        (date(2025, 3, 15), 5.2, Status.B),
        (date(2025, 4, 15), 6.2, Status.N),
        (date(2025, 5, 15), 6.3, Status.T),
        (date(2025, 7, 15), 4.9, Status.O),
    ]
    assert chart.points[0].months == round(59 / DAYS_PER_MONTH, 3)
    # 4.9 kg at 6 months is below the -3 curve (5.7 kg): BGM, under the red line.
    last = chart.points[-1]
    red = next(c for c in chart.curves if c.red)
    assert last.under_red_line and last.kg < dict(red.points)[6.0]
    assert not chart.points[1].under_red_line
