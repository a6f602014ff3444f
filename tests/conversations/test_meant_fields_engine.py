"""Issue 23 end to end: the engine on a real SQLite file (the demo seeded), a kader's report
with the answers that used to put numbers in the wrong field, then saved; the numbers in the
database are those the kader meant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import DEMO_KADER, seed_demo
from conversations.session import Draft, session_from_json
from scoring.clock import FixedClock
from storage.posyandu import posyandu_by_code
from storage.reports import get_report
from storage.sessions import get_session
from tests.conversations.test_engine import NOV, OKT, T0, Chat, _open


async def _draft(chat: Chat) -> Draft | None:
    async with chat.db.read() as conn:
        stored = await get_session(conn, "console", DEMO_KADER)
    assert stored is not None
    return session_from_json(stored.answers["session"]).draft


async def _current(chat: Chat) -> str | None:
    draft = await _draft(chat)
    return None if draft is None else draft.current


async def _counts(chat: Chat) -> dict[str, int | None]:
    draft = await _draft(chat)
    assert draft is not None
    return dict(draft.counts)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Chat]:
    clock = FixedClock(T0)
    chat = await _open(tmp_path / "engine.db", clock)
    await seed_demo(chat.db, clock.now())
    yield chat
    await chat.db.close()


#: The rest of the report, answered plainly.
PLAIN = {"t2": "0", "bumil_periksa": "1", "kb_aktif": "1", "bayi_imunisasi": "0"}


async def test_every_number_lands_where_the_kader_meant_it(sqlite: Chat) -> None:
    chat = sqlite
    async with chat.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        october = await get_report(conn, mawar.id, OKT)
    assert october is not None and october.report.k is not None
    assert "Masih sama dengan bulan lalu?" in await chat.say(DEMO_KADER, "LAPOR")
    assert "K:" in await chat.say(DEMO_KADER, "ya sama")
    reply = await chat.say(DEMO_KADER, "sama")  # K: October's K, said back
    assert f"Dicatat K {october.report.k}, sama dengan Oktober 2026." in reply
    await chat.say(DEMO_KADER, "42")  # D
    assert (await chat.say(DEMO_KADER, "d 41")).startswith("Diubah: D 42 menjadi 41.")  # at N
    assert await _current(chat) == "n"
    assert (await chat.say(DEMO_KADER, "maaf salah d nya 40")).startswith(
        "Diubah: D 41 menjadi 40."
    )
    await chat.say(DEMO_KADER, "30")  # N
    await chat.say(DEMO_KADER, "bgm gak ada")  # BGM 0
    counts = await _counts(chat)
    assert (counts["k"], counts["d"], counts["n"], counts["bgm"]) == (october.report.k, 40, 30, 0)
    while (field := await _current(chat)) is not None and field != "program_tambahan":
        await chat.say(DEMO_KADER, PLAIN[field])
    await chat.say(DEMO_KADER, "tdk ada kegiatan")
    for _ in range(5):
        if "tersimpan" in (await chat.say(DEMO_KADER, "YA")).lower():
            break
    async with chat.db.read() as conn:
        saved = await get_report(conn, mawar.id, NOV)
    assert saved is not None
    report = saved.report
    assert (report.k, report.d, report.n, report.bgm) == (october.report.k, 40, 30, 0)
    assert report.programmes == ()
