"""Each child weighed: age, length or height, WHO 2006 z-scores, the KMS status of a weighing.

The rules are domain.md's "Per-child register". Pure: no I/O, no clock. The KBM table is
parsed here from its text (:func:`parse_kbm`); reading the file is the caller's (``bot``).
The z-scores are the kept library's (``pygrowup2``, checked against WHO's igrowup output in
``tests/scoring/test_growth_who.py``); this module picks the table (length or height), corrects
the length as WHO does, and says where a z-score cannot be computed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum
from functools import lru_cache

from pygrowup import Observation
from pygrowup.exceptions import PyGrowUpException

from scoring.fields import Field, field_by_alias

__all__ = [
    "BGM_FIELD",
    "LYING_UNTIL_DAYS",
    "MAX_AGE_DAYS",
    "TWO_T_FIELD",
    "Assessed",
    "BmiForAge",
    "Flag",
    "GrowthError",
    "GrowthRules",
    "HeightForAge",
    "KbmError",
    "KbmTable",
    "Length",
    "Method",
    "Previous",
    "Referral",
    "Sex",
    "Status",
    "Weighing",
    "WeightForAge",
    "WeightForHeight",
    "ZScores",
    "age_days",
    "age_months",
    "assess",
    "assess_history",
    "bmi_for_age",
    "decimal",
    "grams",
    "height_for_age",
    "length_at",
    "parse_kbm",
    "previous_of",
    "weight_for_age",
    "weight_for_height",
    "with_status",
    "zscores",
]


class GrowthError(ValueError):
    """A weighing that cannot be assessed (before the birth, out of order, twice in a month)."""


class Sex(StrEnum):
    """As the register writes it: L (laki-laki), P (perempuan)."""

    MALE = "L"
    FEMALE = "P"


class Method(StrEnum):
    """How the length or height was measured."""

    LYING = "lying"
    STANDING = "standing"


class Status(StrEnum):
    """The KMS status of a weighing (D = N + T + O + B)."""

    N = "N"  # naik: weighed last month, gained at least the KBM
    T = "T"  # tidak naik: weighed last month, gained less (a loss included)
    O = "O"  # noqa: E741 - the KMS letter: weighed before, not last month
    B = "B"  # baru: the first weighing


class Flag(StrEnum):
    """Why a weighing is implausible (WHO's flags, and the checks against the previous one)."""

    WAZ = "waz"
    HAZ = "haz"
    WHZ = "whz"
    BAZ = "baz"
    WEIGHT_LOSS = "weight_loss"
    LENGTH_SHRANK = "length_shrank"


#: Length (lying) under this age in days, height (standing) from it (WHO's software).
LYING_UNTIL_DAYS = 731
#: The oldest age, in days, WHO's 0-5 years standards (and igrowup) compute z-scores for.
MAX_AGE_DAYS = 1856
#: WHO's correction when measured the other way than the age says.
CORRECTION_CM = Decimal("0.7")


def _field(kms_name: str) -> str:
    found: Field | None = field_by_alias(kms_name)
    assert found is not None, kms_name
    return found.id


#: The monthly fields a weighing's 2T and BGM are counted into (the registry's, found by the
#: names the KMS gives them); ``posyandu growth`` names its columns after them.
TWO_T_FIELD = _field("2T")
BGM_FIELD = _field("BGM")


# --- age and length ----------------------------------------------------------------------


def age_days(birth: date, at: date) -> int:
    """Completed days of life at ``at``."""
    if at < birth:
        raise GrowthError(f"date {at.isoformat()} is before the birth date {birth.isoformat()}")
    return (at - birth).days


def age_months(birth: date, at: date) -> int:
    """Completed months at ``at`` (calendar difference: a month is complete on the day of the
    month the child was born on; born 31 January, one month on 1 March)."""
    age_days(birth, at)
    months = (at.year - birth.year) * 12 + at.month - birth.month
    return months - 1 if at.day < birth.day else months


@dataclass(frozen=True, slots=True)
class Length:
    """A length or height as measured (``raw_cm``, ``measured`` as given or None) and as WHO's
    standards take it (``cm``: corrected by 0.7 cm when measured the other way than the age
    says; ``method``: how it was taken, the age's way when not given)."""

    raw_cm: Decimal
    measured: Method | None
    method: Method
    cm: Decimal


def length_at(days: int, raw_cm: Decimal, measured: Method | None) -> Length:
    """The length (under 731 days) or height (from 731) for the standards."""
    expected = Method.LYING if days < LYING_UNTIL_DAYS else Method.STANDING
    method = measured or expected
    cm = raw_cm
    if method is Method.STANDING and expected is Method.LYING:
        cm = raw_cm + CORRECTION_CM
    elif method is Method.LYING and expected is Method.STANDING:
        cm = raw_cm - CORRECTION_CM
    return Length(raw_cm=raw_cm, measured=measured, method=method, cm=cm)


# --- z-scores ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZScores:
    """WHO 2006 z-scores to 2 decimals; None where not computable (no length, out of the
    standards' range)."""

    waz: Decimal | None
    haz: Decimal | None
    whz: Decimal | None
    baz: Decimal | None


_SEX = {Sex.MALE: Observation.MALE, Sex.FEMALE: Observation.FEMALE}
#: Significant digits of the library's decimal arithmetic (its powers cost with each digit;
#: Python's default is 28). A z-score is kept to 2 decimals: 12 digits give the same z-scores
#: as 28 (tests/scoring/test_growth_who.py compares them on random children).
PRECISION = 12
_HUNDRED = Decimal(100)


def _observation(sex: Sex, days: int) -> Observation:
    # The library's constructor reads an age of 0 days as "no age"; its age is its ``t``.
    observation = Observation(_SEX[sex], age_in_days=max(days, 1))
    observation.t = days
    return observation


def _z(compute: Callable[..., object], *args: Decimal) -> Decimal | None:
    try:
        value = compute(*args)
    except PyGrowUpException:
        return None
    assert isinstance(value, Decimal)
    return value


#: The z-scores last worked out, remembered (a pure function of its arguments; about 15 MB
#: when full): a page or message asking again for a weighing's (the dasbor's weighing list,
#: its previous months) works none out twice.
ZSCORE_MEMO = 65_536


@lru_cache(maxsize=ZSCORE_MEMO)
def zscores(sex: Sex, days: int, weight_kg: Decimal | None, length_cm: Decimal | None) -> ZScores:
    """WAZ, HAZ, WHZ and BAZ at ``days`` of age; ``length_cm`` already corrected
    (:func:`length_at`). Weight-for-length under 731 days, weight-for-height from 731."""
    if days > MAX_AGE_DAYS:
        return ZScores(None, None, None, None)
    with localcontext(prec=PRECISION):
        return _zscores(_observation(sex, days), days, weight_kg, length_cm)


def _zscores(
    obs: Observation, days: int, weight_kg: Decimal | None, length_cm: Decimal | None
) -> ZScores:
    waz = _z(obs.wfa, weight_kg) if weight_kg is not None else None
    haz = whz = baz = None
    if length_cm is not None:
        haz = _z(lambda cm: obs.lhfa(cm, auto_adjust=False), length_cm)
    if length_cm is not None and weight_kg is not None:
        whz = _z(obs.wfl if days < LYING_UNTIL_DAYS else obs.wfh, weight_kg, length_cm)
        metres = length_cm / _HUNDRED
        baz = _z(obs.bmifa, weight_kg / (metres * metres))
    return ZScores(waz, haz, whz, baz)


# --- Permenkes 2/2020 categories ----------------------------------------------------------


class WeightForAge(StrEnum):
    """BB/U."""

    SEVERELY_UNDERWEIGHT = "severely_underweight"  # < -3: berat badan sangat kurang
    UNDERWEIGHT = "underweight"  # -3 to < -2: berat badan kurang
    NORMAL = "normal"  # -2 to +1
    OVERWEIGHT_RISK = "overweight_risk"  # > +1: risiko berat badan lebih


class HeightForAge(StrEnum):
    """PB/U or TB/U."""

    SEVERELY_STUNTED = "severely_stunted"  # < -3: sangat pendek
    STUNTED = "stunted"  # -3 to < -2: pendek
    NORMAL = "normal"  # -2 to +3
    TALL = "tall"  # > +3: tinggi


class WeightForHeight(StrEnum):
    """BB/PB or BB/TB; IMT/U (0-60 months) has the same bands in Permenkes 2/2020."""

    SEVERELY_WASTED = "severely_wasted"  # < -3: gizi buruk
    WASTED = "wasted"  # -3 to < -2: gizi kurang
    NORMAL = "normal"  # -2 to +1: gizi baik
    OVERWEIGHT_RISK = "overweight_risk"  # > +1 to +2: berisiko gizi lebih
    OVERWEIGHT = "overweight"  # > +2 to +3: gizi lebih
    OBESE = "obese"  # > +3: obesitas


BmiForAge = WeightForHeight

_MINUS_3, _MINUS_2, _PLUS_1, _PLUS_2, _PLUS_3 = (Decimal(v) for v in (-3, -2, 1, 2, 3))


def weight_for_age(waz: Decimal | None) -> WeightForAge | None:
    if waz is None:
        return None
    if waz < _MINUS_3:
        return WeightForAge.SEVERELY_UNDERWEIGHT
    if waz < _MINUS_2:
        return WeightForAge.UNDERWEIGHT
    return WeightForAge.NORMAL if waz <= _PLUS_1 else WeightForAge.OVERWEIGHT_RISK


def height_for_age(haz: Decimal | None) -> HeightForAge | None:
    if haz is None:
        return None
    if haz < _MINUS_3:
        return HeightForAge.SEVERELY_STUNTED
    if haz < _MINUS_2:
        return HeightForAge.STUNTED
    return HeightForAge.NORMAL if haz <= _PLUS_3 else HeightForAge.TALL


def weight_for_height(whz: Decimal | None) -> WeightForHeight | None:
    if whz is None:
        return None
    if whz < _MINUS_3:
        return WeightForHeight.SEVERELY_WASTED
    if whz < _MINUS_2:
        return WeightForHeight.WASTED
    if whz <= _PLUS_1:
        return WeightForHeight.NORMAL
    if whz <= _PLUS_2:
        return WeightForHeight.OVERWEIGHT_RISK
    return WeightForHeight.OVERWEIGHT if whz <= _PLUS_3 else WeightForHeight.OBESE


def bmi_for_age(baz: Decimal | None) -> BmiForAge | None:
    return weight_for_height(baz)


# --- the KBM table -----------------------------------------------------------------------


class KbmError(ValueError):
    """A KBM table that cannot be used; the message names the line."""


@dataclass(frozen=True, slots=True)
class KbmTable:
    """Kenaikan Berat badan Minimal: grams by age in completed months (``grams[m]``, None for
    a month without a KBM); the last month's value holds for older children."""

    source: str
    grams: tuple[int | None, ...]

    def minimum(self, months: int) -> int | None:
        return self.grams[min(months, len(self.grams) - 1)]


def _kbm_row(number: int, row: list[str]) -> tuple[int, int | None]:
    if len(row) != 2:
        raise KbmError(f"line {number}: expected 2 columns (age_months,kbm_g), got {len(row)}")
    try:
        months = int(row[0])
        grams = int(row[1]) if row[1].strip() else None
    except ValueError:
        raise KbmError(f"line {number}: not whole numbers: {','.join(row)!r}") from None
    if grams is not None and not 0 <= grams <= 5000:
        raise KbmError(f"line {number}: KBM {grams} g is outside 0..5000")
    return months, grams


def parse_kbm(text: str) -> KbmTable:
    """A KBM table from its CSV text: ``#`` comment lines (the source), a header
    ``age_months,kbm_g``, then one row per month from 0, in order (an empty KBM: none)."""
    lines = text.removeprefix("\ufeff").splitlines()
    comments = [ln[1:].strip() for ln in lines if ln.startswith("#")]
    rows = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]
    if not rows or rows[0][1].replace(" ", "") != "age_months,kbm_g":
        where = rows[0][0] if rows else len(lines) + 1
        raise KbmError(f"line {where}: the header must be age_months,kbm_g")
    grams: list[int | None] = []
    for number, line in rows[1:]:
        months, value = _kbm_row(number, next(csv.reader([line])))
        if months != len(grams):
            raise KbmError(f"line {number}: expected age {len(grams)} months, got {months}")
        grams.append(value)
    if len(grams) < 2:
        raise KbmError("the table has no months")
    return KbmTable(source=" ".join(comments), grams=tuple(grams))


# --- a weighing and its status -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthRules:
    """The Decisions of the per-child register (settings): the KBM table, BGM below this
    WAZ, "risiko berat badan lebih" above this WAZ."""

    kbm: KbmTable
    bgm_below_waz: Decimal = Decimal(-3)
    overweight_above_waz: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Weighing:
    """One weighing as recorded: the raw values and how the length was measured."""

    date: date
    weight_kg: Decimal
    height_cm: Decimal | None = None
    measured: Method | None = None


@dataclass(frozen=True, slots=True)
class Previous:
    """What the next weighing's status needs of the one before it (as stored: a status the
    kader corrected is the corrected one)."""

    date: date
    weight_kg: Decimal
    length_cm: Decimal | None
    status: Status
    #: Its HAZ and WHZ (a new "sangat pendek" or "gizi buruk" is referred; one already so at
    #: the previous weighing is not new).
    haz: Decimal | None = None
    whz: Decimal | None = None


class Referral(StrEnum):
    """Why a weighing is referred to the puskesmas (seed 003, Buku KIA)."""

    TWO_T = "two_t"  # 2T
    UNDER_RED_LINE = "under_red_line"  # BGM
    SEVERELY_STUNTED = "severely_stunted"  # a new "sangat pendek"
    SEVERELY_WASTED = "severely_wasted"  # a new "gizi buruk"


@dataclass(frozen=True, slots=True)
class Assessed:
    """A weighing with everything the rules say of it."""

    weighing: Weighing
    age_days: int
    age_months: int
    length: Length | None
    z: ZScores
    status: Status
    gain_g: int | None  # since last month's weighing (N/T only)
    kbm_g: int | None  # the KBM it was compared with (N/T only)
    two_t: bool  # 2T: T now and last month
    under_red_line: bool  # BGM: WAZ below GrowthRules.bgm_below_waz
    overweight_risk: bool
    flags: tuple[Flag, ...]

    @property
    def stunted(self) -> bool:
        return self.z.haz is not None and self.z.haz < _MINUS_2

    @property
    def wasted(self) -> bool:
        return self.z.whz is not None and self.z.whz < _MINUS_2

    @property
    def underweight(self) -> bool:
        return self.z.waz is not None and self.z.waz < _MINUS_2

    def as_previous(self) -> Previous:
        cm = self.length.cm if self.length else None
        return Previous(
            self.weighing.date, self.weighing.weight_kg, cm, self.status, self.z.haz, self.z.whz
        )

    def referrals(self, previous: Previous | None) -> tuple[Referral, ...]:
        """Why this weighing is referred (empty: it is not), given the child's previous one."""
        found = []
        if self.two_t:
            found.append(Referral.TWO_T)
        if self.under_red_line:
            found.append(Referral.UNDER_RED_LINE)
        before = previous or Previous(self.weighing.date, Decimal(0), None, Status.B)
        if _below(self.z.haz, _MINUS_3) and not _below(before.haz, _MINUS_3):
            found.append(Referral.SEVERELY_STUNTED)
        if _below(self.z.whz, _MINUS_3) and not _below(before.whz, _MINUS_3):
            found.append(Referral.SEVERELY_WASTED)
        return tuple(found)


def _below(value: Decimal | None, limit: Decimal) -> bool:
    return value is not None and value < limit


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def grams(kg: Decimal) -> int:
    """A weight in whole grams (compare gains in grams, never in floating kilograms)."""
    return int((kg * 1000).to_integral_value())


def _status(
    weighing: Weighing, months: int, previous: Previous | None, kbm: KbmTable
) -> tuple[Status, int | None, int | None]:
    if previous is None:
        return Status.B, None, None
    if _month(previous.date) != _month(weighing.date) - 1:
        return Status.O, None, None
    gain = grams(weighing.weight_kg) - grams(previous.weight_kg)
    minimum = kbm.minimum(months)
    # Decision: a month without a KBM (age 0) counts any gain as naik.
    grew = gain >= minimum if minimum is not None else gain > 0
    return (Status.N if grew else Status.T), gain, minimum


_LIMITS = {
    Flag.WAZ: (Decimal(-6), Decimal(5)),
    Flag.HAZ: (Decimal(-6), Decimal(6)),
    Flag.WHZ: (Decimal(-5), Decimal(5)),
    Flag.BAZ: (Decimal(-5), Decimal(5)),
}


def _flags(
    weighing: Weighing, length: Length | None, z: ZScores, previous: Previous | None
) -> tuple[Flag, ...]:
    values = {Flag.WAZ: z.waz, Flag.HAZ: z.haz, Flag.WHZ: z.whz, Flag.BAZ: z.baz}
    flags = [
        flag
        for flag, value in values.items()
        if value is not None and not _LIMITS[flag][0] <= value <= _LIMITS[flag][1]
    ]
    if previous is not None:
        if grams(previous.weight_kg) - grams(weighing.weight_kg) > 1000:
            flags.append(Flag.WEIGHT_LOSS)
        before = previous.length_cm
        if length is not None and before is not None and before - length.cm > 1:
            flags.append(Flag.LENGTH_SHRANK)
    return tuple(flags)


def _check_order(weighing: Weighing, previous: Previous | None) -> None:
    if previous is None:
        return
    if weighing.date < previous.date:
        raise GrowthError(
            f"weighing of {weighing.date.isoformat()} is before the previous one "
            f"({previous.date.isoformat()})"
        )
    if _month(weighing.date) == _month(previous.date):
        raise GrowthError(
            f"a second weighing in {weighing.date:%Y-%m} (one a month; the first was "
            f"{previous.date.isoformat()})"
        )


def assess(
    sex: Sex,
    birth: date,
    weighing: Weighing,
    previous: Previous | None,
    rules: GrowthRules,
    *,
    z: ZScores | None = None,
) -> Assessed:
    """One weighing, given the child's previous one (None: the first). ``z``: its z-scores
    as worked out before (kept with the weighing), not worked out again (they depend on the
    weighing, the sex and the birth date only)."""
    _check_order(weighing, previous)
    days = age_days(birth, weighing.date)
    months = age_months(birth, weighing.date)
    length = None
    if weighing.height_cm is not None:
        length = length_at(days, weighing.height_cm, weighing.measured)
    if z is None:
        z = zscores(sex, days, weighing.weight_kg, length.cm if length else None)
    status, gain, kbm = _status(weighing, months, previous, rules.kbm)
    # T only follows a weighing last month, so two T in a row are consecutive months.
    two_t = status is Status.T and previous is not None and previous.status is Status.T
    return Assessed(
        weighing=weighing,
        age_days=days,
        age_months=months,
        length=length,
        z=z,
        status=status,
        gain_g=gain,
        kbm_g=kbm,
        two_t=two_t,
        under_red_line=z.waz is not None and z.waz < rules.bgm_below_waz,
        overweight_risk=z.waz is not None and z.waz > rules.overweight_above_waz,
        flags=_flags(weighing, length, z, previous),
    )


def previous_of(birth: date, weighing: Weighing, status: Status, z: ZScores) -> Previous:
    """What the next weighing needs of ``weighing``, from its status and z-scores as worked
    out before (kept): no z-score is worked out (``assess(...).as_previous()`` without it)."""
    length = None
    if weighing.height_cm is not None:
        length = length_at(age_days(birth, weighing.date), weighing.height_cm, weighing.measured)
    cm = length.cm if length else None
    return Previous(weighing.date, weighing.weight_kg, cm, status, z.haz, z.whz)


def assess_history(
    sex: Sex,
    birth: date,
    weighings: Iterable[Weighing],
    rules: GrowthRules,
    corrected: Sequence[Status | None] = (),
) -> list[Assessed]:
    """A child's weighings at one posyandu, in date order, each assessed after the one before;
    ``corrected``: by position, the status a kader corrected a weighing to (None: the rules'),
    which the next weighing's 2T reads (:func:`with_status`)."""
    out: list[Assessed] = []
    for i, weighing in enumerate(weighings):
        previous = out[-1].as_previous() if out else None
        assessed = assess(sex, birth, weighing, previous, rules)
        fixed = corrected[i] if i < len(corrected) else None
        out.append(assessed if fixed is None else with_status(assessed, fixed, previous))
    return out


def with_status(assessed: Assessed, status: Status, previous: Previous | None) -> Assessed:
    """``assessed`` as a kader corrected its status (domain.md: the kader may correct a
    status): 2T follows the corrected status (T now, and T at the previous weighing, last
    month). The rest (z-scores, BGM, flags) is the rules' still."""
    if status is assessed.status:
        return assessed
    last_month = (
        previous is not None and _month(previous.date) == _month(assessed.weighing.date) - 1
    )
    two_t = (
        status is Status.T and last_month and previous is not None and (previous.status is Status.T)
    )
    return replace(assessed, status=status, two_t=two_t)


def decimal(text: str) -> Decimal:
    """A decimal number as files write it, with a decimal point (``12.4``)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise GrowthError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise GrowthError(f"not a number: {text!r}")
    return value
