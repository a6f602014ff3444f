"""Wiring: one process with the database, the engine, the channels, the outbox dispatcher, the
reminder scheduler and the HTTP app.

``Service.start()`` opens every channel the settings configure (the channel registry,
:mod:`bot.channels.registry`) and those the caller opened (the console). Each part has its
own module: the intake pipeline (:mod:`bot.intake`), the HTTP app and server
(:mod:`bot.http`, :mod:`bot.server`), health (:mod:`bot.health`), media links
(:mod:`bot.media`). ``Service.stop()`` is the SIGTERM path: stop intake, finish what is in
hand, leave pending outbox rows for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette

from bot.channels import OutgoingDocument, Sender, registry
from bot.channels.channel import Hub, OpenChannel
from bot.channels.quota import DailyQuota
from bot.clock import SystemClock
from bot.dasbor.access import LINK_TTL, Access
from bot.dasbor.children_view import PrevalenceCache
from bot.dasbor.pages import Dasbor
from bot.dhis2_monthly import MonthlyPush
from bot.dispatcher import DeliverySettings, Dispatcher
from bot.errors import StartError
from bot.health import OFF, Check, Health, check_health
from bot.http import create_app
from bot.intake import Intake
from bot.logs import log_event
from bot.media import MediaLinks, MediaStore, media_key
from bot.register import open_register
from bot.server import HttpServer, ServerLimits
from bot.settings import Settings
from conversations.catalogue import say
from conversations.engine import Engine
from conversations.model import Limits
from scheduler.service import Monthly, ReminderScheduler
from scoring.clock import Clock
from storage import Database
from storage.cipher import RegisterCipher
from storage.messages import Text

__all__ = ["CHANNEL_START_SECONDS", "Service", "limits_from"]

log = logging.getLogger("posyandu.app")

#: How long a channel may take to start (the Bot API's getMe and setWebhook, each with its
#: own 10-second read time-out), so that a failed start ends well within systemd's patience.
CHANNEL_START_SECONDS = 20.0


def limits_from(settings: Settings) -> Limits:
    return Limits(
        wrong_code_limit=settings.wrong_code_limit,
        wrong_code_window=timedelta(minutes=settings.wrong_code_window_minutes),
        wrong_code_global_limit=settings.invite_failures_per_hour_global,
        session_expiry=timedelta(hours=settings.session_expiry_hours),
        page_size=settings.page_size,
        months_back=settings.report_months_back,
        kk_refresh_months=settings.kk_refresh_months,
        service_fields=settings.services(),
    )


def delivery_from(settings: Settings) -> DeliverySettings:
    return DeliverySettings(
        max_attempts=settings.outbox_max_attempts,
        backoff=settings.outbox_backoff_seconds,
        backoff_max=settings.outbox_backoff_max_seconds,
        poll=settings.outbox_poll_seconds,
        lease=settings.outbox_lease_seconds,
    )


def media_links_from(settings: Settings, clock: Clock) -> MediaLinks:
    explicit = settings.media_signing_key
    return MediaLinks(
        MediaStore(settings.media_dir),
        media_key(
            explicit.get_secret_value() if explicit is not None else None,
            registry.secrets(settings),
        ),
        timedelta(hours=settings.media_ttl_hours),
        settings.public_base_url or "",
        clock,
    )


@dataclass
class Service:
    settings: Settings
    clock: Clock
    #: Channels the caller opened, by name, as their senders (the console on a terminal).
    extra_channels: Mapping[str, Sender] = field(default_factory=dict)
    run_scheduler: bool = True
    db: Database | None = None
    engine: Engine | None = None
    intake: Intake | None = None
    dispatcher: Dispatcher | None = None
    scheduler: ReminderScheduler | None = None
    media_links: MediaLinks | None = None
    dasbor: Access | None = None
    server: HttpServer | None = None
    #: The child register's cipher (None: no REGISTER_KEY, the register is off; bot.register).
    register: RegisterCipher | None = None
    #: The open channels, by name.
    channels: dict[str, OpenChannel] = field(default_factory=dict)
    #: The dasbor's prevalence of the areas last shown, shared by its pages (a kabupaten's is
    #: worked out in the background: bot.dasbor.children_view).
    prevalence: PrevalenceCache = field(default_factory=PrevalenceCache)
    #: How to stop what has been started, in reverse order.
    _stack: contextlib.AsyncExitStack = field(
        default_factory=contextlib.AsyncExitStack, init=False, repr=False
    )

    @property
    def has_remote_channels(self) -> bool:
        """Whether the settings configure a channel (else ``posyandu run`` is the console)."""
        return registry.has_configured(self.settings)

    @property
    def media(self) -> MediaStore | None:
        return self.media_links.store if self.media_links is not None else None

    @property
    def http_port(self) -> int:
        """The bound port (useful with HTTP_PORT=0 in tests)."""
        assert self.server is not None
        return self.server.port

    # --- start and stop ------------------------------------------------------------------
    async def open(self) -> None:
        """Database, engine, channels and dispatcher (enough for the console). When it fails
        half-way, what it opened is closed again (:meth:`stop` closes it otherwise)."""
        try:
            await self._open()
        except BaseException:
            await self._unwind()
            raise

    async def _open(self) -> None:
        s = self.settings
        self.db = await Database.open(s.posyandu_db, busy_timeout_ms=s.db_busy_timeout_ms)
        # Its connections are threads: a process that leaves them open never exits.
        self._stack.push_async_callback(self.db.close)
        await self.db.check_writable()
        console = not self.has_remote_channels
        self.register = await open_register(s, self.db, self.clock.now(), console=console)
        self.media_links = media_links_from(s, self.clock)
        self.engine = Engine(
            self.db,
            self.clock,
            limits=limits_from(s),
            scoring=s.scoring(),
            default_tz=ZoneInfo(s.default_timezone),
            on_queued=self._wake,
            phone_of=registry.phone_of,
            register=self.register,
            growth=s.growth(),
            register_fields=s.register_optional(),
        )
        self.intake = Intake(self.engine)
        hub = Hub(
            clock=self.clock,
            receive=self.intake.receive,
            receipt=self._record_receipt,
            media_url=self.media_links.url,
            quota=DailyQuota(self.db),
        )
        self.channels = registry.open_channels(s, hub, self.extra_channels)
        for channel in self.channels.values():
            self._stack.push_async_callback(channel.close)
        senders = {name: c.sender for name, c in self.channels.items()}
        self.dasbor = Access(self.db, self.clock, self.base_url, dasbor_key_from(s))
        self.dispatcher = Dispatcher(
            self.db, self.clock, senders, self._render, delivery_from(s), links=self._link
        )

    async def start(self, *, serve_http: bool | None = None) -> None:
        """Everything, in this order: :meth:`open`, the dispatcher, the scheduler, the HTTP
        server, each channel's intake. When a part cannot start, whatever had started is
        stopped again (threads and tasks included) and the error is raised (a
        :class:`bot.errors.StartError`, a :class:`storage.DatabaseError` ...)."""
        try:
            await self._start(serve_http)
        except BaseException:
            try:
                await self._unwind()
            except Exception as exc:  # the start's own error is the one to report
                error = f"{type(exc).__name__}: {exc}"
                log_event(log, "service.start.cleanup_failed", logging.WARNING, error=error)
            raise
        intakes: dict[str, Any] = {n: c.text for n, c in self._channel_checks().items()}
        log_event(log, "service.started", channels=",".join(sorted(self.channels)), **intakes)

    async def _start(self, serve_http: bool | None) -> None:
        # Each part's stop is pushed once it has started: the stack unwinds in reverse, which
        # is the stop's order (intake, HTTP, scheduler, dispatcher, clients, database).
        await self._open()
        assert self.dispatcher is not None
        await self.dispatcher.start()
        self._stack.push_async_callback(self.dispatcher.stop)
        if self.run_scheduler:
            self._start_scheduler()
        if serve_http if serve_http is not None else self.has_remote_channels:
            s = self.settings
            self.server = await HttpServer.start(
                self.asgi_app(), s.http_host, s.http_port, server_limits(s)
            )
            self._stack.push_async_callback(self.server.stop)
        for name, channel in self.channels.items():
            await self._hold_single(name, channel)
            self._stack.push_async_callback(channel.stop_intake)
            try:
                async with asyncio.timeout(CHANNEL_START_SECONDS):
                    await channel.start()
            except TimeoutError:
                raise StartError(
                    f"{name}: the channel did not start within {CHANNEL_START_SECONDS:g} s"
                ) from None

    async def _hold_single(self, name: str, channel: OpenChannel) -> None:
        """An intake only one instance may run (Telegram's long polling) holds its lock on
        the database for as long as the service runs. Another instance holding it: refused at
        start, in one line saying what to do (webhook mode), rather than waiting as a standby
        leader. A standby would hide the mistake (N instances, one taking Telegram, none of
        the others' spare capacity used) and take over through a window in which two could
        poll; in webhook mode every instance takes updates and none has to lead."""
        lock = channel.single_instance
        if lock is None:
            return
        assert self.db is not None
        held = await self._stack.enter_async_context(self.db.exclusive(lock))
        if not held:
            raise StartError(
                f"{name}: another instance on this database already uses long polling, which "
                "only one instance can do; to run several instances use webhook mode "
                "(set PUBLIC_BASE_URL and TELEGRAM_WEBHOOK_SECRET)"
            )

    def _dhis2_monthly(self) -> Monthly | None:
        """The monthly DHIS2 push, when DHIS2_MONTHLY_PUSH is on (docs/dhis2.md)."""
        s = self.settings
        if not s.dhis2_monthly_push or self.db is None:
            return None
        return Monthly(MonthlyPush(self.db, s), s.dhis2_push_day, s.default_timezone)

    def _start_scheduler(self) -> None:
        assert self.db is not None
        self.scheduler = ReminderScheduler(
            self.db,
            self.clock,
            self.settings.reminders(),
            interval_seconds=self.settings.reminder_sweep_seconds,
            housekeeping=[self.prune_media],
            wall_clock=SystemClock(),
            inbound_keep=timedelta(days=self.settings.inbound_keep_days),
            register_keep_months=self.settings.register_keep_months_after_five,
            monthly=self._dhis2_monthly(),
        )
        self.scheduler.start()
        self._stack.push_async_callback(self.scheduler.stop)

    async def stop(self) -> None:
        """Stop intake, finish what is in hand, leave pending rows for the next start; close
        the clients and the database."""
        await self.prevalence.settle()
        await self._unwind()
        log_event(log, "service.stopped")

    async def _unwind(self) -> None:
        """Stop what was started, in reverse (each step runs even when one before fails)."""
        stack, self._stack = self._stack, contextlib.AsyncExitStack()
        await stack.aclose()

    # --- the HTTP app and health ---------------------------------------------------------
    def asgi_app(self) -> Starlette:
        """``/healthz``, every open channel's routes and the media links."""
        routes = [route for channel in self.channels.values() for route in channel.routes()]
        if self.media_links is not None:
            routes.append(self.media_links.route())
        if self.dasbor is not None and self.db is not None:
            pages = Dasbor(
                self.db,
                self.dasbor,
                self.settings,
                self.clock,
                self._secure,
                register=self.register,
                prevalence=self.prevalence,
            )
            routes.extend(pages.routes())
        return create_app(self.health, routes)

    @property
    def _secure(self) -> bool:
        """Whether the app is reached over https (its cookies are then Secure)."""
        return (self.settings.public_base_url or "").lower().startswith("https://")

    def base_url(self) -> str:
        """Where people reach the HTTP app: ``PUBLIC_BASE_URL``, else the address it listens
        on (the console demo: a link that works on this machine)."""
        if self.settings.public_base_url:
            return self.settings.public_base_url.rstrip("/")
        host = self.settings.http_host
        host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        host = f"[{host}]" if ":" in host else host
        port = self.server.port if self.server is not None else self.settings.http_port
        return f"http://{host}:{port}"

    async def health(self) -> Health:
        return await check_health(self.db, self.dispatcher, self.scheduler, self._channel_checks())

    def _channel_checks(self) -> dict[str, Check]:
        """The channels ``/healthz`` names: the open one's state, else "off"."""
        return {
            c.name: self.channels[c.name].health() if c.name in self.channels else OFF
            for c in registry.CHANNELS
            if c.in_health
        }

    # --- what the parts lend each other --------------------------------------------------
    def _wake(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()

    async def _record_receipt(self, external_id: str, status: str, error: str | None) -> None:
        assert self.dispatcher is not None
        await self.dispatcher.record_receipt(external_id, status, error)

    async def _link(self, kind: str, params: Mapping[str, Any]) -> Text:
        """The dasbor's one-time link, made as it is sent."""
        if kind != "dasbor" or self.dasbor is None:
            raise ValueError(f"unknown link kind {kind!r}")
        url = await self.dasbor.issue(int(params["person_id"]))
        minutes = int(LINK_TTL.total_seconds() // 60)
        return Text(say("dasbor.link", url=url, minutes=minutes))

    async def _render(self, kind: str, params: Mapping[str, Any]) -> OutgoingDocument:
        from bot.documents import render_document
        from bot.kms import KMS_DOCUMENT, render_kms_document

        assert self.db is not None
        if kind == KMS_DOCUMENT:
            growth = self.settings.growth()
            now = self.clock.now()
            return await render_kms_document(self.db, self.register, growth, params, now)
        return await render_document(
            self.db, kind, params, self.clock.now(), self.settings.scoring(), self.settings.growth()
        )

    def prune_media(self, now: datetime) -> int:
        """Delete rendered PDFs whose every media token has expired (the scheduler's hourly
        housekeeping, in a thread); the number removed."""
        return self.media_links.prune(now) if self.media_links is not None else 0


def dasbor_key_from(s: Settings) -> bytes | None:
    """``DASBOR_SECRET``; None: the key kept in the database (:mod:`bot.dasbor.access`)."""
    explicit = s.dasbor_secret
    return explicit.get_secret_value().encode() if explicit is not None else None


def server_limits(s: Settings) -> ServerLimits:
    """The HTTP server's limits from the settings (``HTTP_*``)."""
    return ServerLimits(
        header_timeout=s.http_header_timeout_seconds,
        body_timeout=s.http_body_timeout_seconds,
        max_connections=s.http_max_connections,
        keep_alive=s.http_keep_alive_seconds,
        grace=s.http_shutdown_grace_seconds,
    )
