"""What the database commands share: settings, the clock at the edge, opening the database,
and turning failures into one precise line on stderr with an exit status.

Exit statuses: 0 done; 1 the database cannot be used (newer schema, damaged, locked); 2 bad
input (arguments, files, codes).
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from bot.demo import NotDemoDatabase, check_demo_database
from bot.settings import Settings, SettingsError, load_settings
from storage import Database, DatabaseError
from storage.errors import EngineError

__all__ = [
    "BAD_INPUT",
    "DB_FAILED",
    "DEMO_ELSEWHERE",
    "OK",
    "UsageError",
    "demo_refused",
    "login",
    "now",
    "open_database",
    "run_with_settings",
    "tell",
]

#: The exit statuses (README, "Exit statuses"): done; failed at run time (a database
#: operation that went wrong part-way, a start that failed); input or a configuration that
#: cannot work (bad settings or arguments, a database that cannot be used: unreachable,
#: unwritable, its folder a file, written by a newer Posyandu Bot).
OK = 0
DB_FAILED = 1
BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the operator; the message is printed as is and the exit status is 2."""


def tell(message: str) -> None:
    """One operator message on stderr (not the catalogue's ``say``, which words the bot's
    replies)."""
    print(message, file=sys.stderr, flush=True)


#: What to do about a database the demo may not go into.
DEMO_ELSEWHERE = (
    "the demo goes only into an empty database or one with nothing but the demo "
    "(set POSYANDU_DB to a new file for it)"
)


def demo_refused(settings: Settings) -> NotDemoDatabase | DatabaseError | None:
    """Why the demo may not be seeded into the configured database (it holds real data, or
    cannot be read), or None. Reads the file without writing anything."""
    try:
        asyncio.run(check_demo_database(settings.posyandu_db))
    except (NotDemoDatabase, DatabaseError) as exc:
        return exc
    return None


def login() -> str:
    """Who runs the command, for the audit log when no --operator is given."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def now() -> datetime:
    """The clock, read here at the CLI edge only and passed down."""
    return datetime.now(UTC)


async def open_database(settings: Settings) -> Database:
    return await Database.open(settings.posyandu_db, busy_timeout_ms=settings.db_busy_timeout_ms)


def run_with_settings(work: Callable[[Settings], Coroutine[Any, Any, int]]) -> int:
    """Load the settings and run ``work``, mapping failures to a message and a status."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        tell(str(exc))
        return BAD_INPUT
    try:
        return asyncio.run(work(settings))
    except UsageError as exc:
        tell(str(exc))
        return BAD_INPUT
    except DatabaseError as exc:  # the database POSYANDU_DB names cannot be used
        tell(str(exc))
        return BAD_INPUT
    except EngineError as exc:
        tell(f"database {settings.database_name}: {exc}")
        return DB_FAILED
