"""The channel registry: every channel, once. The settings (each channel's section) and
``.env.example``, the service, the HTTP app, the dispatcher, ``/healthz``, the run banner, the
PDF's "lewat ..." line, the address checks and the log masking all loop over
:data:`CHANNELS`; nothing else names a channel. A new channel (an SMS gateway) is a new
package with a :class:`Channel` (and its :class:`bot.settings.SettingsSection`) and one line
below.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels import Sender
from bot.channels.channel import Channel, Given, Hub, OpenChannel
from bot.console.channel import ConsoleChannel
from bot.settings import Settings, SettingsSection
from bot.sms.channel import SmsChannel
from bot.telegram.channel import TelegramChannel
from bot.whatsapp.channel import WhatsAppChannel
from conversations import catalogue

__all__ = [
    "CHANNELS",
    "channel",
    "check_address",
    "find",
    "has_configured",
    "open_channels",
    "phone_of",
    "secrets",
    "sections",
    "texts",
]

#: In this order because the media links' fallback key is derived from their secrets in it.
CHANNELS: tuple[Channel, ...] = (
    WhatsAppChannel(),
    TelegramChannel(),
    ConsoleChannel(),
    SmsChannel(),
)


def sections() -> list[type[SettingsSection]]:
    """Every channel's settings section, in registration order (composed into
    :class:`bot.settings.Settings`)."""
    return [c.section for c in CHANNELS]


def texts() -> dict[str, str]:
    """Every channel's catalogue entries (composed into the catalogue)."""
    return {key: text for c in CHANNELS for key, text in c.texts.items()}


catalogue.compose(texts)


def find(name: str) -> Channel | None:
    """The registered channel ``name``, or None."""
    return next((c for c in CHANNELS if c.name == name), None)


def channel(name: str) -> Channel:
    """The registered channel ``name``; ``ValueError`` for an unknown one."""
    found = find(name)
    if found is None:
        raise ValueError(f"unknown channel {name!r}")
    return found


def check_address(name: str, address: str) -> str:
    """``address`` when it is well-formed for channel ``name``; ``ValueError`` otherwise."""
    rule = channel(name).address
    if not rule.pattern.fullmatch(address):
        raise ValueError(f"{name} address {address!r} is not {rule.description}")
    return address


def phone_of(name: str, address: str) -> str | None:
    """The phone number an identity shows as a contact: its address on a channel whose
    addresses are phone numbers (WhatsApp), else None."""
    found = find(name)
    return address if found is not None and found.address.is_phone else None


def has_configured(settings: Settings) -> bool:
    """Whether any channel is configured by the settings (else the console demo runs)."""
    return any(c.configured(settings) for c in CHANNELS)


def secrets(settings: Settings) -> list[str | None]:
    """Every channel's secret settings, in registration order (None: unset)."""
    return [value for c in CHANNELS for value in c.secrets(settings)]


def open_channels(
    settings: Settings, hub: Hub, given: Mapping[str, Sender]
) -> dict[str, OpenChannel]:
    """The channels to serve: those ``given`` as senders by the caller (the console), and
    every other one the settings configure (opened, not started)."""
    for name in given:
        channel(name)  # a registered channel, or ValueError
    opened: dict[str, OpenChannel] = {}
    for c in CHANNELS:
        if c.name in given:
            opened[c.name] = Given(given[c.name])
        elif c.configured(settings):
            opened[c.name] = c.open(settings, hub)
    return opened
