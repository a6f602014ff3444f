"""A month's counts from the child register by sex and age band, as the F1 form lays them out
(pure): D (weighed), each status N, T, O, B, BGM and 2T, counted over the children weighed in
the month, each by its latest weighing assessed after its own previous ones, with the status a
kader corrected it to (STATUS by chat) where there is one. A count's key is
its field id in the registry (a status's letter in lower case is its field's id where the
registry has that field), so the form's rows stay the registry's.

A weighing that cannot be assessed (a date before the birth date, a previous one unusable) is
left out of the counts it cannot give, and the tally says how many were
(:attr:`Tally.unassessed`): a form shows the register's breakdown only where it adds up to the
report's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from scoring.fields import FIELD_BY_ID
from scoring.growth import (
    BGM_FIELD,
    TWO_T_FIELD,
    Assessed,
    GrowthError,
    GrowthRules,
    Previous,
    Sex,
    Status,
    Weighing,
    age_months,
    assess,
    with_status,
)
from scoring.prevalence import AgeBand, age_band

__all__ = ["REGISTER_FIELDS", "TALLY_FIELDS", "WEIGHED_FIELD", "Tally", "register_tally", "tally"]

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


def _latest(
    sex: Sex, born: date, weighings: Sequence[tuple[Weighing, Status | None]], rules: GrowthRules
) -> Assessed | None:
    """The latest weighing assessed after the ones before it, each with the status a kader
    corrected it to (as ``posyandu export weighings`` and SELESAI count it); None when the
    latest cannot be assessed (one before it that cannot is passed over)."""
    previous: Previous | None = None
    assessed: Assessed | None = None
    for weighing, corrected in weighings:
        try:
            assessed = assess(sex, born, weighing, previous, rules)
        except GrowthError:
            assessed = None
            continue
        if corrected is not None:
            assessed = with_status(assessed, corrected, previous)
        previous = assessed.as_previous()
    return assessed


def tally(
    children: Iterable[tuple[Sex, date, Sequence[tuple[Weighing, Status | None]]]],
    rules: GrowthRules,
) -> Tally:
    """The month's counts; each child's weighings (with the status a kader corrected, if
    any) in date order, its last one the month's. A child of 60 months or more at that
    weighing is no balita and is not counted."""
    cells: dict[_Key, int] = {}
    unassessed = 0
    for sex, born, weighings in children:
        if not weighings:
            continue
        try:
            band = age_band(age_months(born, weighings[-1][0].date))
        except GrowthError:  # weighed before the recorded birth date: no age, no band
            band = None
            unassessed += 1
        if band is None:
            continue
        _add(cells, WEIGHED_FIELD, band, sex)
        a = _latest(sex, born, weighings, rules)
        if a is None:
            unassessed += 1
            continue
        found = [a.status.value.lower()]
        found += [BGM_FIELD] if a.under_red_line else []
        found += [TWO_T_FIELD] if a.two_t else []
        for field_id in found:
            if field_id in TALLY_FIELDS:
                _add(cells, field_id, band, sex)
    return Tally(cells, unassessed, frozenset(TALLY_FIELDS))


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
