"""The operator commands through ``bot.cli.main``, with POSYANDU_DB pointed at a temporary
file: migrate, backup, import, invite, export."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from scoring import REPORT_FIELDS, Period, assess
from scoring.fields import DERIVED_FIELDS, SERVICE_FIELDS
from storage import Database
from storage.areas import area_by_code
from storage.invitations import ALPHABET, invitation_by_code
from storage.migrations import SCHEMA_VERSION
from storage.posyandu import posyandu_by_code
from storage.report_columns import LATER_FIELDS
from storage.reports import save_report
from tests.clock import moment
from tests.storage.helpers import AREAS, POSYANDU, month

Run = tuple[int, str, str]


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "posyandu.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))
    monkeypatch.setenv("DB_BUSY_TIMEOUT_MS", "5000")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli(capsys, "import", "areas", write(tmp_path, "a.csv", AREAS))[0] == 0
    assert cli(capsys, "import", "posyandu", write(tmp_path, "p.csv", POSYANDU))[0] == 0


@pytest.mark.parametrize("command", ["migrate", "backup", "import", "invite", "export"])
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: posyandu {command}" in out and len(out) > 300


def test_import_subcommands_have_help(capsys: pytest.CaptureFixture[str]) -> None:
    for kind, column in (("areas", "parent_code"), ("posyandu", "desa_code")):
        with pytest.raises(SystemExit):
            main(["import", kind, "--help"])
        assert column in capsys.readouterr().out


def test_migrate(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, err = cli(capsys, "migrate")
    assert (code, out) == (0, "")
    assert f"migrated from schema version 0 to {SCHEMA_VERSION}" in err
    assert db_path.is_file()
    code, _, err = cli(capsys, "migrate")
    assert code == 0 and f"already at schema version {SCHEMA_VERSION}" in err


def test_migrate_refuses_a_newer_database(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert cli(capsys, "migrate")[0] == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    code, out, err = cli(capsys, "migrate")
    assert (code, out) == (2, "")  # a database this program cannot use: as a bad setting
    assert (
        f"schema version 99 is newer than this program supports ({SCHEMA_VERSION}); "
        "upgrade Posyandu Bot" in err
    )
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert cli(capsys, "invite", "--area", "21", "--role", "supervisor")[0] == 2


def test_import_good_files_twice(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    areas = write(tmp_path, "areas.csv", AREAS)
    assert cli(capsys, "import", "areas", areas) == (
        0,
        "",
        "areas: 5 added, 0 updated, 0 unchanged\n",
    )
    assert cli(capsys, "import", "areas", areas)[2] == "areas: 0 added, 0 updated, 5 unchanged\n"
    posyandu = write(tmp_path, "posyandu.csv", POSYANDU)
    assert cli(capsys, "import", "posyandu", posyandu)[2] == (
        "posyandu: 3 added, 0 updated, 0 unchanged\n"
    )


def test_import_bad_file_writes_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    bad = write(
        tmp_path,
        "bad.csv",
        AREAS + "21.72,Bintan,kota,99\n21,Kepri,provinsi,\n21.73,Karimun,kota,21\n",
    )
    code, out, err = cli(capsys, "import", "areas", bad)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{bad} line 7: unknown parent area 99",
        f"{bad} line 8: duplicate code 21 (first on line 3)",
        f"nothing was imported: 2 problems in {bad}",
    ]

    async def count() -> int:
        db = await Database.open(db_path)
        try:
            async with db.read() as conn:
                rows = list(await conn.execute_fetchall("SELECT count(*) FROM areas"))
                return int(rows[0][0])
        finally:
            await db.close()

    assert asyncio.run(count()) == 0
    code, _, err = cli(capsys, "import", "posyandu", write(tmp_path, "x.csv", "code,name\n"))
    assert code == 2 and "missing column(s) desa_code, timezone, schedule, active" in err
    code, _, err = cli(capsys, "import", "areas", str(tmp_path / "nope.csv"))
    assert code == 2 and "cannot read" in err and "nope.csv" in err


def test_invite(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    imported(capsys, tmp_path)
    before = moment()
    code, out, err = cli(capsys, "invite", "--posyandu", "P1", "--role", "kader", "--uses", "3")
    assert code == 0
    invite = out.strip()
    assert out == invite + "\n" and len(invite) == 8 and set(invite) <= set(ALPHABET)
    assert "kader of posyandu P1 (Mawar): 3 uses" in err
    code, out, err = cli(capsys, "invite", "--area", "21.71", "--role", "supervisor", "--days", "2")
    assert code == 0
    supervisor = out.strip()

    async def stored() -> None:
        db = await Database.open(db_path)
        try:
            async with db.read() as conn:
                kader = await invitation_by_code(conn, invite)
                sup = await invitation_by_code(conn, supervisor)
                p1 = await posyandu_by_code(conn, "P1")
                kota = await area_by_code(conn, "21.71")
        finally:
            await db.close()
        assert kader is not None and sup is not None and p1 is not None and kota is not None
        after = moment()
        assert (kader.role.value, kader.posyandu_id, kader.uses_left) == ("kader", p1.id, 3)
        assert before + timedelta(days=14) <= kader.expires_at <= after + timedelta(days=14)
        assert (sup.role.value, sup.area_id, sup.uses_left) == ("supervisor", kota.id, 1)
        assert before + timedelta(days=2) <= sup.expires_at <= after + timedelta(days=2)

    asyncio.run(stored())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--posyandu", "NOPE", "--role", "kader"], "unknown posyandu NOPE"),
        (["--area", "99", "--role", "supervisor"], "unknown area 99"),
        (["--area", "21", "--role", "kader"], "a kader invitation needs --posyandu CODE"),
        (["--posyandu", "P1", "--role", "supervisor"], "a supervisor invitation needs --area"),
        (["--posyandu", "P3", "--role", "kader"], "posyandu P3 is not active"),
    ],
)
def test_invite_bad_input(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    tmp_path: Path,
    argv: list[str],
    message: str,
) -> None:
    imported(capsys, tmp_path)
    code, out, err = cli(capsys, "invite", *argv)
    assert (code, out) == (2, "")
    assert message in err


def test_invite_bad_arguments(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    for argv in (
        ["invite", "--role", "kader"],
        ["invite", "--posyandu", "P1", "--area", "21", "--role", "kader"],
        ["invite", "--posyandu", "P1", "--role", "admin"],
        ["invite", "--posyandu", "P1", "--role", "kader", "--uses", "0"],
        ["invite", "--posyandu", "P1", "--role", "kader", "--days", "x"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert not db_path.exists()


def seed_reports(db_path: Path) -> list[Period]:
    """P1 reports every month of 2026; P2 only November, closed; P3 nothing."""
    periods = [Period(2026, m) for m in range(1, 13)]

    async def seed() -> None:
        db = await Database.open(db_path)
        at = datetime(2026, 12, 20, tzinfo=UTC)
        try:
            async with db.transaction() as tx:
                p1 = await posyandu_by_code(tx, "P1")
                p2 = await posyandu_by_code(tx, "P2")
                assert p1 is not None and p2 is not None
                for period in periods:
                    await save_report(tx, p1.id, month(period), by=None, at=at, channel="console")
                closed = month(Period(2026, 11), buka=False, t2=None, program_tambahan=None)
                await save_report(tx, p2.id, closed, by=None, at=at, channel="console")
        finally:
            await db.close()

    asyncio.run(seed())
    return periods


def test_export_csv(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    imported(capsys, tmp_path)
    periods = seed_reports(db_path)
    code, out, err = cli(capsys, "export")
    assert code == 0 and err == "exported 13 reports\n"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "posyandu_code",
        "posyandu_name",
        "desa_code",
        "period",
        *(name for name in REPORT_FIELDS if name not in LATER_FIELDS),
        "stratum",
        *SERVICE_FIELDS,
        "provisional",
        "months_known",
        *DERIVED_FIELDS,
    ]
    p1 = [r for r in rows if r["posyandu_code"] == "P1"]
    assert [r["period"] for r in p1] == [str(p) for p in periods]
    months = [month(p) for p in periods]
    # Over P1's known history (from its first report, January), as the PDFs give it: no
    # stratum for one or two known months, then provisional until the twelfth.
    found = [assess(months[: i + 1], p, since=periods[0]) for i, p in enumerate(periods)]
    expected = [a.stratum.value if a.stratum else "" for a in found]
    assert [r["stratum"] for r in p1] == expected
    assert expected[:2] == ["", ""] and expected[-1] == "mandiri"
    assert [r["months_known"] for r in p1] == [str(i) for i in range(1, 13)]
    assert [r["provisional"] for r in p1] == ["1"] * 11 + ["0"]
    first = p1[0]
    assert (first["posyandu_name"], first["desa_code"], first["buka"]) == (
        "Mawar",
        "21.71.01.1001",
        "1",
    )
    assert (first["s"], first["d"], first["program_tambahan"]) == ("48", "40", "BKB")
    p2 = [r for r in rows if r["posyandu_code"] == "P2"]
    assert len(p2) == 1
    assert (p2[0]["buka"], p2[0]["t2"], p2[0]["program_tambahan"], p2[0]["stratum"]) == (
        "0",
        "",
        "",
        "",  # one known month: no stratum yet
    )


def test_export_json_with_filters(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    imported(capsys, tmp_path)
    seed_reports(db_path)
    code, out, _ = cli(
        capsys,
        "export",
        "--format",
        "json",
        "--area",
        "21.71.01",
        "--from",
        "2026-10",
        "--to",
        "2026-11",
    )
    assert code == 0
    rows = json.loads(out)
    assert [(r["posyandu_code"], r["period"]) for r in rows] == [
        ("P1", "2026-10"),
        ("P1", "2026-11"),
        ("P2", "2026-11"),
    ]
    # The stratum counts the months before --from too: ten and eleven openings, over ten and
    # eleven known months (provisional); P2's one month gives none yet.
    assert [r["stratum"] for r in rows] == ["mandiri", "mandiri", None]
    assert [(r["provisional"], r["months_known"]) for r in rows] == [
        (True, 10),
        (True, 11),
        (True, 1),
    ]
    assert rows[0]["buka"] is True and rows[0]["program_tambahan"] == ["BKB"]
    assert rows[2]["t2"] is None and rows[2]["program_tambahan"] is None
    code, out, _ = cli(capsys, "export", "--format", "json", "--area", "21.71.01.1002")
    assert (code, json.loads(out)) == (0, [])


def test_export_bad_input(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert cli(capsys, "export", "--area", "99")[0:2] == (2, "")
    code, out, err = cli(capsys, "export", "--from", "2026-05", "--to", "2026-04")
    assert (code, out) == (2, "") and "--from 2026-05 is after --to 2026-04" in err
    with pytest.raises(SystemExit) as info:
        main(["export", "--from", "2026-13"])
    assert info.value.code == 2


def test_backup_while_a_writer_is_busy(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    imported(capsys, tmp_path)
    seed_reports(db_path)
    service = sqlite3.connect(db_path, isolation_level=None)
    service.execute("BEGIN IMMEDIATE")  # the service is in the middle of a write
    service.execute("DELETE FROM outbox")
    service.execute(
        "INSERT INTO inbound (channel, external_id, received_at) VALUES ('telegram', 'x', 'y')"
    )
    target = tmp_path / "backups" / "today.db"
    try:
        code, out, err = cli(capsys, "backup", str(target))
    finally:
        service.execute("ROLLBACK")
        service.close()
    assert (code, out) == (0, "")
    assert f"copied to {target}" in err and f"schema version {SCHEMA_VERSION}" in err
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM reports").fetchone()[0] == 13
        assert copy.execute("SELECT count(*) FROM inbound").fetchone()[0] == 0  # uncommitted
    finally:
        copy.close()
    assert not list(target.parent.glob(".*.part"))
    # Again over the same file: replaced.
    assert cli(capsys, "backup", str(target))[0] == 0


def test_backup_bad_input(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "backup", str(tmp_path / "b.db"))
    assert code == 2 and "no database at" in err
    assert cli(capsys, "migrate")[0] == 0
    code, _, err = cli(capsys, "backup", str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, _, err = cli(capsys, "backup", str(db_path))
    assert code == 2 and "is the database itself" in err
