"""``posyandu migrate``: bring the database to this program's schema version; with
``--copy-to URL``, copy an SQLite deployment into an empty PostgreSQL database."""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands._common import OK, UsageError, run_with_settings, tell
from bot.settings import Settings
from storage import Database
from storage.copying import CopyRefused, copy_database
from storage.db import is_database_url, mask_url, migrate, url_problem
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
            "left untouched (exit 2). Safe to run while the service is running. "
            "With --copy-to postgresql://USER:PASSWORD@HOST/DB, the SQLite database POSYANDU_DB "
            "(at this version: migrate it first) is copied instead into that PostgreSQL "
            "database, which must be empty: every table from one snapshot of the source, in "
            "one transaction on the server, each table's row count and content digest compared "
            "at both ends before the commit (any difference: nothing is kept). The source is "
            "only read; rows written to it after the copy began are not in the copy, so stop "
            "the service first, then point POSYANDU_DB at the server. A target holding any row "
            "is refused untouched (exit 2)."
        ),
    )
    parser.add_argument(
        "--copy-to",
        metavar="URL",
        help="copy the SQLite database into this empty PostgreSQL database (postgresql://...)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.copy_to is not None:
        url: str = args.copy_to
        return run_with_settings(lambda settings: _copy(settings, url))
    return run_with_settings(_migrate)


async def _migrate(settings: Settings) -> int:
    before, after = await migrate(settings.posyandu_db, busy_timeout_ms=settings.db_busy_timeout_ms)
    if before == after:
        tell(f"database {settings.database_name}: already at schema version {after}")
    else:
        tell(f"database {settings.database_name}: migrated from schema version {before} to {after}")
    return OK


async def _copy(settings: Settings, url: str) -> int:
    if not is_database_url(url):
        raise UsageError("--copy-to takes a postgresql:// URL (the database to copy into)")
    if (problem := url_problem(url)) is not None:
        raise UsageError(f"--copy-to: {problem}")
    if settings.database_is_server:
        raise UsageError(
            f"POSYANDU_DB is a PostgreSQL server ({settings.database_name}): --copy-to copies "
            "an SQLite file; copy a server with pg_dump and pg_restore"
        )
    source_file = settings.database_file()
    if not source_file.is_file():
        raise UsageError(f"no database at {source_file} (setting POSYANDU_DB)")
    busy = settings.db_busy_timeout_ms
    source = await Database.open(source_file, busy_timeout_ms=busy, readers=1, migrate=False)
    try:
        target = await Database.open(url, busy_timeout_ms=busy, readers=1)
        try:
            copied = await copy_database(source, target)
        except CopyRefused as exc:
            raise UsageError(str(exc)) from None
        finally:
            await target.close()
    finally:
        await source.close()
    for table in copied:
        tell(f"  {table.table}: {table.rows} rows, digest {table.digest[:16]} at both ends")
    tell(
        f"database {source_file} copied to {mask_url(url)}: {len(copied)} tables, "
        f"{sum(t.rows for t in copied)} rows, counts and digests equal; the source is "
        "unchanged. Set POSYANDU_DB to the server's URL to run on it."
    )
    return OK
