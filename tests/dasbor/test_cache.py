"""The dasbor's cache of an area's reports (bot/dasbor/figures.py, ``AreaCache``): a page
asked again shows what a page read afresh shows, whatever was saved in between: a report of
the area (read again on the next request), a report elsewhere (nothing of the area read
again), a posyandu leaving the area, many saves at once (the area read whole), two instances
saving at once. Each on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.dasbor import figures
from bot.dasbor.figures import AreaCache, AreaView, load_area
from bot.demo import seed_demo
from bot.settings import Settings
from scoring import MonthReport, Period
from storage import Connection, Database
from storage.areas import Area, area_by_id
from storage.reports import get_report, save_report
from tests.fast_layer import ENGINES

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
OCTOBER, NOVEMBER = Period(2026, 10), Period(2026, 11)
SCORING = Settings(_env_file=None).scoring()  # type: ignore[call-arg]
KECAMATAN = 3  # the demo's kecamatan: one desa (4) of six posyandu (1-6)


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return tmp_path / "cache.db"


@pytest.fixture
async def db(target: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(target)
    await seed_demo(database, NOW)
    async with database.transaction() as tx:  # a second kecamatan, one posyandu (7)
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(5, '21.71.06', 'Lain', 'kecamatan', 2, '/1/2/5/'), "
            "(6, '21.71.06.1001', 'Lain', 'desa', 5, '/1/2/5/6/')"
        )
        await tx.execute(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
            "VALUES (7, 'LAIN07', 'Lain', 6, '/1/2/5/6/', 'Asia/Jakarta', 'day:12')"
        )
    yield database
    await database.close()


async def _area(db: Database, area_id: int) -> Area:
    async with db.read() as conn:
        found = await area_by_id(conn, area_id)
    assert found is not None
    return found


async def _view(db: Database, area: Area, cache: AreaCache | None) -> AreaView:
    top = await _area(db, 1)
    return await load_area(db, area, top, None, NOW, SCORING, cache=cache)


async def _save_november(db: Database, posyandu_id: int, kader: int | None = None) -> None:
    """The posyandu's October values saved as its November (kader on duty when given)."""
    async with db.transaction() as tx:
        await _save_in(tx, posyandu_id, kader)


async def _save_in(tx: Connection, posyandu_id: int, kader: int | None = None) -> None:
    source = await get_report(tx, posyandu_id, OCTOBER)
    values = source.report.values() if source else {"buka": True, "kader": 5, "s": 40}
    if kader is not None:
        values["kader"] = kader
    saved = await save_report(
        tx, posyandu_id, MonthReport(NOVEMBER, **values), by=None, at=NOW, channel="test"
    )
    assert saved.changed


def _member(view: AreaView, posyandu_id: int) -> figures.Member:
    return next(m for m in view.members if m.posyandu.id == posyandu_id)


async def test_a_report_saved_in_the_area_shows_on_the_next_request(db: Database) -> None:
    cache = AreaCache()
    area = await _area(db, KECAMATAN)
    before = await _view(db, area, cache)
    assert not _member(before, 1).reported
    await _save_november(db, 1)
    after = await _view(db, area, cache)
    assert _member(after, 1).reported
    assert after.summary.totals.opened == before.summary.totals.opened + 1
    assert after == await _view(db, area, None)
    # A correction of the same month, too (a new revision of a report already shown).
    await _save_november(db, 1, kader=9)
    corrected = await _view(db, area, cache)
    report = _member(corrected, 1).report
    assert report is not None and report.kader == 9
    assert corrected == await _view(db, area, None)


async def test_a_report_saved_elsewhere_reads_nothing_of_the_area_again(db: Database) -> None:
    cache = AreaCache()
    area = await _area(db, KECAMATAN)
    await _view(db, area, cache)
    (entry,) = cache._entries.values()
    await _save_november(db, 7)
    again = await _view(db, area, cache)
    (newer,) = cache._entries.values()
    assert newer.stored is entry.stored and newer.revision != entry.revision
    assert again == await _view(db, area, None)


async def test_a_posyandu_leaving_the_area_is_not_shown(db: Database) -> None:
    cache = AreaCache()
    area = await _area(db, KECAMATAN)
    assert len((await _view(db, area, cache)).members) == 6
    async with db.transaction() as tx:
        await tx.execute("UPDATE posyandu SET active = 0 WHERE id = 2")
    after = await _view(db, area, cache)
    assert sorted(m.posyandu.id for m in after.members) == [1, 3, 4, 5, 6]
    assert after == await _view(db, area, None)


async def test_many_saves_at_once_read_the_area_whole(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figures, "_PATCH_AT_MOST", 1)
    cache = AreaCache()
    area = await _area(db, KECAMATAN)
    await _view(db, area, cache)
    (entry,) = cache._entries.values()
    for posyandu_id in (1, 2, 3):
        await _save_november(db, posyandu_id)
    after = await _view(db, area, cache)
    (newer,) = cache._entries.values()
    assert newer.stored is not entry.stored
    assert sorted(m.posyandu.id for m in after.members if m.reported) == [1, 2, 3]
    assert after == await _view(db, area, None)


async def test_the_cache_keeps_the_last_areas_only(db: Database) -> None:
    cache = AreaCache(size=1)
    await _view(db, await _area(db, KECAMATAN), cache)
    await _view(db, await _area(db, 5), cache)
    assert len(cache._entries) == 1


async def test_two_instances_saving_at_once_miss_nothing(db: Database, target: Path | str) -> None:
    """One instance's save is open (its revision written, not committed) while a page is
    cached and another instance saves too: once both have committed, the next page shows
    both. (Every write holds the one write lock, so revision ids commit in order: see
    storage.reports.latest_revision.)"""
    cache = AreaCache()
    area = await _area(db, KECAMATAN)
    other = await Database.open(target)
    written, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.transaction() as tx:
            await _save_in(tx, 1)
            written.set()
            await release.wait()

    try:
        task = asyncio.create_task(first())
        await written.wait()
        second = asyncio.create_task(_save_november(other, 2))
        during = await _view(db, area, cache)
        assert not _member(during, 1).reported and not _member(during, 2).reported
        release.set()
        await asyncio.gather(task, second)
        after = await _view(db, area, cache)
        assert _member(after, 1).reported and _member(after, 2).reported
        assert after == await _view(db, area, None)
    finally:
        release.set()
        await other.close()
