"""What the dasbor shows of the child register (issue 26), read through storage and assessed
with scoring's growth rules as the chat does (``assess``, ``assess_history``,
``Assessed.referrals``, ``scoring.prevalence``): no rule of its own.

- An area's prevalence (:func:`load_prevalence`): stunting, wasting and underweight among
  the children weighed in the month, counts only. Read without a name (sex, birth date and
  the weighing alone: :func:`storage.children.measured_in_area`), so no audit row.
- A posyandu's weighing list of a month (:func:`load_weighings`) and a child's page
  (:func:`load_child`): names, shown to the posyandu's kader and its desa's supervisors only
  (:meth:`bot.dasbor.access.Scope.sees_names`); each read decrypts on a write transaction
  that writes its audit row (``children.dasbor``, ``children.dasbor.child``) before the
  names leave it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scoring import Period
from scoring import growth as g
from scoring.prevalence import Prevalence, month_prevalence
from storage import Database
from storage import children as reg
from storage.areas import Area
from storage.cipher import RegisterCipher
from storage.posyandu import Posyandu, posyandu_by_id

__all__ = [
    "ChildView",
    "PrevalenceCache",
    "Row",
    "WeighingList",
    "load_child",
    "load_prevalence",
    "load_weighings",
    "prevalence_of",
]


def prevalence_of(rows: Sequence[reg.Measured], rules: g.GrowthRules) -> Prevalence:
    """The prevalence of an area's anonymous rows (:func:`storage.children.measured_in_area`;
    the dasbor's area page and the area summary PDF)."""
    return month_prevalence(((m.sex, m.birth_date, m.weighing.as_growth()) for m in rows), rules)


_PrevalenceKey = tuple[str, Period]
#: The rows it was worked out from, in brief (their hash: equal rows, equal prevalence).
_Stamp = int


class PrevalenceCache:
    """The prevalence of the areas last shown, with the hash of the rows it was worked out
    from: asked again, the rows are read again (anonymous rows, cheap beside their z-scores)
    and the z-scores worked out again only when a row differs (a weighing added or replaced,
    a child's birth date or sex corrected)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[_PrevalenceKey, tuple[_Stamp, Prevalence]] = OrderedDict()

    def get(self, key: _PrevalenceKey, stamp: _Stamp) -> Prevalence | None:
        found = self._entries.get(key)
        if found is None or found[0] != stamp:
            return None
        self._entries.move_to_end(key)
        return found[1]

    def put(self, key: _PrevalenceKey, stamp: _Stamp, value: Prevalence) -> None:
        self._entries[key] = (stamp, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


async def load_prevalence(
    db: Database,
    area: Area,
    period: Period,
    rules: g.GrowthRules,
    cache: PrevalenceCache | None = None,
) -> Prevalence:
    """Stunting, wasting and underweight in ``area`` (its subtree) among the children weighed
    in ``period``; anonymous (no audit row)."""
    async with db.read() as conn:
        rows = await reg.measured_in_area(conn, area.path, period)
    stamp = hash(frozenset(rows))  # one row per child and month: no order needed
    found = cache.get((area.path, period), stamp) if cache is not None else None
    if found is not None:
        return found
    # A kabupaten's month is CPU work: not on the event loop.
    result = await asyncio.to_thread(prevalence_of, rows, rules)
    if cache is not None:
        cache.put((area.path, period), stamp, result)
    return result


# --- a posyandu's weighing list ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Row:
    """A child's weighing of the month as the list shows it."""

    child: reg.Child
    weighing: reg.Weighing
    assessed: g.Assessed
    referrals: tuple[g.Referral, ...]


@dataclass(frozen=True, slots=True)
class WeighingList:
    posyandu: Posyandu
    period: Period
    rows: tuple[Row, ...]
    #: Children on the register (not left) not weighed in the month.
    not_weighed: int


def _month_row(
    child: reg.Child, last: Sequence[reg.Weighing], period: Period, rules: g.GrowthRules
) -> Row | None:
    """The month's row of ``child`` from its last three weighings up to ``period``: the
    one before the previous stands for the previous' status (z-scores are not needed of it)."""
    if not last or last[-1].period != period:
        return None
    previous: g.Previous | None = None
    if len(last) == 3:
        w = last[0].as_growth()
        days = g.age_days(child.birth_date, w.date)
        cm = w.height_cm
        length = g.length_at(days, cm, w.measured).cm if cm is not None else None
        previous = g.Previous(w.date, w.weight_kg, length, g.Status.B)
    if len(last) >= 2:
        before = g.assess(child.sex, child.birth_date, last[-2].as_growth(), previous, rules)
        previous = before.as_previous()
    a = g.assess(child.sex, child.birth_date, last[-1].as_growth(), previous, rules)
    return Row(child, last[-1], a, a.referrals(previous))


def _rows(
    shown: reg.NamesShown,
    last: dict[int, list[reg.Weighing]],
    period: Period,
    rules: g.GrowthRules,
) -> tuple[tuple[Row, ...], int]:
    rows = []
    missing = 0
    for child in shown.children:
        row = _month_row(child, last[child.id], period, rules)
        if row is not None:
            rows.append(row)
        elif child.left_at is None:
            missing += 1
    rows.sort(key=lambda r: r.child.name.casefold())
    return tuple(rows), missing


async def load_weighings(
    db: Database,
    cipher: RegisterCipher,
    posyandu: Posyandu,
    period: Period,
    rules: g.GrowthRules,
    *,
    who: reg.Actor,
    now: datetime,
) -> WeighingList:
    """The weighings of ``period`` at ``posyandu``, with the children's names: read and
    audited (``children.dasbor``, the ids of the whole list read) in one transaction."""
    async with db.transaction() as tx:
        shown = await reg.read_children(
            tx, cipher, posyandu.id, include_left=True, purpose="dasbor"
        )
        last = await reg.month_weighings(tx, [c.id for c in shown.children], period)
        weighed = [c for c in shown.children if last[c.id] and last[c.id][-1].period == period]
        listed = reg.NamesShown(shown.posyandu_id, tuple(weighed), shown.purpose)
        await reg.audit_shown(tx, listed, who=who, at=now)
    rows, missing = _rows(shown, last, period, rules)
    return WeighingList(posyandu, period, rows, missing)


# --- a child's page ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChildView:
    child: reg.Child
    posyandu: Posyandu
    #: Every weighing at the posyandu in date order, assessed after the one before, with
    #: its referrals.
    history: tuple[tuple[g.Assessed, tuple[g.Referral, ...]], ...]


def _history(
    child: reg.Child, weighings: Sequence[reg.Weighing], rules: g.GrowthRules
) -> tuple[tuple[g.Assessed, tuple[g.Referral, ...]], ...]:
    assessed = g.assess_history(
        child.sex, child.birth_date, (w.as_growth() for w in weighings), rules
    )
    out = []
    for i, a in enumerate(assessed):
        previous = assessed[i - 1].as_previous() if i else None
        out.append((a, a.referrals(previous)))
    return tuple(out)


async def load_child(
    db: Database,
    cipher: RegisterCipher,
    child_id: int,
    sees: Callable[[Posyandu], bool],
    rules: g.GrowthRules,
    *,
    who: reg.Actor,
    now: datetime,
) -> ChildView | None:
    """A child and its weighings, when its posyandu is one ``sees`` allows (None otherwise,
    and for an unknown child: nothing shown, nothing audited); the view audited
    (``children.dasbor.child``) in the transaction that decrypts it."""
    async with db.transaction() as tx:
        posyandu_id = await reg.child_posyandu(tx, child_id)
        posyandu = await posyandu_by_id(tx, posyandu_id) if posyandu_id is not None else None
        if posyandu is None or not sees(posyandu):
            return None
        shown = await reg.read_child(tx, cipher, child_id)
        assert shown is not None
        weighings = (await reg.weighings_of(tx, [child_id]))[child_id]
        await reg.audit_shown(tx, shown, who=who, at=now)
    child = shown.children[0]
    return ChildView(child, posyandu, _history(child, weighings, rules))
