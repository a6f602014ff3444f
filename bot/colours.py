"""One colour per indicator, wherever it is drawn: the PDFs (fpdf2 takes RGB) and the dasbor
(SVG attributes take ``#rrggbb``) both read this registry, so D/S is the same blue and N/D the
same orange on paper and on a screen. A ratio has the colour of its numerator's bar (D/S is D's,
N/D is N's), as the SKDN balok and the 12-month lines are read together.

The four SKDN colours are the Okabe-Ito palette's, told apart with colour blindness too; red and
green stay free for what they mean elsewhere (belum lapor, tercapai)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["INDICATOR_COLOURS", "KMS_COLOURS", "Colour", "css_colour", "kms_css"]

Colour = tuple[int, int, int]

_S: Colour = (96, 125, 139)  # grey-blue: everyone, the reference bar
_K: Colour = (86, 180, 233)  # sky blue
_D: Colour = (0, 114, 178)  # blue
_N: Colour = (213, 94, 0)  # vermillion

#: Each indicator's colour, by its id: the SKDN counts and the ratios drawn over time.
INDICATOR_COLOURS: Mapping[str, Colour] = MappingProxyType(
    {"s": _S, "k": _K, "d": _D, "n": _N, "d_s": _D, "n_d": _N}
)


def css_colour(indicator: str) -> str:
    """The indicator's colour as SVG and CSS write it (``#0072b2``)."""
    r, g, b = INDICATOR_COLOURS[indicator]
    return f"#{r:02x}{g:02x}{b:02x}"


#: The KMS chart's colours (the Buku KIA's weight-for-age page), by the band or line they
#: paint (scoring.kms.BandKind's values, and the lines): the PDF and the dasbor's SVG both.
KMS_COLOURS: Mapping[str, Colour] = MappingProxyType(
    {
        "yellow": (255, 235, 130),
        "light_green": (199, 231, 164),
        "dark_green": (128, 196, 110),
        "orange": (255, 216, 176),
        "red_line": (211, 32, 39),
        "orange_line": (239, 118, 0),
        "curve": (74, 120, 64),
        "median": (46, 100, 40),
        "grid": (214, 219, 214),
        "child": (25, 35, 60),
        # The card's colour by sex, as the Buku KIA prints it: blue for boys, pink for girls.
        "L": (41, 121, 197),
        "P": (214, 69, 128),
    }
)


def kms_css(name: str) -> str:
    """A KMS colour as SVG writes it (``#ffeb82``)."""
    r, g, b = KMS_COLOURS[name]
    return f"#{r:02x}{g:02x}{b:02x}"
