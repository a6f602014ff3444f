"""``storage.census``: what a database holds beyond a known set of rows, read without writing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from scoring import Period
from storage import Database
from storage.areas import Level, upsert_area
from storage.census import Beyond, Known, rows_beyond, rows_beyond_in_file
from storage.posyandu import posyandu_by_code
from storage.reports import save_report
from tests.storage.helpers import STEADY, T0, month, seed_world

#: The rows of ``seed_world`` (tests/storage/helpers.py), known as a seeded set is.
WORLD = Known(
    areas={
        "21": "Kepulauan Riau",
        "21.71": "Kota Batam",
        "21.71.01": "Batu Ampar",
        "21.71.01.1001": "Seraya",
        "21.71.02": "Sekupang",
        "21.71.02.1001": "Tiban",
    },
    posyandu={"P1": "Mawar", "P2": "Melati", "P3": "Anggrek"},
    report_channel="console",
)
NOTHING = Beyond(areas=0, posyandu=0, reports=0)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_missing_file_holds_nothing_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none" / "posyandu.db"
    assert await rows_beyond_in_file(path, WORLD) == NOTHING
    assert not path.parent.exists()


async def test_a_new_database_and_the_known_rows_are_nothing_beyond(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    async with await Database.open(path) as db:
        async with db.read() as conn:
            assert await rows_beyond(conn, WORLD) == NOTHING
        world = await seed_world(db)
        async with db.transaction() as tx:
            report = month(Period(2026, 10), **STEADY)
            await save_report(tx, world.posyandu[0].id, report, by=None, at=T0, channel="console")
        async with db.read() as conn:
            assert await rows_beyond(conn, WORLD) == NOTHING
        # While the file is open elsewhere (its -wal beside it) too.
        assert await rows_beyond_in_file(path, WORLD) == NOTHING
    assert await rows_beyond_in_file(path, WORLD) == NOTHING
    assert not (await rows_beyond_in_file(path, WORLD))


async def test_rows_beyond_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    async with await Database.open(path) as db:
        world = await seed_world(db)
        async with db.transaction() as tx:
            # Same code, another name: not the known row.
            await upsert_area(tx, "21.71.02", "Sekupang Baru", Level.KECAMATAN, world.kabupaten)
            await upsert_area(tx, "31", "DKI Jakarta", Level.PROVINSI, None)
            p1 = await posyandu_by_code(tx, "P1")
            assert p1 is not None
            for period in (Period(2026, 9), Period(2026, 10)):
                report = month(period, **STEADY)
                await save_report(tx, p1.id, report, by=None, at=T0, channel="import")
        async with db.read() as conn:
            assert await rows_beyond(conn, WORLD) == Beyond(areas=2, posyandu=0, reports=2)
    beyond = await rows_beyond_in_file(path, WORLD)
    assert beyond == Beyond(areas=2, posyandu=0, reports=2)
    assert beyond and beyond.describe() == "2 areas, 2 reports"
    assert Beyond(areas=1, posyandu=1, reports=1).describe() == "1 area, 1 posyandu, 1 report"


async def test_reading_a_file_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    async with await Database.open(path) as db:
        await seed_world(db)
    files = sorted(p.name for p in tmp_path.iterdir())
    before = digest(path)
    assert await rows_beyond_in_file(path, WORLD) == NOTHING
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


async def test_an_old_schema_is_read_as_it_is(tmp_path: Path) -> None:
    # Version 0 (no tables at all): nothing beyond, and it is not migrated.
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    assert await rows_beyond_in_file(path, WORLD) == NOTHING
    assert path.read_bytes() == b""
