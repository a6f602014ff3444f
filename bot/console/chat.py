"""The console chat: a person types, the engine answers through the same outbox as the real
channels, and the console channel prints the replies (documents go to ``./out/``).

Works interactively and with piped stdin (one message per line, replies on stdout), so it can
be scripted: ``printf 'LAPOR\\n42\\n' | posyandu chat --as +6281200000001``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TextIO

from bot.app import Service
from bot.console import CONSOLE
from bot.console.sender import ConsoleSender
from bot.intake import NotRecordedError
from conversations.catalogue import say
from conversations.inbound import Inbound

__all__ = ["chat_loop", "drain"]


async def drain(service: Service) -> None:
    """Deliver every due console reply now (so replies print before the next prompt)."""
    assert service.dispatcher is not None
    while await service.dispatcher.run_once():
        pass


async def chat_loop(service: Service, address: str, stdin: TextIO, stdout: TextIO) -> int:
    """Read lines until EOF; each line is one message from ``address``."""
    assert service.intake is not None and service.dispatcher is not None
    console = service.dispatcher.senders.get(CONSOLE)
    if isinstance(console, ConsoleSender):
        # Only this address's messages are printed (and claimed); the rest wait for theirs.
        console.serving = address
    interactive = stdin.isatty()
    await drain(service)
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not interactive:
            stdout.write(f"> {text}\n")
        try:
            await service.intake.receive(
                Inbound(
                    channel=CONSOLE,
                    address=address,
                    text=text,
                    external_id=f"console-{uuid.uuid4().hex}",
                    received_at=service.clock.now(),
                )
            )
        except NotRecordedError:
            # Nothing could be written (the database stayed locked): say so, here and now.
            stdout.write(say("error.apology") + "\n\n")
        await drain(service)
    if interactive:
        stdout.write("\n")
    return 0
