"""A month's counts from the child register, in one place (pure; :func:`month_tally`):
SELESAI's summary and referrals, LAPOR's pre-filled report, the F1 form's split by sex and age
band and the monthly PDF's referral count all read it, so they cannot disagree. D (weighed),
each status N, T, O, B, BGM and 2T, counted over the children weighed in the month, each by
its latest weighing assessed after the one before it (its status and z-scores as kept where
they are, else worked out), with the status a kader corrected it to (STATUS by chat) where
there is one. A count's key is its field id in the registry (a status's letter in lower case
is its field's id where the registry has that field), so the form's rows stay the registry's.

A weighing that cannot be assessed (a date before the birth date, a previous one unusable) is
left out of the counts it cannot give, and the tally says how many were
(:attr:`Tally.unassessed`): a form shows the register's breakdown only where it adds up to the
report's total; the report's N, T, O, B are left to ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from scoring.fields import FIELD_BY_ID
from scoring.growth import (
    BGM_FIELD,
    TWO_T_FIELD,
    Assessed,
    GrowthError,
    GrowthRules,
    Previous,
    Referral,
    Sex,
    Status,
    Weighing,
    ZScores,
    age_months,
    assess,
    previous_of,
    with_status,
)
from scoring.prevalence import AgeBand, age_band

__all__ = [
    "REGISTER_FIELDS",
    "TALLY_FIELDS",
    "WEIGHED_FIELD",
    "ChildMonth",
    "Counted",
    "Mark",
    "MonthTally",
    "Tally",
    "month_tally",
    "previous_weighing",
    "register_tally",
    "tally",
]

#: The weighed count's field (D).
WEIGHED_FIELD = FIELD_BY_ID["d"].id
#: The register's own counts (S: the children under five on it; K: those with a KMS).
REGISTER_FIELDS: tuple[str, ...] = (FIELD_BY_ID["s"].id, FIELD_BY_ID["k"].id)

#: The fields the register can break down, in registry order: D, the statuses the registry
#: has a field for, BGM and 2T.
TALLY_FIELDS: tuple[str, ...] = tuple(
    f
    for f in FIELD_BY_ID
    if f in {WEIGHED_FIELD, BGM_FIELD, TWO_T_FIELD} | {s.value.lower() for s in Status}
)

_Key = tuple[str, AgeBand | None, Sex | None]


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts by (field, band, sex); ``band`` or ``sex`` None sums over it."""

    cells: dict[_Key, int] = field(default_factory=dict)
    #: Weighings of the month that could not be assessed (in none of the statuses, BGM, 2T).
    unassessed: int = 0
    #: The fields it counts.
    fields: frozenset[str] = frozenset()

    def __or__(self, other: Tally) -> Tally:
        """Both tallies (of different fields) as one."""
        return Tally(
            self.cells | other.cells, self.unassessed + other.unassessed, self.fields | other.fields
        )

    def gives(self, field_id: str) -> bool:
        """Whether it counts ``field_id`` for every child (a status, BGM and 2T only when every
        weighing could be assessed)."""
        if field_id not in self.fields:
            return False
        return not self.unassessed or field_id in (WEIGHED_FIELD, *REGISTER_FIELDS)

    def get(self, field_id: str, band: AgeBand | None = None, sex: Sex | None = None) -> int:
        return self.cells.get((field_id, band, sex), 0)


def _add(cells: dict[_Key, int], field_id: str, band: AgeBand, sex: Sex) -> None:
    for key in ((field_id, band, sex), (field_id, band, None), (field_id, None, sex)):
        cells[key] = cells.get(key, 0) + 1
    cells[(field_id, None, None)] = cells.get((field_id, None, None), 0) + 1


@dataclass(frozen=True, slots=True)
class Mark:
    """One weighing of a child as the month's counts read it: the raw weighing, the status a
    kader corrected it to (None: the rules' stands), and its status and z-scores as kept
    under the same rules (None: not kept; worked out here)."""

    weighing: Weighing
    corrected: Status | None = None
    kept: tuple[Status, ZScores] | None = None


@dataclass(frozen=True, slots=True)
class ChildMonth:
    """A child weighed in the month: sex, birth date and its weighings in date order, the
    last the month's (only the last three are read: the month's status needs the previous
    one's, which needs only the date and weight of the one before it)."""

    sex: Sex
    born: date
    weighings: Sequence[Mark]


@dataclass(frozen=True, slots=True)
class Counted:
    """One child of the month as counted: its band (None: no age, or no balita), the month's
    weighing assessed (as the kader corrected it; None: it could not be) after ``previous``,
    and why it is referred."""

    sex: Sex
    band: AgeBand | None
    #: False for a child of 60 months or more at the weighing: in none of the counts (its
    #: weighing assessed still, for a list of the month's weighings).
    balita: bool
    assessed: Assessed | None = None
    previous: Previous | None = None
    referrals: tuple[Referral, ...] = ()


@dataclass(frozen=True, slots=True)
class MonthTally:
    """The month's counts from the register: each child's (in the order given), the form's
    cells by band and sex, and the report's counts (D, BGM, 2T; N, T, O, B only when every
    weighing could be assessed: a count the bot is unsure of is asked, never guessed)."""

    children: tuple[Counted, ...]
    tally: Tally

    @property
    def weighed(self) -> int:
        """D: the balita weighed (one whose weighing has no age among them)."""
        return sum(c.balita for c in self.children)

    @property
    def statuses(self) -> dict[Status, int]:
        found = dict.fromkeys(Status, 0)
        for c in self.children:
            if c.balita and c.assessed is not None:
                found[c.assessed.status] += 1
        return found

    @property
    def assessed(self) -> int:
        """N + T + O + B: the weighings that could be assessed."""
        return sum(self.statuses.values())

    @property
    def under_red_line(self) -> int:
        return sum(
            c.balita and c.assessed is not None and c.assessed.under_red_line for c in self.children
        )

    @property
    def two_t(self) -> int:
        return sum(c.balita and c.assessed is not None and c.assessed.two_t for c in self.children)

    @property
    def referred(self) -> int:
        """The children to refer to the puskesmas."""
        return sum(c.balita and bool(c.referrals) for c in self.children)

    def counts(self) -> dict[str, int]:
        """The report's counts by field id (a status's letter is its field's id)."""
        found = {
            WEIGHED_FIELD: self.weighed,
            BGM_FIELD: self.under_red_line,
            TWO_T_FIELD: self.two_t,
        }
        if self.assessed == self.weighed:
            found |= {s.value.lower(): n for s, n in self.statuses.items()}
        return found


def previous_weighing(
    sex: Sex, born: date, earlier: Sequence[Mark], rules: GrowthRules
) -> tuple[Previous | None, Assessed | None]:
    """What a weighing needs of the last of ``earlier`` (the child's weighings before it, in
    date order): its status (as kept, else worked out against the date and weight of the one
    before it: a status reads only those), weight and z-scores (as kept, else worked out), its
    status as the kader corrected it; and that weighing as assessed here when its scores were
    not kept (to keep them), else None."""
    if not earlier:
        return None, None
    last = earlier[-1]
    worked: Assessed | None = None
    if last.kept is not None:
        status, z = last.kept
        found = previous_of(born, last.weighing, status, z)
    else:
        before = None
        if len(earlier) > 1:
            w = earlier[-2].weighing
            before = Previous(w.date, w.weight_kg, w.height_cm, Status.B)  # status unread
        worked = assess(sex, born, last.weighing, before, rules)
        found = worked.as_previous()
    if last.corrected is not None:  # as the kader corrected it (2T reads it)
        found = replace(found, status=last.corrected)
    return found, worked


def _count(child: ChildMonth, rules: GrowthRules) -> Counted:
    latest = child.weighings[-1]
    try:
        band = age_band(age_months(child.born, latest.weighing.date))
    except GrowthError:  # weighed before the recorded birth date: no age, no band
        return Counted(child.sex, None, True)
    balita = band is not None  # else assessed (a list shows it), in none of the counts
    try:
        previous, _ = previous_weighing(child.sex, child.born, child.weighings[:-1], rules)
        z = latest.kept[1] if latest.kept is not None else None
        a = assess(child.sex, child.born, latest.weighing, previous, rules, z=z)
    except GrowthError:
        return Counted(child.sex, band, balita)
    if latest.corrected is not None:
        a = with_status(a, latest.corrected, previous)
    return Counted(child.sex, band, balita, a, previous, a.referrals(previous))


def month_tally(children: Iterable[ChildMonth], rules: GrowthRules) -> MonthTally:
    """The month's counts (SELESAI's, the report's pre-fill, the F1 form's, the monthly
    PDF's referrals: all of them, from here). A child of 60 months or more at its weighing is
    no balita and is not counted; one weighed before its recorded birth date is weighed (D)
    but in no band and in no other count."""
    counted = tuple(_count(c, rules) for c in children if c.weighings)
    cells: dict[_Key, int] = {}
    unassessed = 0
    for c in counted:
        if c.balita and (c.band is None or c.assessed is None):
            unassessed += 1
        if c.band is None:
            continue
        _add(cells, WEIGHED_FIELD, c.band, c.sex)
        a = c.assessed
        if a is None:
            continue
        found = [a.status.value.lower()]
        found += [BGM_FIELD] if a.under_red_line else []
        found += [TWO_T_FIELD] if a.two_t else []
        for field_id in found:
            if field_id in TALLY_FIELDS:
                _add(cells, field_id, c.band, c.sex)
    return MonthTally(counted, Tally(cells, unassessed, frozenset(TALLY_FIELDS)))


def tally(
    children: Iterable[tuple[Sex, date, Sequence[tuple[Weighing, Status | None]]]],
    rules: GrowthRules,
) -> Tally:
    """:func:`month_tally`'s cells, each child's weighings given with the status a kader
    corrected (if any), in date order, its last one the month's."""
    found = (ChildMonth(s, b, [Mark(w, fixed) for w, fixed in ws]) for s, b, ws in children)
    return month_tally(found, rules).tally


def register_tally(children: Iterable[tuple[Sex, date, bool | None]], day: date) -> Tally:
    """S and K by age band (completed months on ``day``) and sex: the children on the register
    that day, and those of them with a KMS (``has_kms`` None: not known, not counted in K)."""
    s, k = REGISTER_FIELDS
    cells: dict[_Key, int] = {}
    for sex, born, has_kms in children:
        band = age_band(age_months(born, day)) if born <= day else None
        if band is None:
            continue
        _add(cells, s, band, sex)
        if has_kms:
            _add(cells, k, band, sex)
    return Tally(cells, 0, frozenset(REGISTER_FIELDS))
