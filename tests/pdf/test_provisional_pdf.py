"""PDFs over a short known history, read back with pypdf: "Strata sementara (4 bulan data):
PURNAMA", "belum cukup data", "belum ada data" for a posyandu without any report, and a
posyandu registered after the month left out of that month's summary (it owed nothing)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from bot.commands.export import area_csv
from bot.documents import render_document
from bot.settings import Settings
from scoring import DEFAULT_SETTINGS, Period
from scoring.schedule import Schedule
from storage import Database
from storage.areas import area_by_code
from storage.posyandu import upsert_posyandu
from storage.reports import import_channel, save_report
from tests.storage.helpers import month, seed_world

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
AT = datetime(2026, 11, 2, tzinfo=UTC)


def text_of(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def _seed(path: Path) -> Database:
    """In desa 21.71.01.1001: P1 reported Aug-Nov 2026 (4 months, each opened), P2 only
    Oct-Nov (2 months), NEW registered in November with no report, OLD never reported and its
    registration not known."""
    db = await Database.open(path)
    world = await seed_world(db)
    p1, p2, _p3 = world.posyandu
    async with db.transaction() as tx:
        for m in (8, 9, 10, 11):
            report = month(Period(2026, m), bayi_imunisasi=3, kk_dana_sehat=30)
            channel = import_channel("budi", "register.csv") if m < 11 else "console"
            await save_report(tx, p1.id, report, by=None, at=AT, channel=channel)
        for m in (10, 11):
            await save_report(tx, p2.id, month(Period(2026, m)), by=None, at=AT, channel="console")
        desa = await area_by_code(tx, "21.71.01.1001")
        assert desa is not None
        tanggal = Schedule.parse("tanggal 12")
        await upsert_posyandu(
            tx, "NEW", "Kenanga", desa, "Asia/Jakarta", tanggal, registered=Period(2026, 11)
        )
        await upsert_posyandu(tx, "OLD", "Dahlia", desa, "Asia/Jakarta", tanggal)
    return db


async def test_monthly_report_says_provisional_and_too_few(tmp_path: Path) -> None:
    db = await _seed(tmp_path / "db.db")
    try:
        four = await render_document(
            db,
            "monthly_report",
            {"posyandu_code": "P1", "period": "2026-11"},
            NOW,
            DEFAULT_SETTINGS,
        )
        two = await render_document(
            db,
            "monthly_report",
            {"posyandu_code": "P2", "period": "2026-11"},
            NOW,
            DEFAULT_SETTINGS,
        )
    finally:
        await db.close()
    text = " ".join(text_of(four.content).split())
    assert "Strata sementara (4 bulan data): PURNAMA" in text
    october = " ".join(text_of(await _render_p1_october(tmp_path)).split())
    # Who imported it, from which file, when; never "Dilaporkan oleh —" nor a "(—)" to sign.
    assert "Diimpor oleh budi dari register.csv, 2 Nov 2026" in october
    assert "Dilaporkan oleh" not in october and "(—)" not in october
    assert october.count("(nama jelas)") == 2  # the kader's and the bidan's, written by hand
    text = " ".join(text_of(two.content).split())
    assert "Strata: belum cukup data (2 bulan data)" in text
    assert "Sudah strata tertinggi" not in text
    assert "Perkiraan strata akhir tahun: belum cukup data" not in text  # December: 3 months


async def test_area_summary_words_each_posyandu_by_its_history(tmp_path: Path) -> None:
    db = await _seed(tmp_path / "db.db")
    try:
        nov = await render_document(
            db,
            "area_summary",
            {"area_code": "21.71.01", "period": "2026-11"},
            NOW,
            DEFAULT_SETTINGS,
        )
        oct_ = await render_document(
            db,
            "area_summary",
            {"area_code": "21.71.01", "period": "2026-10"},
            NOW,
            DEFAULT_SETTINGS,
        )
    finally:
        await db.close()
    text = text_of(nov.content)
    flat = " ".join(text.split())
    # P1: provisional Purnama; P2: too few months; NEW and OLD: no data at all, not Pratama.
    assert "Purnama sementara (4 bln)" in flat
    assert "belum cukup data" in flat
    assert flat.count("belum ada data") >= 2
    assert "Sudah lapor: 2 dari 4 posyandu" in flat
    # October: NEW was registered in November and owes nothing for it; OLD does.
    flat = " ".join(text_of(oct_.content).split())
    assert "Kenanga" not in flat and "Dahlia" in flat
    assert "Sudah lapor: 2 dari 3 posyandu" in flat


async def _render_p1_october(tmp_path: Path) -> bytes:
    """P1's October, an imported month: the PDF says who imported it from which file."""
    async with await Database.open(tmp_path / "db.db") as db:
        doc = await render_document(
            db,
            "monthly_report",
            {"posyandu_code": "P1", "period": "2026-10"},
            NOW,
            DEFAULT_SETTINGS,
        )
    return doc.content


async def test_the_export_and_the_pdf_give_the_same_stratum(tmp_path: Path) -> None:
    """A provisional stratum is provisional in both: the PDF's "Strata sementara (4 bulan
    data): PURNAMA" is the export's stratum purnama, provisional 1, months_known 4 (it said
    pratama: the plain 12-month stratum, the unknown months counted as closed)."""
    db = await _seed(tmp_path / "db.db")
    try:
        pdf = await render_document(
            db, "monthly_report", {"posyandu_code": "P1", "period": "2026-11"}, NOW,
            DEFAULT_SETTINGS,
        )  # fmt: skip
        async with db.read() as conn:
            desa = await area_by_code(conn, "21.71.01.1001")
        assert desa is not None
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        exported = await area_csv(db, desa, Period(2026, 8), Period(2026, 11), settings)
    finally:
        await db.close()
    assert "Strata sementara (4 bulan data): PURNAMA" in " ".join(text_of(pdf.content).split())
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"))
    row = next(r for r in rows if (r["posyandu_code"], r["period"]) == ("P1", "2026-11"))
    assert (row["stratum"], row["provisional"], row["months_known"]) == ("purnama", "1", "4")
    # Two known months: no stratum yet ("belum cukup data"), and on how many months it rests.
    row = next(r for r in rows if (r["posyandu_code"], r["period"]) == ("P2", "2026-11"))
    assert (row["stratum"], row["provisional"], row["months_known"]) == ("", "1", "2")
