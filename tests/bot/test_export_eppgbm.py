"""``posyandu export weighings --format eppgbm-xlsx``: the per-child file for e-PPGBM through the
real command line on an SQLite file, read back with openpyxl: one row per weighing of the month
in the column map's columns (the built-in one, and one the operator gives), NIK and names text,
dates dates, weights numbers; only with --with-names, and audited; a column map that cannot be
used is refused naming its line."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.cli import main
from bot.eppgbm import ColumnMapError, load_columns, parse_columns
from bot.settings import Settings
from scoring.growth import Method, Sex
from storage import Database
from storage.children import Actor, NewChild, Weighing, add_child, audit_entries, record_weighing
from storage.cipher import RegisterCipher, new_key
from tests.clock import moment
from tests.storage.helpers import seed_world

KEY = new_key()
NIK = "3171010101250001"
#: Budi has a NIK and a name that starts like a formula; Sari neither, and no length.
BUDI = NewChild("+Budi Santoso", Sex.MALE, date(2025, 1, 10), "Siti Aminah", nik=NIK)
SARI = NewChild("Sari", Sex.FEMALE, date(2024, 6, 1), "Dewi")
WEIGHINGS = {
    "budi": [
        (date(2026, 10, 12), 10_000, 800, Method.LYING),
        (date(2026, 11, 12), 10_300, 812, Method.LYING),
    ],
    "sari": [(date(2026, 11, 13), 11_400, None, None)],
}
HEADINGS = [
    "NIK", "Nama Anak", "Jenis Kelamin", "Tanggal Lahir", "Nama Orang Tua",
    "Tanggal Pengukuran", "Berat Badan (kg)", "Tinggi Badan (cm)", "Cara Ukur", "Posyandu",
]  # fmt: skip


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
        monkeypatch.delenv(name.upper(), raising=False)
    url = str(tmp_path / "p.db")
    monkeypatch.setenv("POSYANDU_DB", url)
    monkeypatch.setenv("REGISTER_KEY", KEY)
    monkeypatch.setenv("REGISTER_NIK", "true")
    asyncio.run(_seed(url))
    return url


async def _seed(url: str) -> None:
    cipher = RegisterCipher(KEY)
    who = Actor(operator="test")
    async with await Database.open(url) as db:
        world = await seed_world(db)
        async with db.transaction() as tx:
            p1 = world.posyandu[0].id
            for key, child in (("budi", BUDI), ("sari", SARI)):
                child_id = await add_child(tx, cipher, p1, child, consent_by=who, at=moment())
                for day, grams, mm, how in WEIGHINGS[key]:
                    await record_weighing(tx, Weighing(child_id, day, grams, mm, how), at=moment())


def _sheet(path: Path) -> Worksheet:
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    assert isinstance(ws, Worksheet)
    return ws


def _export(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "eppgbm.xlsx"
    argv = ["export", "weighings", "--format", "eppgbm-xlsx", "--period", "2026-11"]
    return main([*argv, "--posyandu", "P1", *extra, "-o", str(out)]), out


async def _audit(url: str) -> list[str]:
    async with await Database.open(url) as db, db.read() as conn:
        return [e.action for e in await audit_entries(conn) if e.action.startswith("children.")]


def test_one_row_per_weighing_of_the_month(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = asyncio.run(_audit(target))
    code, out = _export(tmp_path, "--with-names", "--operator", "bidan")
    assert code == 0
    assert capsys.readouterr().err == "exported 2 weighings\n"
    ws = _sheet(out)
    assert [c.value for c in ws[1]] == HEADINGS
    assert ws.freeze_panes == "A2"
    assert (ws.column_dimensions["A"].width or 0) >= len(NIK)  # the NIK shown whole
    budi, sari = ([c.value for c in row] for row in ws.iter_rows(min_row=2))
    assert ws.max_row == 3
    assert budi[:3] == [NIK, "+Budi Santoso", "L"]
    assert ws["A2"].data_type == "s" and ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert budi[3].date() == date(2025, 1, 10) and budi[5].date() == date(2026, 11, 12)
    assert ws["D2"].is_date and ws["F2"].is_date
    assert budi[4] == "Siti Aminah"
    assert Decimal(str(budi[6])) == Decimal("10.3") and Decimal(str(budi[7])) == Decimal("81.2")
    assert ws["G2"].data_type == "n" and budi[8] == "Telentang"
    assert budi[9] == "Mawar"
    assert sari[:3] == [None, "Sari", "P"] and sari[7] is None and sari[8] is None
    # One audit row for the names shown (children.export).
    assert asyncio.run(_audit(target))[len(before) :] == ["children.export"]


def test_a_column_map_of_the_operator(
    tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = tmp_path / "kolom.csv"
    columns.write_text(
        "# puskesmas Batu Aji\nheading,source,words\nNama,name\nJK,sex,L=Laki-laki;P=Perempuan\n"
        "BB,weight_kg\n",
        "utf-8",
    )
    monkeypatch.setenv("EPPGBM_COLUMNS", str(columns))
    code, out = _export(tmp_path, "--with-names")
    assert code == 0
    rows = [[c.value for c in r] for r in _sheet(out).iter_rows()]
    assert rows[0] == ["Nama", "JK", "BB"]
    assert [r[1] for r in rows[1:]] == ["Laki-laki", "Perempuan"]


def test_names_only_with_names(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = asyncio.run(_audit(target))
    code, out = _export(tmp_path)
    assert code == 2 and not out.exists()
    assert "--with-names" in capsys.readouterr().err
    assert asyncio.run(_audit(target)) == before


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("heading,source\nNama,name\nNama,mother_name\n", "line 3"),
        ("heading,source\nNama,nama_anak\n", "line 2"),
        ("heading,source,words\nJK,sex,X=Laki\n", "line 2"),
        ("nama,sumber\n", "first line"),
    ],
)
def test_a_column_map_that_cannot_be_used_is_named(text: str, line: str) -> None:
    with pytest.raises(ColumnMapError, match=line):
        parse_columns(text)


def test_the_built_in_map_has_what_e_ppgbm_asks() -> None:
    sources = [c.source for c in load_columns()]
    for wanted in ("nik", "name", "sex", "birth_date", "mother_name", "date", "weight_kg"):
        assert wanted in sources
    assert "height_cm" in sources and "measured" in sources
