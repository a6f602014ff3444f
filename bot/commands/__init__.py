"""Subcommands of ``posyandu``; :data:`COMMANDS` is the order ``--help`` lists them in."""

from __future__ import annotations

from types import ModuleType

from bot.commands import backup, chat, export, importing, invite, migrate, score

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (
    chat,
    score,
    migrate,
    backup,
    importing,
    invite,
    export,
)
