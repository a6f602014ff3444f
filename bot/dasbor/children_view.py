"""What the dasbor shows of the child register (issue 26), read through storage and assessed
with scoring's growth rules as the chat does (``scoring.tally.month_tally`` for a month's
weighings, as SELESAI counts them; ``assess_history``, ``scoring.prevalence``): no rule of its
own.

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
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kms import child_chart
from scoring import Period
from scoring import growth as g
from scoring.kms import KmsChart
from scoring.prevalence import Prevalence, month_prevalence
from scoring.tally import ChildMonth, month_tally
from storage import Database
from storage import children as reg
from storage.areas import Area, Level
from storage.cipher import RegisterCipher
from storage.posyandu import Posyandu, posyandu_by_id

log = logging.getLogger("posyandu.dasbor")

__all__ = [
    "BACKGROUND_LEVELS",
    "FRESH",
    "ChildView",
    "Counted",
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
    return month_prevalence((m.as_prevalence(rules) for m in rows), rules)


_PrevalenceKey = tuple[str, Period]
#: How long an area's prevalence is shown as worked out before it is worked out again (the
#: page says when it was: "dihitung pukul 10.15").
FRESH = timedelta(minutes=5)
#: Areas this large are worked out in the background: the page shows the last figures (or
#: says they are being worked out) and never waits for a kabupaten's z-scores.
BACKGROUND_LEVELS = frozenset({Level.PROVINSI, Level.KABUPATEN})


@dataclass(frozen=True, slots=True)
class Counted:
    """An area's prevalence as worked out from the rows read ``at``."""

    prevalence: Prevalence
    at: datetime


class PrevalenceCache:
    """The prevalence of the areas last shown, each kept :data:`FRESH` long; a kabupaten's (or
    a provinsi's) worked out again in the background, the page showing the last figures
    meanwhile. Shared by every page of the service (the service holds it)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[_PrevalenceKey, Counted] = OrderedDict()
        self._working: dict[_PrevalenceKey, asyncio.Task[None]] = {}

    def get(self, key: _PrevalenceKey) -> Counted | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: _PrevalenceKey, value: Counted) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def refresh(self, key: _PrevalenceKey, work: Callable[[], Awaitable[Counted]]) -> None:
        """Work ``key`` out again in the background (unless that is under way already)."""
        if key in self._working:
            return

        async def run() -> None:
            try:
                self.put(key, await work())
            except Exception:
                log.warning("dasbor: the prevalence was not worked out", exc_info=True)
            finally:
                self._working.pop(key, None)

        self._working[key] = asyncio.create_task(run(), name="dasbor-prevalence")

    async def settle(self) -> None:
        """Wait for the prevalence being worked out (tests, shutdown)."""
        while self._working:
            await asyncio.gather(*self._working.values(), return_exceptions=True)


async def load_prevalence(
    db: Database,
    area: Area,
    period: Period,
    rules: g.GrowthRules,
    now: datetime,
    cache: PrevalenceCache | None = None,
) -> Counted | None:
    """Stunting, wasting and underweight in ``area`` (its subtree) among the children weighed
    in ``period``; anonymous (no audit row). A kabupaten or provinsi with no figures kept yet:
    None (being worked out in the background)."""
    key = (area.path, period)
    found = cache.get(key) if cache is not None else None
    if found is not None and now - found.at < FRESH:
        return found

    async def work() -> Counted:
        async with db.read() as conn:
            rows = await reg.measured_in_area(conn, area.path, period)
        # Many children's z-scores are CPU work: not on the event loop.
        return Counted(await asyncio.to_thread(prevalence_of, rows, rules), now)

    if cache is not None and area.level in BACKGROUND_LEVELS:
        cache.refresh(key, work)
        return found
    counted = await work()
    if cache is not None:
        cache.put(key, counted)
    return counted


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


def _rows(
    shown: reg.NamesShown,
    last: dict[int, list[reg.Weighing]],
    period: Period,
    rules: g.GrowthRules,
) -> tuple[tuple[Row, ...], int]:
    """The month's row of each child weighed in ``period`` (from its last three weighings up
    to it, as the month's counts read them: :func:`scoring.tally.month_tally`; a weighing the
    rules cannot assess has no row), and how many on the register (not left) were not."""
    weighed = [c for c in shown.children if last[c.id] and last[c.id][-1].period == period]
    months = [ChildMonth(c.sex, c.birth_date, [w.as_mark() for w in last[c.id]]) for c in weighed]
    counted = month_tally(months, rules).children
    rows = [
        Row(child, last[child.id][-1], found.assessed, found.referrals)
        for child, found in zip(weighed, counted, strict=True)
        if found.assessed is not None
    ]
    ids = {c.id for c in weighed}
    missing = sum(c.id not in ids and c.left_at is None for c in shown.children)
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
    #: Its KMS chart (the KMS PDF's geometry: bot.kms.child_chart), drawn as SVG by the page.
    chart: KmsChart


def _history(
    child: reg.Child, weighings: Sequence[reg.Weighing], rules: g.GrowthRules
) -> tuple[tuple[g.Assessed, tuple[g.Referral, ...]], ...]:
    assessed = g.assess_history(
        child.sex,
        child.birth_date,
        (w.as_growth() for w in weighings),
        rules,
        [w.corrected_status for w in weighings],  # as the kader corrected them
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
    today = now.astimezone(posyandu.tz).date()
    chart = child_chart(child, weighings, rules, today)
    return ChildView(child, posyandu, _history(child, weighings, rules), chart)
