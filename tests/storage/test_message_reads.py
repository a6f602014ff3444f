"""The first of a message's two reads, on each engine: who and where in one statement (the
address's identity and person, its session, the person's posyandu or area), the same as
the aggregate modules read them one by one."""

from __future__ import annotations

from datetime import timedelta

from storage import Database
from storage.areas import area_by_id
from storage.message_reads import MessageReads
from storage.people import Role, add_identity, create_person, sender_by_address
from storage.posyandu import area_timezone
from storage.sessions import StoredSession, get_session, save_session
from tests.storage.helpers import T0, World


def _session(address: str) -> StoredSession:
    return StoredSession(
        "console", address, "chat", "AwaitName", {"session": {"x": 1}}, T0, T0, T0 + timedelta(1)
    )


async def test_sender_in_one_statement(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        sari = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=p.id)
        await add_identity(tx, sari.id, "console", "sari")
        rina = await create_person(tx, "Bidan Rina", Role.SUPERVISOR, T0, area_id=world.desa.id)
        await add_identity(tx, rina.id, "console", "rina")
        await save_session(tx, _session("sari"))
        await save_session(tx, _session("stranger"))
    reads = MessageReads()
    async with db.read() as conn:
        kader = await reads.sender(conn, "console", "sari")
        supervisor = await reads.sender(conn, "console", "rina")
        stranger = await reads.sender(conn, "console", "stranger")
        nobody = await reads.sender(conn, "console", "nobody")
        expected = {
            address: (await sender_by_address(conn, "console", address), await get_session(
                conn, "console", address
            ))
            for address in ("sari", "rina")
        }
        zone = await area_timezone(conn, world.desa)
        desa = await area_by_id(conn, world.desa.id)

    assert (kader.person, kader.identity) == expected["sari"][0]
    assert kader.session == expected["sari"][1] == _session("sari")
    assert (kader.posyandu, kader.area, kader.area_zone) == (p, None, None)

    assert (supervisor.person, supervisor.identity) == expected["rina"][0]
    assert supervisor.session is None
    assert supervisor.posyandu is None
    assert supervisor.area == desa == world.desa
    assert supervisor.area_zone == zone is not None

    assert (stranger.person, stranger.identity, stranger.posyandu, stranger.area) == (None,) * 4
    assert stranger.session == _session("stranger")
    assert nobody.person is None and nobody.session is None
