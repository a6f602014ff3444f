"""``posyandu run``: the service. With no channel credentials, the console demo."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

import uvloop

from bot.app import Service
from bot.chat import chat_loop
from bot.clock import SystemClock
from bot.console import CONSOLE, ConsoleChannel
from bot.demo import seed_demo
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from storage import DatabaseError

__all__ = ["register", "secrets_of"]

BANNER = (
    "Posyandu Bot - demo di terminal (no TELEGRAM_BOT_TOKEN or TWILIO_* configured).\n"
    "You are Bu Sari, kader of Posyandu Mawar. Try: LAPOR, RIWAYAT, PDF, BANTUAN.\n"
    "Ctrl-D to quit. As the supervisor: posyandu chat --as-supervisor\n"
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="run the service (HTTP app, channels, dispatcher, reminders)",
        description=(
            "Run the service: the HTTP app (webhooks, media, /healthz) on HTTP_HOST:HTTP_PORT, "
            "Telegram (webhook when PUBLIC_BASE_URL is set, else polling) and WhatsApp when "
            "configured, the outbox dispatcher and the reminder scheduler. With no channel "
            "credentials it seeds the demo once and opens the console chat as the demo kader. "
            "SIGTERM stops intake, finishes what is in hand and keeps pending messages."
        ),
    )
    parser.set_defaults(handler=run)


def secrets_of(settings: Settings) -> list[str]:
    values = [
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.twilio_auth_token,
        settings.media_signing_key,
    ]
    return [v.get_secret_value() for v in values if v is not None]


def run(_args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    console = not Service(settings, SystemClock()).has_remote_channels
    configure_logging(
        settings.log_level,
        secrets_of(settings),
        file=settings.posyandu_db.parent / "posyandu.log" if console else None,
    )
    try:
        # uvloop: the service is mostly event-loop work (HTTP in and out, aiosqlite's thread
        # hand-offs); uvloop does that work in C.
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(_main(settings))
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 1


async def _main(settings: Settings) -> int:
    clock = SystemClock()
    probe = Service(settings, clock)
    if not probe.has_remote_channels:
        return await _console(settings)
    service = Service(settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(_sig: int, _frame: object) -> None:
        loop.call_soon_threadsafe(stop.set)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    await service.start()
    try:
        waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(stop.wait())]
        if service.http_task is not None:
            waiters.append(service.http_task)  # uvicorn takes SIGTERM first and returns
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        await service.stop()
    return 0


async def _console(settings: Settings) -> int:
    clock = SystemClock()
    console = ConsoleChannel(sys.stdout, settings.out_dir)
    service = Service(settings, clock, extra_channels={CONSOLE: console})
    await service.start(serve_http=False)
    assert service.db is not None
    demo = await seed_demo(service.db, clock.now())
    sys.stderr.write(BANNER)
    try:
        return await chat_loop(service, demo.kader_address, sys.stdin, sys.stdout)
    finally:
        await service.stop()
