"""The area summary tells before, on and after hari buka apart (issue 24): on 7 December the
demo's four posyandu whose hari buka is ahead read "belum waktunya", the one past it "BELUM"
with its days, and the counts are apart; still one page."""

from __future__ import annotations

from pathlib import Path

from bot.documents import render_document
from scoring import DEFAULT_SETTINGS
from storage import Database
from tests.december import DEC7, seed_december
from tests.pdf.test_pdf import ROW, pages_of


async def test_area_summary_on_7_december(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "dec.db")
    try:
        await seed_december(db)
        params = {"area_code": "21.71.05", "period": "2026-12"}
        doc = await render_document(db, "area_summary", params, DEC7, DEFAULT_SETTINGS)
    finally:
        await db.close()
    pages = pages_of(doc.content)
    assert len(pages) == 1
    text = pages[0]
    assert "Sudah lapor 1 · belum waktunya 4 · belum lapor 1" in text
    rows = {m["code"]: m["reported"] for m in ROW.finditer(text)}
    assert rows == {
        "AGR03": "BELUM\n4 hari",
        "MLT02": "belum\nwaktunya",
        "MWR01": "sudah",
        "KNG04": "belum\nwaktunya",
        "DHL05": "belum\nwaktunya",
        "CMP06": "belum\nwaktunya",
    }


async def test_the_month_in_progress_is_marked_in_the_trend(tmp_path: Path) -> None:
    """Mawar's December report, printed on 7 December: December is the month in progress,
    marked "berjalan" beside the trend's months; November's report, printed the same day, is
    of a month that is over: nothing marked."""
    db = await Database.open(tmp_path / "dec.db")
    try:
        await seed_december(db)
        docs = {
            period: await render_document(
                db,
                "monthly_report",
                {"posyandu_code": "MWR01", "period": period},
                DEC7,
                DEFAULT_SETTINGS,
            )
            for period in ("2026-12", "2026-11")
        }
    finally:
        await db.close()
    december = "\n".join(pages_of(docs["2026-12"].content))
    # (beside the stratum every other month is named, the latest always)
    assert "Okt 26\nberjalan\nDes 26\n" in december
    assert "berjalan" not in "\n".join(pages_of(docs["2026-11"].content))
