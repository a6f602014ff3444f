"""Every start-up failure of ``posyandu run`` ends the process by itself within 30 s, with a
non-zero status, one line naming the problem and no traceback (systemd's ``Restart=always``
then shows a failed start, not a service that looks alive and serves nothing).

Each case starts the real ``posyandu run`` in its own process, configured for Telegram (a
fake Bot API on loopback that answers, unless the case breaks it) and waits for it to exit.
Its stderr is its log (JSON lines) and the operator's lines (plain text).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import Service
from bot.errors import StartError
from storage.db import migrate
from tests.clock import TickingClock, cli
from tests.conftest import scan_log_text
from tests.e2e.conftest import SECRET, TOKEN, settings_for
from tests.fakes.server import serve
from tests.fakes.service import free_port, posyandu_env
from tests.fakes.telegram_api import FakeTelegram, Fault

#: How long a failed start may take, from exec to exit (systemd's TimeoutStartSec is 90 s).
WITHIN = 30.0


@dataclass(frozen=True)
class Ended:
    code: int
    seconds: float
    stderr: str

    @property
    def operator_lines(self) -> list[str]:
        """The lines of stderr that are not log records (JSON)."""
        lines = []
        for line in self.stderr.splitlines():
            with contextlib.suppress(ValueError):
                if isinstance(json.loads(line), dict):
                    continue
            lines.append(line)
        return lines


async def run_until_exit(
    db: Path, port: int, env: Mapping[str, str], *, cwd: Path | None = None
) -> Ended:
    """``posyandu run`` until it exits by itself (killed and failed after :data:`WITHIN`), in
    ``cwd`` (default: the database's folder, where its stderr is kept; else beside ``cwd``)."""
    err = db.parent / "stderr.txt" if cwd is None else cwd.parent / f"{cwd.name}.stderr.txt"
    started = time.monotonic()
    with err.open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            *cli("run"),
            cwd=cwd or db.parent,
            env=posyandu_env(db, port, env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=sink,
        )
        try:
            code = await asyncio.wait_for(proc.wait(), timeout=WITHIN)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            text = err.read_text("utf-8", "replace")
            pytest.fail(f"posyandu run still running after {WITHIN:.0f} s:\n{text[-2000:]}")
    ended = Ended(code, time.monotonic() - started, err.read_text("utf-8", "replace"))
    scan_log_text("posyandu run (start-up failure)", ended.stderr)
    return ended


def assert_failed_cleanly(ended: Ended, *named: str) -> str:
    """Non-zero, in time, no traceback, and one operator line naming ``named``; that line."""
    assert ended.code != 0, ended.stderr
    assert ended.seconds < WITHIN
    assert "Traceback" not in ended.stderr, ended.stderr
    # The settings' own header line ("invalid settings:") may come before a settings problem.
    lines = [line for line in ended.operator_lines if line != "invalid settings:"]
    assert len(lines) == 1, ended.stderr
    for name in named:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def telegram(api: str, *, webhook: bool = True) -> dict[str, str]:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"{api}/bot"}
    if webhook:
        env |= {
            "PUBLIC_BASE_URL": "https://posyandu.example.test",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
    return env


@contextlib.asynccontextmanager
async def bot_api(
    script: Callable[[FakeTelegram], None] = lambda _fake: None,
) -> AsyncIterator[str]:
    """The fake Bot API, scripted; whatever hangs is released before it stops."""
    fake = FakeTelegram(TOKEN)
    script(fake)
    async with serve(fake.app) as url:
        try:
            yield url
        finally:
            for method in list(fake.hangs):
                fake.recover(method)


# --- the Bot API --------------------------------------------------------------------------
async def test_bot_api_unreachable(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    ended = await run_until_exit(tmp_path / "p.db", free_port(), telegram(closed))
    assert_failed_cleanly(ended, "Telegram", "getMe", closed)


@pytest.mark.parametrize(
    ("script", "webhook", "method"),
    [
        (lambda fake: fake.hang("getMe"), True, "getMe"),
        (lambda fake: fake.go_down("setWebhook"), True, "setWebhook"),
        (lambda fake: fake.fail("deleteWebhook", Fault(status=502)), False, "deleteWebhook"),
        (lambda fake: fake.go_down("getMe", 401), True, "TELEGRAM_BOT_TOKEN"),
    ],
    ids=["getMe-hangs", "setWebhook-500", "deleteWebhook-502", "token-refused"],
)
async def test_bot_api_failing_at_start(
    tmp_path: Path, script: Callable[[FakeTelegram], None], webhook: bool, method: str
) -> None:
    async with bot_api(script) as api:
        ended = await run_until_exit(tmp_path / "p.db", free_port(), telegram(api, webhook=webhook))
    assert_failed_cleanly(ended, "Telegram", method)


# --- the HTTP port and host ---------------------------------------------------------------
async def test_http_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with bot_api() as api:
            ended = await run_until_exit(tmp_path / "p.db", port, telegram(api))
    assert_failed_cleanly(ended, f"127.0.0.1:{port}", "in use")
    assert ended.code == 1  # a start that failed at run time (README, Exit statuses)
    assert ended.stderr.count("\n") == 1, ended.stderr  # the one line alone


async def test_http_host_unresolvable(tmp_path: Path) -> None:
    async with bot_api() as api:
        env = {**telegram(api), "HTTP_HOST": "no-such-host.invalid"}
        ended = await run_until_exit(tmp_path / "p.db", free_port(), env)
    assert_failed_cleanly(ended, "HTTP_HOST", "no-such-host.invalid")


# --- the database -------------------------------------------------------------------------
def _immutable(path: Path, on: bool) -> bool:
    """``chattr +i`` (``-i``): a file nobody may change, root included; False if the file
    system or the capabilities do not allow it."""
    if shutil.which("chattr") is None:
        return False
    flag = "+i" if on else "-i"
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


async def test_database_read_only(tmp_path: Path) -> None:
    # chmod 0444 does not stop root (CI runs as root): as root the file is made immutable
    # (chattr +i), which stops everyone; otherwise chmod does.
    db = tmp_path / "p.db"
    await migrate(db)
    as_root = os.geteuid() == 0
    if as_root and not _immutable(db, True):
        # Root writes through a 0444 file; only the immutable flag makes a file read-only for
        # it. Where the kernel or file system refuses that flag nothing can, so the case cannot
        # be staged; every other start-up failure of this file still runs.
        pytest.skip("as root, and chattr +i is not available (no CAP_LINUX_IMMUTABLE, or the FS)")
    if not as_root:
        db.chmod(0o444)
    try:
        assert _write_refused(db)  # the situation holds for whoever runs the test
        async with bot_api() as api:
            ended = await run_until_exit(db, free_port(), telegram(api))
    finally:
        if as_root:
            _immutable(db, False)
        db.chmod(0o644)
    line = assert_failed_cleanly(ended, "database", str(db))
    assert "cannot be written" in line


def _write_refused(path: Path) -> bool:
    try:
        with path.open("ab"):
            return False
    except OSError:
        return True


async def test_database_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    db = tmp_path / "data" / "p.db"
    async with bot_api() as api:
        ended = await run_until_exit_in(tmp_path, db, telegram(api))
    assert_failed_cleanly(ended, "database", str(db))


async def test_console_database_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    db = tmp_path / "data" / "p.db"
    ended = await run_until_exit_in(tmp_path, db, {})
    assert_failed_cleanly(ended, str(tmp_path / "data"))


async def run_until_exit_in(folder: Path, db: Path, env: Mapping[str, str]) -> Ended:
    """:func:`run_until_exit` for a ``db`` whose folder is not one: run in ``folder``."""
    moved = {**env, "POSYANDU_DB": str(db), "MEDIA_DIR": str(folder / "media")}
    return await run_until_exit(folder / "cwd.db", free_port(), moved)


# --- exit statuses and what a failed start leaves ------------------------------------------
async def test_a_failed_start_in_an_empty_folder_leaves_nothing_and_says_one_line(
    tmp_path: Path,
) -> None:
    """Exit 1 (it failed at run time), the one line alone on stderr (no uvicorn "Started
    server process" / "Shutting down" before it), and no new database (nor its folder)."""
    folder = tmp_path / "empty"
    folder.mkdir()
    closed = f"http://127.0.0.1:{free_port()}"
    env = {**telegram(closed), "POSYANDU_DB": "data/posyandu.db"}
    ended = await run_until_exit(folder / "data" / "posyandu.db", free_port(), env, cwd=folder)
    line = assert_failed_cleanly(ended, "Telegram", "getMe")
    assert ended.code == 1
    assert ended.stderr.strip() == line, ended.stderr
    assert list(folder.iterdir()) == []


async def test_a_failed_start_keeps_a_database_that_was_there(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    await migrate(db)
    closed = f"http://127.0.0.1:{free_port()}"
    ended = await run_until_exit(db, free_port(), telegram(closed))
    assert ended.code == 1
    assert db.is_file()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://posyandu:pw-4d1f@127.0.0.1:99999/posyandu",  # asyncpg took it as 34463
        "postgresql://posyandu:pw-4d1f@127.0.0.1:abc/posyandu",  # a traceback from asyncpg
        "postgresql://posyandu@127.0.0.1:0/posyandu?password=pw-4d1f",
    ],
    ids=["99999", "abc", "0"],
)
async def test_a_database_url_with_a_port_out_of_range_is_one_line_exit_2(
    tmp_path: Path, url: str
) -> None:
    async with bot_api() as api:
        env = {**telegram(api), "POSYANDU_DB": url}
        ended = await run_until_exit(tmp_path / "p.db", free_port(), env)
    line = assert_failed_cleanly(ended, "POSYANDU_DB", "port", "1 to 65535")
    assert ended.code == 2
    assert "pw-4d1f" not in ended.stderr
    assert "***" in line


async def test_an_unusable_database_is_exit_2(tmp_path: Path) -> None:
    """A database that cannot be made is a configuration that cannot work: 2 (README)."""
    (tmp_path / "data").write_text("not a folder")
    async with bot_api() as api:
        ended = await run_until_exit_in(tmp_path, tmp_path / "data" / "p.db", telegram(api))
    assert_failed_cleanly(ended, "database")
    assert ended.code == 2


# --- the settings -------------------------------------------------------------------------
async def test_unknown_reminder_kind(tmp_path: Path) -> None:
    async with bot_api() as api:
        env = {**telegram(api), "REMINDER_KINDS": "h-1,h,besok"}
        ended = await run_until_exit(tmp_path / "p.db", free_port(), env)
    assert ended.code == 2
    assert_failed_cleanly(ended, "REMINDER_KINDS", "besok")


# --- in process: what a failed start leaves behind ------------------------------------------
async def test_a_failed_start_stops_everything_it_had_started(tmp_path: Path) -> None:
    threads = set(threading.enumerate())
    tasks = asyncio.all_tasks()
    closed = f"http://127.0.0.1:{free_port()}"
    settings = settings_for(
        tmp_path / "p.db",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=f"{closed}/bot",
        telegram_webhook_secret=SECRET,
        public_base_url="https://posyandu.example.test",
    )
    service = Service(settings, TickingClock())
    # Database, dispatcher, scheduler and HTTP server had started when the Bot API failed.
    with pytest.raises(StartError, match="getMe failed"):
        await service.start()
    assert asyncio.all_tasks() - tasks == set()
    assert service.scheduler is not None and not service.scheduler.running
    # aiosqlite's connection threads (non-daemon: left open, the process never exits); the
    # loop's own executor threads are joined when the loop closes.

    def left() -> set[str]:
        new = set(threading.enumerate()) - threads
        return {t.name for t in new if not t.name.startswith("asyncio_")}

    for _ in range(100):  # a closed connection's thread ends at once; 5 s at most
        if not left():
            break
        await asyncio.sleep(0.05)
    assert left() == set()


async def test_sigterm_while_the_bot_api_hangs_at_start(tmp_path: Path) -> None:
    # systemd stops a service whose start hangs: it ends at once, not when getMe times out.
    fake = FakeTelegram(TOKEN)
    fake.hang("getMe")
    db = tmp_path / "p.db"
    async with serve(fake.app) as api:
        try:
            with (tmp_path / "stderr.txt").open("wb") as sink:
                proc = await asyncio.create_subprocess_exec(
                    *cli("run"),
                    cwd=tmp_path,
                    env=posyandu_env(db, free_port(), telegram(api)),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=sink,
                )
            for _ in range(300):  # until getMe is in hand (15 s at most)
                if fake.hanging or proc.returncode is not None:
                    break
                await asyncio.sleep(0.05)
            assert fake.hanging == 1
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=WITHIN)
        finally:
            fake.recover("getMe")
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert time.monotonic() - started < 5  # not the getMe time-out (10 s)
    assert code == 0
    text = (tmp_path / "stderr.txt").read_text("utf-8", "replace")
    assert "Traceback" not in text
