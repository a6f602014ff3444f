"""Subcommands of ``posyandu``; :data:`COMMANDS` is the order ``--help`` lists them in."""

from __future__ import annotations

from types import ModuleType

from bot.commands import (
    backup,
    chat,
    child_register,
    dasbor,
    demo,
    dhis2,
    export,
    growth,
    importing,
    invite,
    migrate,
    outbox,
    reminders,
    report,
    run,
    schedule,
    score,
)

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (
    run,
    chat,
    demo,
    score,
    growth,
    report,
    migrate,
    backup,
    importing,
    child_register,
    invite,
    export,
    dhis2,
    outbox,
    schedule,
    reminders,
    dasbor,
)
