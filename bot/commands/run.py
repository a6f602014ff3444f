"""``posyandu run``: the service. With no channel credentials, the console demo."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import uvloop

from bot.app import Service, server_limits
from bot.channels import registry
from bot.clock import SystemClock
from bot.commands._common import demo_refused, tell
from bot.console import CONSOLE
from bot.console.channel import out_dir
from bot.console.chat import chat_loop
from bot.console.sender import ConsoleSender
from bot.demo import DEMO_KADER, NotDemoDatabase, seed_demo
from bot.errors import StartError
from bot.logs import configure_logging, mask
from bot.register import KEY_FILE
from bot.server import HttpServer
from bot.settings import Settings, SettingsError, load_settings
from storage import DatabaseError
from storage.db import url_secrets
from storage.errors import EngineError
from storage.people import person_by_address

__all__ = ["banner", "no_credentials", "register", "secrets_of", "start_logging"]

log = logging.getLogger("posyandu.run")


def no_credentials() -> str:
    """What configures each registered channel (the service then runs instead of the console
    demo), as its settings section names it."""
    named = [s.credentials for s in registry.sections() if s.credentials]
    return "no channel credentials: set " + ", or ".join(named)


def banner() -> str:
    """What the console demo says first (to the operator, on stderr)."""
    named = [s.banner or s.credentials for s in registry.sections() if s.credentials]
    return (
        f"Posyandu Bot - demo di terminal (no {' or '.join(named)} configured).\n"
        "You are Bu Sari, kader of Posyandu Mawar. Try: LAPOR, RIWAYAT, PDF, BANTUAN.\n"
        "Ctrl-D to quit. As the supervisor: posyandu chat --as-supervisor\n"
    )


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="run the service (HTTP app, channels, dispatcher, reminders)",
        description=(
            "Run the service: the HTTP app (webhooks, media, /healthz) on HTTP_HOST:HTTP_PORT, "
            f"the channels the settings configure ({', '.join(_configurable())}), the outbox "
            "dispatcher and the reminder scheduler. With no channel "
            "credentials it seeds the demo once and opens the console chat as the demo kader. "
            "SIGTERM stops intake, finishes what is in hand and keeps pending messages."
        ),
    )
    parser.set_defaults(handler=run)


def _configurable() -> list[str]:
    """The channels the settings can configure, by name (the console is opened, not set)."""
    return [c.name for c in registry.CHANNELS if c.section.credentials]


def secrets_of(settings: Settings) -> list[str]:
    """Every secret setting (masked in the logs): each channel's, the media, dasbor and
    register keys, DHIS2's token or password."""
    media, dasbor = settings.media_signing_key, settings.dasbor_secret
    register = settings.register_key
    values = [
        *registry.secrets(settings),
        media.get_secret_value() if media is not None else None,
        dasbor.get_secret_value() if dasbor is not None else None,
        register.get_secret_value() if register is not None else None,
        *(s.get_secret_value() for s in (settings.dhis2_token, settings.dhis2_password) if s),
        *url_secrets(str(settings.posyandu_db)),
    ]
    return [v for v in values if v is not None]


def run(_args: argparse.Namespace) -> int:
    """Every failure to start ends here in one line on stderr and a non-zero status; the
    process then exits by itself (everything started is stopped, threads included)."""
    try:
        settings = load_settings()
        settings.reminders()  # REMINDER_KINDS, before anything starts
    except SettingsError as exc:
        tell(str(exc))
        return 2
    console = not registry.has_configured(settings)
    if console and (refused := demo_refused(settings)) is not None:
        # The console demo would seed the demo into it: say what is missing instead.
        if isinstance(refused, NotDemoDatabase):
            tell(f"{no_credentials()}; without them this is the console demo, and {refused}")
        else:
            tell(str(refused))
        return 2
    if not start_logging(settings, console=console):
        return 2
    return _run_loop(settings)


def start_logging(settings: Settings, *, console: bool) -> bool:
    """The service's logging: to stderr, or for a console chat (whose terminal is the
    person's) to ``posyandu.log`` beside the database. False, the problem told in one line,
    when that file cannot be written."""
    folder = Path(".") if settings.database_is_server else settings.database_file().parent
    file = folder / "posyandu.log" if console else None
    try:
        configure_logging(settings.log_level, secrets_of(settings), file=file)
    except OSError as exc:
        blocked = (
            next((p for p in file.parents if p.exists() and not p.is_dir()), None) if file else None
        )
        why = f"{blocked} is not a folder" if blocked is not None else exc.strerror or str(exc)
        tell(f"cannot write the log {file}: {why}")
        return False
    return True


def _run_loop(settings: Settings) -> int:
    """The service until it stops; a start that failed leaves no new database behind."""
    created = _would_create(settings)
    code = _serve(settings)
    if code != 0:
        _remove(created)
    return code


def _would_create(settings: Settings) -> list[Path]:
    """What a start would create that is not there yet: the SQLite file (with its journal
    files and the demo's register key file) and the folders above it, innermost first.
    Nothing for a PostgreSQL server."""
    if settings.database_is_server:
        return []
    db = settings.database_file().absolute()
    if db.exists():
        return []
    files = [db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    key = db.with_name(KEY_FILE)  # the demo's register key, made with a new database
    files += [] if key.exists() else [key]
    folders = [f for f in db.parents if not f.exists()]
    return [*files, *folders]


def _remove(created: list[Path]) -> None:
    for path in created:
        with contextlib.suppress(OSError):
            if path.is_dir():
                path.rmdir()  # only when empty: never what someone else put there
            else:
                path.unlink(missing_ok=True)


def _serve(settings: Settings) -> int:
    secrets = secrets_of(settings)
    try:
        # uvloop: the service is mostly event-loop work (HTTP in and out, aiosqlite's thread
        # hand-offs); uvloop does that work in C.
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(_main(settings))
    except (DatabaseError, NotDemoDatabase, SettingsError) as exc:
        tell(mask(str(exc), secrets))
        return 2
    except StartError as exc:
        tell(mask(f"cannot start: {exc}", secrets))
        return 1
    except EngineError as exc:
        tell(mask(f"database {settings.database_name}: {exc}", secrets))
        return 1
    except Exception as exc:  # unforeseen: still one line (the traceback at DEBUG, masked)
        log.debug("run.failed", exc_info=exc)
        tell(mask(f"posyandu run failed: {type(exc).__name__}: {exc}", secrets))
        return 1


async def _main(settings: Settings) -> int:
    if not registry.has_configured(settings):
        return await _console(settings)
    service = Service(settings, SystemClock())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(_sig: int, _frame: object) -> None:
        loop.call_soon_threadsafe(stop.set)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        # A stop asked for while starting (a Bot API that hangs) cancels the start, which
        # stops what had started.
        starting = asyncio.ensure_future(service.start())
        await asyncio.wait([starting, stopped], return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return 0
        starting.result()  # a failed start raises here, everything stopped already
        try:
            waiters: list[asyncio.Future[Any]] = [stopped]
            if service.server is not None:
                waiters.append(service.server.task)  # uvicorn takes SIGTERM first and returns
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await service.stop()
    finally:
        stopped.cancel()
    return 0


async def _console(settings: Settings) -> int:
    clock = SystemClock()
    # Serving the demo kader from the start: the dispatcher runs before the chat loop does.
    console = ConsoleSender(sys.stdout, out_dir(settings), serving=DEMO_KADER)
    service = Service(settings, clock, extra_channels={CONSOLE: console})
    await service.start(serve_http=False)
    try:
        assert service.db is not None
        demo = await seed_demo(service.db, clock.now())
        sys.stderr.write(banner())
        await _serve_dasbor(service, demo.supervisor_address)
        return await chat_loop(service, demo.kader_address, sys.stdin, sys.stdout)
    finally:
        if service.server is not None:
            await service.server.stop()
        await service.stop()


async def _serve_dasbor(service: Service, supervisor: str) -> None:
    """The console demo serves the HTTP app too (the dasbor, on HTTP_HOST:HTTP_PORT) and
    prints a one-time dasbor link for the demo supervisor; when the port is taken, it says so
    and the chat goes on without it."""
    s = service.settings
    try:
        service.server = await HttpServer.start(
            service.asgi_app(), s.http_host, s.http_port, server_limits(s)
        )
    except StartError as exc:
        sys.stderr.write(f"dasbor not served: {exc}\n")
        return
    assert service.db is not None and service.dasbor is not None
    async with service.db.read() as conn:
        person = await person_by_address(conn, CONSOLE, supervisor)
    if person is not None:
        url = await service.dasbor.issue(person.id)
        sys.stderr.write(
            f"Dasbor as the demo supervisor ({person.name}; opens once, within 15 minutes; "
            f"DASBOR in the chat gives a new one):\n  {url}\n"
        )
