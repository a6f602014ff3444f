"""``posyandu migrate``: bring the database to this program's schema version."""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands._common import OK, run_with_settings, tell
from bot.settings import Settings
from storage.db import migrate
from storage.migrations import SCHEMA_VERSION

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "migrate",
        help="create the database or bring it to this program's schema version",
        description=(
            "Apply the numbered schema migrations to the database POSYANDU_DB (created, with "
            f"its folders, when missing) up to version {SCHEMA_VERSION}. The service does the "
            "same when it starts. A database written by a newer Posyandu Bot is refused and "
            "left untouched (exit 1). Safe to run while the service is running."
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return run_with_settings(_migrate)


async def _migrate(settings: Settings) -> int:
    before, after = await migrate(settings.posyandu_db, busy_timeout_ms=settings.db_busy_timeout_ms)
    if before == after:
        tell(f"database {settings.database_name}: already at schema version {after}")
    else:
        tell(f"database {settings.database_name}: migrated from schema version {before} to {after}")
    return OK
