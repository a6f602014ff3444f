"""Numbered migrations: from an empty file and from every earlier version to the latest; a
file from a newer program is refused and left byte-identical."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from storage import Database, DatabaseError, SchemaTooNewError
from storage.db import migrate, probe_version
from storage.migrations import MIGRATIONS, SCHEMA_VERSION


def build(path: Path, version: int, *, wal: bool = True) -> None:
    """A file at schema ``version`` as that release left it (with a little data)."""
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            conn.execute(statement)
    if version >= 1:
        conn.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) "
            "VALUES (1, '21', 'Kepri', 'provinsi', NULL, '/1/')"
        )
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_empty_file_migrates_to_latest(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    assert await migrate(path) == (0, SCHEMA_VERSION)
    assert await migrate(path) == (SCHEMA_VERSION, SCHEMA_VERSION)
    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert schema(path) == schema(fresh)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_each_earlier_version_migrates_to_latest(tmp_path: Path, version: int) -> None:
    old = tmp_path / f"v{version}.db"
    build(old, version)
    assert await probe_version(old) == version
    db = await Database.open(old)
    try:
        assert db.opened_version == version
        assert await db.schema_version() == SCHEMA_VERSION
        async with db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT code FROM areas"))
        assert [r[0] for r in rows] == ["21"]  # data survives
    finally:
        await db.close()
    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert schema(old) == schema(fresh)


def test_migrations_are_numbered_and_non_empty() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 3
    assert all(statements for statements in MIGRATIONS)


@pytest.mark.parametrize("wal", [False, True])
async def test_newer_file_is_refused_and_left_untouched(tmp_path: Path, wal: bool) -> None:
    path = tmp_path / "new.db"
    build(path, SCHEMA_VERSION, wal=wal)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError) as info:
        await Database.open(path)
    message = str(info.value)
    assert "schema version 7 is newer than this program supports" in message
    assert f"({SCHEMA_VERSION}); upgrade Posyandu Bot" in message
    assert info.value.found == 7
    with pytest.raises(SchemaTooNewError):
        await migrate(path)
    assert digest(path) == before


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not a database, just some text that is long enough" * 20)
    before = digest(path)
    with pytest.raises(DatabaseError, match=r"notes\.db"):
        await Database.open(path)
    assert digest(path) == before


async def test_without_migrate_an_old_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build(path, 1)
    with pytest.raises(DatabaseError, match="run 'posyandu migrate'"):
        await Database.open(path, migrate=False)
    assert await probe_version(path) == 1
