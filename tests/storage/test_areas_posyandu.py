"""Areas and posyandu: the tree, "everything under area X" on an index, moves, time zones."""

from __future__ import annotations

import pytest

from conversations.format import area_title
from scoring.schedule import Schedule
from storage import Database
from storage.areas import (
    Level,
    ancestors,
    area_by_code,
    areas_by_codes,
    areas_by_ids,
    areas_under,
    parse_level,
    subtree_bounds,
    upsert_area,
)
from storage.posyandu import (
    all_posyandu,
    find_posyandu,
    posyandu_by_code,
    posyandu_under,
    upsert_posyandu,
    valid_timezone,
)
from tests.storage.helpers import World


async def test_areas_under(db: Database, world: World) -> None:
    async with db.read() as conn:
        under_kab = await areas_under(conn, world.kabupaten)
        desas = await areas_under(conn, world.provinsi, Level.DESA)
        under_desa = await areas_under(conn, world.desa)
        chain = await ancestors(conn, world.desa)
    assert [a.code for a in under_kab] == [
        "21.71.01",
        "21.71.01.1001",
        "21.71.02",
        "21.71.02.1001",
    ]
    assert [a.code for a in desas] == ["21.71.01.1001", "21.71.02.1001"]
    assert under_desa == []
    assert [a.code for a in chain] == ["21", "21.71", "21.71.01"]


async def test_posyandu_under(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        await upsert_posyandu(
            tx, "P9", "Tutup", world.desa, "Asia/Jakarta", Schedule(day=1), active=False
        )
    async with db.read() as conn:
        assert [p.code for p in await posyandu_under(conn, world.provinsi)] == ["P1", "P2", "P3"]
        assert [p.code for p in await posyandu_under(conn, world.kecamatan)] == ["P1", "P2"]
        everything = await posyandu_under(conn, world.desa, active_only=False)
        assert [p.code for p in everything] == ["P1", "P2", "P9"]
        assert [p.code for p in await all_posyandu(conn)] == ["P1", "P2", "P3"]
        assert len(await all_posyandu(conn, active_only=False)) == 4


@pytest.mark.sqlite_only
async def test_queries_under_an_area_use_an_index(db: Database, world: World) -> None:
    low, high = subtree_bounds(world.kabupaten.path)
    async with db.read() as conn:
        for sql in (
            "SELECT id FROM areas WHERE path >= ? AND path < ?",
            "SELECT id FROM posyandu WHERE area_path >= ? AND area_path < ? AND +active = 1",
        ):
            plan = list(await conn.execute_fetchall("EXPLAIN QUERY PLAN " + sql, (low, high)))
            details = " ".join(str(r[3]) for r in plan)
            assert "USING INDEX" in details or "USING COVERING INDEX" in details, details


def test_subtree_bounds() -> None:
    low, high = subtree_bounds("/1/2/")
    inside = ["/1/2/", "/1/2/3/", "/1/2/99/4/"]
    outside = ["/1/20/", "/1/3/", "/1/", "/1/19/"]
    assert all(low <= p < high for p in inside)
    assert not any(low <= p < high for p in outside)
    with pytest.raises(ValueError):
        subtree_bounds("/1/2")


async def test_moving_an_area_moves_everything_under_it(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        other_kab = await upsert_area(tx, "21.72", "Tanjungpinang", Level.KABUPATEN, world.provinsi)
        moved = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, other_kab)
    assert moved.path.startswith(other_kab.path)
    async with db.read() as conn:
        assert [a.code for a in await areas_under(conn, other_kab)] == [
            "21.71.01",
            "21.71.01.1001",
        ]
        assert [p.code for p in await posyandu_under(conn, other_kab)] == ["P1", "P2"]
        assert [p.code for p in await posyandu_under(conn, world.kabupaten)] == ["P3"]


async def test_upsert_area_checks_levels(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="only a provinsi has no parent"):
            await upsert_area(tx, "22", "X", Level.KABUPATEN, None)
        with pytest.raises(ValueError, match="must be under a kecamatan"):
            await upsert_area(tx, "21.71.9999", "X", Level.DESA, world.kabupaten)
        with pytest.raises(ValueError, match="cannot become"):
            await upsert_area(tx, "21.71.01.1001", "Seraya", Level.KECAMATAN, world.kabupaten)
        renamed = await upsert_area(
            tx, "21.71", "Kota Batam (baru)", Level.KABUPATEN, world.provinsi
        )
    assert renamed.id == world.kabupaten.id
    async with db.read() as conn:
        found = await area_by_code(conn, "21.71")
        by_ids = await areas_by_ids(conn, [world.desa.id, world.kabupaten.id])
        by_codes = await areas_by_codes(conn, ["21", "nope"])
    assert found is not None and found.name == "Kota Batam (baru)"
    assert set(by_ids) == {world.desa.id, world.kabupaten.id}
    assert list(by_codes) == ["21"]


def test_parse_level() -> None:
    assert parse_level("Kota") is Level.KABUPATEN
    assert parse_level("kelurahan") is Level.DESA
    assert parse_level(" provinsi ") is Level.PROVINSI
    with pytest.raises(ValueError, match="unknown level"):
        parse_level("dusun")
    # How people name an area is the catalogue's (conversations.format.area_title).
    assert area_title(Level.KABUPATEN, "Batam") == "Kabupaten/Kota Batam"


async def test_posyandu_upsert_and_find(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="time zone"):
            await upsert_posyandu(tx, "P4", "X", world.desa, "Asia/Jakrta", Schedule(day=1))
        with pytest.raises(ValueError, match="desa"):
            await upsert_posyandu(tx, "P4", "X", world.kecamatan, "Asia/Jakarta", Schedule(day=1))
        changed = await upsert_posyandu(
            tx, "P1", "Mawar Merah", world.other_desa, "Asia/Jayapura", Schedule(day=3)
        )
    assert changed.id == world.posyandu[0].id
    assert changed.tz.key == "Asia/Jayapura"
    async with db.read() as conn:
        assert [p.code for p in await find_posyandu(conn, world.provinsi, "mawar")] == ["P1"]
        assert [p.code for p in await find_posyandu(conn, world.provinsi, "p2")] == ["P2"]
        assert await find_posyandu(conn, world.kecamatan, "mawar") == []
        assert await find_posyandu(conn, world.provinsi, "%") == []
        found = await posyandu_by_code(conn, "P1")
    assert found == changed


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Asia/Jakarta", True),
        ("Asia/Pontianak", True),
        ("Asia/Makassar", True),
        ("Asia/Jayapura", True),
        ("Asia/Jakrta", False),
        ("UTC", False),
        ("../../etc/passwd", False),
        ("", False),
    ],
)
def test_valid_timezone(name: str, ok: bool) -> None:
    assert valid_timezone(name) is ok
