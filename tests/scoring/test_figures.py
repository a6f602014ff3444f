"""The one formatter of numbers shown against a target (scoring/figures.py) and the "what is
needed" texts of ``posyandu score`` that use it."""

from __future__ import annotations

import pytest

from scoring import IndicatorId
from scoring.figures import Figure, apart, as_set, percent_apart, share
from scoring.strata import Need


@pytest.mark.parametrize(
    ("actual", "target", "english", "indonesian"),
    [
        (0.496, 0.50, ("49.6", "50"), ("49,6", "50")),  # whole percents would say 50 -> 50
        (0.4996, 0.50, ("49.96", "50"), ("49,96", "50")),
        (0.49999, 0.50, ("49.99", "50"), ("49,99", "50")),  # rounded away from the target
        (0.41, 0.50, ("41", "50"), ("41", "50")),  # far apart: whole percents
        (0.846, 0.85, ("84.6", "85"), ("84,6", "85")),
        (0.85, 0.85, ("85", "85"), ("85", "85")),  # exactly at the target
        (0.853, 0.85, ("85.3", "85"), ("85,3", "85")),  # above never reads as equal either
        (0.003, 0.50, ("0.3", "50"), ("0,3", "50")),  # not 0% unless it is 0
        (0.0, 0.50, ("0", "50"), ("0", "50")),
        (0.9996, 0.80, ("99.96", "80"), ("99,96", "80")),  # not 100% unless it is
        (0.60, 0.855, ("60", "85.5"), ("60", "85,5")),  # a target keeps its own decimal
    ],
)
def test_percent_apart(
    actual: float, target: float, english: tuple[str, str], indonesian: tuple[str, str]
) -> None:
    a, t = percent_apart(actual, target)
    assert (a.text(), t.text()) == english
    assert (a.text(",", "."), t.text(",", ".")) == indonesian


@pytest.mark.parametrize(
    ("value", "refs", "least", "expected"),
    [
        (4.96, (5.0,), 1, "4.96"),  # mean kader: "5.0 -> 5" would hide the gap
        (4.2, (5.0,), 1, "4.2"),
        (4.999, (5.0,), 1, "4.99"),
        (1234.5, (), 1, "1234.5"),
    ],
)
def test_apart(value: float, refs: tuple[float, ...], least: int, expected: str) -> None:
    assert apart(value, refs, least).text() == expected


def test_figure_text_styles() -> None:
    assert Figure(1234.5, 1).text(",", ".") == "1.234,5"
    assert Figure(1234.5, 1).text() == "1234.5"
    assert as_set(50).text() == "50" and as_set(85.5).text() == "85.5"
    assert share(0.996).text() == "99.6" and share(1.0).text() == "100"


@pytest.mark.parametrize(
    ("indicator", "actual", "required", "text"),
    [
        (IndicatorId.RERATA_DS, 0.496, 0.5, "D/S 49.6% -> 50%"),
        (IndicatorId.RERATA_DS, 0.41, 0.5, "D/S 41% -> 50%"),
        (IndicatorId.KUMULATIF_KB, 0.003, 0.5, "KB coverage 0.3% -> 50%"),
        (IndicatorId.DANA_SEHAT, 0.2667, 0.5, "dana sehat coverage 27% -> 50%"),
        (IndicatorId.KUMULATIF_KIA, 0.4999, 0.5, "KIA coverage 49.99% -> 50%"),
        (IndicatorId.RERATA_KADER, 4.2, 5, "mean kader on duty 4.2 -> 5.0"),
        (IndicatorId.RERATA_KADER, 4.96, 5, "mean kader on duty 4.96 -> 5.0"),
    ],
)
def test_what_is_needed_never_hides_the_gap(
    indicator: IndicatorId, actual: float, required: float, text: str
) -> None:
    need = Need(indicator, actual, required, required - actual, ())
    assert need.describe() == text
