"""A made-up channel, written as a channel package is (``bot/<name>/``: its settings section,
its sender, its intake, its :class:`Channel`), for tests/bot/test_registry.py, which registers
it with one line (``CHANNELS`` extended) and checks that nothing else is needed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels import OutgoingDocument
from bot.channels.channel import AddressRule, Given, Hub, OpenChannel, SectionChannel
from bot.health import Check
from bot.settings import Settings, SettingsSection
from conversations.inbound import Inbound

PAGER = "pager"


class PagerSection(SettingsSection):
    model_config = SettingsConfigDict(env_prefix="PAGER_")

    env_title: ClassVar[str] = "Pager (a made-up channel)"
    env_example: ClassVar[str] = """\
# The pager gateway's key. Unset: no pager.
# PAGER_KEY=
# Pages per second.
PAGER_RATE_PER_SECOND=5
"""
    credentials: ClassVar[str] = "PAGER_KEY"

    key: SecretStr | None = None
    rate_per_second: float = Field(default=5, gt=0, le=100)

    def configured(self) -> bool:
        return self.key is not None

    def problems(self, settings: Settings) -> list[str]:
        if self.key is not None and not settings.public_base_url:
            return ["PUBLIC_BASE_URL: needed with PAGER_KEY (the gateway posts pages to it)"]
        return []


class PagerSender:
    """Remembers what it was asked to send."""

    name = PAGER

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        self.texts.append((address, text))
        return None

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        raise AssertionError("no documents here")


class OpenPager(Given):
    def __init__(self, sender: PagerSender, hub: Hub) -> None:
        super().__init__(sender)
        self.hub = hub

    def routes(self) -> Sequence[Route]:
        async def incoming(request: Request) -> Response:
            form = await request.form()
            inbound = Inbound(
                PAGER, str(form["from"]), str(form["text"]), str(form["id"]), self.hub.clock.now()
            )
            await self.hub.receive(inbound)
            return PlainTextResponse("ok")

        return [Route("/pager/in", incoming, methods=["POST"])]

    def health(self) -> Check:
        return Check(True, "listening")


class PagerChannel(SectionChannel):
    name = PAGER
    address = AddressRule(re.compile(r"\d{4}"), "four digits")
    in_health = True
    section = PagerSection
    texts: Mapping[str, str] = {f"pdf.channel.{PAGER}": "Pager"}

    def __init__(self) -> None:
        self.sender = PagerSender()

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        return OpenPager(self.sender, hub)
