"""Telegram sending: texts over 4,096 characters split at line boundaries (and sent whole
through the Bot API), and the rate limits taken from the settings and applied by PTB's
AIORateLimiter, against the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.ext import AIORateLimiter

from bot.app import Service
from bot.channels import split_text
from bot.telegram.sender import TEXT_LIMIT, TelegramSender
from tests.clock import TickingClock
from tests.e2e.conftest import TOKEN, settings_for, wait_for
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram

GROUP = -100555


# --- split_text ------------------------------------------------------------------------------
def test_short_text_is_one_part() -> None:
    assert split_text("halo\nbu", 4096) == ["halo\nbu"]
    assert split_text("x" * 4096, 4096) == ["x" * 4096]


def test_parts_end_at_line_boundaries() -> None:
    lines = [f"{i:02d}" + "a" * 1998 for i in range(5)]  # 2,000 characters each
    parts = split_text("\n".join(lines), 4096)
    assert parts == ["\n".join(lines[0:2]), "\n".join(lines[2:4]), lines[4]]
    assert all(len(p) <= 4096 for p in parts)


def test_a_line_longer_than_the_limit_is_cut() -> None:
    text = "judul\n" + "b" * 10 + "\nakhir"
    assert split_text(text, 4) == ["judu", "l", "bbbb", "bbbb", "bb", "akhi", "r"]


@given(
    st.lists(st.text(alphabet="ab \n", max_size=30), max_size=40),
    st.integers(min_value=1, max_value=40),
)
def test_split_keeps_every_character_and_the_limit(chunks: list[str], limit: int) -> None:
    text = "\n".join(chunks)
    parts = split_text(text, limit)
    assert all(len(p) <= limit for p in parts)
    if len(text) > limit:
        # Never an empty message (the Bot API refuses those).
        assert all(p for p in parts)
    # Nothing but line breaks between parts is lost (and only blank lines at a boundary).
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    if all(len(line) <= limit for line in text.split("\n")):
        # Whole lines only: the non-blank lines come back, in order.
        kept = [line for p in parts for line in p.split("\n") if line]
        assert kept == [line for line in text.split("\n") if line]


# --- through the Bot API ---------------------------------------------------------------------
@asynccontextmanager
async def telegram(tmp_path: Path, **settings: Any) -> AsyncIterator[tuple[FakeTelegram, Any]]:
    """The fake Bot API, and the service's Telegram channel built from ``settings``."""
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url:
        service = Service(
            settings_for(
                tmp_path / "tg.db",
                telegram_bot_token=TOKEN,
                telegram_api_base_url=f"{url}/bot",
                **settings,
            ),
            TickingClock(),
            run_scheduler=False,
        )
        await service.open()
        channel = service.channels["telegram"].sender
        assert isinstance(channel, TelegramSender)
        await channel.bot.initialize()
        try:
            yield fake, channel
        finally:
            await service.stop()


@pytest.mark.slow
async def test_a_long_text_goes_in_several_messages_losslessly(tmp_path: Path) -> None:
    lines = [f"Posyandu {i:03d}: D/S {i % 100}% " + "·" * (i % 60) for i in range(250)]
    text = "\n".join(lines)
    assert len(text) > 2 * TEXT_LIMIT
    async with telegram(tmp_path) as (fake, channel):
        await channel.send_text("4242", text, ["YA", "TIDAK"])
    calls = fake.sent("sendMessage", 4242)
    assert len(calls) == len(split_text(text, TEXT_LIMIT)) >= 3
    texts = [str(c.params["text"]) for c in calls]
    assert all(len(t) <= TEXT_LIMIT for t in texts)
    assert "\n".join(texts) == text  # cut at line ends only, nothing lost, in order
    # The answer choices come with the last part only.
    markups = [c.params.get("reply_markup") for c in calls]
    assert all(m is None for m in markups[:-1])
    assert markups[-1] is not None and "keyboard" in markups[-1]


@pytest.mark.slow
async def test_the_rate_limiter_is_built_from_the_settings(tmp_path: Path) -> None:
    async with telegram(
        tmp_path, telegram_rate_per_second=7, telegram_group_rate_per_minute=11
    ) as (_fake, channel):
        limiter = channel.bot.rate_limiter
        assert isinstance(limiter, AIORateLimiter)
        assert limiter._base_limiter is not None
        assert (limiter._base_limiter.max_rate, limiter._base_limiter.time_period) == (7, 1)
        assert (limiter._group_max_rate, limiter._group_time_period) == (11, 60)


async def _send_many(channel: TelegramSender, n: int) -> float:
    t0 = time.perf_counter()
    await asyncio.gather(*(channel.send_text(str(5000 + i), f"pesan {i}") for i in range(n)))
    return time.perf_counter() - t0


@pytest.mark.slow
async def test_the_overall_rate_limit_is_applied(tmp_path: Path) -> None:
    # 4 messages/s (a bucket of 4): 8 messages need at least one more second.
    async with telegram(tmp_path, telegram_rate_per_second=4) as (fake, channel):
        slow = await _send_many(channel, 8)
        assert len(fake.sent("sendMessage")) == 8
    assert slow >= 0.9
    # The default (30/s) lets the same burst through at once: the wait was the limiter.
    async with telegram(tmp_path) as (fake, channel):
        fast = await _send_many(channel, 8)
        assert len(fake.sent("sendMessage")) == 8
    assert fast < 0.5


@pytest.mark.slow
async def test_the_per_group_rate_limit_is_applied(tmp_path: Path) -> None:
    # One message a minute per group: the second waits, other chats do not.
    async with telegram(tmp_path, telegram_group_rate_per_minute=1) as (fake, channel):
        await channel.send_text(str(GROUP), "rekap 1")
        second = asyncio.create_task(channel.send_text(str(GROUP), "rekap 2"))
        await channel.send_text("4242", "pribadi")
        other_group = asyncio.create_task(channel.send_text("-100556", "grup lain"))
        await wait_for(lambda: len(fake.sent("sendMessage", -100556)) == 1, within=2)
        done, _ = await asyncio.wait({second}, timeout=1.0)
        assert not done  # held back by the group's limiter
        assert fake.texts_to(GROUP) == ["rekap 1"]
        assert fake.texts_to(4242) == ["pribadi"]
        second.cancel()
        await asyncio.gather(second, other_group, return_exceptions=True)
