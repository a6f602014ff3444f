"""``/healthz`` says 503 while a channel cannot receive: Telegram polling whose getUpdates keeps
failing, or a webhook Telegram has not taken (yet); and 200 again once it can."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bot.app import Service
from tests.clock import TickingClock
from tests.e2e.conftest import SECRET, TOKEN, Seeded, settings_for, wait_for
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram


async def healthz(service: Service) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"http://127.0.0.1:{service.http_port}/healthz", timeout=5)
    return r.status_code, r.json()


async def answers(service: Service, status: int, telegram: str) -> bool:
    code, body = await healthz(service)
    return (code, body.get("telegram")) == (status, telegram)


async def test_polling_whose_get_updates_keeps_failing_is_not_healthy(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as api:
        settings = settings_for(
            seeded.path, telegram_bot_token=TOKEN, telegram_api_base_url=f"{api}/bot"
        )
        service = Service(settings, TickingClock(), run_scheduler=False)
        await service.start(serve_http=True)
        try:
            assert await answers(service, 200, "polling")
            fake.go_down("getUpdates")  # 500 to every call
            await wait_for(lambda: answers(service, 503, "down"), within=20)
            fake.recover("getUpdates")
            await wait_for(lambda: answers(service, 200, "polling"), within=40)
        finally:
            await service.stop()


async def test_a_webhook_not_set_is_not_healthy(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    fake.hang("setWebhook")
    async with serve(fake.app) as api:
        settings = settings_for(
            seeded.path,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{api}/bot",
            telegram_webhook_secret=SECRET,
            public_base_url="https://posyandu.example.test",
        )
        service = Service(settings, TickingClock(), run_scheduler=False)
        starting = asyncio.create_task(service.start())
        try:
            # The HTTP app is up (the webhook must be reachable when it is set); Telegram has
            # not taken the webhook yet.
            await wait_for(lambda: fake.hanging == 1)
            assert service.server is not None
            assert await answers(service, 503, "down")
            fake.recover("setWebhook")
            await asyncio.wait_for(starting, timeout=10)
            assert await answers(service, 200, "webhook")
        finally:
            fake.recover("setWebhook")
            if not starting.done():
                starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            await service.stop()
