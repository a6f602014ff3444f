"""JADWAL: a posyandu's hari buka. Supervisors and admins set it for a posyandu of their own
area (``JADWAL <posyandu> tanggal 12``, ``... selasa ke-2``, ``... pindah 2026-12-15``) or
look at it (``JADWAL <posyandu>``); a kader sees their own posyandu's, read-only.

The phrases are :func:`scoring.schedule.parse_jadwal`'s, the same as ``posyandu schedule``
on the command line. Every answer shows the next hari buka, computed from the schedule and
the one-off moves the engine loaded (after the change, with the change applied)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from conversations.catalogue import say
from conversations.commands import Command
from conversations.effects import MoveHariBuka, SetSchedule, StepResult
from conversations.flows.area import find_members, pick_one
from conversations.flows.common import Call, area_of, done, posyandu_of, text
from conversations.format import day_name
from conversations.model import AreaData, Context, PosyanduInfo
from conversations.needs import Needs
from conversations.periods import format_period
from conversations.replies import Text
from conversations.session import Session
from scoring import Period
from scoring.lexicon import DATE_WORDS, EVERY_WORDS, MOVE_WORDS, WEEKDAY_ALIASES, WEEKDAYS
from scoring.schedule import JadwalError, Schedule, parse_jadwal, upcoming_days

__all__ = ["UPCOMING", "jadwal_area", "jadwal_kader", "schedules_needs", "split_jadwal"]

#: How many coming hari buka an answer lists.
UPCOMING = 3

#: Words that start a schedule phrase; what comes before them names the posyandu.
_PHRASE_START = frozenset({*DATE_WORDS, *EVERY_WORDS, *MOVE_WORDS, *WEEKDAY_ALIASES, *WEEKDAYS})


def split_jadwal(args: Sequence[str]) -> tuple[str, str]:
    """(posyandu name or code, schedule phrase) of ``JADWAL <posyandu> <phrase>``: the phrase
    starts at the first word that can start one ("tanggal", "selasa", "pindah", ...); with
    none, everything names the posyandu (with the phrase first, no posyandu is named)."""
    for i in range(len(args)):
        if args[i].casefold() in _PHRASE_START:
            return " ".join(args[:i]), " ".join(args[i:])
    return " ".join(args), ""


def _days(schedule: Schedule, moves: Mapping[Period, date], today: date) -> str:
    """The next hari buka, a moved one marked."""
    moved = {d for p, d in moves.items() if d != schedule.hari_buka(p)}
    days = upcoming_days(schedule, moves, today, UPCOMING)
    return ", ".join(
        day_name(d) + (" " + say("jadwal.moved_mark") if d in moved else "") for d in days
    )


def _show(ctx: Context, info: PosyanduInfo) -> str:
    if info.schedule is None:
        return say("jadwal.unknown", posyandu=info.name)
    return say(
        "jadwal.show",
        posyandu=info.name,
        schedule=info.schedule.describe(),
        days=_days(info.schedule, info.moves, ctx.today),
    )


def schedules_needs(command: Command, current: Period) -> Needs:
    """A supervisor's JADWAL: every posyandu of the area with its schedule and moves."""
    return Needs(schedules=True)


def jadwal_kader(call: Call) -> StepResult:
    """A kader's JADWAL: their own posyandu's schedule; changing it is for the supervisor."""
    ctx = call.ctx
    info = posyandu_of(ctx).info
    lines = [_show(ctx, info)]
    lines.append(say("jadwal.kader_change" if call.args else "jadwal.kader_note"))
    return done(call.session, Text("\n".join(lines)))


def _usage(area: AreaData) -> Text:
    code = area.members[0].posyandu.info.code if area.members else "MWR01"
    return text("jadwal.usage", code=code)


def jadwal_area(call: Call) -> StepResult:
    """A supervisor's or admin's JADWAL, over their own area only."""
    ctx, session, area = call.ctx, call.session, area_of(call.ctx)
    query, phrase = split_jadwal(call.args)
    if not query:
        return done(session, _usage(area))
    found = find_members(area, query)
    if not found:
        return done(session, text("jadwal.none", query=query[:40], area=area.name))
    if len(found) > 1:
        return pick_one(ctx, session, found, "jadwal.pick_hint")
    info = found[0].posyandu.info
    if not phrase or ctx.in_group:
        # In a linked group anyone speaks with the supervisor's scope: show, never change.
        hint = (
            say("jadwal.group_hint") if ctx.in_group else say("jadwal.change_hint", code=info.code)
        )
        return done(session, Text(f"{_show(ctx, info)}\n{hint}"))
    try:
        wanted = parse_jadwal(phrase, ctx.today)
    except JadwalError as exc:
        return done(session, _not_understood(exc, info.code))
    if info.schedule is None:  # not loaded: never for an area member (the engine loads it)
        return done(session, text("jadwal.unknown", posyandu=info.name))
    if isinstance(wanted, Schedule):
        return _set(ctx, session, info, info.schedule, wanted)
    return _move(ctx, session, info, info.schedule, wanted)


def _not_understood(exc: JadwalError, code: str) -> Text:
    if exc.reason == "past" and exc.day is not None:
        passed = exc.day
        example = f"{passed.day}-{passed.month}-{passed.year + 1}"
        return text("jadwal.past_no_year", day=day_name(passed), code=code, example=example)
    key = "jadwal.bad_date" if exc.reason == "date" else "jadwal.bad_schedule"
    return text(key, code=code)


def _set(
    ctx: Context, session: Session, info: PosyanduInfo, old: Schedule, new: Schedule
) -> StepResult:
    if new == old:
        body = say("jadwal.same", posyandu=info.name, schedule=old.describe())
        return done(session, Text(body))
    body = say(
        "jadwal.set",
        posyandu=info.name,
        schedule=new.describe(),
        old=old.describe(),
        days=_days(new, info.moves, ctx.today),
    )
    return done(session, Text(body), effects=(SetSchedule(info.id, new),))


def _move(
    ctx: Context, session: Session, info: PosyanduInfo, schedule: Schedule, day: date
) -> StepResult:
    if day < ctx.today:
        return done(session, text("jadwal.past", day=day_name(day)))
    month = Period(day.year, day.month)
    moves = {**info.moves, month: day}
    body = say(
        "jadwal.moved",
        posyandu=info.name,
        month=format_period(month),
        day=day_name(day),
        schedule=schedule.describe(),
        days=_days(schedule, moves, ctx.today),
    )
    return done(session, Text(body), effects=(MoveHariBuka(info.id, day),))
