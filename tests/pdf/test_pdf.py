"""PDFs read back with pypdf: every value next to its label, the stratum by name, the ratios
with their targets and words; byte-identical for the same data and clock; small; every
posyandu of a large area listed, distinguishable, worst first, under repeated headings."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

import bot.pdf.base
from bot.cli import main
from bot.demo import seed_demo
from bot.documents import DocumentNotFound, render_document
from bot.kbm import load_kbm
from bot.pdf import render_posyandu_report
from bot.pdf.model import MonthlyReportData, RatioLine, TrendPoint
from conversations.figure_words import need_words, pdf_blank, percent, percent_vs, vs
from scoring import COUNT_FIELDS, DEFAULT_SETTINGS, MonthReport, Period, Stratum, assess
from scoring.fields import FIELD_BY_ID
from scoring.growth import GrowthRules, Sex
from scoring.strata import IndicatorId, Need
from storage import Database
from storage.children import Actor, NewChild, Weighing, add_child, record_weighing
from storage.cipher import RegisterCipher, new_key
from storage.posyandu import posyandu_by_code
from storage.reports import get_report, list_reports, save_report
from storage.sql import follow_explicit_ids
from tests.clock import Day, moment

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
NOV = Period(2026, 11)
#: Every count different, and some past a thousand (Indonesian "1.250").
REPORT = MonthReport(
    period=NOV,
    kader=6,
    s=52,
    k=50,
    d=44,
    n=35,
    bgm=1,
    t2=3,
    bumil=7,
    bumil_periksa=5,
    pus=1250,
    kb_aktif=704,
    bayi=12,
    bayi_imunisasi=2,
    program_tambahan=("BKB", "PAUD"),
    kk=1480,
    kk_dana_sehat=610,
)
#: The label each count is printed after, and how the value reads.
LABELLED = {
    "kader": ("Kader bertugas", "6"),
    "s": ("S semua balita", "52"),
    "k": ("K punya KMS/KIA", "50"),
    "d": ("D ditimbang", "44"),
    "n": ("N naik berat", "35"),
    "bgm": ("BGM bawah garis merah", "1"),
    "t2": ("2T tidak naik 2x", "3"),
    "bumil": ("Ibu hamil", "7"),
    "bumil_periksa": ("Diperiksa", "5"),
    "pus": ("PUS", "1.250"),
    "kb_aktif": ("KB aktif", "704"),
    "bayi": ("Bayi 0-11 bln", "12"),
    "bayi_imunisasi": ("Imunisasi lengkap", "2"),
    "kk": ("KK", "1.480"),
    "kk_dana_sehat": ("KK dana sehat", "610"),
}
#: The ratios of REPORT against the default targets, worked out by hand: D/S is 44/52 =
#: 84.6% (not "85%" next to a target of 85%) and N/D 35/44 = 79.5% (not "80%").
RATIO_LINES = (
    r"K/S \(liputan\) 96% 80% Tercapai",
    r"D/S \(partisipasi\) 84,6% 85% Hampir tercapai",
    r"D/K \(kelangsungan\) 88% 60% Tercapai",
    r"N/D \(hasil penimbangan\) 79,5% 80% Hampir tercapai",
)
HEADINGS = "No Posyandu\nkode · desa\nLapor\nterlambat\nD/S N/D Strata Terjauh\ncapaian → target"
#: One row of the area table as pypdf reads it: number and name (one or two lines), code and
#: desa, then reported, D/S, N/D, stratum, the largest gap; its words on the next line.
ROW = re.compile(
    r"^(?P<no>\d+) (?P<name>.+(?:\n(?![A-Z]+\d+ · ).+)?)\n"
    r"(?P<code>[A-Z]+\d+) · (?P<desa>.+)\n"
    r"(?P<reported>sudah|BELUM\n\d+ hari|belum\nwaktunya|hari ini\nbuka)[ \n]"
    r"(?P<ds>\S+) (?P<nd>\S+) (?P<stratum>[A-Z][a-z]+) (?P<gap>.+)$",
    re.MULTILINE,
)


def pages_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def text_of(content: bytes) -> str:
    return "\n".join(pages_of(content))


def labelled(text: str, label: str, value: str) -> bool:
    """``value`` printed right after ``label`` (whole words on both sides)."""
    return re.search(rf"(?:^|\s){re.escape(label)} {re.escape(value)}(?:\s|$)", text) is not None


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
    async with db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        stored = await get_report(conn, mawar.id, NOV)
        window = await list_reports(conn, mawar.id, NOV.shift(-11), NOV)
    await db.close()
    assert stored is not None
    assert doc.filename == "laporan-mwr01-2026-11.pdf"
    assert len(doc.content) < 100 * 1024
    text = text_of(doc.content)
    for expected in (
        "Laporan Bulanan Posyandu Mawar",
        "Desa Bukit Tempayan · Kec. Batu Aji · Kota Batam",
        "Bulan: November 2026",
        "Hari buka: Kamis, 12 Nov 2026",
        "Dilaporkan oleh Bu Sari, 20-11-2026 10.00 WIB (lewat Telegram)",
        f"Kode verifikasi R{stored.id}-{stored.revision} · Halaman 1/",
        "Dibuat 20-11-2026 10.00 WIB",
    ):
        assert expected in text, expected
    # Every count next to its label; a new field must be added here.
    # (The optional service fields have a row only when the month has them: test_services.)
    # (T, O and B, given where the child register is used, likewise: test_t_o_b_rows.)
    assert set(LABELLED) == {
        f for f in COUNT_FIELDS if not (FIELD_BY_ID[f].service or FIELD_BY_ID[f].derived)
    }
    for field, (label, value) in LABELLED.items():
        assert labelled(text, label, value), (field, label, value)
    assert labelled(text, "Program tambahan", "BKB, PAUD")
    # The SKDN bars: each number above its letter.
    assert re.search(r"^52\nS\n50\nK\n44\nD\n35\nN$", text, re.MULTILINE)
    for line in RATIO_LINES:
        assert re.search(rf"^{line}$", text, re.MULTILINE), line
    # The stratum by name, as scoring assesses the stored window.
    a = assess(window, NOV, DEFAULT_SETTINGS)
    assert f"Strata: {a.stratum.label.upper()}\n" in text
    assert f"Posyandu Aktif: {'Ya' if a.posyandu_aktif else 'Tidak'}\n" in text
    flowing = " ".join(text.split())  # a sentence may wrap in its column
    assert f"akhir tahun (dengan laju sekarang): {a.year_end.projected_stratum.label}" in flowing
    nxt = a.strata.next_stratum
    if nxt is not None:
        assert f"Untuk naik ke {nxt.label}:" in text
        for n in a.strata.needs:
            assert need_words(n) in " ".join(text.split()), n
    reader = PdfReader(io.BytesIO(doc.content))
    assert reader.metadata is not None
    assert reader.metadata.author == "Posyandu Bot"
    assert reader.metadata.title == "Laporan Bulanan Posyandu Mawar - November 2026"
    assert 1 <= len(reader.pages) <= 2


async def test_t_o_b_rows(db: Database) -> None:
    """T, O and B (D = N + T + O + B) have their rows once the month has them, after N."""
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        tob = REPORT.with_values(t=4, o=3, b=2)  # 35 + 4 + 3 + 2 = 44
        await save_report(tx, mawar.id, tob, by=1, at=NOW, channel="telegram")
    params = {"posyandu_code": "MWR01", "period": "2026-11"}
    doc = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    await db.close()
    text = text_of(doc.content)
    for label, value in (("T tidak naik", "4"), ("O absen bulan lalu", "3")):
        assert labelled(text, label, value), label
    assert labelled(text, "B baru ditimbang", "2")
    assert text.index("N naik berat") < text.index("T tidak naik") < text.index("B baru")


#: Children weighed on the register in November (name, sex, birth, earlier weighings and this
#: month's, grams): Budi T in October and again now (2T), Citra far below the red line (BGM),
#: Dewi growing well; Eka weighed in October only (not this month: not counted).
WEIGHED = (
    ("Budi", "L", date(2025, 3, 5), [(date(2026, 9, 12), 10_000), (date(2026, 10, 12), 10_000)]),
    ("Citra", "P", date(2025, 3, 5), []),
    ("Dewi", "P", date(2025, 3, 5), [(date(2026, 10, 12), 9_000)]),
    ("Eka", "L", date(2025, 3, 5), [(date(2026, 10, 12), 9_500)]),
)
NOVEMBER = {"Budi": 10_000, "Citra": 6_000, "Dewi": 9_400}


async def test_referrals_of_the_month_are_counted_never_named(db: Database) -> None:
    """The month weighed on the register: how many children to refer, from the weighings
    (2T and BGM here), in the balita block; no child's name anywhere in the PDF."""
    cipher = RegisterCipher(new_key())
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        by = Actor(person_id=1)
        for name, sex, born, earlier in WEIGHED:
            new = NewChild(name, Sex(sex), born, f"Ibu {name}")
            child = await add_child(tx, cipher, mawar.id, new, consent_by=by, at=NOW)
            for day, grams in earlier:
                await record_weighing(tx, Weighing(child, day, grams), at=NOW)
            if name in NOVEMBER:
                weighing = Weighing(child, date(2026, 11, 12), NOVEMBER[name])
                await record_weighing(tx, weighing, at=NOW)
    params = {"posyandu_code": "MWR01", "period": "2026-11"}
    rules = GrowthRules(load_kbm())
    doc = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS, rules)
    without = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    october = {**params, "period": "2026-10"}
    before = await render_document(db, "monthly_report", october, NOW, DEFAULT_SETTINGS, rules)
    await db.close()
    text = text_of(doc.content)
    assert labelled(text, "Anak perlu dirujuk", "2")
    assert not any(name in text for name, *_ in WEIGHED)
    assert "perlu dirujuk" not in text_of(without.content)  # no register rules: no count
    assert labelled(text_of(before.content), "Anak perlu dirujuk", "0")


def test_numbers_are_written_the_indonesian_way() -> None:
    # Never rounded onto the target: a shortfall keeps the decimals that show it.
    assert percent_vs(0.846, 0.85) == ("84,6%", "85%")
    assert percent_vs(0.84996, 0.85) == ("84,99%", "85%")
    assert percent_vs(0.8549, 0.85) == ("85,5%", "85%")
    assert percent_vs(17 / 20, 0.85) == ("85%", "85%")
    assert percent_vs(0.96, 0.80) == ("96%", "80%")
    assert vs(4.1, 5.0, places=1) == ("4,1", "5")
    assert vs(4.96, 5.0, places=1) == ("4,96", "5")
    # 1,499 of 1,500 is not everyone, and one of 1,000 is not none.
    assert percent(1499 / 1500) == "99,9%"
    assert percent(0.996) == "99,6%"
    assert percent(0.001) == "0,1%"
    assert (percent(1.0), percent(0.0), percent(None, pdf_blank())) == ("100%", "0%", "—")
    kader = Need(IndicatorId.RERATA_KADER, 4.1, 5.0, 0.9, ())
    assert need_words(kader) == "Rata-rata kader bertugas: 4,1 → 5 orang"
    ds = Need(IndicatorId.RERATA_DS, 0.496, 0.5, 0.004, ())
    assert need_words(ds) == "Rata-rata D/S: 49,6% → 50%"


def test_the_openings_needed_are_written_with_the_one_formatter() -> None:
    """Issue 23: "1 kali buka lagi (7.636363636363637 → 8)" printed the raw float; and 1
    opening in 3 known months (an estimate of 4) needs 3 more openings, not 4."""
    since = Period(2025, 12)  # 11 known months to October 2026, 7 of them opened
    months = [
        MonthReport(period=since.shift(i), buka=i < 7, kader=6, s=40, d=30) for i in range(11)
    ]
    (need,) = [
        n
        for n in assess(months, Period(2026, 10), since=since).strata.needs
        if n.indicator is IndicatorId.FREKUENSI_PENIMBANGAN
    ]
    assert need_words(need) == "Frekuensi buka/penimbangan: 1 kali buka lagi (7,6 → 8)"
    three = [MonthReport(period=Period(2026, 8), kader=6, s=40, d=30)] + [
        MonthReport(period=Period(2026, m), buka=False) for m in (9, 10)
    ]
    (need,) = [
        n
        for n in assess(three, Period(2026, 10), since=Period(2026, 8)).strata.needs
        if n.indicator is IndicatorId.FREKUENSI_PENIMBANGAN
    ]
    assert need_words(need) == "Frekuensi buka/penimbangan: 3 kali buka lagi (4 → 8)"
    # Just below the threshold is never written as reaching it.
    close = Need(IndicatorId.FREKUENSI_PENIMBANGAN, 7.96, 8, 1, ())
    assert need_words(close) == "Frekuensi buka/penimbangan: 1 kali buka lagi (7,96 → 8)"


async def test_same_data_same_clock_same_bytes(db: Database) -> None:
    params = {"posyandu_code": "MWR01", "period": "2026-11"}
    first = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    second = await render_document(db, "monthly_report", params, NOW, DEFAULT_SETTINGS)
    later = await render_document(
        db, "monthly_report", params, NOW.replace(hour=5), DEFAULT_SETTINGS
    )
    area = {"area_code": "21.71.05", "period": "2026-11"}
    area_first = await render_document(db, "area_summary", area, NOW, DEFAULT_SETTINGS)
    area_second = await render_document(db, "area_summary", area, NOW, DEFAULT_SETTINGS)
    await db.close()
    assert first.content == second.content
    assert first.content != later.content
    assert area_first.content == area_second.content


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
    assert "Ringkasan Kecamatan Batu Aji\nKota Batam, Kepulauan Riau" in text
    assert "Sudah lapor: 1 dari 6 posyandu (17%)" in text
    assert "Purnama + Mandiri: " in text and "Posyandu Aktif: " in text
    rows = {m["code"]: m for m in ROW.finditer(text)}
    assert sorted(rows) == ["AGR03", "CMP06", "DHL05", "KNG04", "MLT02", "MWR01"]
    mawar = rows["MWR01"]
    assert (mawar["name"], mawar["desa"], mawar["reported"]) == ("Mawar", "Bukit Tempayan", "sudah")
    # D/S 44/52 against 85%, N/D 35/44 against 80%: the decimals that keep them apart.
    assert (mawar["ds"], mawar["nd"]) == ("84,6%", "79,5%")
    # The largest gap relative to its target: N/D (0.5 of 80) before D/S (0.4 of 85).
    assert mawar["gap"] == "N/D 79,5% → 80%"
    assert text[mawar.end() :].startswith("\nhampir tercapai")
    # 20 November: Dahlia opens today (the 20th), Kenanga on the 26th; the rest are late.
    assert {c: rows[c]["reported"] for c in rows if c != "MWR01"} == {
        "AGR03": "BELUM\n12 hari",
        "CMP06": "BELUM\n2 hari",
        "DHL05": "hari ini\nbuka",
        "KNG04": "belum\nwaktunya",
        "MLT02": "BELUM\n10 hari",
    }
    assert "Sudah lapor 1 · belum waktunya 1 · hari ini buka 1 · belum lapor 3" in text
    for code in ("AGR03", "CMP06", "DHL05", "KNG04", "MLT02"):
        assert (rows[code]["ds"], rows[code]["nd"], rows[code]["gap"]) == ("—", "—", "—")
    assert re.search(r"Kode verifikasi A\d+-2026-11-1-[0-9A-F]{6} · Halaman 1/1", text)
    assert "Sidik data berubah setiap ada laporan 12 bulan terakhir" in text


async def test_area_code_changes_with_any_revision(db: Database) -> None:
    params = {"area_code": "21.71.05", "period": "2026-11"}

    async def code() -> str:
        doc = await render_document(db, "area_summary", params, NOW, DEFAULT_SETTINGS)
        found = re.search(r"Kode verifikasi (A\S+)", text_of(doc.content))
        assert found is not None
        return found[1]

    before = await code()
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        # The same values again: no new revision, the same code.
        await save_report(tx, mawar.id, REPORT, by=1, at=NOW, channel="telegram")
    assert await code() == before
    async with db.transaction() as tx:
        # A revision of an earlier month of the window: same count reported this month.
        october = await get_report(tx, mawar.id, Period(2026, 10))
        assert october is not None
        revised = replace(october.report, kk=(october.report.kk or 0) + 1)
        saved = await save_report(tx, mawar.id, revised, by=1, at=NOW, channel="telegram")
        assert saved.changed
    after = await code()
    await db.close()
    assert after != before
    assert after.rsplit("-", 1)[0] == before.rsplit("-", 1)[0]  # area, month and count as before


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


def test_any_name_and_missing_values_render() -> None:
    odd = replace(
        _data(),
        posyandu="Posyandu \u011ciraffe \u201cMelati\u201d Nur\u2019aini",
        ratios=[RatioLine("D/S (partisipasi)", None, 0.85, None)],
        skdn={"S": None, "K": None, "D": None, "N": None},
    )
    text = text_of(render_posyandu_report(odd))
    assert "\u011ciraffe" in text and "\u201cMelati\u201d" in text
    assert re.search(r"^D/S \(partisipasi\) — 85% Belum bisa dihitung$", text, re.MULTILINE)
    assert re.search(r"^—\nS\n—\nK\n—\nD\n—\nN$", text, re.MULTILINE)


def _data() -> MonthlyReportData:
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


#: The large area: long names that differ only at the end, some too long for two lines.
BIG = 1500
LONG = "Posyandu Melati Indah Sejahtera Makmur Jaya Abadi Sentosa Bersama Warga Kampung Baru"


def big_name(i: int) -> str:
    return f"{LONG} {i:04d}" if i % 250 == 0 else f"Posyandu Melati Indah Sejahtera {i:04d}"


def big_d(i: int) -> int:
    return 10 + i % 28


async def _seed_big(database: Database) -> None:
    """Every third posyandu reports the whole year (strata above Pratama), every third only
    November, every third only October (not reported this month)."""
    at = NOW.isoformat()
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
            "(1, '99', 'Prov', 'provinsi', NULL, '/1/'), (2, '99.01', 'Kab Besar', "
            "'kabupaten', 1, '/1/2/'), (3, '99.01.01', 'Kec', 'kecamatan', 2, '/1/2/3/')"
        )
        await tx.executemany(
            "INSERT INTO areas (id, code, name, level, parent_id, path) "
            "VALUES (?, ?, ?, 'desa', 3, ?)",
            [
                (10 + j, f"99.01.01.{2001 + j}", f"Sukamaju {j:02d}", f"/1/2/3/{10 + j}/")
                for j in range(20)
            ],
        )
        # Registered long before (their months without a report are closed, not unknown).
        await tx.executemany(
            "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule, "
            "registered) VALUES (?, ?, ?, ?, ?, 'Asia/Jakarta', 'day:12', '2024-01')",
            [
                (i, f"P{i:04d}", big_name(i), 10 + i % 20, f"/1/2/3/{10 + i % 20}/")
                for i in range(1, BIG + 1)
            ],
        )
        rows = []
        for i in range(1, BIG + 1):
            months = {0: range(12), 1: [11], 2: [10]}[i % 3]
            for m in months:
                period = str(Period(2025, 12).shift(m))
                rows.append((i, period, big_d(i), at))
        await tx.executemany(
            "INSERT INTO reports (posyandu_id, period, buka, kader, s, k, d, n, revision, "
            "submitted_at, channel) VALUES (?, ?, 1, 6, 40, 38, ?, 10, 1, ?, 'import')",
            rows,
        )
        await follow_explicit_ids(tx)


@pytest.mark.slow
async def test_area_of_1500_posyandu_lists_every_one(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "big.db")
    await _seed_big(database)
    doc = await render_document(
        database, "area_summary", {"area_code": "99.01", "period": "2026-11"}, NOW, DEFAULT_SETTINGS
    )
    await database.close()
    pages = pages_of(doc.content)
    assert "Sudah lapor: 1.000 dari 1.500 posyandu (67%)" in pages[0]
    # The headings at the start of the table and again on top of every later page; each page's
    # rows are whole (never split across a page break).
    assert HEADINGS in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith(HEADINGS + "\n"), number
        assert page.count(HEADINGS) == 1
    rows: list[re.Match[str]] = [row for page in pages for row in ROW.finditer(page)]
    assert [int(r["no"]) for r in rows] == list(range(1, BIG + 1))
    # Every posyandu once, each distinguishable: its full name, or (too long for two lines) its
    # first words and its distinctive end.
    by_code = {r["code"]: r for r in rows}
    assert sorted(by_code) == [f"P{i:04d}" for i in range(1, BIG + 1)]
    shown = [" ".join(r["name"].split()) for r in rows]
    assert len(set(shown)) == BIG
    for i in range(1, BIG + 1):
        r = by_code[f"P{i:04d}"]
        name = " ".join(r["name"].split())
        if i % 250:
            assert name == big_name(i)
        else:
            first, second = r["name"].split("\n")
            assert big_name(i).startswith(first + " ")
            assert second.startswith("…") and big_name(i).endswith(second[1:])
        assert r["desa"] == f"Sukamaju {i % 20:02d}"
        reported = i % 3 != 2
        # 20 November, hari buka the 12th: eight days late.
        assert r["reported"] == ("sudah" if reported else "BELUM\n8 hari"), i
        assert r["ds"] == (percent_vs(big_d(i) / 40, 0.85)[0] if reported else "—"), i
    # Worst first: lowest stratum, then not reported, then lowest D/S (as printed).
    ranks = {s.label: s.rank for s in Stratum}
    keys = [
        (ranks[r["stratum"]], r["reported"] == "sudah", _number(r["ds"]) if r["ds"] != "—" else -1)
        for r in rows
    ]
    assert keys == sorted(keys)
    assert len({r["stratum"] for r in rows}) >= 2
    assert {r["reported"] for r in rows[:10]} == {"BELUM\n8 hari"}


def _number(text: str) -> float:
    return float(text.rstrip("%").replace(".", "").replace(",", "."))


def _prepare_demo(path: Path) -> None:
    async def prepare() -> None:
        async with await Database.open(path) as database:
            await seed_demo(database, NOW)

    asyncio.run(prepare())


def test_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _prepare_demo(tmp_path / "cmd.db")
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "cmd.db"))
    out = tmp_path / "r.pdf"
    assert main(["report", "--posyandu", "MWR01", "--period", "2026-10", "-o", str(out)]) == 0
    assert "Laporan Bulanan Posyandu Mawar" in text_of(out.read_bytes())
    area = tmp_path / "a.pdf"
    assert main(["report", "--area", "21.71.05", "--period", "2026-10", "-o", str(area)]) == 0
    assert "Ringkasan Kecamatan Batu Aji" in text_of(area.read_bytes())
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


def test_report_command_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], today: Day
) -> None:
    """No data, exit 2 and no file: a posyandu's month it has not reported (a month to come
    included); for an area, a month that has not begun, or no report under it in the 12 months
    to the month. The month under way with nobody reported yet is still summarised."""
    now = moment()  # the command reads the wall clock (pinned to ``today``): the demo too
    local = now.astimezone(ZoneInfo("Asia/Jakarta"))  # the demo posyandu's zone
    # The month under way there: the demo's reports end the month before.
    begun = this_month = Period(local.year, local.month)

    async def prepare() -> None:
        async with await Database.open(tmp_path / "now.db") as database:
            await seed_demo(database, now)

    asyncio.run(prepare())
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "now.db"))
    capsys.readouterr()
    for args in (
        ["--area", "21.71.05", "--period", str(begun.shift(1))],
        ["--area", "21.71.05", "--period", str(begun.shift(5))],
        ["--area", "21.71", "--period", str(this_month.shift(-13))],
        ["--posyandu", "MWR01", "--period", str(begun.shift(1))],
        ["--posyandu", "MWR01", "--period", str(this_month)],
    ):
        out = tmp_path / "none.pdf"
        assert main(["report", *args, "-o", str(out)]) == 2, args
        assert not out.exists() and not list(tmp_path.glob("*.part"))
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("no report written: "), args
        assert lines[0].isascii(), lines
    # The month under way: nobody has reported yet, and the supervisor sees who has not.
    out = tmp_path / "now.pdf"
    assert main(["report", "--area", "21.71.05", "--period", str(this_month), "-o", str(out)]) == 0
    assert "Sudah lapor: 0 dari 6 posyandu (0%)" in text_of(out.read_bytes())


def test_report_command_without_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fonts are package data; an installation that lost them writes no file."""
    _prepare_demo(tmp_path / "cmd.db")
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "cmd.db"))
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setattr(bot.pdf.base, "FONT_DIR", empty)
    for args in (["--posyandu", "MWR01"], ["--area", "21.71.05"]):
        out = tmp_path / "r.pdf"
        assert main(["report", *args, "--period", "2026-10", "-o", str(out)]) == 2
        assert not out.exists() and not list(tmp_path.glob("*.part"))
        err = capsys.readouterr().err
        assert "no report written: font files missing from the installation: " in err
        assert str(empty / "DejaVuSans.ttf") in err and "reinstall Posyandu Bot" in err
