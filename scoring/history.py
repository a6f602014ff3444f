"""How much of a posyandu's history the bot knows (domain.md, "History and new posyandu").

A posyandu's known history starts at ``since``: the first month the bot holds for it (a report,
or imported history) or the month it was registered, whichever is earlier. Months of a stratum
window before ``since`` are unknown, not closed. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.model import Period

__all__ = ["KnownHistory", "months_known"]


@dataclass(frozen=True, slots=True)
class KnownHistory:
    """What storage knows of where a posyandu's history starts."""

    #: The month it was registered (None: not recorded, e.g. registered before it was kept).
    registered: Period | None = None
    #: The first month it has a report for (None: no report at all).
    first_report: Period | None = None

    @property
    def since(self) -> Period | None:
        """The first known month: the earlier of registration and first report."""
        known = [p for p in (self.registered, self.first_report) if p is not None]
        return min(known) if known else None

    @property
    def has_data(self) -> bool:
        """Whether any month was ever reported (or imported)."""
        return self.first_report is not None

    def started_by(self, period: Period) -> bool:
        """Whether ``period`` belongs to the known history, so a report is expected for it
        (a posyandu registered in November owes nothing for October). With nothing known of
        its start, every month is expected."""
        since = self.since
        return since is None or since <= period


def months_known(since: Period | None, through: Period, window: int) -> int:
    """How many months of the ``window``-month window ending at ``through`` lie at or after
    ``since`` (all of them when ``since`` is None: the whole window is known)."""
    if since is None:
        return window
    return max(0, min(window, through.index - since.index + 1))
