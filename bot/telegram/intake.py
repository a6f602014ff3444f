"""Telegram intake, by webhook or long polling, and the bot client with PTB's rate limiter.

Mode: a webhook when a public base URL is configured (``setWebhook`` with the secret token at
start), long polling otherwise (``deleteWebhook`` first, then ``getUpdates``). Either way each
message goes to the same handler, which returns once the message is recorded; polling only
moves its offset past an update after that, so a crash means a redelivery, which the engine's
dedupe on the update id turns into nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.errors import StartError
from bot.logs import log_event, mask
from bot.telegram.updates import TelegramText, from_update, parse_update

__all__ = ["TelegramIntake", "build_bot"]

log = logging.getLogger("posyandu.telegram")

ALLOWED_UPDATES = ["message"]
POLL_TIMEOUT = 25
#: Failed getUpdates calls in a row after which polling counts as down (``/healthz`` 503):
#: about 3 s of failures with the back-off of 1 s, 2 s ...
POLL_FAILURES_DOWN = 3

T = TypeVar("T")


def build_bot(
    token: str,
    base_url: str,
    *,
    messages_per_second: float = 30,
    group_messages_per_minute: float = 20,
) -> ExtBot[Any]:
    """The Bot API client: HTTPX with sane time-outs, PTB's AIORateLimiter (overall and
    per-group limits), and no retries inside the limiter: the outbox retries."""
    return ExtBot(
        token,
        base_url=base_url,
        request=HTTPXRequest(
            # as many as the dispatcher sends at once (DeliverySettings.concurrency): enough
            # for Telegram's 30 messages/s at ~0.25 s a request; a larger pool costs CPU on
            # every request (httpcore scans its connections, quadratically)
            connection_pool_size=8,
            read_timeout=10,
            write_timeout=20,
            connect_timeout=5,
            pool_timeout=10,
        ),
        get_updates_request=HTTPXRequest(
            connection_pool_size=1, read_timeout=POLL_TIMEOUT + 10, connect_timeout=5
        ),
        rate_limiter=AIORateLimiter(
            overall_max_rate=messages_per_second,
            overall_time_period=1,
            group_max_rate=group_messages_per_minute,
            group_time_period=60,
            max_retries=0,
        ),
    )


Handler = Callable[[TelegramText], Awaitable[None]]


class TelegramIntake:
    def __init__(
        self,
        bot: Bot,
        handle: Handler,
        *,
        webhook_url: str | None,
        webhook_secret: str,
        poll_timeout: int = POLL_TIMEOUT,
        api_base_url: str = "",
    ) -> None:
        self.bot = bot
        self.handle = handle
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.poll_timeout = poll_timeout
        #: Where the Bot API is (without the token), for the operator's messages.
        self.api_base_url = api_base_url
        self.username = ""
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        #: Whether Telegram took the webhook; getUpdates failures in a row.
        self._webhook_set = False
        self._poll_failures = 0

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    @property
    def alive(self) -> bool:
        """Whether updates can come in: the webhook is set, or polling runs and its
        getUpdates calls are not failing (fewer than :data:`POLL_FAILURES_DOWN` in a row)."""
        if self.webhook_url:
            return self._webhook_set
        polling = self._task is not None and not self._task.done()
        return polling and self._poll_failures < POLL_FAILURES_DOWN

    async def start(self) -> None:
        """Take updates: set the webhook, or delete it and poll. :class:`StartError` naming
        the call when the Bot API refuses the token, fails or cannot be reached."""
        await self._at_start("getMe", self.bot.initialize())
        self.username = self.bot.username
        if self.webhook_url:
            await self._at_start(
                "setWebhook",
                self.bot.set_webhook(
                    self.webhook_url,
                    secret_token=self.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                ),
            )
            self._webhook_set = True
        else:
            await self._at_start("deleteWebhook", self.bot.delete_webhook())
            self._task = asyncio.create_task(self._poll(), name="telegram-polling")
        log_event(log, "telegram.started", mode=self.mode, bot=self.username)

    async def _at_start(self, method: str, call: Awaitable[T]) -> T:
        where = f" at {self.api_base_url}" if self.api_base_url else ""
        try:
            return await call
        except InvalidToken:
            raise StartError(
                f"TELEGRAM_BOT_TOKEN was refused by the Telegram Bot API{where} ({method})"
            ) from None
        except TelegramError as exc:
            error = mask(str(exc), [self.bot.token])
            raise StartError(f"Telegram Bot API{where}: {method} failed: {error}") from None

    async def stop_intake(self) -> None:
        """Stop taking new updates (the webhook route is closed by the HTTP server)."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def close(self) -> None:
        await self.stop_intake()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.bot.shutdown()

    async def on_webhook(self, data: Any) -> None:
        """One webhook update; ``ValueError`` when it is not an update (the caller answers 400)."""
        _update_id, text = parse_update(data, self.bot, self.username)
        if text is not None:
            await self.handle(text)

    async def _poll(self) -> None:
        offset: int | None = None
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as exc:
                wait = exc.retry_after
                await asyncio.sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
                continue
            except (NetworkError, TelegramError) as exc:
                self._poll_failures += 1
                log_event(
                    log,
                    "telegram.poll.error",
                    logging.WARNING,
                    error=type(exc).__name__,
                    in_a_row=self._poll_failures,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            self._poll_failures = 0
            for update in updates:
                text = from_update(update, self.username)
                if text is not None:
                    try:
                        await self.handle(text)
                    except Exception:
                        # Not recorded: leave the offset so the update comes again.
                        log.exception("telegram.poll.handle_failed")
                        await asyncio.sleep(1.0)
                        break
                offset = update.update_id + 1
