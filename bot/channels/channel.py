"""What a channel is to the service: one package (``bot/telegram``, ``bot/whatsapp``,
``bot/console``) supplies a :class:`Channel`, registered once in :mod:`bot.channels.registry`.

A :class:`Channel` declares its settings section (a :class:`bot.settings.SettingsSection`:
its ``.env.example`` part, secrets and rules, composed into the one settings object), says
from the settings alone whether it is configured, which of its settings are secret and what
its addresses look like, and names itself in the people's words (the PDF's "lewat ...").
Opened with a :class:`Hub` (what the service lends it), it is an :class:`OpenChannel`: its
:class:`bot.channels.Sender` for the outbox dispatcher, its HTTP routes (webhooks), its
intake (start, stop) and its health.
Every message a channel takes in goes to ``hub.receive`` (the one intake pipeline).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.routing import Route

from bot.channels import OutgoingDocument, Sender
from bot.channels.quota import DailyQuota
from bot.health import Check
from bot.settings import Settings, SettingsSection
from conversations.inbound import Inbound
from scoring.clock import Clock

__all__ = [
    "PHONE_NUMBER",
    "AddressRule",
    "Channel",
    "Given",
    "Hub",
    "OpenChannel",
    "SectionChannel",
]


@dataclass(frozen=True, slots=True)
class AddressRule:
    """What an address of the channel looks like (identities are stored as given)."""

    pattern: re.Pattern[str]
    #: How a well-formed address is described in an error message.
    description: str
    #: The address is the person's phone number (E.164), as contacts show it.
    is_phone: bool = False


#: A person's phone number in E.164, as contacts show it (WhatsApp, SMS).
PHONE_NUMBER = AddressRule(
    re.compile(r"\+[1-9]\d{6,14}"), "an E.164 number such as +6281234567890", is_phone=True
)


@dataclass(frozen=True, slots=True)
class Hub:
    """What the service lends a channel it opens."""

    clock: Clock
    #: The one intake pipeline: returns once the message is recorded, or raises
    #: :class:`bot.intake.NotRecordedError` (a webhook answers 503, polling keeps its offset)
    #: so that the channel delivers it again.
    receive: Callable[[Inbound], Awaitable[None]]
    #: A delivery receipt: (the message id the channel gave, its status, its error code).
    receipt: Callable[[str, str, str | None], Awaitable[None]]
    #: A signed, expiring public link to a rendered document (for channels that fetch them).
    media_url: Callable[[OutgoingDocument], Awaitable[str]]
    #: Daily allowances shared by every instance (the SMS a SIM may send a day).
    quota: DailyQuota


class OpenChannel(Protocol):
    """A channel opened by the service."""

    @property
    def sender(self) -> Sender: ...

    @property
    def single_instance(self) -> str | None:
        """The name of the lock its intake holds when only one instance on the database may
        run it (Telegram's long polling), else None (any number may)."""
        ...

    def routes(self) -> Sequence[Route]:
        """Its HTTP routes (webhooks), served by the service's app."""
        ...

    async def start(self) -> None:
        """Start taking messages (polling, registering a webhook)."""
        ...

    async def stop_intake(self) -> None:
        """Stop taking new messages (the first thing a stop does)."""
        ...

    async def close(self) -> None:
        """Release its clients (the last thing a stop does)."""
        ...

    def health(self) -> Check:
        """Its intake's state, for ``/healthz`` when the channel has ``in_health``."""
        ...


class Channel(Protocol):
    """One way of chatting: a package and one line in the registry."""

    @property
    def name(self) -> str:
        """As stored with identities and outbox rows, and in ``Inbound.channel``."""
        ...

    @property
    def address(self) -> AddressRule: ...

    @property
    def section(self) -> type[SettingsSection]:
        """Its settings section, composed into :class:`bot.settings.Settings` (read back with
        ``settings.section(...)``) and ``.env.example``."""
        ...

    @property
    def texts(self) -> Mapping[str, str]:
        """Its entries of the catalogue (``pdf.channel.<name>``: how a PDF names it), composed
        into :data:`conversations.catalogue.MESSAGES` by the registry."""
        ...

    @property
    def in_health(self) -> bool:
        """Whether ``/healthz`` names it ("off" when it is not open)."""
        ...

    def configured(self, settings: Settings) -> bool:
        """Whether its settings section is complete (the service opens it then); usually
        ``settings.section(self.section).configured()``."""
        ...

    def secrets(self, settings: Settings) -> Sequence[str | None]:
        """Its secret settings (masked in logs; unset: None); usually its section's."""
        ...

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        """Its clients, sender and intake (not started), from its configured settings."""
        ...


class SectionChannel:
    """A channel configured by its settings section alone: complete when the section is, its
    secrets the section's (a channel subclasses it and sets ``section``)."""

    section: type[SettingsSection]

    def configured(self, settings: Settings) -> bool:
        return settings.section(self.section).configured()

    def secrets(self, settings: Settings) -> Sequence[str | None]:
        return settings.section(self.section).secrets()


class Given:
    """A channel whose sender the caller made (the console on a terminal): it sends and
    nothing more; its messages come through the caller's own loop."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    @property
    def sender(self) -> Sender:
        return self._sender

    @property
    def single_instance(self) -> str | None:
        return None

    def routes(self) -> Sequence[Route]:
        return ()

    async def start(self) -> None:
        return None

    async def stop_intake(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def health(self) -> Check:
        return Check(True, "ok")
