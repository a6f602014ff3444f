"""The monthly PDF fits one A4 page, notes and signature places included: an ordinary month,
a closed month and an imported month. A second page comes only when the stratum's notes need
it, and then it is not mostly blank. (Read back with pypdf; the pages were looked at with
pdftoppm.)"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from bot.demo import seed_demo
from bot.documents import render_document
from bot.pdf import render_posyandu_report
from conversations.catalogue import say
from scoring import DEFAULT_SETTINGS, MonthReport, Period
from storage import Database
from storage.posyandu import posyandu_by_code
from storage.reports import save_report
from tests.pdf.test_pdf import REPORT, _data

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
#: A4's height in points; the footer's line sits in the bottom 18 mm.
PAGE_HEIGHT, FOOTER = 841.9, 18 / 25.4 * 72


def _lowest_text(page: PageObject) -> float:
    """How far down the page its text reaches (points from the top), the footer left out."""
    ys: list[float] = []

    def visit(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        if text.strip() and tm[5] > FOOTER:
            ys.append(tm[5])

    page.extract_text(visitor_text=visit)
    return PAGE_HEIGHT - min(ys)


async def _month(db: Database, code: str, period: str) -> PdfReader:
    doc = await render_document(
        db, "monthly_report", {"posyandu_code": code, "period": period}, NOW, DEFAULT_SETTINGS
    )
    return PdfReader(io.BytesIO(doc.content))


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "pages.db")
    await seed_demo(database, NOW)
    async with database.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        melati = await posyandu_by_code(tx, "MLT02")
        assert mawar is not None and melati is not None
        await save_report(
            tx, mawar.id, MonthReport(period=Period(2026, 11), buka=False), by=1, at=NOW,
            channel="telegram",
        )  # fmt: skip
        await save_report(
            tx, melati.id, REPORT, by=None, at=NOW, channel="import:Bidan Rina:hist.csv"
        )
    return database


@pytest.mark.parametrize(
    ("code", "period"),
    [("MWR01", "2026-10"), ("MWR01", "2026-11"), ("MLT02", "2026-11")],
    ids=["ordinary", "closed", "imported"],
)
async def test_a_month_is_one_page_with_notes_and_signatures(
    db: Database, code: str, period: str
) -> None:
    reader = await _month(db, code, period)
    await db.close()
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for key in ("pdf.monthly.notes", "pdf.monthly.sign", "pdf.monthly.sign.bidan"):
        assert say(key) in text, key
    assert say("pdf.monthly.trend") in text and say("pdf.monthly.strata") in text
    assert "Halaman 1/1" in text


def test_long_notes_take_a_second_page_that_is_not_mostly_blank() -> None:
    data = replace(
        _data(),
        groups=_data().groups * 4,
        limiting=[f"Indikator {i}: cakupan yang masih rendah" for i in range(6)],
        needs=[f"Kebutuhan {i}: dari 12% ke 50%" for i in range(8)],
    )
    reader = PdfReader(io.BytesIO(render_posyandu_report(data)))
    assert len(reader.pages) == 2
    # The second page is filled past its middle, and ends with the signature places.
    assert _lowest_text(reader.pages[1]) > PAGE_HEIGHT / 2
    assert say("pdf.monthly.sign.bidan") in " ".join(reader.pages[1].extract_text().split())
