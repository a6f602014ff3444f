"""``posyandu chat``: talk to the bot in the terminal, as a person of the configured database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.app import Service
from bot.channels.registry import check_address
from bot.clock import SystemClock
from bot.commands._common import DEMO_ELSEWHERE, demo_refused, tell
from bot.commands.run import start_logging
from bot.console import CONSOLE
from bot.console.channel import out_dir
from bot.console.chat import chat_loop, jsonl_loop
from bot.console.sender import ConsoleSender
from bot.demo import NotDemoDatabase, seed_demo
from bot.settings import SettingsError, load_settings
from storage import DatabaseError

__all__ = ["register", "run_chat"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "chat",
        help="chat with the bot in the terminal (console channel)",
        description=(
            "Talk to the bot as the person whose console address is given. Interactive, or "
            "scripted with piped stdin (one message per line). Documents are written under "
            "./out/ and their paths printed. With --as-supervisor or --as-kader, the demo "
            "data are seeded first when absent. With --jsonl, one JSON line per line read: "
            '{"in", "replies", "awaiting", "draft"} (see the README).'
        ),
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="address", metavar="ADDRESS", help="e.g. +6281200000001")
    who.add_argument("--as-kader", action="store_true", help="the demo kader (Posyandu Mawar)")
    who.add_argument("--as-supervisor", action="store_true", help="the demo supervisor")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="for each line read, one JSON line on stdout: the replies, what the bot waits "
        "for, the report so far (nothing else on stdout)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.address is not None:
        try:
            check_address(CONSOLE, args.address)
        except ValueError:
            print(f"--as: not a usable address: {args.address!r}", file=sys.stderr)
            return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if (args.as_kader or args.as_supervisor) and (refused := demo_refused(settings)):
        tell(
            f"{refused}: {DEMO_ELSEWHERE}" if isinstance(refused, NotDemoDatabase) else str(refused)
        )
        return 2
    if not start_logging(settings, console=True):
        return 2
    try:
        return asyncio.run(
            run_chat(
                settings,
                args.address,
                kader=args.as_kader,
                supervisor=args.as_supervisor,
                jsonl=args.jsonl,
            )
        )
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2


async def run_chat(
    settings: Any,
    address: str | None,
    *,
    kader: bool = False,
    supervisor: bool = False,
    jsonl: bool = False,
) -> int:
    clock = SystemClock()
    # With --jsonl stdout carries the JSON lines alone; anything else the console says goes
    # to stderr.
    console = ConsoleSender(sys.stderr if jsonl else sys.stdout, out_dir(settings))
    service = Service(settings, clock, extra_channels={CONSOLE: console}, run_scheduler=False)
    await service.open()
    assert service.dispatcher is not None and service.db is not None
    try:
        if kader or supervisor:
            demo = await seed_demo(service.db, clock.now())
            address = demo.supervisor_address if supervisor else demo.kader_address
        assert address is not None
        if jsonl:
            return await jsonl_loop(service, address, sys.stdin, sys.stdout, sys.stderr)
        return await chat_loop(service, address, sys.stdin, sys.stdout)
    finally:
        await service.stop()
