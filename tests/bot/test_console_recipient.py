"""The console shows only the messages of the address at the keyboard: a reminder queued for
another console address is not printed, and stays pending until that address chats."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from bot.app import Service
from bot.console import CONSOLE
from bot.console.chat import chat_loop
from bot.console.sender import ConsoleSender
from bot.demo import DEMO_KADER, seed_demo
from bot.settings import Settings
from scoring.clock import FixedClock
from storage import outbox as outbox_db
from storage.messages import Outgoing, Reminder

T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
OTHER = "+6281200000077"
PARAMS = {"posyandu": "Teratai", "hari_buka": "2026-11-21", "period": "2026-11"}


async def test_console_prints_only_its_own_address(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    printed = io.StringIO()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, posyandu_db=tmp_path / "c.db", out_dir=tmp_path / "out"
    )
    console = ConsoleSender(printed, tmp_path / "out")
    service = Service(settings, clock, extra_channels={CONSOLE: console}, run_scheduler=False)
    await service.open()
    assert service.db is not None
    try:
        await seed_demo(service.db, clock.now())
        async with service.db.transaction() as tx:
            reminder = Outgoing(CONSOLE, OTHER, Reminder("h-1", PARAMS), "test:reminder:other")
            await outbox_db.append(tx, reminder, clock.now())
        await chat_loop(service, DEMO_KADER, io.StringIO("BANTUAN\n"), printed)
        shown = printed.getvalue()
        assert "> BANTUAN" in shown and "LAPOR" in shown
        assert "Teratai" not in shown
        async with service.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT status FROM outbox WHERE dedupe_key = 'test:reminder:other'"
            )
        assert [r["status"] for r in rows] == ["pending"]
        # The reminder is shown to its own address when that address is at the console.
        await chat_loop(service, OTHER, io.StringIO(""), printed)
        assert "Teratai" in printed.getvalue()
    finally:
        await service.stop()
