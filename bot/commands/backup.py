"""``posyandu backup FILE``: a consistent copy of the live database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.commands._common import OK, UsageError, run_with_settings, tell
from bot.settings import Settings
from storage.backup import backup_file

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "backup",
        help="write a consistent copy of the database to FILE, while the service runs",
        description=(
            "Copy the database POSYANDU_DB to FILE with SQLite's online backup API: one "
            "consistent snapshot, taken while the service goes on reading and writing. The "
            "copy is checked (quick_check) and then renamed into place, so FILE is always "
            "either the previous backup or a complete new one; an existing FILE is replaced. "
            "The copy is a single self-contained SQLite file."
        ),
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="where to write the copy")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    target: Path = args.file

    async def work(settings: Settings) -> int:
        if settings.database_is_server:
            raise UsageError(
                f"database {settings.database_name} is a PostgreSQL server: back it up with "
                "pg_dump (e.g. pg_dump --format=custom --file=posyandu.dump DBNAME) or the "
                "server's own backups; posyandu backup copies SQLite files"
            )
        source = settings.database_file()
        if not source.is_file():
            raise UsageError(f"no database at {source} (setting POSYANDU_DB)")
        try:
            result = await backup_file(source, target, busy_timeout_ms=settings.db_busy_timeout_ms)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
        tell(
            f"database {source} copied to {result.target} "
            f"({result.size_bytes:,} bytes, schema version {result.schema_version})"
        )
        return OK

    return run_with_settings(work)
