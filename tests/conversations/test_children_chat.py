"""The child register by chat on the real engine and a real SQLite file (the demo seeded):
ANAK BARU adds the child with the kader's consent and its audit row, the names pending in a
session are stored encrypted, no name reaches the logs, the register without a key says so,
and a chat group never enters a child."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, seed_demo
from conversations.catalogue import say
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from storage.groups import link_group
from storage.people import add_identity, person_by_address
from tests.fast_layer import ENGINES

T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
_ids = itertools.count(1)
ENTRY = ("ANAK BARU", "andi saputra", "L", "5 Maret 2025", "Siti Rahmawati", "YA")


@dataclass
class Chat:
    db: Database
    engine: Engine
    clock: FixedClock
    cipher: RegisterCipher | None

    async def say(self, text: str, address: str = DEMO_KADER, channel: str = "console") -> str:
        ext = f"c{next(_ids)}"
        group = channel == "telegram" and address.startswith("-")
        inbound = Inbound(channel, address, text, ext, self.clock.now(), in_group=group)
        await self.engine.handle(inbound)
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT payload FROM outbox WHERE dedupe_key LIKE ? ORDER BY id",
                (f"reply:{channel}:{ext}:%",),
            )
        return "\n".join(json.loads(r["payload"]).get("body", "") for r in rows)

    async def mawar(self) -> int:
        async with self.db.read() as conn:
            kader = await person_by_address(conn, "console", DEMO_KADER)
        assert kader is not None and kader.posyandu_id is not None
        return kader.posyandu_id


async def _open(path: Path | str, cipher: RegisterCipher | None) -> Chat:
    clock = FixedClock(T0)
    db = await Database.open(path)
    await seed_demo(db, clock.now())
    return Chat(db, Engine(db, clock, register=cipher), clock, cipher)


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's database is: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return tmp_path / "register.db"


@pytest.fixture
async def chat(target: Path | str) -> AsyncIterator[Chat]:
    c = await _open(target, RegisterCipher(new_key()))
    yield c
    await c.db.close()


async def test_anak_baru_adds_the_child_with_the_kaders_consent_audited(chat: Chat) -> None:
    for line in ENTRY:
        reply = await chat.say(line)
    assert "Nama: Andi Saputra" not in reply  # the read-back came before the consent
    assert reply == say("child.consent")
    assert await chat.say("YA") == say("child.saved", name="Andi Saputra")
    assert chat.cipher is not None
    mawar = await chat.mawar()
    async with chat.db.read() as conn:
        shown = await reg.read_children(conn, chat.cipher, mawar)
        kader = await person_by_address(conn, "console", DEMO_KADER)
        entries = await reg.audit_entries(conn)
    assert kader is not None
    [child] = shown.children
    assert (child.name, child.sex, child.birth_date, child.mother_name) == (
        "Andi Saputra",
        "L",
        date(2025, 3, 5),
        "Siti Rahmawati",
    )
    assert child.consent_by == reg.Actor(person_id=kader.id)
    assert child.consent_at == T0
    added = [e for e in entries if e.action == "child.add"]
    assert [(e.who, e.posyandu_id, e.child_ids) for e in added] == [
        (reg.Actor(person_id=kader.id), mawar, (child.id,))
    ]


async def test_no_consent_records_nothing(chat: Chat) -> None:
    for line in ENTRY:
        await chat.say(line)
    assert "tidak dicatat" in await chat.say("TIDAK")
    assert chat.cipher is not None
    async with chat.db.read() as conn:
        shown = await reg.read_children(conn, chat.cipher, await chat.mawar())
    assert shown.children == ()


async def test_no_name_in_clear_in_the_database_nor_in_the_logs(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Stopped at the read-back: both names are pending in the stored session.
    for line in ENTRY[:-1]:
        await chat.say(line)
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT answers FROM sessions")
    stored = " ".join(str(r["answers"]) for r in rows)
    assert "child" in stored and "Saputra" not in stored and "Rahmawati" not in stored
    # The session reads back whole on the next message (the names were sealed, not lost).
    assert await chat.say("YA") == say("child.consent")
    await chat.say("YA")
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT payload FROM outbox")
    texts = [json.loads(r["payload"]) for r in rows]
    # Every reply that shows a name is private: its row forgets it once delivered.
    assert all(t.get("private") for t in texts if "Saputra" in t.get("body", ""))
    logged = "\n".join(r.getMessage() + repr(getattr(r, "fields", "")) for r in caplog.records)
    assert "Saputra" not in logged and "Rahmawati" not in logged


async def test_without_the_key_the_register_is_not_set_up(tmp_path: Path) -> None:
    chat = await _open(tmp_path / "off.db", None)
    try:
        assert await chat.say("ANAK BARU Andi") == say("child.off")
        assert await chat.say("L") == say("hint.kader")  # nothing was pending
        async with chat.db.read() as conn:
            rows = await conn.execute_fetchall("SELECT count(*) AS n FROM children")
        assert rows[0]["n"] == 0
    finally:
        await chat.db.close()


async def test_a_chat_group_never_enters_a_child(chat: Chat) -> None:
    group = "-100123"
    async with chat.db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        assert bidan is not None and bidan.area_id is not None
        await link_group(tx, "telegram", group, bidan.area_id, bidan.id, T0)
        await add_identity(tx, bidan.id, "telegram", group)
    reply = await chat.say("/anak_baru", group, "telegram")
    assert reply and reply != say("child.ask_name")
    assert "Nama anak" not in await chat.say("ANAK BARU Andi", group, "telegram")


async def test_hapus_anak_deletes_the_identity_confirmed_and_audited(chat: Chat) -> None:
    for line in ENTRY:
        await chat.say(line)
    await chat.say("YA")
    assert chat.cipher is not None
    mawar = await chat.mawar()
    async with chat.db.read() as conn:
        [child] = (await reg.read_children(conn, chat.cipher, mawar)).children
    asked = await chat.say("HAPUS ANAK andi saputra")
    assert asked == say("withdraw.confirm", name="Andi Saputra", birth="5 Mar 2025",
                        mother="Siti Rahmawati")  # fmt: skip
    assert await chat.say("YA") == say("withdraw.done", name="Andi Saputra")
    async with chat.db.read() as conn:
        shown = await reg.read_children(conn, chat.cipher, mawar, include_left=True)
        kader = await person_by_address(conn, "console", DEMO_KADER)
        entries = await reg.audit_entries(conn)
        row = await conn.execute_fetchall(
            "SELECT name_enc, left_reason FROM children WHERE id = ?", (child.id,)
        )
    assert kader is not None and shown.children == ()
    assert (row[0]["name_enc"], row[0]["left_reason"]) == (None, "withdrawn")
    actions = [(e.action, e.who, e.child_ids) for e in entries]
    me = reg.Actor(person_id=kader.id)
    # Each message that read the names wrote its row; then the withdrawal.
    assert actions[-3:] == [
        ("children.chat", me, (child.id,)),
        ("children.chat", me, (child.id,)),
        ("child.withdraw", me, (child.id,)),
    ]
    assert await chat.say("HAPUS ANAK Andi Saputra") == say("withdraw.unknown", name="Andi Saputra")


async def test_keluar_anak_takes_the_child_off_the_register_confirmed_and_audited(
    chat: Chat,
) -> None:
    for line in ENTRY:
        await chat.say(line)
    await chat.say("YA")
    assert chat.cipher is not None
    mawar = await chat.mawar()
    async with chat.db.read() as conn:
        [child] = (await reg.read_children(conn, chat.cipher, mawar)).children
    asked = await chat.say("KELUAR ANAK andi saputra")
    assert asked.startswith("Kenapa Andi Saputra") and "3. sudah 5 tahun" in asked
    # The pending question keeps ids and the reason only: no name in the stored session.
    assert "meninggal" in await chat.say("meninggal")
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT answers FROM sessions")
    stored = " ".join(str(r["answers"]) for r in rows)
    assert "leave" in stored and "Saputra" not in stored
    assert await chat.say("YA") == say("leave.done", name="Andi Saputra")
    async with chat.db.read() as conn:
        shown = await reg.read_children(conn, chat.cipher, mawar)
        kept = await reg.read_children(conn, chat.cipher, mawar, include_left=True)
        kader = await person_by_address(conn, "console", DEMO_KADER)
        entries = await reg.audit_entries(conn)
    assert kader is not None and shown.children == ()
    [left] = kept.children  # kept, with its name, for the counts
    assert (left.name, left.left_reason, left.left_at) == ("Andi Saputra", "died", T0)
    me = reg.Actor(person_id=kader.id)
    assert [(e.action, e.who, e.child_ids) for e in entries][-1] == (
        "child.leave.died",
        me,
        (child.id,),
    )
    assert await chat.say("KELUAR ANAK Andi Saputra") == say(
        "withdraw.unknown", name="Andi Saputra"
    )


async def test_a_chat_group_never_takes_a_child_off(chat: Chat) -> None:
    group = "-100123"
    async with chat.db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        assert bidan is not None and bidan.area_id is not None
        await link_group(tx, "telegram", group, bidan.area_id, bidan.id, T0)
        await add_identity(tx, bidan.id, "telegram", group)
    assert "Kenapa" not in await chat.say("KELUAR ANAK Andi", group, "telegram")
