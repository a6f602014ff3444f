"""``posyandu schedule CODE "PHRASE"``: set a posyandu's hari buka with the chat's phrases."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands._common import (
    BAD_INPUT,
    OK,
    UsageError,
    now,
    open_database,
    run_with_settings,
    tell,
)
from bot.settings import Settings
from scheduler.preview import upcoming_hari_buka
from scoring.schedule import JadwalError, Schedule, parse_jadwal
from storage.posyandu import move_hari_buka, posyandu_by_code, set_schedule

__all__ = ["register"]

UPCOMING = 3


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "schedule",
        help="set a posyandu's hari-buka schedule, or move one month's hari buka",
        description=(
            "Set the hari buka of posyandu CODE with the phrases of the chat's JADWAL command: "
            "a day of the month ('tanggal 12'; 31 is the month's last day in shorter months), "
            "the nth weekday ('selasa ke-2', 'selasa minggu ke-2', 'jumat kedua'), the last "
            "one ('kamis terakhir', 'minggu minggu terakhir'), or a one-off move of a single "
            "month ('pindah 2026-12-15', 'pindah 16/12', 'pindah 16 des': that month's hari "
            "buka is on that day, the schedule stays; a date without its year is the next "
            "such day, up to 6 months ahead). Prints what was set and the next 3 hari buka. "
            "An unknown code or a phrase that cannot be read exits 2 and changes nothing."
        ),
    )
    parser.add_argument("code", metavar="CODE", help="posyandu code")
    parser.add_argument("phrase", metavar="PHRASE", help='e.g. "selasa ke-2" (quote it)')
    parser.set_defaults(handler=run)


def _day(d: date) -> str:
    return f"{d.isoformat()} ({d.strftime('%a')})"


def _local(phrase: str, at: datetime, timezone: str) -> Schedule | date:
    """The phrase read with the posyandu's own today (a date without its year)."""
    try:
        return parse_jadwal(phrase, at.astimezone(ZoneInfo(timezone)).date())
    except JadwalError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    at = now()
    try:
        # Read before the database is opened: a phrase that cannot be read changes nothing.
        parse_jadwal(args.phrase, at.date())
    except JadwalError as exc:
        tell(str(exc))
        return BAD_INPUT

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                posyandu = await posyandu_by_code(tx, args.code)
                if posyandu is None:
                    raise UsageError(f"unknown posyandu {args.code}")
                wanted = _local(args.phrase, at, posyandu.timezone)
                if isinstance(wanted, Schedule):
                    await set_schedule(tx, posyandu.id, wanted)
                    done = f"hari buka set to {wanted.describe()}"
                else:
                    await move_hari_buka(tx, posyandu.id, wanted)
                    done = (
                        f"hari buka of {wanted.strftime('%Y-%m')} moved to {_day(wanted)} "
                        f"(schedule stays {posyandu.schedule.describe()})"
                    )
                updated = await posyandu_by_code(tx, args.code)
                assert updated is not None
                upcoming = await upcoming_hari_buka(tx, updated, at, UPCOMING)
        finally:
            await db.close()
        print(f"{updated.code} {updated.name} ({updated.timezone}): {done}")
        print(f"next hari buka: {', '.join(_day(d) for d in upcoming)}")
        if not updated.active:
            tell(f"posyandu {updated.code} is inactive: no reminders are sent")
        return OK

    return run_with_settings(work)
