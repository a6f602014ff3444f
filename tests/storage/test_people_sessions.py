"""People with several channel identities, and conversation sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Database
from storage.people import (
    Role,
    add_identity,
    create_person,
    identities_of,
    identity,
    mark_inbound,
    people_of_area,
    people_of_posyandu,
    person_by_address,
    person_by_id,
    set_reachable,
)
from storage.sessions import (
    StoredSession,
    delete_session,
    get_session,
    prune_sessions,
    save_session,
)
from tests.storage.helpers import T0, World


async def test_person_with_two_identities(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        sari = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=p.id)
        await add_identity(tx, sari.id, "telegram", "123456789")
        await add_identity(tx, sari.id, "whatsapp", "+6281234567890")
        bidan = await create_person(
            tx, "Bidan Rina", Role.SUPERVISOR, T0, area_id=world.kecamatan.id
        )
        await add_identity(tx, bidan.id, "console", "rina")
    async with db.read() as conn:
        by_tg = await person_by_address(conn, "telegram", "123456789")
        by_wa = await person_by_address(conn, "whatsapp", "+6281234567890")
        nobody = await person_by_address(conn, "telegram", "999")
        ids = await identities_of(conn, [sari.id])
        kader = await people_of_posyandu(conn, [p.id])
        supervisors = await people_of_area(conn, [world.kecamatan.id])
    assert by_tg == by_wa == sari
    assert nobody is None
    assert [(i.channel, i.address) for i in ids] == [
        ("telegram", "123456789"),
        ("whatsapp", "+6281234567890"),
    ]
    assert kader == [sari] and supervisors == [bidan]


async def test_last_inbound_and_reachable(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        sari = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=world.posyandu[0].id)
        await add_identity(tx, sari.id, "whatsapp", "+6281234567890")
        await mark_inbound(tx, "whatsapp", "+6281234567890", T0 + timedelta(hours=2))
        await mark_inbound(tx, "whatsapp", "+6281234567890", T0)  # older: ignored
        await set_reachable(tx, "whatsapp", "+6281234567890", False)
    async with db.read() as conn:
        found = await identity(conn, "whatsapp", "+6281234567890")
    assert found is not None
    assert found.last_inbound_at == T0 + timedelta(hours=2)
    assert not found.reachable
    async with db.transaction() as tx:  # a new message proves them reachable again
        await mark_inbound(tx, "whatsapp", "+6281234567890", T0 + timedelta(hours=3))
    async with db.read() as conn:
        again = await identity(conn, "whatsapp", "+6281234567890")
        person = await person_by_id(conn, sari.id)
    assert again is not None and again.reachable
    assert person == sari


async def test_roles_need_their_place(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="posyandu"):
            await create_person(tx, "X", Role.KADER, T0)
        with pytest.raises(ValueError, match="area"):
            await create_person(tx, "X", Role.SUPERVISOR, T0)


async def test_sessions(db: Database) -> None:
    session = StoredSession(
        channel="telegram",
        address="42",
        flow="report",
        step="d",
        answers={"period": "2026-11", "s": 48, "k": 45, "program": ["BKB"]},
        started_at=T0,
        updated_at=T0 + timedelta(minutes=3),
        expires_at=T0 + timedelta(days=7),
    )
    async with db.transaction() as tx:
        await save_session(tx, session)
        await save_session(
            tx, StoredSession("telegram", "43", "edit", "x", {}, T0, T0, T0 + timedelta(hours=1))
        )
    async with db.read() as conn:
        assert await get_session(conn, "telegram", "42") == session
        assert await get_session(conn, "whatsapp", "42") is None
    moved = StoredSession(
        "telegram", "42", "report", "n", {**session.answers, "d": 40}, T0, T0, session.expires_at
    )
    async with db.transaction() as tx:
        await save_session(tx, moved)
        assert await prune_sessions(tx, T0 + timedelta(hours=2)) == 1
    async with db.read() as conn:
        assert await get_session(conn, "telegram", "42") == moved
        assert await get_session(conn, "telegram", "43") is None
    async with db.transaction() as tx:
        await delete_session(tx, "telegram", "42")
    async with db.read() as conn:
        assert await get_session(conn, "telegram", "42") is None


async def test_prune_sessions_drops_exactly_those_whose_expiry_has_come(db: Database) -> None:
    now = T0 + timedelta(days=3)
    expiries = {
        "past": now - timedelta(days=1),
        "due": now,
        "next-second": now + timedelta(seconds=1),
        "later": now + timedelta(days=60),
    }
    async with db.transaction() as tx:
        for address, expires in expiries.items():
            stored = StoredSession("whatsapp", address, "chat", "x", {}, T0, T0, expires)
            await save_session(tx, stored)
        assert await prune_sessions(tx, now) == 2
        assert await prune_sessions(tx, now) == 0  # nothing left to drop
    async with db.read() as conn:
        kept = {a for a in expiries if await get_session(conn, "whatsapp", a) is not None}
    assert kept == {"next-second", "later"}
