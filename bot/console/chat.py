"""The console chat: a person types, the engine answers through the same outbox as the real
channels, and the console channel prints the replies (documents go to ``./out/``).

Works interactively and with piped stdin (one message per line, replies on stdout), so it can
be scripted: ``printf 'LAPOR\\n42\\n' | posyandu chat --as +6281200000001``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, TextIO

from bot.app import Service
from bot.console import CONSOLE
from bot.console.sender import ConsoleSender
from bot.intake import NotRecordedError
from conversations.catalogue import say
from conversations.inbound import Inbound
from conversations.session import session_from_json
from conversations.waiting import draft_values, waiting_for
from storage.sessions import get_session

__all__ = ["chat_loop", "drain", "jsonl_loop"]


async def drain(service: Service) -> None:
    """Deliver every due console reply now (so replies print before the next prompt)."""
    assert service.dispatcher is not None
    while await service.dispatcher.run_once():
        pass


def _serve(service: Service, address: str) -> ConsoleSender | None:
    assert service.dispatcher is not None
    console = service.dispatcher.senders.get(CONSOLE)
    if not isinstance(console, ConsoleSender):
        return None
    # Only this address's messages are printed (and claimed); the rest wait for theirs.
    console.serving = address
    return console


async def _send(service: Service, address: str, text: str) -> bool:
    """``text`` from ``address`` through the intake; False when it could not be recorded."""
    assert service.intake is not None
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
        return False
    return True


async def chat_loop(service: Service, address: str, stdin: TextIO, stdout: TextIO) -> int:
    """Read lines until EOF; each line is one message from ``address``."""
    assert service.intake is not None and service.dispatcher is not None
    _serve(service, address)
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
        if not await _send(service, address, text):
            # Nothing could be written (the database stayed locked): say so, here and now.
            stdout.write(say("error.apology") + "\n\n")
        await drain(service)
    if interactive:
        stdout.write("\n")
    return 0


async def _state(service: Service, address: str) -> dict[str, Any]:
    """What the session of ``address`` now waits for, and its open report's values."""
    assert service.db is not None
    async with service.db.read() as conn:
        stored = await get_session(conn, CONSOLE, address)
    raw = stored.answers.get("session") if stored else None
    session = session_from_json(raw, service.register)
    return {"awaiting": waiting_for(session), "draft": draft_values(session)}


async def jsonl_loop(
    service: Service, address: str, stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    """``chat --jsonl``: for each line of ``stdin``, one JSON line on ``stdout`` (the line, the
    replies it brought, what the bot now waits for, the open report's values). Replies
    waiting from before the first line go to ``stderr``."""
    console = _serve(service, address)
    if console is None:
        return 2
    console.captured = []
    await drain(service)
    for earlier in console.captured:
        stderr.write(earlier["text"] + "\n\n")
    while line := await asyncio.to_thread(stdin.readline):
        text = line.rstrip("\r\n")
        console.captured = []
        if not await _send(service, address, text):
            console.captured.append({"text": say("error.apology"), "choices": [], "document": None})
        await drain(service)
        out = {"in": text, "replies": console.captured, **await _state(service, address)}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
