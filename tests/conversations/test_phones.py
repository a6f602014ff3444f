"""Which channel addresses are phone numbers is the channels' policy
(``Engine(phone_of=...)``), never a channel name tested in the engine: BELUM shows a kader's
number only where the policy says an address is one."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, seed_demo
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from storage import Database
from storage.people import add_identity, person_by_address

T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
_ids = itertools.count(1)


async def _belum(db: Database, engine: Engine, clock: FixedClock) -> str:
    ext = f"b{next(_ids)}"
    await engine.handle(Inbound("console", DEMO_SUPERVISOR, "BELUM", ext, clock.now()))
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT payload FROM outbox WHERE dedupe_key LIKE ?", (f"reply:console:{ext}:%",)
        )
    return "\n".join(json.loads(r["payload"])["body"] for r in rows)


async def test_belum_shows_the_numbers_the_channels_say_are_phones(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    db = await Database.open(tmp_path / "phones.db")
    try:
        await seed_demo(db, clock.now())
        async with db.transaction() as tx:
            sari = await person_by_address(tx, "console", DEMO_KADER)
            assert sari is not None
            await add_identity(tx, sari.id, "whatsapp", "+6281277770001")
        # By default no address is a phone number: the console's look like one, but are not.
        plain = await _belum(db, Engine(db, clock), clock)
        assert "Mawar, terlambat 8 hari - Bu Sari" in plain and "+62" not in plain

        def whatsapp(channel: str, address: str) -> str | None:
            return address if channel == "whatsapp" else None

        shown = await _belum(db, Engine(db, clock, phone_of=whatsapp), clock)
        assert "Mawar, terlambat 8 hari - Bu Sari +6281277770001" in shown
        assert "+6281200000001" not in shown
    finally:
        await db.close()
