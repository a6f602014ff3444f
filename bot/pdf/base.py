"""The page: fonts, metadata, colours, the footer with the verification code.

Fonts travel with the package (``bot/pdf/fonts/``, reduced from Debian's packages by
``bot/pdf/fontbuild.py``; licences beside them): DejaVu Sans for Latin, loaded for every PDF,
and fallbacks loaded only by a PDF that prints their characters: the rest of DejaVu (Greek,
Cyrillic, Hebrew, Vietnamese...), Noto Sans Arabic (Arabic, Jawi, Pegon) and Droid Sans
Fallback (8,836 common Han characters). A character none of them has (an emoji) is left out;
text in a right-to-left or joined script is shaped (HarfBuzz) and laid out by the bidi
algorithm, other text is not, which keeps the common case as fast as before.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont

from bot.colours import INDICATOR_COLOURS
from conversations.catalogue import say

__all__ = ["COLOURS", "FONT_DIR", "FontMissing", "ReportPDF", "find_fonts", "printable"]

FONT_DIR = Path(__file__).with_name("fonts")

COLOURS: dict[str, tuple[int, int, int]] = {
    "ink": (33, 37, 41),
    "muted": (95, 99, 104),
    "line": (206, 212, 218),
    "achieve": (46, 125, 50),
    "on_track": (230, 145, 0),
    "off_track": (198, 40, 40),
    "none": (120, 120, 120),
    # The SKDN counts: the one colour each indicator has everywhere (bot.colours).
    **{key.upper(): INDICATOR_COLOURS[key] for key in ("s", "k", "d", "n")},
    "band": (236, 239, 241),
}


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Family:
    #: The family name given to fpdf2 (``add_font``, ``set_font``).
    name: str
    regular: str
    #: The bold file; None when the family has none (bold text then uses the regular).
    bold: str | None


MAIN = Family("DejaVu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
#: In the order they are tried for a character the main font lacks.
FALLBACKS = (
    Family("DejaVuExtra", "DejaVuSans-Extra.ttf", "DejaVuSans-Extra-Bold.ttf"),
    Family("NotoArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    Family("DroidHan", "DroidSansFallback-Han.ttf", None),
)
FAMILIES = (MAIN, *FALLBACKS)


def find_fonts() -> tuple[Path, Path]:
    """The main font's regular and bold files; :class:`FontMissing` when any font of the
    package is absent (a broken installation)."""
    missing = [
        FONT_DIR / name
        for family in FAMILIES
        for name in (family.regular, family.bold)
        if name is not None and not (FONT_DIR / name).is_file()
    ]
    if missing:
        raise FontMissing(
            "font files missing from the installation: "
            + ", ".join(str(p) for p in missing)
            + "; reinstall Posyandu Bot"
        )
    assert MAIN.bold is not None
    return FONT_DIR / MAIN.regular, FONT_DIR / MAIN.bold


@lru_cache(maxsize=16)
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=4)
def _coverage(folder: Path) -> tuple[frozenset[int], tuple[frozenset[int], ...]]:
    """The characters of the main font (in both weights) and of each fallback family."""

    def family(f: Family) -> frozenset[int]:
        return frozenset.intersection(
            *(_cmap(folder / name) for name in (f.regular, f.bold) if name is not None)
        )

    return family(MAIN), tuple(family(f) for f in FALLBACKS)


#: Parts of emoji sequences: variation selectors, the zero-width joiner, the keycap mark,
#: skin tones and tag characters; left out with the emoji they belong to.
EMOJI_PARTS = frozenset(
    [0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]
)


def _shaped(u: int) -> bool:
    """Whether a character needs the shaping engine: right-to-left and joined scripts
    (Hebrew, Arabic and its extensions and presentation forms) and the bidi controls."""
    return (
        0x0590 <= u <= 0x08FF
        or 0xFB1D <= u <= 0xFEFF
        or 0x200E <= u <= 0x200F
        or 0x202A <= u <= 0x202E
        or 0x2066 <= u <= 0x2069
    )


def printable(text: str, covered: frozenset[int] | None = None) -> str:
    """``text`` in NFC without the characters no font of ours has (emoji and their joiners),
    without leaving a double space where one stood: "Mawar 🌸" prints "Mawar"."""
    if covered is None:
        main, fallbacks = _coverage(FONT_DIR)
        covered = main.union(*fallbacks)
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    dropped = False
    for c in text:
        u = ord(c)
        if c != "\n" and (u not in covered or u in EMOJI_PARTS):
            dropped = True
            continue
        if c == " " and dropped and (not out or out[-1] == " "):
            continue
        out.append(c)
        dropped = False
    if dropped:
        while out and out[-1] == " ":
            out.pop()
    return "".join(out)


class ReportPDF(FPDF):
    def __init__(
        self, title: str, generated_at: datetime, verification: str, legend: str = ""
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        regular, bold = find_fonts()
        self.add_font(MAIN.name, "", regular)
        self.add_font(MAIN.name, "B", bold)
        self._main, self._fallbacks = _coverage(FONT_DIR)
        self._covered = self._main.union(*self._fallbacks)
        #: The fallback families added so far (only those this document has needed).
        self._loaded: list[str] = []
        self.generated_at = generated_at
        self.verification = verification
        #: A line above the footer on every page (what the verification code is made of).
        self.legend = legend
        self.set_title(title)
        self.set_author(say("pdf.author"))
        self.set_creator(say("pdf.author"))
        self.set_lang("id-ID")
        self.set_creation_date(generated_at)
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()
        self.set_text_color(*COLOURS["ink"])

    def finish(self) -> bytes:
        """The document's bytes; its font files closed."""
        try:
            return bytes(self.output())
        finally:
            self.discard()

    def discard(self) -> None:
        """Close the font files the document opened (fpdf2 closes only the fonts a document
        used, and only in ``output``): for a draft that is thrown away, and after output."""
        for font in self.fonts.values():
            if isinstance(font, TTFFont):
                font.close()

    def footer(self) -> None:
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*COLOURS["muted"])
        if self.legend:
            self.set_y(-16)
            self.cell(0, 4, self.legend, align="C")
        self.set_y(-12)
        when = f"{self.generated_at:%d-%m-%Y %H.%M} {self.generated_at.tzname() or ''}".strip()
        self.cell(
            0,
            5,
            say("pdf.footer", when=when, code=self.verification, page=self.page_no(), pages="{nb}"),
            align="C",
        )
        self.set_text_color(*COLOURS["ink"])

    def heading(self, text: str, *, compact: bool = False) -> None:
        """A section heading, bold and ruled below (``compact``: smaller and closer)."""
        self.ln(1.5 if compact else 3)
        self.set_font("DejaVu", "B", 11 if compact else 13)
        self.cell(0, 6.5 if compact else 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*COLOURS["line"])
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5 if compact else 2)
        self.set_font("DejaVu", "", 11)

    def para(self, text: str, size: float = 11, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        # Left-aligned: a title or sentence that wraps is never justified word by word.
        self.multi_cell(0, size * 0.55, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def normalize_text(self, text: str) -> str:
        """Called by fpdf2 for every text it measures or draws, before it splits the text
        into fragments: drops what no font has, loads the fallback fonts the text needs, and
        turns shaping on for this text only when its script needs it."""
        text = super().normalize_text(text)
        if text.isascii() and text.isprintable():
            self._configure(shaping=False, fallback=False)
            return text
        if unicodedata.is_normalized("NFC", text) and self._main.issuperset(map(ord, text)):
            # Latin with accents, bullets and arrows: the main font has every character.
            self._configure(shaping=any(_shaped(ord(c)) for c in text), fallback=False)
            return text
        text = printable(text, self._covered)
        needs = [u for u in map(ord, text) if u not in self._main and u != 10]
        added = False
        for family, chars in zip(FALLBACKS, self._fallbacks, strict=True):
            if family.name not in self._loaded and any(u in chars for u in needs):
                self.add_font(family.name, "", FONT_DIR / family.regular)
                if family.bold is not None:
                    self.add_font(family.name, "B", FONT_DIR / family.bold)
                self._loaded.append(family.name)
                added = True
        if added:
            # Bold text in a family without bold (Han) takes its regular: exact_match=False.
            self.set_fallback_fonts(self._loaded, exact_match=False)
        self._configure(shaping=any(_shaped(ord(c)) for c in text), fallback=bool(needs))
        return text

    def _configure(self, *, shaping: bool, fallback: bool) -> None:
        if shaping != bool(self.text_shaping):
            self.set_text_shaping(shaping)
        if fallback != bool(self._fallback_font_ids):
            self.set_fallback_fonts(self._loaded if fallback else [], exact_match=False)
