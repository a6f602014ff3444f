"""Codes an operator types are matched whatever their case, in every command that takes one:
report, invite, schedule, export and reminders preview; two codes that differ only by case
are never guessed between."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import DESA_CODE, KECAMATAN_CODE, seed_demo
from scoring.schedule import Schedule
from storage import Database
from storage.areas import area_by_code
from storage.posyandu import posyandu_by_code, upsert_posyandu
from tests.pdf.test_pdf import text_of

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
#: The demo's kecamatan, given a code with letters (Kemendagri codes are digits only).
AREA = "Kec.BatuAji"

Run = tuple[int, str, str]


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "codes.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))

    async def make() -> None:
        async with await Database.open(path) as db:
            await seed_demo(db, NOW)
            async with db.transaction() as tx:
                await tx.execute("UPDATE areas SET code = ? WHERE code = ?", (AREA, KECAMATAN_CODE))

    asyncio.run(make())
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("posyandu", ["mwr01", "Mwr01", "MWR01"])
@pytest.mark.parametrize("area", ["kec.batuaji", "KEC.BATUAJI", AREA])
def test_report(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path, posyandu: str, area: str
) -> None:
    out = tmp_path / "m.pdf"
    assert (
        cli(capsys, "report", "--posyandu", posyandu, "--period", "2026-10", "-o", str(out))[0] == 0
    )
    assert "Laporan Bulanan Posyandu Mawar" in text_of(out.read_bytes())
    out = tmp_path / "a.pdf"
    assert cli(capsys, "report", "--area", area, "--period", "2026-10", "-o", str(out))[0] == 0
    assert "Ringkasan Kecamatan Batu Aji" in text_of(out.read_bytes())


def test_invite(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, err = cli(capsys, "invite", "--posyandu", "mwr01", "--role", "kader")
    assert code == 0 and out.strip() and "kader of posyandu MWR01 (Mawar)" in err
    code, out, err = cli(capsys, "invite", "--area", "kec.batuaji", "--role", "supervisor")
    assert code == 0 and out.strip() and f"supervisor of kecamatan {AREA} (Batu Aji)" in err


def test_schedule(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, err = cli(capsys, "schedule", "mwr01", "tanggal 15")
    assert code == 0, err
    assert out.startswith("MWR01 Mawar (Asia/Jakarta): hari buka set to ")


def test_export(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, _ = cli(capsys, "export", "--area", "kec.batuaji")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["posyandu_code"] for r in rows} == {
        "AGR03",
        "CMP06",
        "DHL05",
        "KNG04",
        "MLT02",
        "MWR01",
    }


def test_reminders_preview(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    span = ("--from", "2026-12-01", "--to", "2026-12-31", "--format", "json")
    code, out, err = cli(capsys, "reminders", "preview", "--posyandu", "mwr01", *span)
    assert code == 0, err
    assert {r["posyandu_code"] for r in json.loads(out)} == {"MWR01"}
    code, out, err = cli(capsys, "reminders", "preview", "--area", "kec.batuaji", *span)
    assert code == 0, err
    planned = json.loads(out)
    assert {r["posyandu_code"] for r in planned} >= {"MWR01", "MLT02"}
    assert AREA in {r["area_code"] for r in planned}


def test_codes_that_differ_only_by_case(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    """The code typed exactly wins; a third spelling of two such codes finds neither (exit 2,
    unknown), never a guess."""

    async def add_twin() -> None:
        async with await Database.open(db_path) as db, db.transaction() as tx:
            desa = await area_by_code(tx, DESA_CODE)
            assert desa is not None
            await upsert_posyandu(
                tx, "Mwr01", "Mawar Kembar", desa, "Asia/Jakarta", Schedule.parse("tanggal 3")
            )
            found = {c: await posyandu_by_code(tx, c) for c in ("MWR01", "Mwr01", "mwr01", "cmp06")}
            assert {c: p.code if p else None for c, p in found.items()} == {
                "MWR01": "MWR01",
                "Mwr01": "Mwr01",
                "mwr01": None,
                "cmp06": "CMP06",
            }

    asyncio.run(add_twin())
    code, out, err = cli(capsys, "schedule", "mwr01", "tanggal 15")
    assert (code, out) == (2, "") and "unknown posyandu mwr01" in err
    code, out, _ = cli(capsys, "schedule", "Mwr01", "tanggal 15")
    assert code == 0 and out.startswith("Mwr01 Mawar Kembar")
