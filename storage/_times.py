"""Times as stored: ISO 8601 text in UTC (sortable, readable in the sqlite3 shell)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_db", "from_db_opt", "to_db"]


def to_db(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("stored times must be timezone-aware")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


def from_db_opt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
