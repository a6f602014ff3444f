"""PDFs read back with pypdf: names, period, values, stratum and ratios are there; output is
byte-identical for the same data and clock; small; every posyandu of a large area listed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main
from bot.demo import seed_demo
from bot.documents import DocumentNotFound, render_document
from bot.pdf import render_posyandu_report
from bot.pdf.model import MonthlyReportData
from scoring import DEFAULT_SETTINGS, MonthReport, Period
from storage import Database
from storage.posyandu import posyandu_by_code
from storage.reports import save_report

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
NOV = Period(2026, 11)
REPORT = MonthReport(
    period=NOV,
    kader=6,
    s=52,
    k=50,
    d=44,
    n=35,
    bgm=1,
    t2=1,
    bumil=7,
    bumil_periksa=5,
    pus=110,
    kb_aktif=70,
    bayi=12,
    bayi_imunisasi=2,
    program_tambahan=("BKB", "PAUD"),
    kk=150,
    kk_dana_sehat=61,
)


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "pdf.db")
    await seed_demo(database, NOW)
    async with database.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        await save_report(tx, mawar.id, REPORT, by=1, at=NOW, channel="telegram")
    return database


async def test_monthly_report_reads_back(db: Database) -> None:
    doc = await render_document(
        db,
        "monthly_report",
        {"posyandu_code": "MWR01", "period": "2026-11"},
        NOW,
        DEFAULT_SETTINGS,
    )
    await db.close()
    assert doc.filename == "laporan-mwr01-2026-11.pdf"
    assert len(doc.content) < 100 * 1024
    text = text_of(doc.content)
    for expected in (
        "Posyandu Mawar",
        "November 2026",
        "Bukit Tempayan",
        "Batu Aji",
        "Kota Batam",
        "Bu Sari",
        "Telegram",
        "BKB, PAUD",
        "Strata:",
        "Posyandu Aktif",
        "Kode verifikasi R",
        "WIB",
    ):
        assert expected in text, expected
    for number in ("52", "50", "44", "35", "110", "70", "150", "61"):
        assert number in text
    # Ratios with their targets, and the words of the categories.
    assert "96%" in text and "85%" in text and "80%" in text
    assert "Tercapai" in text
    reader = PdfReader(io.BytesIO(doc.content))
    assert reader.metadata is not None
    assert reader.metadata.author == "Posyandu Bot"
    assert "Mawar" in (reader.metadata.title or "")
    assert 1 <= len(reader.pages) <= 2


async def test_same_data_same_clock_same_bytes(db: Database) -> None:
    params = {"posyandu_code": "MWR01", "period": "2026-11"}
    first = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    second = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    later = await render_document(
        db, "monthly_report", params, NOW.replace(hour=5), DEFAULT_SETTINGS
    )
    await db.close()
    assert first.content == second.content
    assert first.content != later.content


async def test_area_summary_reads_back(db: Database) -> None:
    doc = await render_document(
        db,
        "area_summary",
        {"area_code": "21.71.05", "period": "2026-11"},
        NOW,
        DEFAULT_SETTINGS,
    )
    await db.close()
    text = text_of(doc.content)
    assert "Kecamatan Batu Aji" in text
    assert "Sudah lapor: 1 dari 6" in text
    for name in ("Mawar", "Melati", "Anggrek", "Kenanga", "Dahlia", "Cempaka"):
        assert name in text
    assert "BELUM" in text and "Purnama + Mandiri" in text


async def test_unknown_or_empty_is_not_found(db: Database) -> None:
    with pytest.raises(DocumentNotFound):
        await render_document(
            db, "monthly_report", {"posyandu_code": "X", "period": "2026-11"}, NOW, DEFAULT_SETTINGS
        )
    with pytest.raises(DocumentNotFound):
        await render_document(
            db,
            "monthly_report",
            {"posyandu_code": "MWR01", "period": "2019-01"},
            NOW,
            DEFAULT_SETTINGS,
        )
    with pytest.raises(DocumentNotFound):
        await render_document(
            db, "area_summary", {"area_code": "99", "period": "2026-11"}, NOW, DEFAULT_SETTINGS
        )
    await db.close()


async def test_any_name_and_missing_values_render(db: Database) -> None:
    doc = await render_document(
        db,
        "monthly_report",
        {"posyandu_code": "MWR01", "period": "2026-11"},
        NOW,
        DEFAULT_SETTINGS,
    )
    await db.close()
    from bot.pdf.model import RatioLine

    base = _data_from(doc.content)
    odd = replace(
        base,
        posyandu="Posyandu \u011ciraffe \u201cMelati\u201d Nur\u2019aini",
        ratios=[RatioLine("D/S (partisipasi)", None, 0.85, None)],
        skdn={"S": None, "K": None, "D": None, "N": None},
    )
    text = text_of(render_posyandu_report(odd))
    assert "\u011ciraffe" in text and "\u201cMelati\u201d" in text
    assert "—" in text and "Belum bisa dihitung" in text


def _data_from(_content: bytes) -> MonthlyReportData:
    from bot.pdf.model import TrendPoint

    return MonthlyReportData(
        posyandu="Mawar",
        posyandu_code="MWR01",
        desa="Bukit Tempayan",
        kecamatan="Batu Aji",
        kabupaten="Kota Batam",
        period_label="November 2026",
        hari_buka="Kamis, 12 Nov 2026",
        reported_by="Bu Sari",
        reported_at="20-11-2026 10.00 WIB",
        channel="Telegram",
        buka=True,
        groups=[("Balita", [("S semua balita", "52")])],
        skdn={"S": 52, "K": 50, "D": 44, "N": 35},
        ratios=[],
        stratum="Purnama",
        aktif=True,
        limiting=["Cakupan dana sehat"],
        needs=["Cakupan dana sehat: 27% → 50%"],
        next_stratum="Mandiri",
        projected="Purnama",
        trend=[TrendPoint("Nov 26", None, 0.5)],
        generated_at=NOW,
        verification="R1-1",
    )


async def test_area_of_1500_posyandu_lists_every_one(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "big.db")
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(1, '99', 'Prov', 'provinsi', NULL, '/1/'), (2, '99.01', 'Kab Besar', "
            "'kabupaten', 1, '/1/2/'), (3, '99.01.01', 'Kec', 'kecamatan', 2, '/1/2/3/'), "
            "(4, '99.01.01.1001', 'Desa', 'desa', 3, '/1/2/3/4/')"
        )
        await tx.executemany(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
            "VALUES (?, ?, ?, 4, '/1/2/3/4/', 'Asia/Jakarta', 'day:12')",
            [(i, f"P{i:04d}", f"Pos{i:04d}") for i in range(1, 1501)],
        )
        await tx.executemany(
            "INSERT INTO reports (posyandu_id, period, buka, s, d, n, revision, submitted_at, "
            "channel) VALUES (?, '2026-11', 1, 40, ?, 10, 1, ?, 'import')",
            [(i, 10 + i % 30, NOW.isoformat()) for i in range(1, 1501, 2)],
        )
    doc = await render_document(
        database, "area_summary", {"area_code": "99.01", "period": "2026-11"}, NOW, DEFAULT_SETTINGS
    )
    await database.close()
    text = text_of(doc.content)
    assert "Sudah lapor: 750 dari 1500" in text
    missing = [i for i in range(1, 1501) if f"Pos{i:04d}" not in text]
    assert missing == []
    assert "Posyandu" in text.split("Pos0")[0]  # headings before the first row


def test_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    async def prepare() -> None:
        async with await Database.open(tmp_path / "cmd.db") as database:
            await seed_demo(database, NOW)

    asyncio.run(prepare())
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "cmd.db"))
    out = tmp_path / "r.pdf"
    assert main(["report", "--posyandu", "MWR01", "--period", "2026-10", "-o", str(out)]) == 0
    assert "Mawar" in text_of(out.read_bytes())
    assert (
        main(["report", "--area", "21.71.05", "--period", "2026-10", "-o", str(tmp_path / "a.pdf")])
        == 0
    )
    for args in (
        ["--posyandu", "NOPE", "--period", "2026-10"],
        ["--posyandu", "MWR01", "--period", "2019-01"],
        ["--posyandu", "MWR01", "--period", "2026-13"],
        ["--area", "00", "--period", "2026-10"],
    ):
        bad = tmp_path / "bad.pdf"
        assert main(["report", *args, "-o", str(bad)]) == 2
        assert not bad.exists()
    assert "no report written" in capsys.readouterr().err
