"""An imported month on a posyandu's dasbor page says who imported it and from which file
(issue 24), never "dikirim oleh -"; its change list names the operator."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.dasbor import pages, render
from bot.dasbor.posyandu_view import load_posyandu
from scoring import DEFAULT_SETTINGS, Period
from storage.posyandu import posyandu_by_code
from tests.pdf.test_provisional_pdf import _seed

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def test_the_page_of_an_imported_month_names_the_import(tmp_path: Path) -> None:
    db = await _seed(tmp_path / "db.db")  # P1's August to October imported by budi
    try:
        async with db.read() as conn:
            p1 = await posyandu_by_code(conn, "P1")
        assert p1 is not None
        view = await load_posyandu(db, p1, None, Period(2026, 10), NOW, DEFAULT_SETTINGS)
    finally:
        await db.close()
    html = (
        pages._environment()
        .get_template("posyandu.html")
        .render(visitor=None, **render.posyandu_context(view, DEFAULT_SETTINGS))
    )
    flat = " ".join(html.split())
    assert "Laporan Oktober 2026. Diimpor oleh budi dari register.csv, 2 Nov 2026." in flat
    assert "dikirim oleh -" not in flat
