"""Errors of the storage layer that reach an operator: each message says what to do."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg

__all__ = [
    "DatabaseError",
    "EngineError",
    "IntegrityError",
    "SchemaTooNewError",
    "is_busy",
    "is_engine_error",
]

#: What either engine raises for a statement it refuses (``except EngineError:``).
EngineError: tuple[type[Exception], ...] = (sqlite3.Error, asyncpg.PostgresError)
#: A constraint or a schema rule refused the change (a foreign key, a unique key, the
#: revision triggers), on either engine.
IntegrityError: tuple[type[Exception], ...] = (
    sqlite3.IntegrityError,
    asyncpg.IntegrityConstraintViolationError,
)

#: PostgreSQL error classes and codes after which nothing was written and the same write may
#: succeed later: connection lost (08), serialization failure and deadlock (40), a lock or
#: statement timeout (55P03, 57014), the server shutting down or starting (57P01-57P03).
_PG_TRANSIENT = ("08", "40", "55P03", "57014", "57P01", "57P02", "57P03")


def _from_asyncpg(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("asyncpg")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the database giving up for now: SQLite past its busy timeout on a
    lock held by someone else, PostgreSQL unreachable, timed out or resolving a conflict.
    Nothing was written, and the same write may succeed later."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    if _from_asyncpg(exc):
        state = str(getattr(exc, "sqlstate", "") or "")
        connection_gone = type(exc).__name__ in ("ConnectionDoesNotExistError", "InterfaceError")
        return connection_gone or state.startswith(_PG_TRANSIENT)
    return isinstance(exc, OSError | asyncio.TimeoutError) and not isinstance(
        exc, FileNotFoundError | PermissionError
    )


def is_engine_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the database engine (sqlite3, asyncpg)."""
    return isinstance(exc, sqlite3.Error) or _from_asyncpg(exc)


class DatabaseError(Exception):
    """A database that cannot be used, with a message for the operator."""


class SchemaTooNewError(DatabaseError):
    """The file was written by a newer Posyandu Bot; it is refused and left untouched."""

    def __init__(self, found: int, supported: int, path: Path | str) -> None:
        super().__init__(
            f"database {path}: schema version {found} is newer than this program supports "
            f"({supported}); upgrade Posyandu Bot. The file was not modified."
        )
        self.found = found
        self.supported = supported
