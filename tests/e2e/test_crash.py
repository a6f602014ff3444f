"""A service killed with SIGKILL in mid-dispatch, then started again: every reply is delivered
at least once and no report is lost. Then SIGTERM: a clean stop that keeps pending rows."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from storage import Database
from storage.outbox import Status, counts
from tests.e2e.conftest import SECRET, TOKEN, Seeded, wait_for
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram, Fault

ROOT = Path(__file__).resolve().parents[2]
CHATS = range(7001, 7031)  # 30 kader writing at once


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_service(db: Path, api: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "POSYANDU_DB": str(db),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": "https://posyandu.example.test",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "MEDIA_DIR": str(db.parent / "media"),
        "OUTBOX_BACKOFF_SECONDS": "0.2",
        "OUTBOX_POLL_SECONDS": "0.1",
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=db.parent,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )

    async def healthy() -> bool:
        try:
            async with httpx.AsyncClient() as client:
                r = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return r.status_code == 200
        except httpx.HTTPError:
            return False

    await wait_for(healthy, within=30)
    return proc


async def test_sigkill_in_mid_dispatch_then_restart(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    # Slower and slower sends, so the kill lands while replies are still going out.
    fake.fail("sendMessage", *[Fault(status=200, delay=0.2 + 0.15 * i) for i in range(30)])
    port = free_port()
    async with serve(fake.app) as api:
        proc = await start_service(seeded.path, api, port)
        try:
            async with httpx.AsyncClient() as client:
                for chat in CHATS:
                    r = await client.post(
                        f"http://127.0.0.1:{port}/telegram/webhook",
                        json=fake.text_update(chat, "BANTUAN"),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    )
                    assert r.status_code == 200  # recorded before the answer
            await wait_for(lambda: len(fake.sent("sendMessage")) >= 3)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        delivered_before = {int(c.params["chat_id"]) for c in fake.sent("sendMessage")}
        assert len(delivered_before) < len(CHATS)  # the kill was in mid-dispatch
        proc = await start_service(seeded.path, api, port)
        try:
            await wait_for(
                lambda: {int(c.params["chat_id"]) for c in fake.sent("sendMessage")} >= set(CHATS),
                within=60,
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0
    async with await Database.open(seeded.path) as db, db.read() as conn:
        assert (await counts(conn))[Status.FAILED] == 0
