"""The scheduler inside ``posyandu run``: APScheduler 3's AsyncIOScheduler with a memory job
store, rebuilt at every start. Jobs are sweeps, not a job per posyandu:

- ``reminders``: every ``interval`` seconds, :func:`scheduler.sweep.sweep` at the clock's now;
- ``prune-inbound``: hourly, forget inbound message ids and wrong invitation codes older
  than ``inbound_keep`` (35 days), drop the conversation sessions whose expiry has come, remove
  the child register's identities past retention (``register_keep_months`` after the fifth
  birthday, the UTC date of the clock's now: storage.children), and run the
  ``housekeeping`` the service hands in (the bot's: rendered PDFs whose media tokens
  expired);
- ``dhis2-monthly`` (when handed one, DHIS2_MONTHLY_PUSH): on ``monthly.day`` at 09:00 in
  ``monthly.zone``, the service's job with the clock's now (bot.dhis2_monthly).

Coalescing and a misfire grace equal to the reminder grace mean a sweep missed during a restart
or a busy minute runs once when it can; the sweep's own window and the reminder log make sure
nothing is sent twice and nothing past the grace window is sent at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.calendar import ReminderSettings
from scheduler.sweep import sweep
from scoring.clock import Clock
from storage import Database
from storage.children import remove_expired_identities
from storage.errors import is_busy
from storage.inbound import prune_inbound
from storage.invitations import prune_code_failures
from storage.sessions import prune_sessions

__all__ = ["Housekeeping", "Monthly", "ReminderScheduler"]

log = logging.getLogger("posyandu.scheduler")

#: How long a channel's message ids (and wrong invitation codes) are remembered: a signed
#: Twilio request carries no time, so a replay is recognised only while its id is kept.
INBOUND_KEEP = timedelta(days=35)
#: Months after a child's fifth birthday its identity is kept (REGISTER_KEEP_MONTHS_AFTER_FIVE).
REGISTER_KEEP_MONTHS = 12
#: Seconds a stop waits for the job under way.
STOP_WITHIN = 10.0

#: An hourly clean-up, given the clock's now; blocking work is fine (it runs in a thread).
#: What it returns (a count removed, say) is logged.
Housekeeping = Callable[[datetime], object]


@dataclass(frozen=True, slots=True)
class Monthly:
    """A job run once a month, on ``day`` at 09:00 in ``zone``, given the clock's now."""

    job: Callable[[datetime], Awaitable[object]]
    day: int
    zone: str


class ReminderScheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: ReminderSettings,
        interval_seconds: float = 60.0,
        housekeeping: Sequence[Housekeeping] = (),
        *,
        wall_clock: Clock,
        inbound_keep: timedelta = INBOUND_KEEP,
        register_keep_months: int = REGISTER_KEEP_MONTHS,
        monthly: Monthly | None = None,
    ) -> None:
        """``clock`` says what is due when a sweep runs; ``wall_clock`` is the real time that
        APScheduler times its jobs by (the two differ in tests). ``register_keep_months``:
        the months after a child's fifth birthday its identity is kept."""
        self.db = db
        self.clock = clock
        self.wall_clock = wall_clock
        self.settings = settings
        self.interval_seconds = interval_seconds
        self.housekeeping = tuple(housekeeping)
        self.inbound_keep = inbound_keep
        self.register_keep_months = register_keep_months
        self.monthly = monthly
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self.last_sweep_ok: bool = True
        self.sweeps = 0
        #: The jobs under way (tasks), for :meth:`stop`.
        self._jobs: set[asyncio.Task[Any]] = set()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        grace = int(self.settings.grace.total_seconds())
        self._scheduler.add_job(
            self.run_sweep,
            IntervalTrigger(seconds=self.interval_seconds),
            id="reminders",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            replace_existing=True,
            # At once. APScheduler times its jobs by the wall clock; the injected clock only
            # says what is due when a sweep runs (a test's clock may be days from the wall's).
            next_run_time=self.wall_clock.now(),
        )
        self._scheduler.add_job(
            self.prune,
            IntervalTrigger(hours=1),
            id="prune-inbound",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        if self.monthly is not None:
            self._scheduler.add_job(
                self.run_monthly,
                CronTrigger(day=self.monthly.day, hour=9, timezone=self.monthly.zone),
                id="dhis2-monthly",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=6 * 3600,
                replace_existing=True,
            )
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop at once: a job under way is cancelled (see :meth:`stop`)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def stop(self, within: float = STOP_WITHIN) -> None:
        """Stop: no job starts any more, and the one under way (a sweep is one transaction)
        finishes; after ``within`` seconds it is cancelled (logged in one line)."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        if self._jobs:
            await asyncio.wait(set(self._jobs), timeout=within)
        self._scheduler.shutdown(wait=False)

    @contextlib.contextmanager
    def _job(self, name: str) -> Iterator[None]:
        """A job's run: known to :meth:`stop`; cancelled, it ends quietly (APScheduler would
        log the cancellation as an error, with a traceback)."""
        task = asyncio.current_task()
        assert task is not None  # APScheduler runs a coroutine job as a task
        self._jobs.add(task)
        try:
            yield
        except asyncio.CancelledError:
            task.uncancel()
            log.warning("scheduler.job.cancelled", extra={"fields": {"job": name}})
        finally:
            self._jobs.discard(task)

    async def run_sweep(self) -> None:
        with self._job("reminders"):
            await self._sweep()

    async def _sweep(self) -> None:
        now = self.clock.now()
        try:
            result = await sweep(self.db, now, self.settings)
        except Exception as exc:
            self.last_sweep_ok = False
            if is_busy(exc):  # the server unreachable or restarting: one line, no trace
                log.warning("scheduler.sweep.database_unavailable")
            else:
                log.exception("scheduler.sweep.failed")
            return
        self.last_sweep_ok = True
        self.sweeps += 1
        if result.skipped:
            log.debug("scheduler.sweep.skipped")  # another instance is sweeping
        elif result.messages:
            log.info(
                "scheduler.sweep",
                extra={"fields": {"reminders": result.reminders, "messages": result.messages}},
            )

    async def run_monthly(self) -> None:
        assert self.monthly is not None
        with self._job("dhis2-monthly"):
            try:
                result = await self.monthly.job(self.clock.now())
            except Exception:
                log.exception("scheduler.monthly.failed")
            else:
                log.info("scheduler.monthly", extra={"fields": {"result": repr(result)[:500]}})

    async def prune(self) -> None:
        with self._job("prune-inbound"):
            await self._prune()

    async def _prune(self) -> None:
        now = self.clock.now()
        try:
            async with self.db.transaction() as tx:
                removed = {
                    "inbound": await prune_inbound(tx, now - self.inbound_keep),
                    "code_failures": await prune_code_failures(tx, now - self.inbound_keep),
                    "sessions": await prune_sessions(tx, now),
                    "child_identities": await remove_expired_identities(
                        tx, now.date(), self.register_keep_months, at=now
                    ),
                }
        except Exception:
            log.exception("scheduler.prune.failed")
        else:
            if any(removed.values()):
                log.info("scheduler.prune", extra={"fields": removed})
        for job in self.housekeeping:
            try:
                result = await asyncio.to_thread(job, now)
            except Exception:
                log.exception("scheduler.housekeeping.failed")
                continue
            if result:
                log.info(
                    "scheduler.housekeeping",
                    extra={"fields": {"job": getattr(job, "__name__", "?"), "result": result}},
                )
