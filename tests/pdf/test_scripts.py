"""Every name people really have prints: Latin with diacritics (also typed decomposed),
Vietnamese, Arabic, Jawi/Pegon, Cyrillic, simplified and traditional Chinese, through the real
``posyandu report`` command on a seeded database, with no glyph missing (an error here) and no
system font; emoji are left out cleanly."""

from __future__ import annotations

import asyncio
import logging
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

import bot.pdf
import bot.pdf.base
from bot.cli import main
from bot.demo import DESA_CODE, KECAMATAN_CODE, seed_demo
from bot.pdf.base import find_fonts, printable
from storage import Database
from storage.areas import Level, area_by_code, upsert_area
from storage.posyandu import posyandu_by_code, upsert_posyandu
from tests.pdf.test_pdf import NOW, text_of

#: Posyandu of the demo renamed, and what the PDF must show for each.
NAMES = {
    # "Désa" typed with a combining accent: printed (and read back) composed.
    "MWR01": ("Mawar De\u0301sa Ñusa Nguyễn", "Mawar Désa Ñusa Nguyễn"),
    "MLT02": ("پوسياندو مَوَر", "پوسياندو مَوَر"),
    # Jawi: pa (ڤ), nga (ڠ), ga (ݢ).
    "AGR03": ("ڤوسياندو اڠݢرق", "ڤوسياندو اڠݢرق"),
    "KNG04": ("Посьянду Ромашка", "Посьянду Ромашка"),
    "DHL05": ("卫生站 衛生站", "卫生站 衛生站"),
    "CMP06": ("Cempaka 🌸 Indah 👩\u200d⚕\ufe0f", "Cempaka Indah"),
}
KECAMATAN = "باتو اجي"
DESA = "Ёлка 新村"
RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufeff]")


def shown(name: str) -> str:
    """How pypdf reads ``name`` (all in one direction) back: the words of a right-to-left
    name in the order they stand on the page (the first word last), each word's letters in
    reading order."""
    words = name.split()
    return " ".join(reversed(words) if RTL.search(name) else words)


def flat(text: str) -> str:
    return " ".join(text.split())


def _seed(path: Path) -> None:
    async def seed() -> None:
        async with await Database.open(path) as db:
            await seed_demo(db, NOW)
            async with db.transaction() as tx:
                kec = await area_by_code(tx, KECAMATAN_CODE)
                assert kec is not None
                kab = await area_by_code(tx, "21.71")
                await upsert_area(tx, KECAMATAN_CODE, KECAMATAN, Level.KECAMATAN, kab)
                desa = await upsert_area(tx, DESA_CODE, DESA, Level.DESA, kec)
                for code, (name, _shown) in NAMES.items():
                    p = await posyandu_by_code(tx, code)
                    assert p is not None
                    await upsert_posyandu(tx, code, name, desa, p.timezone, p.schedule)

    asyncio.run(seed())


@pytest.mark.filterwarnings("error")
def test_every_script_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _seed(tmp_path / "scripts.db")
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "scripts.db"))
    caplog.set_level(logging.WARNING, logger="fpdf")
    texts: dict[str, str] = {}
    for code in NAMES:
        out = tmp_path / f"{code}.pdf"
        assert main(["report", "--posyandu", code, "--period", "2026-10", "-o", str(out)]) == 0
        texts[code] = flat(text_of(out.read_bytes()))
    area = tmp_path / "area.pdf"
    assert main(["report", "--area", KECAMATAN_CODE, "--period", "2026-10", "-o", str(area)]) == 0
    summary = flat(text_of(area.read_bytes()))
    # fpdf2 logs each glyph a font lacks (drawn as an empty box): none may be missing.
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("fpdf")]
    for code, (_name, expected) in NAMES.items():
        text = texts[code]
        assert f"Laporan Bulanan Posyandu {shown(expected)}" in text, code
        assert f"Desa {shown(DESA)} · Kec. {shown(KECAMATAN)} · Kota Batam" in text, code
        assert f"{shown(expected)} {code} · {shown(DESA)}" in summary, code
    assert f"Ringkasan Kecamatan {shown(KECAMATAN)}" in summary
    for text in (*texts.values(), summary):
        # No emoji, no joiner or variation selector left, and no decomposed accent.
        assert not re.search("[\U0001f000-\U0001ffff\u200d\ufe0f\u2695]", text)
        assert unicodedata.normalize("NFC", text) == text


def test_printable_leaves_out_what_no_font_has() -> None:
    assert printable("Mawar 🌸") == "Mawar"
    assert printable("🌸 Mawar") == "Mawar"
    assert printable("Mawar 🌸 Indah") == "Mawar Indah"
    assert printable("Mawar 👩\u200d👩\u200d👧 Indah 🇮🇩") == "Mawar Indah"
    assert printable("  • Mawar") == "  • Mawar"
    assert printable("De\u0301sa\nBaru") == "Désa\nBaru"
    assert printable("卫生站 ڤوسياندو Посьянду") == "卫生站 ڤوسياندو Посьянду"


def test_fonts_travel_with_the_package() -> None:
    """No system font package: every font is package data of bot.pdf, with its licence."""
    package = Path(bot.pdf.__file__).parent
    for path in find_fonts():
        assert path.parent == package / "fonts"
    fonts = package / "fonts"
    names = {p.name for p in fonts.iterdir()}
    for family in bot.pdf.base.FAMILIES:
        assert family.regular in names
        assert family.bold is None or family.bold in names
    assert {"LICENSE-DejaVu.txt", "LICENSE-Noto.txt", "LICENSE-Droid.txt"} <= names
    project = tomllib.loads((package.parents[1] / "pyproject.toml").read_text())
    data = project["tool"]["setuptools"]["package-data"]["bot.pdf"]
    assert "fonts/*.ttf" in data and "fonts/*.txt" in data
