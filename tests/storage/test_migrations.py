"""Numbered migrations: from an empty file and from every earlier version to the latest; a
file from a newer program is refused and left byte-identical."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scoring import COUNT_FIELDS, MonthReport, Period
from scoring.fields import fields_added_by
from storage import Database, DatabaseError, SchemaTooNewError, migrations
from storage.db import migrate, probe_version
from storage.messages import Outgoing, Text
from storage.migrations import MIGRATIONS, RESERVED, SCHEMA_VERSION
from storage.outbox import append as outbox_append
from storage.reports import get_report, revisions, save_report
from tests.storage.helpers import T0

#: (period, revisions: each the values of that revision). Revision 1 is the insert.
HISTORY: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = (
    ("2026-09", ({"s": 40, "d": 30, "n": 20, "program_tambahan": ["BKB"]},)),
    (
        "2026-10",
        (
            {"s": 40, "d": 30, "n": 21},
            {"s": 40, "d": 30, "n": 25},
            {"s": 41, "d": 33, "n": 25, "program_tambahan": ["BKB", "PAUD"]},
        ),
    ),
    ("2026-11", ({"buka": False},)),
)


def _counts(version: int = SCHEMA_VERSION) -> tuple[str, ...]:
    """The count columns of schema ``version`` (the service fields came with version 4)."""
    return tuple(f.id for f in fields_added_by(version) if f.id in COUNT_FIELDS)


def _columns(version: int) -> tuple[str, ...]:
    return ("buka", *_counts(version), "program_tambahan")


def _full(values: dict[str, Any], version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """Every value of a revision as the history of ``version`` stores it (absent counts
    unknown); read back through the API, every field of the registry is there (a field a
    revision predates is unknown)."""
    fields = (f.id for f in fields_added_by(version) if f.id != "buka")
    return {"buka": values.get("buka", True)} | {c: values.get(c) for c in fields}


def _row(values: dict[str, Any], version: int) -> list[object]:
    full = _full(values, version)
    programme = full["program_tambahan"]
    return [
        int(full["buka"]),
        *(full[c] for c in _counts(version)),
        None if programme is None else json.dumps(programme),
    ]


def _write_history(conn: sqlite3.Connection, version: int) -> None:
    """Reports with their revisions, written as the release of ``version`` wrote them: up to
    version 2 the program inserted each revision row itself (``json.dumps`` of
    ``MonthReport.values()``); from version 3 the schema's triggers do."""
    columns = _columns(version)
    marks = ", ".join("?" * len(columns))
    for report_id, (period, history) in enumerate(HISTORY, start=1):
        for number, values in enumerate(history, start=1):
            at = f"2026-{8 + report_id:02d}-{10 + number:02d}T03:00:00.000000+00:00"
            channel = "telegram" if number % 2 else "whatsapp"
            if number == 1:
                conn.execute(
                    f"INSERT INTO reports (id, posyandu_id, period, {', '.join(columns)}, "
                    f"revision, submitted_by, submitted_at, channel) "
                    f"VALUES (?, 1, ?, {marks}, 1, 1, ?, ?)",
                    (report_id, period, *_row(values, version), at, channel),
                )
            else:
                sets = ", ".join(f"{c} = ?" for c in columns)
                conn.execute(
                    f"UPDATE reports SET {sets}, revision = ?, submitted_by = 1, "
                    "submitted_at = ?, channel = ? WHERE id = ?",
                    (*_row(values, version), number, at, channel, report_id),
                )
            if version < 3:
                before = history[number - 2] if number > 1 else None
                old = (
                    None
                    if before is None
                    else json.dumps(_full(before, version), ensure_ascii=False)
                )
                conn.execute(
                    "INSERT INTO report_revisions "
                    "(report_id, revision, changed_by, changed_at, channel, old, new) "
                    "VALUES (?, ?, 1, ?, ?, ?, ?)",
                    (
                        report_id,
                        number,
                        at,
                        channel,
                        old,
                        json.dumps(_full(values, version), ensure_ascii=False),
                    ),
                )


def build(path: Path, version: int, *, wal: bool = True) -> None:
    """A file at schema ``version`` as that release left it: an area tree, a posyandu, a
    kader, and reports with their revisions (:data:`HISTORY`)."""
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            conn.execute(statement)
    if version >= 1:
        conn.execute("BEGIN")
        for row in (
            (1, "21", "Kepri", "provinsi", None, "/1/"),
            (2, "21.71", "Kota Batam", "kabupaten", 1, "/1/2/"),
            (3, "21.71.01", "Batu Ampar", "kecamatan", 2, "/1/2/3/"),
            (4, "21.71.01.1001", "Seraya", "desa", 3, "/1/2/3/4/"),
        ):
            conn.execute(
                "INSERT INTO areas (id, code, name, level, parent_id, path) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
        conn.execute(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
            "VALUES (1, 'P1', 'Mawar', 4, '/1/2/3/4/', 'Asia/Jakarta', 'tanggal 12')"
        )
        conn.execute(
            "INSERT INTO people (id, name, role, posyandu_id, created_at) "
            "VALUES (1, 'Sari', 'kader', 1, '2026-01-01T00:00:00.000000+00:00')"
        )
        _write_history(conn, version)
        conn.execute("COMMIT")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def dump(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY id"))
    finally:
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
    reports_before, revisions_before = dump(old, "reports"), dump(old, "report_revisions")
    assert len(reports_before) == len(HISTORY)
    assert len(revisions_before) == sum(len(r) for _p, r in HISTORY)
    assert await probe_version(old) == version
    db = await Database.open(old)
    try:
        assert db.opened_version == version
        assert await db.schema_version() == SCHEMA_VERSION
        async with db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT code FROM areas ORDER BY id"))
            assert [r[0] for r in rows] == ["21", "21.71", "21.71.01", "21.71.01.1001"]
            # Every report and every revision carried across, as read through the API.
            for report_id, (period, history) in enumerate(HISTORY, start=1):
                stored = await get_report(conn, 1, Period.parse(period))
                assert stored is not None and stored.id == report_id
                assert stored.revision == len(history)
                assert stored.report.values() == _full(history[-1])
                found = await revisions(conn, report_id)
                assert [r.revision for r in found] == list(range(1, len(history) + 1))
                assert [r.new for r in found] == [_full(v) for v in history]
                assert [r.old for r in found] == [None] + [_full(v) for v in history[:-1]]
        # The carried history goes on under the latest schema: the next change of an old
        # report gets the next revision, with the old revision as its "before".
        changed = _full(HISTORY[1][1][-1]) | {"n": 26}
        async with db.transaction() as tx:
            saved = await save_report(
                tx,
                1,
                MonthReport(period=Period(2026, 10)).with_values(**changed),
                by=1,
                at=datetime(2026, 12, 1, tzinfo=UTC),
                channel="telegram",
            )
        assert (saved.revision, saved.changed) == (4, True)
        assert saved.previous is not None
        assert saved.previous.report.values() == _full(HISTORY[1][1][-1])
        async with db.read() as conn:
            found = await revisions(conn, 2)
        assert [r.revision for r in found] == [1, 2, 3, 4]
        assert found[-1].old == _full(HISTORY[1][1][-1]) and found[-1].new == changed
        # ... and the old revision rows are as append-only as new ones.
        for statement in (
            "UPDATE report_revisions SET new = '{}' WHERE report_id = 1",
            "DELETE FROM report_revisions WHERE report_id = 1",
            "UPDATE reports SET n = 1 WHERE id = 1",  # no update without a new revision
        ):
            with pytest.raises(sqlite3.IntegrityError):
                async with db.transaction() as tx:
                    await tx.execute(statement)
    finally:
        await db.close()
    # The row as it was; the columns schema 4 added (the service fields) unknown.
    after = dump(old, "reports")[0]
    assert after[: len(reports_before[0])] == reports_before[0]
    assert set(after[len(reports_before[0]) :]) <= {None}
    assert dump(old, "report_revisions")[: len(revisions_before)] == revisions_before
    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert schema(old) == schema(fresh)


async def test_t_o_b_columns_join_the_reports_and_their_history(tmp_path: Path) -> None:
    """The migration that adds T, O and B (``_REPORT_TOB``, wherever it is numbered): the
    columns come unknown on every stored month, and the revision triggers made again record
    them."""
    number = MIGRATIONS.index(migrations._REPORT_TOB) + 1
    old = tmp_path / "before.db"
    build(old, number - 1)
    db = await Database.open(old)
    try:
        async with db.read() as conn:
            stored = await get_report(conn, 1, Period(2026, 10))
        assert stored is not None
        assert (stored.report.t, stored.report.o, stored.report.b) == (None, None, None)
        changed = stored.report.with_values(t=3, o=2, b=1)
        async with db.transaction() as tx:
            at = datetime(2026, 12, 1, tzinfo=UTC)
            await save_report(tx, 1, changed, by=1, at=at, channel="telegram")
        async with db.read() as conn:
            last = (await revisions(conn, stored.id))[-1]
        assert last.old is not None and (last.old["t"], last.old["o"], last.old["b"]) == (
            None,
            None,
            None,
        )
        assert (last.new["t"], last.new["o"], last.new["b"]) == (3, 2, 1)
    finally:
        await db.close()


def test_old_history_rows_are_what_the_triggers_write(tmp_path: Path) -> None:
    """The history the builder writes for versions before the triggers has the shape the
    triggers give it (so the migration tests carry realistic rows)."""

    def parsed(path: Path) -> list[tuple[object, ...]]:
        return [
            (*row[:6], None if row[6] is None else json.loads(str(row[6])), json.loads(str(row[7])))
            for row in dump(path, "report_revisions")
        ]

    build(tmp_path / "v2.db", 2)
    build(tmp_path / "v3.db", 3)
    assert parsed(tmp_path / "v2.db") == parsed(tmp_path / "v3.db")
    assert dump(tmp_path / "v2.db", "reports") == dump(tmp_path / "v3.db", "reports")


def test_migrations_are_numbered_and_non_empty() -> None:
    """Every migration does something, but one whose number is kept for another change."""
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 3
    assert all(statements for n, statements in enumerate(MIGRATIONS, 1) if n not in RESERVED)
    assert all(not MIGRATIONS[n - 1] for n in RESERVED)


async def test_registration_month_is_filled_from_what_the_database_shows(tmp_path: Path) -> None:
    """Migration 5: an existing posyandu is registered in the earliest month it was seen in
    use (a report, an invitation, a kader joining); one never seen, NULL (not known)."""
    old = tmp_path / "v3.db"
    build(old, 3)
    conn = sqlite3.connect(old)
    conn.execute(
        "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
        "VALUES (2, 'P2', 'Melati', 4, '/1/2/3/4/', 'Asia/Jakarta', 'tanggal 12')"
    )
    conn.commit()
    conn.close()
    await (await Database.open(old)).close()
    conn = sqlite3.connect(old)
    rows = list(conn.execute("SELECT code, registered FROM posyandu ORDER BY id"))
    conn.close()
    # P1: reports from 2026-09, its kader joined in 2026-01.
    assert rows == [("P1", "2026-01"), ("P2", None)]


@pytest.mark.parametrize("wal", [False, True])
async def test_newer_file_is_refused_and_left_untouched(tmp_path: Path, wal: bool) -> None:
    path = tmp_path / "new.db"
    build(path, SCHEMA_VERSION, wal=wal)
    conn = sqlite3.connect(path)
    newer = SCHEMA_VERSION + 1
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError) as info:
        await Database.open(path)
    message = str(info.value)
    assert f"schema version {newer} is newer than this program supports" in message
    assert f"({SCHEMA_VERSION}); upgrade Posyandu Bot" in message
    assert info.value.found == newer
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


async def test_outbox_rows_carry_across_the_table_made_again(tmp_path: Path) -> None:
    """Migration 8 makes SQLite's outbox again (a new status in its CHECK): every row keeps
    its id and values, is neither supersedable nor superseded, and new ids follow the old."""
    old = tmp_path / "v7.db"
    build(old, 7)
    conn = sqlite3.connect(old, isolation_level=None)
    at = "2026-11-01T03:00:00.000000+00:00"
    for row_id, status in ((3, "sent"), (9, "pending"), (12, "sending")):
        conn.execute(
            "INSERT INTO outbox (id, channel, address, payload, dedupe_key, status, attempts, "
            "next_attempt_at, last_error, created_at, updated_at) "
            'VALUES (?, \'telegram\', \'42\', \'{"type": "text", "body": "x"}\', ?, ?, 1, '
            "?, 'e', ?, ?)",
            (row_id, f"k{row_id}", status, at, at, at),
        )
    conn.close()
    before = dump(old, "outbox")
    db = await Database.open(old)
    try:
        async with db.transaction() as tx:
            added = await outbox_append(tx, Outgoing("telegram", "42", Text("y"), "new"), T0)
            await tx.execute("UPDATE outbox SET status = 'superseded' WHERE id = 9")
    finally:
        await db.close()
    after = dump(old, "outbox")
    assert [r[: len(before[0])] for r in after[:3]] == [
        b if b[0] != 9 else (*b[:5], "superseded", *b[6:]) for b in before
    ]
    assert [r[len(before[0]) :] for r in after] == [(0, None)] * 4
    assert added == 13
    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert schema(old) == schema(fresh)
