"""Issue 16's PDFs read back with pypdf: the area's totals, ratios and TIDAK BUKA months; titles
as people say them; the monthly report's carried KK and dana sehat, puskesmas, place to sign
and its two well-used pages."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.demo import seed_demo
from bot.documents import render_document
from scoring import DEFAULT_SETTINGS, MonthReport, Period, gap
from scoring.carry import carried_rare_values
from scoring.fields import RARE_FIELDS
from scoring.totals import TOTAL_FIELDS, area_totals
from storage import Database
from storage.areas import area_by_code, area_by_id, upsert_area
from storage.db import Connection
from storage.posyandu import posyandu_by_code, posyandu_under
from storage.reports import list_reports, save_report

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
OCT, NOV = Period(2026, 10), Period(2026, 11)
#: Mawar's November as the guided report saves it: KK and dana sehat were not asked.
NOVEMBER = MonthReport(NOV, kader=6, s=67, k=64, d=57, n=46, bgm=1, t2=1, program_tambahan=("BKB",))


def text_of(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "totals.db")
    await seed_demo(database, NOW)
    async with database.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        await save_report(tx, mawar.id, NOVEMBER, by=1, at=NOW, channel="telegram")
    yield database
    await database.close()


async def _month(db: Database, period: Period) -> list[MonthReport]:
    async with db.read() as conn:
        area = await area_by_code(conn, "21.71.05")
        assert area is not None
        out = []
        for p in await posyandu_under(conn, area):
            out += [r for r in await list_reports(conn, p.id, period, period)]
    return out


async def _area(db: Database, code: str, period: Period) -> str:
    params = {"area_code": code, "period": str(period)}
    doc = await render_document(db, "area_summary", params, NOW, DEFAULT_SETTINGS)
    return text_of(doc.content)


async def test_area_totals_ratios_and_closed_months(db: Database) -> None:
    reports = await _month(db, OCT)
    text = await _area(db, "21.71.05", OCT)
    opened = [r for r in reports if r.buka]
    closed = len(reports) - len(opened)
    assert closed > 0 and opened  # the demo's October has both
    sums = {f: sum(r.count(f) or 0 for r in opened) for f in TOTAL_FIELDS}
    assert sums == area_totals(reports).counts
    counts = "S {s} · K {k} · D {d} · N {n} · BGM {bgm} · 2T {t2}".format(**sums)
    assert counts in text
    assert f"Buka: {len(opened)} posyandu · TIDAK BUKA: {closed} posyandu" in text
    # The area's D/S from the sums, with its category in words.
    d_s = gap("d_s", sums["d"] / sums["s"], DEFAULT_SETTINGS.targets.d_s)
    words = {"achieve": "Tercapai", "on_track": "Hampir tercapai", "off_track": "Jauh dari target"}
    assert d_s.category is not None
    assert f"D/S (partisipasi) {round(d_s.actual * 100)}% 85% {words[d_s.category]}" in text
    # A closed month is marked as such in its row, not "sudah" with dashes alone.
    assert text.count("TIDAK BUKA") == closed + 1
    assert "Ringkasan Kecamatan Batu Aji" in text


async def _rename_kind(tx: Connection, code: str, name: str | None, kind: str) -> None:
    """What ``posyandu import areas`` stores for a row whose level says ``kind``."""
    area = await area_by_code(tx, code)
    assert area is not None
    parent = await area_by_id(tx, area.parent_id) if area.parent_id is not None else None
    await upsert_area(tx, code, name or area.name, area.level, parent, kind)


async def test_titles_read_as_people_say_them(db: Database) -> None:
    async with db.transaction() as tx:
        await _rename_kind(tx, "21.71", "Batam", "kota")
        await _rename_kind(tx, "21.71.05.1004", None, "kelurahan")
    text = await _area(db, "21.71", OCT)
    assert text.startswith("Ringkasan Kota Batam\n")
    assert "Kabupaten/Kota" not in text
    desa = await _area(db, "21.71.05.1004", OCT)
    assert desa.startswith("Ringkasan Kelurahan Bukit Tempayan\n")
    params = {"posyandu_code": "MWR01", "period": str(NOV)}
    doc = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    assert "Kelurahan Bukit Tempayan · Kec. Batu Aji · Kota Batam" in text_of(doc.content)


async def test_monthly_report_carries_kk_names_puskesmas_and_has_room_to_sign(
    db: Database,
) -> None:
    async with db.read() as conn:
        area = await area_by_code(conn, "21.71.05")
        assert area is not None
        mawar = next(p for p in await posyandu_under(conn, area) if p.code == "MWR01")
        window = await list_reports(conn, mawar.id, NOV.shift(-11), NOV)
    november = next(r for r in window if r.period == NOV)
    assert all(november.count(f) is None for f in RARE_FIELDS)  # not asked in November
    carried = carried_rare_values(november, window)
    assert carried is not None and carried.period == OCT
    params = {"posyandu_code": "MWR01", "period": str(NOV)}
    doc = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    reader = PdfReader(io.BytesIO(doc.content))
    pages = [p.extract_text() for p in reader.pages]
    text = "\n".join(pages)
    kk, dana = (carried.values[f] for f in RARE_FIELDS)
    assert f"KK (data Okt 2026) {kk}" in text  # October's 144 / 74, not a dash
    assert f"KK dana sehat (data Okt 2026) {dana}" in text
    assert "Wilayah kerja puskesmas: Kecamatan Batu Aji" in text
    assert len(pages) == 1  # one A4 page (tests/pdf/test_monthly_pages.py)
    # The page holds the strata, the trend, the notes and the signatures.
    for words in ("Strata: ", "Tren 12 bulan", "Catatan dan tindak lanjut", "Tanda tangan"):
        assert words in pages[0], words
    assert "Kader pelapor" in pages[0] and "Bidan desa / petugas" in pages[0]
    assert "(Bu Sari)" in pages[0] and "(nama jelas)" in pages[0]


@pytest.mark.parametrize(
    ("month", "earlier", "expected"),
    [
        # November did not ask: October's values, from October
        ((None, None), {10: (144, 74), 9: (150, 80)}, (10, (144, 74))),
        # November asked: its own values, nothing carried
        ((140, 70), {10: (144, 74)}, None),
        # the latest month that knew both, skipping one that knew only KK
        ((None, None), {10: (144, None), 8: (150, 80)}, (8, (150, 80))),
        ((None, None), {}, None),
        # a later month is never carried backwards
        ((None, None), {12: (144, 74)}, None),
    ],
)
def test_carried_rare_values(
    month: tuple[int | None, int | None],
    earlier: dict[int, tuple[int | None, int | None]],
    expected: tuple[int, tuple[int, int]] | None,
) -> None:
    def report(m: int, values: tuple[int | None, int | None]) -> MonthReport:
        return MonthReport(Period(2026, m)).with_values(
            **dict(zip(RARE_FIELDS, values, strict=True))
        )

    got = carried_rare_values(report(11, month), [report(m, v) for m, v in earlier.items()])
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert (got.period.month, tuple(got.values[f] for f in RARE_FIELDS)) == expected


async def test_home_visit_months_are_counted_apart(db: Database) -> None:
    """A month served door to door (``cara``) counts as opened and is counted apart."""
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        home = NOVEMBER.with_values(cara="kunjungan_rumah")
        await save_report(tx, mawar.id, home, by=1, at=NOW, channel="telegram")
    reports = await _month(db, NOV)
    opened = [r for r in reports if r.buka]
    text = await _area(db, "21.71.05", NOV)
    closed = len(reports) - len(opened)
    assert f"Buka: {len(opened)} posyandu (kunjungan rumah: 1) · TIDAK BUKA: {closed}" in text


async def test_no_home_visit_count_where_no_report_says_how_it_was_served(db: Database) -> None:
    text = await _area(db, "21.71.05", NOV)
    assert "kunjungan rumah" not in text
