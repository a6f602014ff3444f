"""The outbox dispatcher, shared by all channels: delivers queued replies, reminders and
documents, at least once, and never loses a row.

- At start, rows left ``sending`` by a crash go back to pending.
- It claims due rows in small batches; rows to the same address go out in order, different
  addresses in parallel.
- Documents are rendered at send time (the renderer runs the PDF code in a worker thread).
- Reminders are worded at send time. Through a sender with a customer-service window
  (:class:`bot.channels.TemplateSender`: WhatsApp's 24 hours), outside it (by the person's
  last inbound message, or because the service refused the free-form message: Twilio's 63016)
  reminders and documents go as the sender's template that fits; a message for which no
  template fits (or none is configured) is marked failed with the reason, never dropped.
- Every error code the service gives (Twilio's) is recorded on the row (``error_code``).
- Throttling (``RetryLater``) waits as told; network errors, time-outs and 5xx retry with
  exponential backoff and jitter up to ``max_attempts``, then the row is marked failed with
  the error; a recipient who blocked the bot is marked unreachable and not retried.
- ``stop()`` finishes the sends in hand and leaves the rest pending for the next start.
- One chat's rows go in the order they were made (the claim leaves a row while an earlier
  one of its chat is unsent: :func:`storage.outbox.claim_due`). A supersedable row (a
  question) is looked at once more just before it is sent: one that a later step of the
  conversation superseded after this instance claimed it is not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.channels import (
    OneAddressSender,
    OutgoingDocument,
    OutsideWindow,
    PermanentError,
    RetryLater,
    Sender,
    TemplateSender,
    TransientError,
    Unreachable,
)
from bot.document_params import area_of, posyandu_of
from bot.logs import log_event
from bot.notifications import Template, document_template, reminder_template, reminder_text
from conversations.catalogue import say
from conversations.format import area_title
from scoring.clock import Clock
from storage import Database
from storage import outbox as ob
from storage.errors import is_busy
from storage.messages import Document, Link, Text
from storage.people import identity, set_reachable

__all__ = ["DeliverySettings", "Dispatcher", "LinkMaker", "Renderer"]

log = logging.getLogger("posyandu.dispatcher")

Renderer = Callable[[str, Mapping[str, Any]], Awaitable[OutgoingDocument]]
#: Makes and words a link at send time (the dasbor's one-time link): (kind, params) -> text.
LinkMaker = Callable[[str, Mapping[str, Any]], Awaitable[Text]]

#: Seconds between two marks of sent rows while a batch is being delivered.
_MARK_EVERY = 0.05


@dataclass(frozen=True, slots=True)
class _Sent:
    external_id: str | None
    #: How it went when not as queued (as a template), and the error code that made it so.
    note: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    max_attempts: int = 8
    backoff: float = 2.0
    backoff_max: float = 600.0
    poll: float = 1.0
    batch: int = 50
    #: Sends in flight at once per channel. Above the HTTP client's connection pool, requests
    #: only queue inside the pool, which costs CPU on every request (httpcore's pool scans
    #: its connections for each one); 8 still carries well over Telegram's 30 messages/s.
    concurrency: int = 8
    #: Seconds a claimed row is this instance's; past it, another instance sends it.
    lease: float = 300.0


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        senders: Mapping[str, Sender],
        render: Renderer,
        settings: DeliverySettings | None = None,
        links: LinkMaker | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        #: By channel name.
        self.senders = dict(senders)
        self.render = render
        self.links = links
        self.settings = settings or DeliverySettings()
        self._lease = timedelta(seconds=self.settings.lease)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight = {
            name: asyncio.Semaphore(self.settings.concurrency) for name in self.senders
        }
        self.sent = 0
        self.failed = 0
        #: Rows sent and not yet marked so (see :meth:`run_once`).
        self._sent: list[tuple[int, _Sent, datetime]] = []

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
            except Exception as exc:
                if is_busy(exc):  # the server unreachable or restarting: one line, no trace
                    log_event(log, "outbox.database_unavailable", logging.WARNING)
                else:
                    log.exception("outbox.loop_failed")
                busy = False
            if busy:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.poll)

    async def run_once(self) -> bool:
        """Claim and deliver one batch; True when there was work."""
        channels = list(self.senders)
        only = {
            name: sender.serving
            for name, sender in self.senders.items()
            if isinstance(sender, OneAddressSender) and sender.serving is not None
        }
        async with self.db.transaction() as tx:
            rows = await ob.claim_due(
                tx, self.clock.now(), self.settings.batch, channels, only, self._lease
            )
        if not rows:
            return False
        by_address: dict[tuple[str, str], list[ob.OutboxRow]] = {}
        for row in rows:
            by_address.setdefault((row.channel, row.address), []).append(row)
        deliveries = asyncio.ensure_future(
            asyncio.gather(*(self._deliver_in_order(group) for group in by_address.values()))
        )
        # Rows sent are marked in one transaction every few milliseconds rather than one each:
        # the single writer is shared with every inbound message. A crash before the mark
        # leaves them "sending", sent again at the next start (at least once).
        while True:
            done, _ = await asyncio.wait({deliveries}, timeout=_MARK_EVERY)
            await self._mark_sent()
            if done:
                break
        deliveries.result()
        return True

    async def flush_marks(self) -> None:
        """Record now the rows sent but not yet marked (a delivery receipt for one of them
        may come before the next batched mark)."""
        await self._mark_sent()

    async def record_receipt(self, external_id: str, status: str, error_code: str | None) -> None:
        """A channel's delivery receipt for the row it gave ``external_id``."""
        # Sent rows are marked in batches: the receipt may come before its row's mark.
        await self.flush_marks()
        async with self.db.transaction() as tx:
            await ob.set_delivery_status(tx, external_id, status, error_code, self.clock.now())

    async def _mark_sent(self) -> None:
        if not self._sent:
            return
        batch, self._sent = self._sent, []
        async with self.db.transaction() as tx:
            for row_id, sent, at in batch:
                await ob.mark_sent(
                    tx, row_id, at, sent.external_id, note=sent.note, error_code=sent.code
                )

    async def _deliver_in_order(self, rows: list[ob.OutboxRow]) -> None:
        for i, row in enumerate(rows):
            async with self._in_flight[row.channel]:
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
        sender = self.senders[row.channel]
        now = self.clock.now()
        if row.supersedable and await self._superseded(row):
            log_event(log, "outbox.superseded", id=row.id, channel=row.channel)
            return True
        try:
            sent = await self._send(sender, row, now)
        except RetryLater as exc:
            return await self._retry(row, exc.retry_after, str(exc), count=False, code=exc.code)
        except Unreachable as exc:
            async with self.db.transaction() as tx:
                await set_reachable(tx, row.channel, row.address, False)
                await ob.mark_failed(
                    tx, row.id, f"unreachable: {exc}", self.clock.now(), error_code=exc.code
                )
            self.failed += 1
            log_event(log, "outbox.unreachable", logging.WARNING, id=row.id, channel=row.channel)
            return True
        except PermanentError as exc:
            await self._fail(row, str(exc), exc.code)
            return True
        except TransientError as exc:
            return await self._retry(row, None, str(exc), count=True, code=exc.code)
        except Exception as exc:  # a bug or a document that cannot be made: keep the row
            log.exception("outbox.send_error", extra={"fields": {"id": row.id}})
            await self._fail(row, f"{type(exc).__name__}: {exc}")
            return True
        self._sent.append((row.id, sent, self.clock.now()))
        self.sent += 1
        log_event(log, "outbox.sent", id=row.id, channel=row.channel, attempts=row.attempts)
        return True

    async def _superseded(self, row: ob.OutboxRow) -> bool:
        """Whether a later step superseded ``row`` since it was claimed (the batch waited
        for a slow channel, or for earlier rows of its chat)."""
        async with self.db.read() as conn:
            current = await ob.get(conn, row.id)
        return current is not None and current.status is ob.Status.SUPERSEDED

    async def _send(self, sender: Sender, row: ob.OutboxRow, now: datetime) -> _Sent:
        try:
            message = row.message
        except ValueError as exc:
            raise PermanentError(str(exc)) from exc
        if isinstance(message, Link):
            if self.links is None:
                raise PermanentError(f"no maker of {message.kind!r} links")
            message = await self.links(message.kind, message.params)
        if isinstance(message, Text):
            try:
                sent = await sender.send_text(
                    row.address, message.body, message.choices, message.numbered
                )
                return _Sent(sent)
            except OutsideWindow as exc:
                # A reply to someone who wrote before the window: no template says what it said.
                raise OutsideWindow(f"{exc}; no template fits a reply", code=exc.code) from exc
        if isinstance(message, Document):
            return await self._send_document(sender, row, message, now)
        reminder, params = message.kind, message.params
        if await self._outside_window(sender, row, now):
            template = reminder_template(reminder, params)
            return await self._as_template(sender, row, template, None)
        text = reminder_text(reminder, params)
        try:
            return _Sent(await sender.send_text(row.address, text.body, text.choices))
        except OutsideWindow as exc:
            template = reminder_template(reminder, params)
            return await self._as_template(sender, row, template, exc)

    async def _send_document(
        self, sender: Sender, row: ob.OutboxRow, message: Document, now: datetime
    ) -> _Sent:
        kind, params = message.kind, message.params
        if await self._outside_window(sender, row, now):
            template = await self._document_template(kind, params)
            return await self._as_template(sender, row, template, None)
        try:
            document = await self.render(kind, params)
        except Exception as exc:
            # Never silence: the person hears that the document could not be made.
            log.exception("outbox.render_failed", extra={"fields": {"id": row.id}})
            await sender.send_text(row.address, say("document.failed"))
            raise PermanentError(f"document not rendered: {type(exc).__name__}: {exc}") from exc
        try:
            return _Sent(await sender.send_document(row.address, document))
        except OutsideWindow as exc:
            template = await self._document_template(kind, params)
            return await self._as_template(sender, row, template, exc)

    async def _outside_window(self, sender: Sender, row: ob.OutboxRow, now: datetime) -> bool:
        """Whether the sender has a window and the person's last message is past it."""
        if not isinstance(sender, TemplateSender):
            return False
        async with self.db.read() as conn:
            found = await identity(conn, row.channel, row.address)
        last = found.last_inbound_at if found else None
        return last is None or now - last >= sender.window

    async def _as_template(
        self,
        sender: Sender,
        row: ob.OutboxRow,
        template: Template | None,
        refused: OutsideWindow | None,
    ) -> _Sent:
        """Send ``template`` instead of the message (outside the window by our record, or
        ``refused`` by the service); fail with the reason when none fits or is configured."""
        code = refused.code if refused else None
        if not isinstance(sender, TemplateSender):
            raise PermanentError(f"{refused}; the channel has no templates", code=code)
        hours = sender.window / timedelta(hours=1)
        why = str(refused) if refused else f"outside the {hours:g}-hour window"
        if template is None:
            raise PermanentError(f"{why}; no template fits this message", code=code)
        label = sender.template_label(template.name)
        if not sender.has_template(template.name):
            raise PermanentError(f"{why}; template {label} is not configured", code=code)
        external_id = await sender.send_template(row.address, template.name, template.variables)
        log_event(log, "outbox.as_template", id=row.id, template=label, code=code)
        return _Sent(external_id, f"{why}; sent as template {label}", code)

    async def _document_template(self, kind: str, params: Mapping[str, Any]) -> Template | None:
        subject = await self._document_subject(kind, params)
        return document_template(kind, params, subject) if subject else None

    async def _document_subject(self, kind: str, params: Mapping[str, Any]) -> str | None:
        """What a document is about, as its template names it; None when it is not found."""
        try:
            async with self.db.read() as conn:
                if kind == "area_summary":
                    area = await area_of(conn, params)
                    return area_title(area.level, area.name, area.kind) if area else None
                if kind == "monthly_report":
                    posyandu = await posyandu_of(conn, params)
                    return say("template.posyandu", posyandu=posyandu.name) if posyandu else None
        except (TypeError, ValueError):
            return None
        return None

    async def _retry(
        self,
        row: ob.OutboxRow,
        wait: float | None,
        error: str,
        *,
        count: bool,
        code: str | None = None,
    ) -> bool:
        if count and row.attempts >= self.settings.max_attempts:
            await self._fail(row, f"gave up after {row.attempts} attempts: {error}", code)
            return False
        if wait is None:
            base = self.settings.backoff * 2 ** max(0, row.attempts - 1)
            wait = min(self.settings.backoff_max, base) * random.uniform(0.8, 1.2)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            await ob.mark_retry(
                tx, row.id, now + timedelta(seconds=wait), error, now, error_code=code
            )
        log_event(
            log, "outbox.retry", logging.WARNING, id=row.id, wait=round(wait, 2), error=error[:200]
        )
        return False

    async def _fail(self, row: ob.OutboxRow, error: str, code: str | None = None) -> None:
        async with self.db.transaction() as tx:
            await ob.mark_failed(tx, row.id, error, self.clock.now(), error_code=code)
        self.failed += 1
        log_event(
            log,
            "outbox.failed",
            logging.WARNING,
            id=row.id,
            channel=row.channel,
            code=code,
            error=error[:200],
        )
