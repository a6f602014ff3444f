"""``posyandu dasbor rotate-key``: a new key for the dasbor's one-time links."""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands._common import OK, now, open_database, run_with_settings, tell
from bot.dasbor.access import rotate_key
from bot.settings import Settings

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "dasbor",
        help="the dasbor's links and sessions (rotate-key)",
        description="The dasbor (DASBOR in the chat): its one-time links and browser sessions.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rotate = actions.add_parser(
        "rotate-key",
        help="replace the key of the one-time links; void open links and sessions",
        description=(
            "Replace the key of the dasbor's one-time links kept in the database (used when "
            "DASBOR_SECRET is unset) with a new random one, void every link sent and not yet "
            "opened and end every browser session, in one transaction. Running instances use "
            "the new key from their next link: no restart is needed. With DASBOR_SECRET set, "
            "links are signed with it: links and sessions are voided all the same, and to "
            "change that key change DASBOR_SECRET on every instance."
        ),
    )
    rotate.set_defaults(handler=run_rotate)


def run_rotate(_args: argparse.Namespace) -> int:
    return run_with_settings(_rotate)


async def _rotate(settings: Settings) -> int:
    async with await open_database(settings) as db:
        done = await rotate_key(db, now())
    print(
        f"dasbor key replaced: {done.links} unopened link(s) voided, "
        f"{done.sessions} session(s) ended"
    )
    if settings.dasbor_secret is not None:
        tell(
            "note: DASBOR_SECRET is set, and links are signed with it rather than with the key "
            "in the database; to change that key, change DASBOR_SECRET on every instance"
        )
    return OK
