"""Wiring: one process with the database, the engine, the channels, the outbox dispatcher, the
reminder scheduler and the HTTP app (Starlette on uvicorn).

``Service.start()`` opens everything that is configured: Telegram when a bot token is set,
WhatsApp when the Twilio account is set, the console when asked for. ``Service.stop()`` is the
SIGTERM path: stop intake, finish what is in hand, leave pending outbox rows for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from starlette.applications import Starlette

from bot.channels import Channel, OutgoingDocument
from bot.clock import SystemClock
from bot.dispatcher import DeliverySettings, Dispatcher
from bot.http import Health, HttpParts, create_app
from bot.logs import log_event
from bot.media import MediaStore, issue_token, media_route
from bot.settings import Settings
from bot.telegram.channel import TelegramChannel
from bot.telegram.intake import TelegramText
from bot.telegram.service import TelegramIntake, build_bot
from bot.whatsapp.intake import WhatsAppText
from conversations.catalogue import say
from conversations.engine import Engine, HandleResult
from conversations.inbound import Inbound
from conversations.model import Limits
from conversations.replies import Text
from scheduler.service import ReminderScheduler
from scoring.clock import Clock
from storage import Database
from storage import outbox as ob
from storage import people as people_db
from storage.areas import area_by_id
from storage.groups import link_group, unlink_group
from storage.inbound import record_inbound
from storage.messages import Outgoing

__all__ = ["Service", "telegram_address"]

log = logging.getLogger("posyandu.app")


def telegram_address(text: TelegramText) -> str:
    """The chat: a private chat's id is its user's; a group's id is negative."""
    return text.chat_id


def limits_from(settings: Settings) -> Limits:
    return Limits(
        wrong_code_limit=settings.wrong_code_limit,
        wrong_code_window=timedelta(minutes=settings.wrong_code_window_minutes),
        wrong_code_global_limit=settings.invite_failures_per_hour_global,
        session_expiry=timedelta(hours=settings.session_expiry_hours),
        page_size=settings.page_size,
        months_back=settings.report_months_back,
        kk_refresh_months=settings.kk_refresh_months,
    )


class NotRecordedError(RuntimeError):
    """The engine could record nothing of a message, not even an apology (the database is
    locked or gone): the intake refuses it (webhook 503, polling keeps its offset), so the
    channel delivers it again instead of it being lost."""


def _must_be_recorded(result: HandleResult) -> None:
    if result.busy or (result.failed and not result.replies):
        raise NotRecordedError("message not recorded; the channel will deliver it again")


@dataclass
class Service:
    settings: Settings
    clock: Clock
    extra_channels: Mapping[str, Channel] = field(default_factory=dict)
    run_scheduler: bool = True
    db: Database | None = None
    engine: Engine | None = None
    dispatcher: Dispatcher | None = None
    scheduler: ReminderScheduler | None = None
    telegram: TelegramIntake | None = None
    whatsapp_client: Any = None
    http: uvicorn.Server | None = None
    media: MediaStore | None = None
    http_task: asyncio.Task[None] | None = None
    channels: dict[str, Channel] = field(default_factory=dict)

    @property
    def has_remote_channels(self) -> bool:
        s = self.settings
        return bool(s.telegram_bot_token) or bool(s.twilio_account_sid and s.twilio_auth_token)

    # --- start and stop ------------------------------------------------------------------
    async def open(self) -> None:
        """Database, engine and dispatcher (enough for the console)."""
        s = self.settings
        self.db = await Database.open(s.posyandu_db, busy_timeout_ms=s.db_busy_timeout_ms)
        self.channels = dict(self.extra_channels)
        self.media = MediaStore(s.media_dir)
        if s.telegram_bot_token:
            bot = build_bot(
                s.telegram_bot_token.get_secret_value(),
                s.telegram_api_base_url,
                messages_per_second=s.telegram_rate_per_second,
                group_messages_per_minute=s.telegram_group_rate_per_minute,
            )
            self.channels["telegram"] = TelegramChannel(bot)
            self.telegram = TelegramIntake(
                bot,
                self._on_telegram,
                webhook_url=f"{s.public_base_url.rstrip('/')}/telegram/webhook"
                if s.public_base_url
                else None,
                webhook_secret=s.telegram_webhook_secret.get_secret_value()
                if s.telegram_webhook_secret
                else "",
            )
        if s.twilio_account_sid and s.twilio_auth_token:
            from bot.whatsapp.channel import WhatsAppChannel, build_client

            self.whatsapp_client = build_client(
                s.twilio_account_sid, s.twilio_auth_token.get_secret_value(), s.twilio_api_base_url
            )
            base = (s.public_base_url or "").rstrip("/")
            self.channels["whatsapp"] = WhatsAppChannel(
                self.whatsapp_client,
                sender=s.twilio_whatsapp_from,
                messaging_service_sid=s.twilio_messaging_service_sid,
                status_callback=f"{base}/twilio/status" if base else None,
                media_url=self._media_url,
                messages_per_second=s.twilio_rate_per_second,
                media_per_second=s.twilio_media_rate_per_second,
            )
        self.engine = Engine(
            self.db,
            self.clock,
            limits=limits_from(s),
            scoring=s.scoring(),
            default_tz=ZoneInfo(s.default_timezone),
            on_queued=self._wake,
        )
        self.dispatcher = Dispatcher(
            self.db,
            self.clock,
            self.channels,
            self._render,
            DeliverySettings(
                max_attempts=s.outbox_max_attempts,
                backoff=s.outbox_backoff_seconds,
                backoff_max=s.outbox_backoff_max_seconds,
                poll=s.outbox_poll_seconds,
                templates={
                    "twilio_template_reminder_sid": s.twilio_template_reminder_sid,
                    "twilio_template_nudge_sid": s.twilio_template_nudge_sid,
                    "twilio_template_summary_sid": s.twilio_template_summary_sid,
                    "twilio_template_missing_sid": s.twilio_template_missing_sid,
                },
            ),
        )

    async def start(self, *, serve_http: bool | None = None) -> None:
        await self.open()
        assert self.dispatcher is not None and self.db is not None
        await self.dispatcher.start()
        if self.run_scheduler:
            self.scheduler = ReminderScheduler(
                self.db,
                self.clock,
                self.settings.reminders(),
                interval_seconds=self.settings.reminder_sweep_seconds,
                housekeeping=[self.prune_media],
                wall_clock=SystemClock(),
            )
            self.scheduler.start()
        if serve_http if serve_http is not None else self.has_remote_channels:
            await self._start_http()
        if self.telegram is not None:
            await self.telegram.start()
        log_event(
            log,
            "service.started",
            channels=",".join(sorted(self.channels)),
            telegram=self.telegram.mode if self.telegram else "off",
        )

    async def _start_http(self) -> None:
        s = self.settings
        config = uvicorn.Config(
            self.asgi_app(),
            host=s.http_host,
            port=s.http_port,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
        self.http = uvicorn.Server(config)
        self.http_task = asyncio.create_task(self.http.serve(), name="http")
        for _ in range(500):
            if self.http.started or self.http_task.done():
                break
            await asyncio.sleep(0.01)
        if self.http_task.done():
            self.http_task.result()
            raise RuntimeError(f"HTTP server did not start on {s.http_host}:{s.http_port}")

    @property
    def http_port(self) -> int:
        """The bound port (useful with HTTP_PORT=0 in tests)."""
        assert self.http is not None and self.http.servers
        sockets = self.http.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop intake, finish what is in hand, leave pending rows for the next start."""
        if self.telegram is not None:
            await self.telegram.stop_intake()
        if self.http is not None:
            self.http.should_exit = True
            if self.http_task is not None:
                with contextlib.suppress(asyncio.CancelledError, SystemExit):
                    await self.http_task
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        if self.telegram is not None:
            await self.telegram.close()
        if self.whatsapp_client is not None:
            session = getattr(self.whatsapp_client.http_client, "session", None)
            if session is not None:
                await session.close()
        if self.db is not None:
            await self.db.close()
        log_event(log, "service.stopped")

    # --- the HTTP app --------------------------------------------------------------------
    def asgi_app(self) -> Starlette:
        s = self.settings
        parts = HttpParts(health=self.health, public_base_url=s.public_base_url or "")
        if self.telegram is not None:
            parts.telegram_update = self.telegram.on_webhook
            parts.telegram_secret = (
                s.telegram_webhook_secret.get_secret_value() if s.telegram_webhook_secret else ""
            )
        if "whatsapp" in self.channels and s.twilio_auth_token:
            parts.whatsapp_message = self._on_whatsapp
            parts.whatsapp_status = self._on_whatsapp_status
            parts.twilio_auth_token = s.twilio_auth_token.get_secret_value()
        if self.media is not None:
            parts.extra_routes.append(media_route(self.media, self._media_key(), self.clock.now))
        return create_app(parts)

    async def health(self) -> Health:
        counts: dict[str, int] = {}
        try:
            db_ok = self.db is not None and await self.db.ping()
            if db_ok and self.db is not None:
                async with self.db.read() as conn:
                    counts = {k.value: v for k, v in (await ob.counts(conn)).items()}
        except Exception:  # closed (aiosqlite raises ValueError) or broken: report it as down
            db_ok = False
        dispatcher_ok = self.dispatcher is not None and self.dispatcher.alive
        scheduler_ok = self.scheduler is None or (
            self.scheduler.running and self.scheduler.last_sweep_ok
        )
        telegram_ok = self.telegram is None or self.telegram.alive
        ok = db_ok and dispatcher_ok and scheduler_ok and telegram_ok
        return Health(
            ok,
            {
                "database": "ok" if db_ok else "down",
                "dispatcher": "ok" if dispatcher_ok else "down",
                "scheduler": "off"
                if self.scheduler is None
                else ("ok" if scheduler_ok else "down"),
                "telegram": "off"
                if self.telegram is None
                else self.telegram.mode
                if telegram_ok
                else "down",
                "outbox": {"pending": counts.get("pending", 0), "failed": counts.get("failed", 0)},
            },
        )

    # --- intake --------------------------------------------------------------------------
    async def _on_telegram(self, text: TelegramText) -> None:
        assert self.engine is not None
        address = telegram_address(text)
        if text.in_group and await self._group_command(text, address):
            return
        result = await self.engine.handle(
            Inbound(
                channel="telegram",
                address=address,
                text=text.text,
                external_id=f"u{text.update_id}",
                received_at=self.clock.now(),
                in_group=text.in_group,
            )
        )
        _must_be_recorded(result)

    async def _group_command(self, text: TelegramText, address: str) -> bool:
        """Linking a group to an area, and groups not linked yet: answered here (the group is
        not a person; a linked group speaks with its supervisor's scope). True when handled."""
        assert self.db is not None
        command = text.text.split(maxsplit=1)[0].lower().lstrip("/") if text.text else ""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            linked = await people_db.person_by_address(tx, "telegram", address)
            if command not in ("sambungkan", "putuskan") and linked is not None:
                return False
            if not await record_inbound(tx, "telegram", f"u{text.update_id}", now):
                return True
            sender = (
                await people_db.person_by_address(tx, "telegram", text.sender_id)
                if text.sender_id
                else None
            )
            if command == "sambungkan":
                if sender is None or sender.role is people_db.Role.KADER or sender.area_id is None:
                    reply = say("group.not_supervisor")
                elif linked is not None and linked.id != sender.id:
                    # Linked by someone else: only they can let it go (no silent takeover).
                    reply = say("group.taken", name=linked.name)
                else:
                    area = await area_by_id(tx, sender.area_id)
                    await link_group(tx, "telegram", address, sender.area_id, sender.id, now)
                    await people_db.add_identity(tx, sender.id, "telegram", address)
                    label = area.title if area else ""
                    reply = say("group.linked", area=label)
            elif command == "putuskan":
                if sender is None or linked is None or sender.id != linked.id:
                    reply = say("group.not_supervisor")
                else:
                    await unlink_group(tx, "telegram", address)
                    await people_db.remove_identity(tx, "telegram", address)
                    reply = say("group.unlinked")
            else:
                reply = say("group.not_linked")
            await ob.append(
                tx, Outgoing("telegram", address, Text(reply), f"group:{text.update_id}"), now
            )
        self._wake()
        return True

    async def _on_whatsapp(self, message: WhatsAppText) -> None:
        assert self.engine is not None
        result = await self.engine.handle(
            Inbound(
                channel="whatsapp",
                address=message.sender,
                text=message.text,
                external_id=message.message_sid,
                received_at=self.clock.now(),
            )
        )
        _must_be_recorded(result)

    async def _on_whatsapp_status(self, fields: dict[str, str]) -> None:
        assert self.db is not None
        if self.dispatcher is not None:
            # Sent rows are marked in batches: the receipt may come before its row's mark.
            await self.dispatcher.flush_marks()
        async with self.db.transaction() as tx:
            await ob.set_delivery_status(
                tx,
                fields["MessageSid"],
                fields["MessageStatus"],
                fields.get("ErrorCode") or None,
                self.clock.now(),
            )

    # --- documents -----------------------------------------------------------------------
    def _wake(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()

    async def _render(self, kind: str, params: Mapping[str, Any]) -> OutgoingDocument:
        from bot.documents import render_document

        assert self.db is not None
        return await render_document(
            self.db, kind, params, self.clock.now(), self.settings.scoring()
        )

    def _media_key(self) -> bytes:
        s = self.settings
        if s.media_signing_key is not None:
            return s.media_signing_key.get_secret_value().encode()
        seed = "|".join(
            v.get_secret_value() if v is not None else ""
            for v in (s.twilio_auth_token, s.telegram_bot_token, s.telegram_webhook_secret)
        )
        return hashlib.sha256(b"posyandu-media|" + seed.encode()).digest()

    def prune_media(self, now: datetime) -> int:
        """Delete rendered PDFs whose every media token has expired (the scheduler's hourly
        housekeeping, in a thread); the number removed."""
        if self.media is None:
            return 0
        return self.media.prune(now - timedelta(hours=self.settings.media_ttl_hours))

    async def _media_url(self, document: OutgoingDocument) -> str:
        assert self.media is not None
        now = self.clock.now()
        key = await asyncio.to_thread(self.media.put, document.content, now)
        expires = now + timedelta(hours=self.settings.media_ttl_hours)
        token = issue_token(
            "media", {"key": key, "name": document.filename}, expires, self._media_key()
        )
        base = (self.settings.public_base_url or "").rstrip("/")
        return f"{base}/media/{token}.pdf"
