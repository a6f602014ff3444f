"""The outbox dispatcher, shared by all channels: delivers queued replies, reminders and
documents, at least once, and never loses a row.

- At start, rows left ``sending`` by a crash go back to pending.
- It claims due rows in small batches; rows to the same address go out in order, different
  addresses in parallel.
- Documents are rendered at send time (the renderer runs the PDF code in a worker thread).
- Reminders are worded at send time; on WhatsApp outside the 24-hour window they go as the
  configured Content Template, or fail with the reason when none fits.
- Throttling (``RetryLater``) waits as told; network errors, time-outs and 5xx retry with
  exponential backoff and jitter up to ``max_attempts``, then the row is marked failed with
  the error; a recipient who blocked the bot is marked unreachable and not retried.
- ``stop()`` finishes the sends in hand and leaves the rest pending for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from bot.channels import (
    Channel,
    OutgoingDocument,
    PermanentError,
    RetryLater,
    TransientError,
    Unreachable,
)
from bot.logs import log_event
from bot.notifications import Template, reminder_template, reminder_text
from conversations.catalogue import say
from storage import Database
from storage import outbox as ob
from storage.clock import Clock
from storage.people import identity, set_reachable

__all__ = ["DeliverySettings", "Dispatcher", "Renderer", "TemplateSender"]

log = logging.getLogger("posyandu.dispatcher")

Renderer = Callable[[str, Mapping[str, Any]], Awaitable[OutgoingDocument]]

#: WhatsApp's customer-service window.
WINDOW = timedelta(hours=24)


@runtime_checkable
class TemplateSender(Protocol):
    """What a channel with business-initiated templates offers (WhatsApp)."""

    async def send_template(
        self, address: str, content_sid: str, variables: Mapping[str, str]
    ) -> str | None: ...


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    max_attempts: int = 8
    backoff: float = 2.0
    backoff_max: float = 600.0
    poll: float = 1.0
    batch: int = 50
    #: Content SIDs by template setting name (``twilio_template_reminder_sid`` ...).
    templates: Mapping[str, str | None] | None = None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        channels: Mapping[str, Channel],
        render: Renderer,
        settings: DeliverySettings | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.channels = dict(channels)
        self.render = render
        self.settings = settings or DeliverySettings()
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.failed = 0

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        async with self.db.transaction() as tx:
            recovered = await ob.recover_sending(tx, self.clock.now())
        if recovered:
            log_event(log, "outbox.recovered", rows=recovered)
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Finish the sends in hand; leave the rest pending."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("outbox.loop_failed")
                busy = False
            if busy:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.poll)

    async def run_once(self) -> bool:
        """Claim and deliver one batch; True when there was work."""
        channels = list(self.channels)
        async with self.db.transaction() as tx:
            rows = await ob.claim_due(tx, self.clock.now(), self.settings.batch, channels)
        if not rows:
            return False
        by_address: dict[tuple[str, str], list[ob.OutboxRow]] = {}
        for row in rows:
            by_address.setdefault((row.channel, row.address), []).append(row)
        await asyncio.gather(*(self._deliver_in_order(group) for group in by_address.values()))
        return True

    async def _deliver_in_order(self, rows: list[ob.OutboxRow]) -> None:
        for i, row in enumerate(rows):
            ok = await self._deliver(row)
            if not ok:
                # Keep the order: what follows a message that did not go waits for it.
                later = self.clock.now() + timedelta(seconds=self.settings.backoff)
                async with self.db.transaction() as tx:
                    for rest in rows[i + 1 :]:
                        await ob.mark_retry(
                            tx, rest.id, later, "waiting for an earlier message", self.clock.now()
                        )
                return

    # --- one row -------------------------------------------------------------------------
    async def _deliver(self, row: ob.OutboxRow) -> bool:
        channel = self.channels[row.channel]
        now = self.clock.now()
        try:
            external_id = await self._send(channel, row, now)
        except RetryLater as exc:
            return await self._retry(row, exc.retry_after, str(exc), count=False)
        except Unreachable as exc:
            async with self.db.transaction() as tx:
                await set_reachable(tx, row.channel, row.address, False)
                await ob.mark_failed(tx, row.id, f"unreachable: {exc}", self.clock.now())
            self.failed += 1
            log_event(log, "outbox.unreachable", logging.WARNING, id=row.id, channel=row.channel)
            return True
        except PermanentError as exc:
            await self._fail(row, str(exc))
            return True
        except TransientError as exc:
            return await self._retry(row, None, str(exc), count=True)
        except Exception as exc:  # a bug or a document that cannot be made: keep the row
            log.exception("outbox.send_error", extra={"fields": {"id": row.id}})
            await self._fail(row, f"{type(exc).__name__}: {exc}")
            return True
        async with self.db.transaction() as tx:
            await ob.mark_sent(tx, row.id, self.clock.now(), external_id)
        self.sent += 1
        log_event(log, "outbox.sent", id=row.id, channel=row.channel, attempts=row.attempts)
        return True

    async def _send(self, channel: Channel, row: ob.OutboxRow, now: datetime) -> str | None:
        payload = row.payload
        kind = payload.get("type")
        if kind == "text":
            body = str(payload["body"])
            choices = [str(c) for c in payload.get("choices") or []]
            return await channel.send_text(row.address, body, choices)
        if kind == "document":
            params = dict(payload.get("params") or {})
            if await self._outside_window(row, now):
                template = _summary_template(params)
                return await self._send_template(channel, row, template)
            try:
                document = await self.render(str(payload["kind"]), params)
            except Exception as exc:
                # Never silence: the person hears that the document could not be made.
                log.exception("outbox.render_failed", extra={"fields": {"id": row.id}})
                await channel.send_text(row.address, say("document.failed"))
                raise PermanentError(f"document not rendered: {type(exc).__name__}: {exc}") from exc
            return await channel.send_document(row.address, document)
        if kind == "reminder":
            reminder, params = str(payload["kind"]), dict(payload.get("params") or {})
            if await self._outside_window(row, now):
                return await self._send_template(channel, row, reminder_template(reminder, params))
            text = reminder_text(reminder, params)
            return await channel.send_text(row.address, text.body, text.choices)
        raise PermanentError(f"unknown payload type {kind!r}")

    async def _outside_window(self, row: ob.OutboxRow, now: datetime) -> bool:
        if not isinstance(self.channels[row.channel], TemplateSender):
            return False
        async with self.db.read() as conn:
            found = await identity(conn, row.channel, row.address)
        last = found.last_inbound_at if found else None
        return last is None or now - last >= WINDOW

    async def _send_template(
        self, channel: Channel, row: ob.OutboxRow, template: Template | None
    ) -> str | None:
        sids = self.settings.templates or {}
        sid = sids.get(template.setting) if template else None
        if template is None or not sid or not isinstance(channel, TemplateSender):
            raise PermanentError(
                "outside the 24-hour window and no template configured for this message"
            )
        return await channel.send_template(row.address, sid, template.variables)

    async def _retry(
        self, row: ob.OutboxRow, wait: float | None, error: str, *, count: bool
    ) -> bool:
        if count and row.attempts >= self.settings.max_attempts:
            await self._fail(row, f"gave up after {row.attempts} attempts: {error}")
            return False
        if wait is None:
            base = self.settings.backoff * 2 ** max(0, row.attempts - 1)
            wait = min(self.settings.backoff_max, base) * random.uniform(0.8, 1.2)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            await ob.mark_retry(tx, row.id, now + timedelta(seconds=wait), error, now)
        log_event(
            log, "outbox.retry", logging.WARNING, id=row.id, wait=round(wait, 2), error=error[:200]
        )
        return False

    async def _fail(self, row: ob.OutboxRow, error: str) -> None:
        async with self.db.transaction() as tx:
            await ob.mark_failed(tx, row.id, error, self.clock.now())
        self.failed += 1
        log_event(
            log, "outbox.failed", logging.WARNING, id=row.id, channel=row.channel, error=error[:200]
        )


def _summary_template(params: Mapping[str, Any]) -> Template | None:
    area, period = params.get("area_name"), params.get("period_name")
    if not area or not period:
        return None
    return Template("twilio_template_summary_sid", {"1": str(area), "2": str(period)})
