"""Issue 23 end to end: the engine on a real SQLite file (the demo seeded), a kader's report
with the answers that used to put numbers in the wrong field, then saved; the numbers in the
database are those the kader meant."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.demo import DEMO_KADER, seed_demo
from conversations.engine import Engine
from conversations.inbound import Inbound
from conversations.session import session_from_json
from scoring import Period
from scoring.clock import FixedClock
from storage import Database
from storage.posyandu import posyandu_by_code
from storage.reports import get_report
from storage.sessions import get_session

NOV = Period(2026, 11)
OKT = Period(2026, 10)
#: 20 Nov 2026, 10.00 WIB (Mawar's hari buka is the 12th).
T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
_ids = itertools.count(1)


@dataclass
class Chat:
    db: Database
    engine: Engine
    clock: FixedClock

    async def say(self, text: str) -> str:
        ext = f"m{next(_ids)}"
        await self.engine.handle(Inbound("console", DEMO_KADER, text, ext, self.clock.now()))
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT payload FROM outbox WHERE dedupe_key LIKE ? ORDER BY id",
                [f"reply:console:{ext}:%"],
            )
        return "\n".join(json.loads(r["payload"]).get("body", "") for r in rows)

    async def draft(self) -> dict[str, int | None]:
        async with self.db.read() as conn:
            stored = await get_session(conn, "console", DEMO_KADER)
        assert stored is not None
        session = session_from_json(stored.answers["session"])
        assert session.draft is not None
        return dict(session.draft.counts)

    async def current(self) -> str | None:
        async with self.db.read() as conn:
            stored = await get_session(conn, "console", DEMO_KADER)
        assert stored is not None
        draft = session_from_json(stored.answers["session"]).draft
        return None if draft is None else draft.current


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    clock = FixedClock(T0)
    db = await Database.open(tmp_path / "engine.db")
    await seed_demo(db, clock.now())
    yield Chat(db, Engine(db, clock), clock)
    await db.close()


#: The rest of the report, answered plainly.
PLAIN = {"t2": "0", "bumil_periksa": "1", "kb_aktif": "1", "bayi_imunisasi": "0"}


async def test_every_number_lands_where_the_kader_meant_it(chat: Chat) -> None:
    async with chat.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        october = await get_report(conn, mawar.id, OKT)
    assert october is not None and october.report.k is not None
    assert "Masih sama dengan bulan lalu?" in await chat.say("LAPOR")
    assert "K:" in await chat.say("ya sama")
    reply = await chat.say("sama")  # K: October's K, said back
    assert f"Dicatat K {october.report.k}, sama dengan Oktober 2026." in reply
    await chat.say("42")  # D
    assert (await chat.say("d 41")).startswith("Diubah: D 42 menjadi 41.")  # at N
    assert await chat.current() == "n"
    assert (await chat.say("maaf salah d nya 40")).startswith("Diubah: D 41 menjadi 40.")
    await chat.say("30")  # N
    await chat.say("bgm gak ada")  # BGM 0
    counts = await chat.draft()
    assert (counts["k"], counts["d"], counts["n"], counts["bgm"]) == (october.report.k, 40, 30, 0)
    while (field := await chat.current()) is not None and field != "program_tambahan":
        await chat.say(PLAIN[field])
    await chat.say("tdk ada kegiatan")
    for _ in range(5):
        if "tersimpan" in (await chat.say("YA")).lower():
            break
    async with chat.db.read() as conn:
        saved = await get_report(conn, mawar.id, NOV)
    assert saved is not None
    report = saved.report
    assert (report.k, report.d, report.n, report.bgm) == (october.report.k, 40, 30, 0)
    assert report.programmes == ()
