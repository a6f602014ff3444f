"""Errors of the storage layer that reach an operator: each message says what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["DatabaseError", "SchemaTooNewError", "is_busy"]


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock held by someone else (past the busy
    timeout): nothing was written, and the same write may succeed later."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class DatabaseError(Exception):
    """A database that cannot be used, with a message for the operator."""


class SchemaTooNewError(DatabaseError):
    """The file was written by a newer Posyandu Bot; it is refused and left untouched."""

    def __init__(self, found: int, supported: int, path: Path) -> None:
        super().__init__(
            f"database {path}: schema version {found} is newer than this program supports "
            f"({supported}); upgrade Posyandu Bot. The file was not modified."
        )
        self.found = found
        self.supported = supported
