"""``posyandu import reports``: past months from a file, end to end through the real CLI on
real SQLite files. An export imports again unchanged (comma or semicolon), a bad file is
refused whole with every bad line named (exit 2, nothing written), importing again changes
nothing, and every month imported is a revision authored by the import."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.settings import Settings
from scoring import MonthReport, Period
from scoring.fields import DERIVED_FIELDS, SERVICE_FIELDS
from storage import Database
from storage.posyandu import known_histories, posyandu_by_code
from storage.report_columns import FILE_COLUMNS
from storage.reports import import_source, revisions, save_report
from tests.storage.helpers import month, seed_world

AT = datetime(2026, 11, 20, tzinfo=UTC)


def _history() -> list[tuple[str, object]]:
    """(posyandu code, month): 14 months of P1 with closed and unknown values and every kind of
    programme cell, three of P2, one of P3 (another time zone)."""
    out: list[tuple[str, object]] = []
    programmes = [("BKB", "TOGA"), (), None, ("=1+1", "-PAUD")]
    for i in range(14):
        period = Period(2025, 9).shift(i)
        if i in (3, 9):
            out.append(("P1", MonthReport(period, buka=False)))
        else:
            out.append(
                (
                    "P1",
                    month(
                        period,
                        kader=None if i == 5 else 6,
                        t2=None,
                        program_tambahan=programmes[i % 4],
                    ),
                )
            )
    out += [("P2", month(Period(2026, m), d=30 + m)) for m in (8, 9, 10)]
    # The service fields, a month served by home visits among them.
    out[-3] = ("P2", month(Period(2026, 8), d=38, cara="kunjungan_rumah", vit_a=40, rujukan=1))
    out[-2] = ("P2", month(Period(2026, 9), d=39, cara="posyandu", pmt=20, bumil_fe=3))
    out.append(("P3", month(Period(2026, 10))))
    return out


def make_db(path: Path | str, with_reports: bool) -> None:
    async def make() -> None:
        async with await Database.open(path) as db:
            world = await seed_world(db)
            if not with_reports:
                return
            ids = {p.code: p.id for p in world.posyandu}
            async with db.transaction() as tx:
                for code, report in _history():
                    await save_report(tx, ids[code], report, by=None, at=AT, channel="console")

    asyncio.run(make())


def cli(capsys: pytest.CaptureFixture[Any], db: Path, *argv: str) -> tuple[int, Any, str]:
    """``posyandu *argv`` on the database file ``db``: status, stdout, stderr."""
    os.environ["POSYANDU_DB"] = str(db)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err if isinstance(err, str) else err.decode()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Default settings (no .env), and POSYANDU_DB restored after each test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "unset.db"))
    for name in Settings.env_names():
        if name.upper() != "POSYANDU_DB":
            monkeypatch.delenv(name.upper(), raising=False)


def dump(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [
            *conn.execute("SELECT * FROM reports ORDER BY id"),
            *conn.execute("SELECT * FROM report_revisions ORDER BY id"),
        ]
    finally:
        conn.close()


def refused(
    capsys: pytest.CaptureFixture[str], db: Path, name: str, text: str
) -> list[str]:
    """``posyandu import reports NAME`` of ``text`` into ``db``, refused (exit 2, nothing on
    stdout, nothing written): the lines it said on stderr."""
    before = dump(db)
    (db.parent / name).write_text(text, "utf-8")
    code, out, err = cli(capsys, db, "import", "reports", name)
    assert (code, out) == (2, "")
    assert dump(db) == before
    lines: list[str] = err.splitlines()
    return lines


def test_an_export_imports_again_unchanged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    make_db(source, with_reports=True)
    make_db(target, with_reports=False)
    code, exported, _ = cli(capsys, source, "export")
    assert code == 0 and exported.count("\n") == 1 + len(_history())
    (tmp_path / "register.csv").write_text(exported, "utf-8")
    code, _, err = cli(capsys, target, "import", "reports", "register.csv", "--operator", "budi")
    assert code == 0, err
    assert err.strip() == f"reports: {len(_history())} added, 0 updated, 0 unchanged"
    code, again, _ = cli(capsys, target, "export")
    assert code == 0 and again == exported

    # The author of each month is the import: the operator and the file's name.
    async def authors() -> set[tuple[str, str] | None]:
        async with await Database.open(target) as db, db.read() as conn:
            ids = [r[0] for r in await conn.execute_fetchall("SELECT id FROM reports")]
            found = set()
            for report_id in ids:
                for rev in await revisions(conn, report_id):
                    assert rev.changed_by is None
                    found.add(import_source(rev.channel))
            return found

    assert asyncio.run(authors()) == {("budi", "register.csv")}


def test_a_semicolon_file_from_a_spreadsheet_imports(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    """``export --excel`` (';', BOM, CRLF: what a spreadsheet in an Indonesian locale saves)
    imports into an empty database, which then exports what the source exported."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    make_db(source, with_reports=True)
    make_db(target, with_reports=False)
    code, plain, _ = cli(capsysbinary, source, "export")
    code, excel, _ = cli(capsysbinary, source, "export", "--excel")
    assert excel.startswith("\ufeff".encode()) and b";" in excel.splitlines()[0]
    (tmp_path / "excel.csv").write_bytes(excel)
    code, _, err = cli(capsysbinary, target, "import", "reports", "excel.csv")
    assert code == 0, err
    code, again, _ = cli(capsysbinary, target, "export")
    assert again == plain


def test_importing_again_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    make_db(source, with_reports=True)
    code, exported, _ = cli(capsys, source, "export")
    (tmp_path / "same.csv").write_text(exported, "utf-8")
    before = dump(source)
    code, _, err = cli(capsys, source, "import", "reports", "same.csv")
    assert code == 0
    assert err.strip() == f"reports: 0 added, 0 updated, {len(_history())} unchanged"
    assert dump(source) == before  # no new revision, not even a changed time


def test_a_changed_month_is_a_new_revision(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    make_db(source, with_reports=True)
    _, exported, _ = cli(capsys, source, "export")
    lines = exported.splitlines()
    header = lines[0].split(",")
    p3 = next(i for i, line in enumerate(lines) if line.startswith("P3,"))
    cells = lines[p3].split(",")
    cells[header.index("kader")] = "9"
    lines[p3] = ",".join(cells)
    (tmp_path / "fix.csv").write_text("\n".join(lines) + "\n", "utf-8")
    code, _, err = cli(capsys, source, "import", "reports", "fix.csv", "--operator", "sari")
    assert code == 0 and "0 added, 1 updated" in err
    conn = sqlite3.connect(source)
    rows = list(
        conn.execute(
            "SELECT h.revision, h.channel FROM report_revisions h JOIN reports r ON r.id = "
            "h.report_id JOIN posyandu p ON p.id = r.posyandu_id WHERE p.code = 'P3' ORDER BY 1"
        )
    )
    conn.close()
    assert rows == [(1, "console"), (2, "import:sari:fix.csv")]


#: The columns of an export made before the service fields (the README's example too).
OLD_COLUMNS = FILE_COLUMNS[: FILE_COLUMNS.index("stratum") + 1]

BAD = ";".join(OLD_COLUMNS) + """
P1;Mawar;21.71.01.1001;2026-01;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P1;Mawar;21.71.01.1001;2026-02;1;6;48;45;40;44;1;0;6;4;80;50;12;1;120;60;BKB;
P9;Nowhere;21.71.01.1001;2026-02;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P2;Melati;21.71.01.1001;2026-13;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P2;Melati;21.71.01.1001;2026-03;1;6;48;45;40;30;1;0;9;12;80;50;12;1;120;60;BKB;
P2;Melati;21.71.01.1001;2026-04;ya;6;4x;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P2;Melati;21.71.01.1001;2026-05;0;6;;;;;;;;;;;;;;;;
P1;Mawar;21.71.01.1001;2026-01;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P3;Anggrek;21.71.01.1001;2026-06;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P3;Anggrek;21.71.02.1001;2999-01;1;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
P1;Mawar;21.71.01.1001;2026-06;;6;48;45;40;30;1;0;6;4;80;50;12;1;120;60;BKB;
"""


def test_a_bad_file_is_refused_whole_with_every_bad_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.db"
    make_db(db, with_reports=True)
    assert refused(capsys, db, "bad.csv", BAD) == [
        "bad.csv line 3: P1 2026-02: n: n (44) is greater than d (40) (rule n_le_d)",
        "bad.csv line 4: P9 2026-02: unknown posyandu P9 (import it first: posyandu import "
        "posyandu)",
        "bad.csv line 5: P2 2026-13: period: month must be 01-12, got 13",
        "bad.csv line 6: P2 2026-03: bumil_periksa: bumil_periksa (12) is greater than bumil (9) "
        "(rule bumil_periksa_le_bumil)",
        "bad.csv line 7: P2 2026-04: s: '4x' is not a whole number of 0 or more "
        "(rule whole_number)",
        "bad.csv line 8: P2 2026-05: buka is 0 (closed) but kader given: a closed month has no "
        "values",
        "bad.csv line 9: P1 2026-01: given twice (first on line 2)",
        "bad.csv line 10: P3 2026-06: desa_code 21.71.01.1001 is not the desa of posyandu P3 "
        "(21.71.02.1001)",
        "bad.csv line 11: P3 2999-01: period 2999-01 has not begun at posyandu P3",
        "bad.csv line 12: P1 2026-06: buka: '' must be 1 (opened) or 0 (closed)",
        "nothing was imported: 10 problems in bad.csv",
    ]


def test_imported_history_is_where_the_known_history_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.db"
    make_db(db, with_reports=False)
    rows = BAD.splitlines()[:2]
    (tmp_path / "one.csv").write_text("\n".join(rows) + "\n", "utf-8")
    code, _, err = cli(capsys, db, "import", "reports", "one.csv")
    assert code == 0, err

    async def since() -> Period | None:
        async with await Database.open(db) as d, d.read() as conn:
            p1 = await posyandu_by_code(conn, "P1")
            assert p1 is not None
            return (await known_histories(conn, [p1.id]))[p1.id].since

    assert asyncio.run(since()) == Period(2026, 1)


def _p3_row(exported: str) -> tuple[list[str], int]:
    lines = exported.splitlines()
    return lines, next(i for i, line in enumerate(lines) if line.startswith("P3,"))


#: The service columns' cells of a row, empty.
NO_SERVICES = "," * len(SERVICE_FIELDS)


def test_a_row_cut_short_stops_the_import_and_blanks_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file cut off in its last row (fewer fields than the header) used to blank the saved
    month's values it left out."""
    db = tmp_path / "db.db"
    make_db(db, with_reports=True)
    _, exported, _ = cli(capsys, db, "export")
    lines, p3 = _p3_row(exported)
    cut = ",".join(lines[p3].split(",")[:12])
    assert refused(capsys, db, "cut.csv", f"{lines[0]}\n{cut}") == [
        f"cut.csv line 2: 12 fields, the header has {len(FILE_COLUMNS)} (a row cut "
        "short? every row has every column, empty when unknown)",
        "nothing was imported: 1 problem in cut.csv",
    ]


UNCLOSED = (
    ",".join(FILE_COLUMNS)
    + """
P1,Mawar,21.71.01.1001,2026-01,1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB,
P1,"Mawar,21.71.01.1001,2026-02,1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB,
P1,Mawar,21.71.01.1001,2026-03,1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB,
P1,Mawar,21.71.01.1001,2026-04,1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB,
""".replace("BKB,\n", "BKB," + NO_SERVICES + "\n")
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quote never closed: the rest of the file would be one cell.
        (
            UNCLOSED,
            "line 3: broken quoting: a quote opened on this line is never closed (the rest of "
            "the file would be one cell)",
        ),
        # A quote never closed in a long file: the reader stops at its limit on a cell.
        (
            UNCLOSED + (UNCLOSED.splitlines()[-1].replace("2026-04", "2026-05") + "\n") * 2000,
            "line 3: broken quoting: a quote opened on this line is not closed within 131,072 "
            "characters (the rest of the file would be one cell)",
        ),
        # Closed rows later: those rows would be one cell of a row that looks whole.
        (
            UNCLOSED.replace("2026-03,1,6,48", '2026-03",1,6,48').replace(
                "1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB,\nP1,Mawar", "\nP1,Mawar", 1
            ),
            "line 3: broken quoting: a quoted cell runs from line 3 to line 4 (a closing "
            "quote missing?)",
        ),
        # Text after the closing quote.
        (
            UNCLOSED.replace('"Mawar,', '"Mawar" Indah,'),
            'line 3: broken quoting: text follows the closing quote of a cell (a quote inside '
            'a cell is written twice: "")',
        ),
    ],
)
def test_broken_quoting_stops_the_import_at_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, expected: str
) -> None:
    db = tmp_path / "db.db"
    make_db(db, with_reports=False)
    said = refused(capsys, db, "q.csv", text)
    assert f"q.csv {expected}" in said
    assert said[-1].startswith("nothing was imported")


def test_an_export_without_the_service_columns_imports_and_keeps_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An export made before the service columns (and the README's example) imports; a month
    already holding service values keeps them, and a changed count is a new revision."""
    db = tmp_path / "db.db"
    make_db(db, with_reports=True)
    _, exported, _ = cli(capsys, db, "export")
    header = exported.splitlines()[0].split(",")
    keep = [header.index(c) for c in OLD_COLUMNS]
    lines = [",".join(line.split(",")[i] for i in keep) for line in exported.splitlines()]
    august = "P2,Melati,21.71.01.1001,2026-08,"
    p2 = next(i for i, line in enumerate(lines) if line.startswith(august))
    cells = lines[p2].split(",")
    cells[OLD_COLUMNS.index("kader")] = "7"
    lines[p2] = ",".join(cells)
    (tmp_path / "old.csv").write_text("\n".join(lines) + "\n", "utf-8")
    code, _, err = cli(capsys, db, "import", "reports", "old.csv")
    assert code == 0, err
    assert err.strip() == f"reports: 0 added, 1 updated, {len(_history()) - 1} unchanged"
    conn = sqlite3.connect(db)
    found = conn.execute(
        "SELECT kader, cara, vit_a, rujukan FROM reports WHERE period = '2026-08' AND "
        "posyandu_id = (SELECT id FROM posyandu WHERE code = 'P2')"
    ).fetchone()
    conn.close()
    assert found == (7, "kunjungan_rumah", 40, 1)


README_EXAMPLE = """\
posyandu_code,posyandu_name,desa_code,period,buka,kader,s,k,d,n,bgm,t2,bumil,bumil_periksa,pus,kb_aktif,bayi,bayi_imunisasi,kk,kk_dana_sehat,program_tambahan,stratum
P1,Mawar,21.71.01.1001,2026-03,1,6,48,45,40,30,1,0,6,4,80,50,12,1,120,60,BKB; TOGA,
P1,Mawar,21.71.01.1001,2026-04,0,,,,,,,,,,,,,,,,,
"""


def test_the_readme_example_imports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "db.db"
    make_db(db, with_reports=False)
    (tmp_path / "register-2026.csv").write_text(README_EXAMPLE, "utf-8")
    code, _, err = cli(capsys, db, "import", "reports", "register-2026.csv")
    assert code == 0, err
    assert err.strip() == "reports: 2 added, 0 updated, 0 unchanged"


def test_control_characters_in_programme_names_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.db"
    make_db(db, with_reports=False)
    lines = README_EXAMPLE.replace("BKB; TOGA", "BKB; TO\x07GA").splitlines()
    lines[2] = lines[1].replace("2026-03", "2026-04").replace("BKB; TO\x07GA", '"BKB\nTOGA"')
    assert refused(capsys, db, "c.csv", "\n".join(lines) + "\n") == [
        "c.csv line 2: P1 2026-03: program_tambahan holds a control character (U+0007 at "
        "position 3): a name is plain text on one line",
        "c.csv line 3: broken quoting: a quoted cell runs from line 3 to line 4 (a closing "
        "quote missing?)",
        "nothing was imported: 2 problems in c.csv",
    ]


def test_bytes_that_are_not_utf8_are_named_by_their_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The file is decoded a block at a time, yet the line named is the one holding the bytes
    (here far past the first block); the good rows before it are not reported."""
    db = tmp_path / "db.db"
    make_db(db, with_reports=False)
    header, row = README_EXAMPLE.splitlines()[:2]
    body = [
        row.replace("P1", code).replace("2026-03", str(Period(2000, 1).shift(i)))
        for code in ("P1", "P2")
        for i in range(200)
    ]
    data = [line.encode() for line in (header, *body)]
    data[301] = data[301].replace(b"Mawar", b"Mawar K\xe9cil")  # cp1252, not UTF-8
    (tmp_path / "latin.csv").write_bytes(b"\n".join(data) + b"\n")
    before = dump(db)
    code, out, err = cli(capsys, db, "import", "reports", "latin.csv")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "latin.csv line 302: not UTF-8 text (save the CSV as UTF-8)",
        "nothing was imported: 1 problem in latin.csv",
    ]
    assert dump(db) == before


def test_an_export_made_before_provisional_and_months_known_imports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The export gained ``provisional`` and ``months_known`` after its other columns; a file
    exported before them (service columns and all; T, O and B, added later still, left out
    too) imports as well, to the same months."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    make_db(source, with_reports=True)
    make_db(target, with_reports=False)
    _, exported, _ = cli(capsys, source, "export")
    header = exported.splitlines()[0].split(",")
    assert header[-5:] == ["provisional", "months_known", *DERIVED_FIELDS]
    older = "".join(line.rsplit(",", 5)[0] + "\n" for line in exported.splitlines())
    (tmp_path / "older.csv").write_text(older, "utf-8")
    code, _, err = cli(capsys, target, "import", "reports", "older.csv")
    assert code == 0, err
    assert err.strip() == f"reports: {len(_history())} added, 0 updated, 0 unchanged"
    assert cli(capsys, target, "export")[1] == exported
