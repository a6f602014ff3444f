"""Fixtures for the storage tests: a real database per test, on each engine, and a small
area tree.

A test that takes ``db`` (or ``world``) runs twice: on an SQLite file and on a fresh database
of the PostgreSQL test server (tests/conftest.py), with the same assertions. A test about
SQLite itself (pragmas, its files, its locks) is marked ``sqlite_only`` and runs once. The
PostgreSQL runs are ``slow`` (tests/fast_layer.py): the unit layer runs these tests on SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database
from tests.fast_layer import ENGINES
from tests.storage.helpers import World, seed_world


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("engine", ENGINES[:1] if only else ENGINES)


@pytest.fixture
async def db(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Database]:
    target: Path | str = tmp_path / "data" / "posyandu.db"
    if engine == "postgres":
        target = request.getfixturevalue("postgres_url")
    database = await Database.open(target)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def world(db: Database) -> World:
    return await seed_world(db)
