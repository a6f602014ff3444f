"""Rebuilds the fonts under ``bot/pdf/fonts/`` from Debian's font packages. A developer runs it
when the set of scripts changes; the program never runs it (the reduced files are committed).

    cd "$(mktemp -d)"
    apt-get download fonts-dejavu-core fonts-noto-core fonts-droid-fallback
    for deb in *.deb; do dpkg-deb -x "$deb" root; done
    python -m bot.pdf.fontbuild root           # from the project's directory

Each font is reduced to the characters listed here, keeping every OpenType layout feature
(Arabic joining forms, mark positioning) and dropping the hinting (PDF viewers do not use it).
The output is deterministic: the same packages give the same bytes.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont

__all__ = ["FONTS", "build", "han_characters"]

FONT_DIR = Path(__file__).with_name("fonts")


def _ranges(*spans: tuple[int, int]) -> frozenset[int]:
    return frozenset(u for first, last in spans for u in range(first, last + 1))


#: The main font, loaded for every PDF: Latin (with the extensions), punctuation, currency,
#: arrows, bullets and geometric shapes. Kept small: parsing a font is part of every render.
MAIN = _ranges(
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x2000, 0x206F),
    (0x20A0, 0x20BF),
    (0x2190, 0x21FF),
    (0x25A0, 0x25FF),
)
#: The rest of DejaVu that names use, loaded only for a PDF that needs it: IPA and spacing
#: modifiers, combining marks, Greek, Cyrillic, Hebrew, Vietnamese and the other additional
#: Latin letters, letterlike symbols (№), Latin ligatures.
EXTRA = _ranges(
    (0x0250, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x0590, 0x05FF),
    (0x1E00, 0x1EFF),
    (0x2100, 0x214F),
    (0xFB00, 0xFB06),
)
#: Arabic, with the letters of Jawi and Pegon (ڠ ڤ ڬ ݢ ڽ ۏ ڎ ۑ), its presentation forms and
#: the joiners and marks shaping needs.
ARABIC = _ranges(
    (0x0020, 0x0020),
    (0x00A0, 0x00A0),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x200C, 0x200F),
    (0x25CC, 0x25CC),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
#: Chinese punctuation, kana and full-width forms; the Han characters come from
#: :func:`han_characters`.
CJK_EXTRA = _ranges((0x3000, 0x30FF), (0xFF00, 0xFFEF))


def han_characters() -> frozenset[int]:
    """The Han characters of GB 2312 (the 6,763 of simplified Chinese) and of Big5 level 1
    (the 5,401 common traditional ones): 8,836 together, the names people write."""
    found: set[int] = set()
    for first, second, lows, codec in (
        (0xB0, 0xF7, range(0xA1, 0xFF), "gb2312"),
        (0xA4, 0xC6, (*range(0x40, 0x7F), *range(0xA1, 0xFF)), "big5"),
    ):
        for high in range(first, second + 1):
            for low in lows:
                try:
                    text = bytes((high, low)).decode(codec)
                except UnicodeDecodeError:
                    continue
                found.update(ord(c) for c in text if 0x4E00 <= ord(c) <= 0x9FFF)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Source:
    #: Path inside the unpacked packages.
    path: str
    #: File name under bot/pdf/fonts/.
    target: str
    unicodes: frozenset[int]


FONTS: tuple[Source, ...] = (
    Source("usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf", MAIN),
    Source("usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf", MAIN),
    Source("usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Extra.ttf", EXTRA),
    Source(
        "usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Extra-Bold.ttf", EXTRA
    ),
    Source(
        "usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Regular.ttf",
        ARABIC,
    ),
    Source(
        "usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf", "NotoSansArabic-Bold.ttf", ARABIC
    ),
    Source(
        "usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "DroidSansFallback-Han.ttf",
        CJK_EXTRA | han_characters(),
    ),
)
#: Licence texts copied next to the fonts: (path inside the packages, file name).
LICENCES = (
    ("usr/share/doc/fonts-dejavu-core/copyright", "LICENSE-DejaVu.txt"),
    ("usr/share/doc/fonts-noto-core/copyright", "LICENSE-Noto.txt"),
    ("usr/share/doc/fonts-droid-fallback/copyright", "LICENSE-Droid.txt"),
)


def reduce(source: Path, target: Path, unicodes: Iterable[int]) -> None:
    font = TTFont(str(source), recalcTimestamp=False)
    options = Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True, hinting=False)
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    font.save(str(target))


def build(root: Path, out: Path = FONT_DIR) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for f in FONTS:
        reduce(root / f.path, out / f.target, f.unicodes)
    for path, name in LICENCES:
        shutil.copyfile(root / path, out / name)
    apache = Path("/usr/share/common-licenses/Apache-2.0")
    shutil.copyfile(apache, out / "LICENSE-Apache-2.0.txt")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bot.pdf.fontbuild UNPACKED_PACKAGES_DIR")
    build(Path(sys.argv[1]))
