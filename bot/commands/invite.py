"""``posyandu invite``: a new invitation code for kader of a posyandu or supervisors of an area."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

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
from storage.areas import area_by_code
from storage.invitations import create_invitation
from storage.people import Role
from storage.posyandu import posyandu_by_code

__all__ = ["register"]

MAX_USES = 1000
MAX_DAYS = 365


def _bounded(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low} to {high}, got {value}")
        return value

    return parse


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "invite",
        help="create an invitation code and print it on stdout",
        description=(
            "Create an invitation code (8 characters from 23456789ABCDEFGHJKMNPQRSTUVWXYZ) "
            "and print it alone on stdout; the details go to stderr. A kader code targets a "
            "posyandu (--posyandu), a supervisor code an area (--area), which the "
            "supervisor will see everything under. Whoever sends the code to the bot "
            "registers with that role."
        ),
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--posyandu", metavar="CODE", help="posyandu code (for --role kader)")
    target.add_argument("--area", metavar="CODE", help="area code (for --role supervisor)")
    parser.add_argument("--role", required=True, choices=[Role.KADER.value, Role.SUPERVISOR.value])
    parser.add_argument(
        "--uses",
        type=_bounded(1, MAX_USES),
        default=1,
        metavar="N",
        help=f"how many people may register with it (default 1, at most {MAX_USES})",
    )
    parser.add_argument(
        "--days",
        type=_bounded(1, MAX_DAYS),
        default=14,
        metavar="D",
        help=f"days until it expires (default 14, at most {MAX_DAYS})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    role = Role(args.role)
    if role is Role.KADER and args.posyandu is None:
        tell("a kader invitation needs --posyandu CODE")
        return BAD_INPUT
    if role is Role.SUPERVISOR and args.area is None:
        tell("a supervisor invitation needs --area CODE")
        return BAD_INPUT
    at = now()

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                if role is Role.KADER:
                    posyandu = await posyandu_by_code(tx, args.posyandu)
                    if posyandu is None:
                        raise UsageError(f"unknown posyandu {args.posyandu}")
                    if not posyandu.active:
                        raise UsageError(f"posyandu {posyandu.code} is not active")
                    what = f"kader of posyandu {posyandu.code} ({posyandu.name})"
                    invitation = await create_invitation(
                        tx,
                        role,
                        at,
                        posyandu_id=posyandu.id,
                        uses=args.uses,
                        valid_for=timedelta(days=args.days),
                    )
                else:
                    area = await area_by_code(tx, args.area)
                    if area is None:
                        raise UsageError(f"unknown area {args.area}")
                    what = f"supervisor of {area.level.value} {area.code} ({area.name})"
                    invitation = await create_invitation(
                        tx,
                        role,
                        at,
                        area_id=area.id,
                        uses=args.uses,
                        valid_for=timedelta(days=args.days),
                    )
        finally:
            await db.close()
        print(invitation.code, flush=True)
        uses = f"{invitation.uses_left} use{'s' if invitation.uses_left != 1 else ''}"
        until = invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        tell(f"invitation for a {what}: {uses}, valid until {until}")
        return OK

    return run_with_settings(work)
