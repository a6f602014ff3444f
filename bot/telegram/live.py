"""The Telegram channel opened: the Bot API client and sender, the intake (webhook or
polling) and its route; each text goes to the intake pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import Route

from bot.channels.channel import Hub
from bot.health import Check
from bot.telegram.intake import TelegramIntake, build_bot
from bot.telegram.sender import TelegramSender
from bot.telegram.settings import TelegramSettings
from bot.telegram.updates import TelegramText, inbound
from bot.telegram.webhook import webhook_route

__all__ = ["POLLING_LOCK", "OpenTelegram"]

#: The lock the one polling instance holds (storage.Database.exclusive).
POLLING_LOCK = "telegram-polling"


class OpenTelegram:
    def __init__(self, settings: TelegramSettings, hub: Hub) -> None:
        self.settings = settings
        self.hub = hub
        bot = build_bot(
            settings.token,
            settings.api_base_url,
            messages_per_second=settings.messages_per_second,
            group_messages_per_minute=settings.group_messages_per_minute,
        )
        self._sender = TelegramSender(bot)
        self.intake = TelegramIntake(
            bot,
            self.on_text,
            webhook_url=settings.webhook_url,
            webhook_secret=settings.webhook_secret,
            api_base_url=settings.api_base_url,
        )

    @property
    def sender(self) -> TelegramSender:
        return self._sender

    @property
    def single_instance(self) -> str | None:
        """Long polling cannot be shared: Telegram hands each update to one getUpdates
        caller and answers two at once with 409 Conflict, so with several instances only
        one may poll (webhook mode, PUBLIC_BASE_URL, lets every instance take updates)."""
        return None if self.settings.webhook_url else POLLING_LOCK

    def routes(self) -> Sequence[Route]:
        return [webhook_route(self.settings.webhook_secret, self.intake.on_webhook)]

    async def start(self) -> None:
        await self.intake.start()

    async def stop_intake(self) -> None:
        await self.intake.stop_intake()

    async def close(self) -> None:
        await self.intake.close()

    def health(self) -> Check:
        alive = self.intake.alive
        return Check(alive, self.intake.mode if alive else "down")

    async def on_text(self, text: TelegramText) -> None:
        """One message, by webhook or polling; returns once it is recorded."""
        await self.hub.receive(inbound(text, self.hub.clock.now()))
