"""domain.md's per-child rules (scoring/growth.py): age, length or height, N/T/O/B by the KBM
table, 2T, BGM, the Permenkes 2/2020 categories and WHO's implausibility flags. Expected values
are worked by hand from the rules; z-scores are pygrowup2's (checked against WHO in
test_growth_who.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.kbm import load_kbm
from conversations.catalogue import MESSAGES
from scoring.growth import (
    Flag,
    GrowthError,
    GrowthRules,
    HeightForAge,
    KbmError,
    Method,
    Referral,
    Sex,
    Status,
    Weighing,
    WeightForAge,
    WeightForHeight,
    age_days,
    age_months,
    assess,
    assess_history,
    grams,
    height_for_age,
    length_at,
    parse_kbm,
    weight_for_age,
    weight_for_height,
    with_status,
    zscores,
)

D = Decimal
RULES = GrowthRules(kbm=load_kbm())
BORN = date(2025, 1, 15)


def statuses(*weighings: tuple[date, str], birth: date = BORN) -> list[str]:
    history = assess_history(
        Sex.MALE, birth, [Weighing(day, D(kg)) for day, kg in weighings], RULES
    )
    return [a.status.value + ("2T" if a.two_t else "") for a in history]


# --- age and length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "at", "days", "months"),
    [
        (date(2025, 1, 15), date(2025, 1, 15), 0, 0),
        (date(2025, 1, 15), date(2025, 2, 14), 30, 0),
        (date(2025, 1, 15), date(2025, 2, 15), 31, 1),
        (date(2024, 1, 31), date(2024, 2, 29), 29, 0),
        (date(2024, 1, 31), date(2024, 3, 1), 30, 1),
        (date(2023, 5, 10), date(2025, 5, 9), 730, 23),
        (date(2023, 5, 10), date(2025, 5, 10), 731, 24),
    ],
)
def test_age_in_completed_days_and_months(birth: date, at: date, days: int, months: int) -> None:
    assert (age_days(birth, at), age_months(birth, at)) == (days, months)


def test_a_date_before_the_birth_is_refused() -> None:
    with pytest.raises(GrowthError, match="before the birth date"):
        age_days(date(2025, 1, 15), date(2025, 1, 14))


@pytest.mark.parametrize(
    ("days", "measured", "method", "cm"),
    [
        (730, None, Method.LYING, "80.0"),
        (730, Method.LYING, Method.LYING, "80.0"),
        (730, Method.STANDING, Method.STANDING, "80.7"),
        (731, None, Method.STANDING, "80.0"),
        (731, Method.STANDING, Method.STANDING, "80.0"),
        (731, Method.LYING, Method.LYING, "79.3"),
    ],
)
def test_length_before_731_days_height_from_731_corrected_by_0_7(
    days: int, measured: Method | None, method: Method, cm: str
) -> None:
    length = length_at(days, D("80.0"), measured)
    assert (length.raw_cm, length.measured, length.method, length.cm) == (
        D("80.0"),
        measured,
        method,
        D(cm),
    )


# --- N/T/O/B and 2T ----------------------------------------------------------------------


def test_the_first_weighing_is_b() -> None:
    assert statuses((date(2025, 3, 20), "5.0")) == ["B"]


def test_o_when_last_calendar_month_was_missed() -> None:
    # weighed 30 January, then 2 March: O; 2 January, then 27 February: not O.
    assert statuses((date(2026, 1, 30), "9.0"), (date(2026, 3, 2), "9.5"))[1] == "O"
    assert statuses((date(2026, 1, 2), "9.0"), (date(2026, 2, 27), "9.5"))[1] == "N"


def test_n_and_t_compare_whole_grams_with_the_kbm_of_the_age() -> None:
    # At 1 completed month the KBM is 800 g: 6.2 - 5.4 is 800 g (0.7999... in floats): N.
    assert statuses((date(2025, 1, 20), "5.4"), (date(2025, 2, 16), "6.2")) == ["B", "N"]
    assert statuses((date(2025, 1, 20), "5.4"), (date(2025, 2, 16), "6.199")) == ["B", "T"]
    # At 2 months (15 March) 900 g.
    assert statuses((date(2025, 2, 16), "5.0"), (date(2025, 3, 15), "5.9"))[1] == "N"
    assert statuses((date(2025, 2, 16), "5.0"), (date(2025, 3, 15), "5.85"))[1] == "T"
    # From 12 months 200 g; a loss is T.
    assert statuses((date(2026, 1, 20), "9.0"), (date(2026, 2, 20), "9.2"))[1] == "N"
    assert statuses((date(2026, 1, 20), "9.0"), (date(2026, 2, 20), "9.19"))[1] == "T"
    assert statuses((date(2026, 1, 20), "9.0"), (date(2026, 2, 20), "8.9"))[1] == "T"


def test_the_gain_and_the_kbm_are_kept() -> None:
    history = assess_history(
        Sex.FEMALE,
        BORN,
        [Weighing(date(2025, 5, 20), D("6.1")), Weighing(date(2025, 6, 20), D("6.55"))],
        RULES,
    )
    assert (history[1].age_months, history[1].gain_g, history[1].kbm_g) == (5, 450, 500)


def test_a_month_without_kbm_counts_any_gain() -> None:
    # Born 15 January: 25 January and 10 February are both at 0 completed months.
    assert statuses((date(2025, 1, 25), "3.3"), (date(2025, 2, 10), "3.35"))[1] == "N"
    assert statuses((date(2025, 1, 25), "3.3"), (date(2025, 2, 10), "3.3"))[1] == "T"


def test_2t_is_t_twice_in_consecutive_months_and_a_missed_month_breaks_the_chain() -> None:
    born = date(2024, 1, 1)
    months = [date(2025, m, 10) for m in range(1, 8)]
    t_t_t = [(months[0], "9.0"), (months[1], "9.0"), (months[2], "9.1"), (months[3], "9.1")]
    assert statuses(*t_t_t, birth=born) == ["B", "T", "T2T", "T2T"]
    # T, N, T: no 2T; T, (missed March), O, T, T: the chain restarts after the gap.
    t_n_t = [(months[0], "9.0"), (months[1], "9.0"), (months[2], "9.5"), (months[3], "9.5")]
    assert statuses(*t_n_t, birth=born) == ["B", "T", "N", "T"]
    gap = [(months[0], "9.0"), (months[1], "9.0"), (months[3], "9.0"), (months[4], "9.0")]
    assert statuses(*gap, birth=born) == ["B", "T", "O", "T"]
    gap.append((months[5], "9.0"))
    assert statuses(*gap, birth=born) == ["B", "T", "O", "T", "T2T"]


def test_two_weighings_in_one_month_or_out_of_order_are_refused() -> None:
    with pytest.raises(GrowthError, match="second weighing in 2025-03"):
        statuses((date(2025, 3, 2), "5.0"), (date(2025, 3, 28), "5.2"))
    with pytest.raises(GrowthError, match="before the previous one"):
        statuses((date(2025, 4, 2), "5.0"), (date(2025, 3, 28), "5.2"))


# --- BGM, risk of overweight, categories ------------------------------------------------


def test_bgm_below_the_waz_threshold_and_overweight_risk_above_plus_one() -> None:
    one_year = date(2026, 1, 15)  # 365 days for a boy born 15 January 2025
    rows = {
        kg: assess_history(Sex.MALE, BORN, [Weighing(one_year, D(kg))], RULES)[0]
        for kg in ("6.9", "7.0", "11.3")
    }
    # WAZ from pygrowup2 at 365 days: 6.9 kg -3.03, 7.0 kg -2.90, 11.3 kg 1.46.
    assert [
        (a.z.waz, a.under_red_line, a.overweight_risk, a.underweight) for a in rows.values()
    ] == [
        (D("-3.03"), True, False, True),
        (D("-2.90"), False, False, True),
        (D("1.46"), False, True, False),
    ]
    stricter = GrowthRules(kbm=RULES.kbm, bgm_below_waz=D(-2), overweight_above_waz=D(2))
    again = assess_history(Sex.MALE, BORN, [Weighing(one_year, D("7.0"))], stricter)[0]
    assert again.under_red_line
    heavy = assess_history(Sex.MALE, BORN, [Weighing(one_year, D("11.3"))], stricter)[0]
    assert not heavy.overweight_risk


@pytest.mark.parametrize(
    ("z", "bbu", "tbu", "bbtb"),
    [
        (
            "-3.01",
            WeightForAge.SEVERELY_UNDERWEIGHT,
            HeightForAge.SEVERELY_STUNTED,
            WeightForHeight.SEVERELY_WASTED,
        ),
        ("-3", WeightForAge.UNDERWEIGHT, HeightForAge.STUNTED, WeightForHeight.WASTED),
        ("-2.01", WeightForAge.UNDERWEIGHT, HeightForAge.STUNTED, WeightForHeight.WASTED),
        ("-2", WeightForAge.NORMAL, HeightForAge.NORMAL, WeightForHeight.NORMAL),
        ("1", WeightForAge.NORMAL, HeightForAge.NORMAL, WeightForHeight.NORMAL),
        (
            "1.01",
            WeightForAge.OVERWEIGHT_RISK,
            HeightForAge.NORMAL,
            WeightForHeight.OVERWEIGHT_RISK,
        ),
        ("2", WeightForAge.OVERWEIGHT_RISK, HeightForAge.NORMAL, WeightForHeight.OVERWEIGHT_RISK),
        ("2.01", WeightForAge.OVERWEIGHT_RISK, HeightForAge.NORMAL, WeightForHeight.OVERWEIGHT),
        ("3", WeightForAge.OVERWEIGHT_RISK, HeightForAge.NORMAL, WeightForHeight.OVERWEIGHT),
        ("3.01", WeightForAge.OVERWEIGHT_RISK, HeightForAge.TALL, WeightForHeight.OBESE),
    ],
)
def test_permenkes_categories_at_their_bounds(
    z: str, bbu: WeightForAge, tbu: HeightForAge, bbtb: WeightForHeight
) -> None:
    assert (weight_for_age(D(z)), height_for_age(D(z)), weight_for_height(D(z))) == (
        bbu,
        tbu,
        bbtb,
    )
    assert weight_for_age(None) is None


# --- z-scores where computable, and the implausible ----------------------------------------


def test_zscores_need_a_length_and_an_age_within_the_standards() -> None:
    assert zscores(Sex.FEMALE, 0, D("3.2"), D("49.1")).waz is not None
    no_length = zscores(Sex.FEMALE, 200, D("7.0"), None)
    assert (no_length.waz, no_length.haz, no_length.whz, no_length.baz) == (
        D("-0.57"),
        None,
        None,
        None,
    )
    full = zscores(Sex.FEMALE, 200, D("7.0"), D("66"))
    assert (full.haz, full.whz, full.baz) == (D("-0.28"), D("-0.48"), D("-0.57"))
    assert zscores(Sex.FEMALE, 1857, D("17"), D("108")).waz is None
    # Weight-for-length stops at 110 cm (under 731 days): no WHZ, the others computed.
    long = zscores(Sex.MALE, 700, D("12"), D("111"))
    assert long.whz is None and long.haz is not None


def test_who_flags_and_the_checks_against_the_previous_weighing() -> None:
    born = date(2024, 1, 1)
    history = assess_history(
        Sex.MALE,
        born,
        [
            Weighing(date(2025, 12, 5), D("10.0"), D("80.0"), Method.LYING),
            # From 731 days lying 79.7 is a height of 79.0: 1000 g less and 1.0 cm shorter, at
            # the limits, not flagged.
            Weighing(date(2026, 1, 5), D("9.0"), D("79.7"), Method.LYING),
            # Standing from 731 days: 78.5 is not corrected; 0.5 cm less: not flagged.
            Weighing(date(2026, 2, 5), D("9.0"), D("78.5"), Method.STANDING),
            # 1001 g less and 1.1 cm shorter: both flagged.
            Weighing(date(2026, 3, 5), D("7.999"), D("77.4"), None),
            Weighing(date(2026, 4, 5), D("30"), D("77.4"), None),
        ],
        RULES,
    )
    assert [a.flags for a in history[:4]] == [
        (),
        (),
        (),
        (Flag.WEIGHT_LOSS, Flag.LENGTH_SHRANK),
    ]
    assert {Flag.WAZ, Flag.WHZ, Flag.BAZ} <= set(history[4].flags)
    assert history[4].z.waz is not None and history[4].z.waz > 5


def test_grams_are_exact() -> None:
    assert grams(D("6.2")) - grams(D("5.4")) == 800


# --- the KBM table -----------------------------------------------------------------------


def test_the_built_in_kbm_table_is_domain_md_s() -> None:
    table = load_kbm()
    printed = {
        1: 800,
        2: 900,
        3: 800,
        4: 600,
        5: 500,
        6: 400,
        7: 400,
        8: 300,
        9: 300,
        10: 300,
        11: 200,
    }
    assert table.grams == (None, *(printed.get(m, 200) for m in range(1, 60)))
    assert "Permenkes 155/2010" in table.source
    assert table.minimum(70) == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("age,kbm\n0,\n", "line 1: the header must be age_months,kbm_g"),
        ("# source\nage,kbm\n0,\n", "line 2: the header must be age_months,kbm_g"),
        ("# src\nage_months,kbm_g\n0,\n2,800\n", "line 4: expected age 1 months, got 2"),
        ("age_months,kbm_g\n0,\n1,eight\n", "line 3: not whole numbers"),
        ("age_months,kbm_g\n0,\n1,800,1\n", "line 3: expected 2 columns"),
        ("age_months,kbm_g\n0,\n1,-5\n", "line 3: KBM -5 g is outside"),
        ("age_months,kbm_g\n0,\n", "the table has no months"),
    ],
)
def test_a_bad_kbm_table_names_its_line(text: str, message: str) -> None:
    with pytest.raises(KbmError, match=message):
        parse_kbm(text)


def test_a_replacement_kbm_table_is_used(tmp_path: object) -> None:
    table = parse_kbm("# puskesmas X, 2026\nage_months,kbm_g\n0,\n1,500\n2,400\n")
    rules = GrowthRules(kbm=table)
    history = assess_history(
        Sex.MALE,
        BORN,
        [Weighing(date(2025, 1, 20), D("4.0")), Weighing(date(2025, 2, 16), D("4.5"))],
        rules,
    )
    assert (history[1].status, history[1].kbm_g) == (Status.N, 500)
    assert table.source == "puskesmas X, 2026"


def test_every_category_has_its_permenkes_label() -> None:
    indices = {
        "bbu": WeightForAge,
        "tbu": HeightForAge,
        "bbtb": WeightForHeight,
        "imtu": WeightForHeight,
    }
    keys = {f"growth.{index}.{c.value}" for index, enum in indices.items() for c in enum}
    assert keys == {k for k in MESSAGES if k.startswith("growth.")}
    assert MESSAGES["growth.tbu.severely_stunted"] == "sangat pendek"
    assert MESSAGES["growth.bbtb.severely_wasted"] == "gizi buruk"


def test_referred_for_2t_bgm_and_a_new_sangat_pendek_or_gizi_buruk() -> None:
    weighings = [
        Weighing(date(2026, 1, 15), D("8.0"), D("66.0")),  # HAZ -4.10: new sangat pendek
        Weighing(date(2026, 2, 15), D("8.0"), D("66.5")),  # HAZ -4.30: not new; T
        Weighing(date(2026, 3, 15), D("8.1"), D("67.0")),  # +100 g: T again, 2T
        Weighing(date(2026, 4, 15), D("5.9"), D("67.0")),  # WAZ -4.71, WHZ -3.43
    ]
    history = assess_history(Sex.MALE, BORN, weighings, RULES)
    previous = [None, *(a.as_previous() for a in history[:-1])]
    reasons = [a.referrals(p) for a, p in zip(history, previous, strict=True)]
    assert reasons == [
        (Referral.SEVERELY_STUNTED,),
        (),
        (Referral.TWO_T,),
        (Referral.TWO_T, Referral.UNDER_RED_LINE, Referral.SEVERELY_WASTED),
    ]
    assert history[0].z.haz == D("-4.10") and history[3].z.whz == D("-3.43")
    assert history[3].stunted and history[3].wasted and history[3].underweight


def test_a_status_the_kader_corrected_carries_2t_with_it() -> None:
    # 10 kg in September, 10 in October (T), 10 in November (T, 2T) at 20-22 months.
    days = (date(2026, 9, 10), date(2026, 10, 10), date(2026, 11, 10))
    sep, oct_, nov = assess_history(Sex.MALE, BORN, [Weighing(d, D(10)) for d in days], RULES)
    assert (oct_.status, nov.status, nov.two_t) == (Status.T, Status.T, True)
    # October corrected to N: November is T but no longer 2T.
    fixed = with_status(oct_, Status.N, sep.as_previous())
    assert (fixed.status, fixed.two_t, fixed.z) == (Status.N, False, oct_.z)
    again = with_status(nov, Status.T, fixed.as_previous())
    assert again is nov  # the same status: nothing changes
    assert assess(Sex.MALE, BORN, nov.weighing, fixed.as_previous(), RULES).two_t is False
    # November corrected from T to T after a T: 2T; to N: no 2T.
    assert with_status(nov, Status.N, oct_.as_previous()).two_t is False
    # An O corrected to T after a T two months back (a month missed) is not 2T.
    dec = assess(Sex.MALE, BORN, Weighing(date(2026, 12, 10), D(10)), oct_.as_previous(), RULES)
    assert dec.status is Status.O
    assert with_status(dec, Status.T, oct_.as_previous()).two_t is False


def test_a_history_with_a_corrected_status() -> None:
    days = (date(2026, 9, 10), date(2026, 10, 10), date(2026, 11, 10))
    weighings = [Weighing(d, D(10)) for d in days]
    plain = assess_history(Sex.MALE, BORN, weighings, RULES)
    fixed = assess_history(Sex.MALE, BORN, weighings, RULES, [None, Status.N, None])
    assert [(a.status, a.two_t) for a in plain] == [
        (Status.B, False),
        (Status.T, False),
        (Status.T, True),
    ]
    assert [(a.status, a.two_t) for a in fixed] == [
        (Status.B, False),
        (Status.N, False),
        (Status.T, False),  # after the corrected N: no 2T
    ]
    assert [a.z for a in fixed] == [a.z for a in plain]
