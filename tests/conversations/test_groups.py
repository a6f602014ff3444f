"""Chat groups through the engine alone: SAMBUNGKAN and PUTUSKAN are ordinary commands of the
table, answered in the group's per-address lock and write transaction like every message,
with ``Inbound(in_group=True, sender=...)`` saying who typed. A group not linked yet is told
so, whatever is typed there."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from sqlite3 import Row
from typing import Any

import pytest

from bot.channels.registry import phone_of
from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, KECAMATAN_CODE, seed_demo
from conversations.commands import parse_command
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from storage import Database
from storage.areas import Level, area_by_code, upsert_area
from storage.db import Connection
from storage.people import Role, add_identity, create_person, identity, person_by_address
from storage.sql import fetch_one

T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
GROUP = "-100500"
#: Telegram user ids (each is also the user's private chat id).
BIDAN = "5151"  # Bidan Rina, supervisor of kecamatan Batu Aji
KADER = "6161"  # Bu Sari, kader of Mawar
OTHER_SPV = "7171"  # Bidan Lain, supervisor of kecamatan Sagulung
STRANGER = "8181"
_ids = itertools.count(1)


async def group_link(conn: Connection, channel: str, address: str) -> Row | None:
    """The stored link of a group, if any (read as the test sees the table)."""
    return await fetch_one(
        conn, "SELECT * FROM group_links WHERE channel = ? AND address = ?", (channel, address)
    )


@dataclass
class Group:
    db: Database
    engine: Engine
    clock: FixedClock

    async def send(self, sender: str | None, text: str, *, ext: str | None = None) -> list[Any]:
        """``sender`` types ``text`` in the group; the replies to the group (outbox payloads)."""
        ext = ext or f"u{next(_ids)}"
        inbound = Inbound("telegram", GROUP, text, ext, self.clock.now(), True, sender)
        await self.engine.handle(inbound)
        return await self.queued(ext)

    async def say(self, sender: str | None, text: str) -> str:
        return "\n".join(p["body"] for p in await self.send(sender, text))

    async def queued(self, ext: str, address: str = GROUP) -> list[Any]:
        """The replies to message ``ext`` (outbox payloads), all to ``address``."""
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT address, payload FROM outbox WHERE dedupe_key LIKE ? ORDER BY id",
                (f"reply:telegram:{ext}:%",),
            )
        assert all(r["address"] == address for r in rows)
        return [json.loads(r["payload"]) for r in rows]

    async def state(self) -> tuple[object, ...]:
        async with self.db.read() as conn:
            links = await conn.execute_fetchall("SELECT * FROM group_links")
            idents = await conn.execute_fetchall(
                "SELECT person_id, channel, address FROM identities ORDER BY id"
            )
        return [tuple(r) for r in links], [tuple(r) for r in idents]


@pytest.fixture
async def group(tmp_path: Path) -> AsyncIterator[Group]:
    clock = FixedClock(T0)
    db = await Database.open(tmp_path / "groups.db")
    await seed_demo(db, clock.now())
    async with db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        sari = await person_by_address(tx, "console", DEMO_KADER)
        assert bidan is not None and sari is not None
        await add_identity(tx, bidan.id, "telegram", BIDAN)
        await add_identity(tx, sari.id, "telegram", KADER)
        kec = await area_by_code(tx, KECAMATAN_CODE)
        assert kec is not None
        kab = await area_by_code(tx, KECAMATAN_CODE.rsplit(".", 1)[0])
        assert kab is not None
        other = await upsert_area(tx, "21.71.06", "Sagulung", Level.KECAMATAN, kab)
        lain = await create_person(tx, "Bidan Lain", Role.SUPERVISOR, T0, area_id=other.id)
        await add_identity(tx, lain.id, "telegram", OTHER_SPV)
    yield Group(db, Engine(db, clock), clock)
    await db.close()


def test_group_commands_are_words_only_in_a_group() -> None:
    for text in ("sambungkan", "/sambungkan", "/SAMBUNGKAN@posyandu_bot", "putuskan"):
        assert parse_command(text) is None, text
        found = parse_command(text, in_group=True)
        assert found is not None and found.name in ("SAMBUNGKAN", "PUTUSKAN"), text
    # Every other command reads the same in a group.
    assert parse_command("/stop_pengingat", in_group=True) == parse_command("/stop_pengingat")


async def test_an_unlinked_group_is_told_so_whatever_is_typed(group: Group) -> None:
    before = await group.state()
    for sender in (BIDAN, KADER, STRANGER, None):
        for text in ("/status", "/daftar ABCDEF", "/lapor", "/bantuan", "halo", "x" * 5000):
            reply = await group.say(sender, text)
            assert reply.startswith("Grup ini belum tersambung."), (sender, text, reply)
    assert await group.state() == before


async def test_only_a_registered_supervisor_links_a_group(group: Group) -> None:
    before = await group.state()
    for sender in (KADER, STRANGER, None):
        assert "Hanya pembina wilayah" in await group.say(sender, "/sambungkan")
    # Unlinking a group nobody linked: nobody may.
    assert "Hanya pembina wilayah" in await group.say(BIDAN, "/putuskan")
    assert await group.state() == before
    reply = await group.say(BIDAN, "/sambungkan@posyandu_bot")
    assert reply.startswith("Grup ini tersambung ke Kecamatan Batu Aji.")
    async with group.db.read() as conn:
        link = await group_link(conn, "telegram", GROUP)
        linked = await person_by_address(conn, "telegram", GROUP)
    assert link is not None and linked is not None and linked.name == "Bidan Rina"
    assert link["linked_by"] == linked.id and link["area_id"] == linked.area_id
    # Linked, the group speaks with the supervisor's read scope, whoever types.
    assert "Status November 2026 · Kecamatan Batu Aji" in await group.say(STRANGER, "/status")
    # The same supervisor may link it again (nothing changes hands).
    assert "tersambung ke Kecamatan Batu Aji" in await group.say(BIDAN, "SAMBUNGKAN")


async def test_a_linked_group_is_neither_taken_over_nor_let_go_by_others(group: Group) -> None:
    await group.say(BIDAN, "/sambungkan")
    before = await group.state()
    reply = await group.say(OTHER_SPV, "/sambungkan")
    assert "sudah disambungkan oleh Bidan Rina" in reply
    for sender in (OTHER_SPV, KADER, STRANGER, None):
        assert "Hanya pembina wilayah" in await group.say(sender, "/putuskan"), sender
    assert await group.state() == before
    assert "tidak lagi tersambung" in await group.say(BIDAN, "/putuskan")
    async with group.db.read() as conn:
        assert await group_link(conn, "telegram", GROUP) is None
        assert await identity(conn, "telegram", GROUP) is None
    assert "belum tersambung" in await group.say(BIDAN, "/status")
    # Now the other supervisor may link it, to their own area.
    assert "tersambung ke Kecamatan Sagulung" in await group.say(OTHER_SPV, "/sambungkan")


async def test_a_group_command_redelivered_does_nothing(group: Group) -> None:
    first = await group.send(BIDAN, "/sambungkan", ext="u42")
    assert len(first) == 1
    await group.say(BIDAN, "/putuskan")
    # The same update again: recorded already, so not linked again and not answered twice.
    assert await group.send(BIDAN, "/sambungkan", ext="u42") == first
    async with group.db.read() as conn:
        assert await group_link(conn, "telegram", GROUP) is None


async def test_sambungkan_is_no_command_in_a_private_chat(group: Group) -> None:
    inbound = Inbound("telegram", BIDAN, "/sambungkan", "p1", group.clock.now())
    await group.engine.handle(inbound)
    async with group.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT payload FROM outbox WHERE dedupe_key LIKE 'reply:telegram:p1:%'"
        )
        assert await group_link(conn, "telegram", BIDAN) is None
    assert "Maaf, saya belum mengerti" in json.loads(rows[0]["payload"])["body"]


async def test_a_group_sees_kader_names_but_never_their_numbers(group: Group) -> None:
    """A linked group is a wider audience than its supervisor: BELUM and POSYANDU there name
    the kader to call, without their phone numbers; the supervisor in private sees both."""
    async with group.db.transaction() as tx:
        sari = await person_by_address(tx, "telegram", KADER)
        assert sari is not None
        await add_identity(tx, sari.id, "whatsapp", "+6281355598765")
    group.engine = Engine(group.db, group.clock, phone_of=phone_of)
    assert "tersambung" in await group.say(BIDAN, "/sambungkan")
    for command in ("/belum", "/posyandu Mawar"):
        shown = await group.say(STRANGER, command)
        assert "Bu Sari" in shown and "6281355598765" not in shown, command
        ext = f"private-{command}"
        await group.engine.handle(Inbound("telegram", BIDAN, command, ext, group.clock.now()))
        private = "\n".join(p["body"] for p in await group.queued(ext, BIDAN))
        assert "Bu Sari" in private and "+6281355598765" in private, command
