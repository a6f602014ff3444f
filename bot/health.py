"""``/healthz``: whether each part of the service is up, and the outbox counts.

The answer names the database, the dispatcher, the scheduler, the channels that report their
intake (the registry's ``in_health``: "off" when not open) and the outbox's pending and failed
rows; any part down makes it 503.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from storage import Database
from storage import outbox as ob

__all__ = ["OFF", "Check", "Health", "check_health"]


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Check:
    """One part's state: up or not, and the word ``/healthz`` shows for it."""

    ok: bool
    text: str


#: A channel that reports its intake but is not open.
OFF = Check(True, "off")


class _Running(Protocol):
    @property
    def alive(self) -> bool: ...


class _Sweeping(Protocol):
    @property
    def running(self) -> bool: ...

    @property
    def last_sweep_ok(self) -> bool: ...


async def _outbox_counts(db: Database | None) -> tuple[bool, dict[str, int]]:
    """(database up, outbox rows by status); a closed or broken database is down."""
    try:
        if db is None or not await db.ping():
            return False, {}
        async with db.read() as conn:
            return True, {k.value: v for k, v in (await ob.counts(conn)).items()}
    except Exception:  # closed (aiosqlite raises ValueError) or broken: report it as down
        return False, {}


async def check_health(
    db: Database | None,
    dispatcher: _Running | None,
    scheduler: _Sweeping | None,
    channels: Mapping[str, Check],
) -> Health:
    db_ok, counts = await _outbox_counts(db)
    dispatcher_ok = dispatcher is not None and dispatcher.alive
    scheduler_ok = scheduler is None or (scheduler.running and scheduler.last_sweep_ok)
    channels_ok = all(check.ok for check in channels.values())
    return Health(
        db_ok and dispatcher_ok and scheduler_ok and channels_ok,
        {
            "database": "ok" if db_ok else "down",
            "dispatcher": "ok" if dispatcher_ok else "down",
            "scheduler": "off" if scheduler is None else ("ok" if scheduler_ok else "down"),
            **{name: check.text for name, check in channels.items()},
            "outbox": {"pending": counts.get("pending", 0), "failed": counts.get("failed", 0)},
        },
    )
