"""The page: fonts, metadata, colours, the footer with the verification code."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fpdf import FPDF

from conversations.catalogue import say

__all__ = ["COLOURS", "FontMissing", "ReportPDF", "find_fonts"]

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)

COLOURS: dict[str, tuple[int, int, int]] = {
    "ink": (33, 37, 41),
    "muted": (95, 99, 104),
    "line": (206, 212, 218),
    "achieve": (46, 125, 50),
    "on_track": (230, 145, 0),
    "off_track": (198, 40, 40),
    "none": (120, 120, 120),
    "S": (96, 125, 139),
    "K": (3, 155, 229),
    "D": (67, 160, 71),
    "N": (251, 140, 0),
    "band": (236, 239, 241),
}


class FontMissing(RuntimeError):
    pass


def find_fonts() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold from Debian's fonts-dejavu-core, reduced (once, cached on
    disk) to the scripts Indonesian names and our text use: parsing the full 740 KB fonts for
    every PDF would cost more than drawing it."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return _reduced(regular), _reduced(bold)
    raise FontMissing(
        "DejaVu Sans not found (looked in "
        + ", ".join(str(d) for d in FONT_DIRS)
        + "); install Debian's fonts-dejavu-core"
    )


#: Latin (with the extensions), punctuation, arrows, bullets and geometric shapes.
UNICODES: tuple[range, ...] = (
    range(0x20, 0x250),
    range(0x2000, 0x2070),
    range(0x20A0, 0x20C0),
    range(0x2190, 0x2200),
    range(0x25A0, 0x2600),
)
CACHE = Path(tempfile.gettempdir()) / "posyandu-bot-fonts"


@lru_cache(maxsize=8)
def _reduced(source: Path) -> Path:
    stat = source.stat()
    key = hashlib.sha256(f"{source}|{stat.st_size}|{stat.st_mtime_ns}|v1".encode()).hexdigest()
    target = CACHE / f"{source.stem}-{key[:16]}.ttf"
    if target.exists():
        return target
    font = TTFont(str(source))
    subsetter = Subsetter(Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True))
    subsetter.populate(unicodes=[u for r in UNICODES for u in r])
    subsetter.subset(font)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(tmp))
    tmp.replace(target)
    return target


class ReportPDF(FPDF):
    def __init__(
        self, title: str, generated_at: datetime, verification: str, legend: str = ""
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        regular, bold = find_fonts()
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
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

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("DejaVu", "B", 13)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*COLOURS["line"])
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_font("DejaVu", "", 11)

    def para(self, text: str, size: float = 11, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
