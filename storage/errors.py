"""Errors of the storage layer that reach an operator: each message says what to do."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DatabaseError", "SchemaTooNewError"]


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
