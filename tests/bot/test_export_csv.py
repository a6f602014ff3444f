"""``posyandu export`` is safe to open in a spreadsheet: the classic CSV-injection payloads
as posyandu names come out as text (a single quote first, quoted), numbers stay numbers, the
programmes are names joined by "; ", and --excel writes what an Indonesian-locale Excel or
LibreOffice opens directly (';', UTF-8 with BOM, CRLF)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from scoring import REPORT_FIELDS, Period
from scoring.fields import DERIVED_FIELDS, SERVICE_FIELDS
from scoring.schedule import Schedule
from storage import Database
from storage.areas import area_by_code
from storage.posyandu import upsert_posyandu
from storage.report_columns import LATER_FIELDS
from storage.reports import save_report
from tests.storage.helpers import month, seed_world

#: OWASP's classic payloads, each the name of a posyandu.
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
)
OCT = Period(2026, 10)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """P1..P3 of the test world, plus X1..X4 named after the payloads; each X reports
    October 2026 (X1 with the programmes BKB and TOGA, X2 none, X3 unknown)."""
    path = tmp_path / "export.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))

    async def make() -> None:
        async with await Database.open(path) as db:
            await seed_world(db)
            at = datetime(2026, 11, 2, tzinfo=UTC)
            async with db.transaction() as tx:
                desa = await area_by_code(tx, "21.71.01.1001")
                assert desa is not None
                programmes: list[tuple[str, ...] | None] = [("BKB", "TOGA"), (), None, ("=1+1",)]
                for i, name in enumerate(PAYLOADS, start=1):
                    p = await upsert_posyandu(
                        tx, f"X{i}", name, desa, "Asia/Jakarta", Schedule.parse("tanggal 12")
                    )
                    report = month(OCT, program_tambahan=programmes[i - 1])
                    await save_report(tx, p.id, report, by=None, at=at, channel="console")

    asyncio.run(make())
    return path


def export(capsys: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err.decode()


def test_payloads_come_out_as_text(
    capsysbinary: pytest.CaptureFixture[bytes], db_path: Path
) -> None:
    code, out, _ = export(capsysbinary, "--area", "21.71.01.1001")
    assert code == 0
    text = out.decode()
    lines = text.splitlines()
    # Each payload quoted, after a single quote: never a cell that begins with = + - @.
    for i, payload in enumerate(PAYLOADS, start=1):
        quoted = '"' + ("'" + payload).replace('"', '""') + '"'
        line = next(x for x in lines if x.startswith(f"X{i},"))
        assert line.startswith(f"X{i},{quoted},21.71.01.1001,2026-10,1,6,48,45,40,"), line
    rows = {r["posyandu_code"]: r for r in csv.DictReader(io.StringIO(text))}
    for i, payload in enumerate(PAYLOADS, start=1):
        row = rows[f"X{i}"]
        assert row["posyandu_name"] == "'" + payload
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        # Counts are numbers, unquoted and unprefixed.
        assert (row["s"], row["d"], row["kader"]) == ("48", "40", "6")
    # Programmes: names joined by "; "; none; unknown empty; a formula-like name neutralised.
    assert [rows[f"X{i}"]["program_tambahan"] for i in range(1, 5)] == [
        "BKB; TOGA",
        "none",
        "",
        "'=1+1",
    ]


def test_json_keeps_lists_and_raw_names(
    capsysbinary: pytest.CaptureFixture[bytes], db_path: Path
) -> None:
    code, out, _ = export(capsysbinary, "--format", "json", "--area", "21.71.01.1001")
    assert code == 0
    rows = {r["posyandu_code"]: r for r in json.loads(out)}
    assert [rows[f"X{i}"]["posyandu_name"] for i in range(1, 5)] == list(PAYLOADS)
    assert [rows[f"X{i}"]["program_tambahan"] for i in range(1, 5)] == [
        ["BKB", "TOGA"],
        [],
        None,
        ["=1+1"],
    ]


def test_excel(capsysbinary: pytest.CaptureFixture[bytes], db_path: Path) -> None:
    code, out, err = export(capsysbinary, "--excel", "--area", "21.71.01.1001")
    assert code == 0 and err == "exported 4 reports\n"
    assert out.startswith(b"\xef\xbb\xbfposyandu_code;posyandu_name;desa_code;period;")
    assert (
        out.endswith(b"\r\n") and out.count(b"\r\n") == 5 and b"\n" not in out.replace(b"\r\n", b"")
    )
    text = out[3:].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert list(rows[0]) == [
        "posyandu_code",
        "posyandu_name",
        "desa_code",
        "period",
        *(name for name in REPORT_FIELDS if name not in LATER_FIELDS),
        "stratum",
        *SERVICE_FIELDS,  # every one, asked or not: a file re-imports unchanged
        "provisional",
        "months_known",
        *DERIVED_FIELDS,  # T, O, B: added last, every earlier column keeps its place
    ]
    by_code = {r["posyandu_code"]: r for r in rows}
    assert by_code["X1"]["program_tambahan"] == "BKB; TOGA"  # quoted: it holds the ';'
    assert '"BKB; TOGA"' in text
    assert by_code["X2"]["posyandu_name"] == "'" + PAYLOADS[1]
    # --delimiter alone: the separator only; UTF-8 with no BOM, LF.
    code, out, _ = export(capsysbinary, "--delimiter", ";", "--area", "21.71.01.1001")
    assert code == 0 and out.startswith(b"posyandu_code;posyandu_name;") and b"\r" not in out


def test_excel_is_for_csv_only(capsysbinary: pytest.CaptureFixture[bytes], db_path: Path) -> None:
    for argv in (["--format", "json", "--excel"], ["--format", "json", "--delimiter", ";"]):
        code, out, err = export(capsysbinary, *argv)
        assert (code, out) == (2, b"") and "apply to --format csv only" in err
