"""One migration history, two engines: the PostgreSQL schema has the same tables and columns
as SQLite's, and records the same schema version."""

from __future__ import annotations

from pathlib import Path

from storage import Database
from storage.migrations import SCHEMA_VERSION
from storage.postgres import placeholders


async def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    async with await Database.open(path) as db, db.read() as conn:
        tables = [
            r[0]
            for r in await conn.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            t: [r[1] for r in await conn.execute_fetchall(f"PRAGMA table_info({t})")]
            for t in tables
        }


async def _postgres_columns(url: str) -> dict[str, list[str]]:
    async with await Database.open(url) as db, db.read() as conn:
        assert await db.schema_version() == SCHEMA_VERSION
        rows = await conn.execute_fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'schema_version' "
            "ORDER BY table_name, ordinal_position"
        )
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


async def test_both_engines_have_the_same_tables_and_columns(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite = await _sqlite_columns(tmp_path / "p.db")
    postgres = await _postgres_columns(postgres_url)
    assert postgres == sqlite


async def test_opening_twice_migrates_once(postgres_url: str) -> None:
    async with await Database.open(postgres_url) as db:
        assert db.opened_version == 0
    async with await Database.open(postgres_url) as db:
        assert db.opened_version == SCHEMA_VERSION


def test_placeholders_outside_quotes_only() -> None:
    sql = "SELECT '?', \"a?\" FROM t WHERE a = ? AND b LIKE '%?%' AND c IN (?, ?)"
    assert placeholders(sql) == (
        "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b LIKE '%?%' AND c IN ($2, $3)"
    )
