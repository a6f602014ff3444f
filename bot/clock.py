"""The real clock: the one place outside tests that reads the time (the edge of the program)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["SystemClock"]


class SystemClock:
    """The real time: the one place outside tests and the CLI edge that reads it."""

    def now(self) -> datetime:
        return datetime.now(UTC)
