"""Several weighings recorded at once (storage.children ``record_weighings``, a TIMBANG
message's) do what recording them one by one does: created, the same, a conflict kept, a
replacement; a second one of a child's month in the same call is asked about as stored. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from tests.storage.helpers import World

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
DAY = date(2026, 11, 20)


async def _children(db: Database, world: World, count: int) -> list[int]:
    cipher = RegisterCipher(new_key())
    async with db.transaction() as tx:
        return [
            await reg.add_child(
                tx,
                cipher,
                world.posyandu[0].id,
                reg.NewChild(f"Anak {i}", "L", date(2025, 1, 5), "Ibu"),  # type: ignore[arg-type]
                consent_by=reg.Actor(person_id=7),
                at=AT,
            )
            for i in range(count)
        ]


async def test_several_weighings_at_once_as_one_by_one(db: Database, world: World) -> None:
    ids = await _children(db, world, 5)
    stored = [reg.Weighing(ids[i], DAY, 9_000) for i in (1, 2, 3)]
    async with db.transaction() as tx:
        for w in stored:
            await reg.record_weighing(tx, w, at=AT)
    given = [
        (reg.Weighing(ids[0], DAY, 9_100, 780, kader_id=7), False),  # new
        (reg.Weighing(ids[1], DAY, 9_000), False),  # the same
        (reg.Weighing(ids[2], DAY, 9_500), False),  # another: a conflict, kept
        (reg.Weighing(ids[3], DAY, 9_600), True),  # another, replacing
        (reg.Weighing(ids[4], DAY, 8_000), False),  # new
        (reg.Weighing(ids[4], date(2026, 11, 21), 8_100), False),  # its month's second
    ]
    async with db.transaction() as tx:
        saved = await reg.record_weighings(tx, given, at=AT)
    assert [s.outcome for s in saved] == [
        "created",
        "same",
        "conflict",
        "replaced",
        "created",
        "conflict",
    ]
    assert saved[2].stored == stored[1] and saved[5].stored == given[4][0]
    async with db.read() as conn:
        found = await reg.weighings_of(conn, ids)
    assert {i: [(w.weight_g, w.height_mm) for w in found[i]] for i in ids} == {
        ids[0]: [(9_100, 780)],
        ids[1]: [(9_000, None)],
        ids[2]: [(9_000, None)],
        ids[3]: [(9_600, None)],
        ids[4]: [(8_000, None)],
    }
    assert found[ids[0]][0].kader_id == 7
    async with db.transaction() as tx:
        assert await reg.record_weighings(tx, [], at=AT) == []
