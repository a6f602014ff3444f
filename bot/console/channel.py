"""The console channel, as registered. Never configured by the settings: the command that
talks in the terminal opens it with its own sender (``Service(extra_channels=...)``) and
feeds the intake pipeline itself (:func:`bot.console.chat.chat_loop`)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.channels.channel import AddressRule, Given, Hub, OpenChannel
from bot.console import CONSOLE
from bot.console.sender import ConsoleSender
from bot.console.settings import ConsoleSection
from bot.settings import Settings

__all__ = ["ConsoleChannel", "out_dir"]


class ConsoleChannel:
    name = CONSOLE
    #: A name chosen on the command line (``posyandu chat --as``), often a phone number.
    address = AddressRule(
        re.compile(r"\+?[0-9A-Za-z_.-]{3,40}"), "3 to 40 letters, digits or + . _ -"
    )
    in_health = False
    section = ConsoleSection
    texts: Mapping[str, str] = {f"pdf.channel.{CONSOLE}": "terminal"}

    def configured(self, settings: Settings) -> bool:
        return False

    def secrets(self, settings: Settings) -> Sequence[str | None]:
        return ()

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        """The terminal: replies on stdout, documents under ``OUT_DIR``."""
        return Given(ConsoleSender(sys.stdout, out_dir(settings)))


def out_dir(settings: Settings) -> Path:
    """Where the console writes the documents it receives (``OUT_DIR``)."""
    return settings.section(ConsoleSection).out_dir
