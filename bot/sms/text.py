"""A reply as an SMS: plain GSM-7 text, choices to type, the catalogue's short SMS forms.

An SMS has no buttons and, to stay cheap, no character outside the GSM 7-bit alphabet (3GPP
TS 23.038, the basic set and its extension table): one "·", curly quote or emoji turns the
whole message into UCS-2, which holds 70 characters a segment instead of 160. So:

- **Choices** become a line to type, the one the console and WhatsApp without buttons show
  ("Balas 1 = YA, 2 = BATAL", :func:`conversations.format.choice_list`); a typed number picks
  its choice (``conversations.flows.common.match_choice``) and so does the word. Where a
  typed number is itself an answer (``numbered`` False: a count question) no list is shown:
  the question already says what else may be typed ("Ketik LEWATI ...").
- **Short forms**: a catalogue entry with an SMS form (:data:`conversations.catalogue.SMS`)
  is said that way. The conversation layer renders replies channel-neutrally, so a line the
  normal form wrote is recognised here (the template as a pattern, whole lines only) and
  written again in the SMS form with the same values.
- **Characters**: emoji are dropped (the ``emoji`` library knows every sequence: skin tones,
  joiners, flags); the typography the catalogue uses gets its plain-text form ("·" between
  items becomes a comma, "→" becomes "->"); anything else outside GSM-7 is transliterated
  (``anyascii``: "ā" is "a", "ç" is "c"), or "?" when nothing is left. Whether a character is
  GSM-7, and how many septets it takes (2 for the extension table: ``{ } [ ] ~ \\ | ^ €``),
  is the ``gsm0338`` codec's (the 3GPP table).

:func:`segments` counts the SMS a text is sent as (3GPP TS 23.040: 160 septets in a single
GSM-7 SMS, 153 a part of a longer one, whose header takes the rest; 70 and 67 UTF-16 units in
UCS-2), never splitting an escape pair or a surrogate pair across two parts, as phones do.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache

import emoji
import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
from anyascii import anyascii

from conversations.catalogue import MESSAGES, SMS
from conversations.format import choice_list

__all__ = [
    "GSM7",
    "MAX_SEGMENTS",
    "Encoding",
    "Segments",
    "gsm7",
    "is_gsm7",
    "segments",
    "sms_text",
]

#: The codec of the GSM 7-bit default alphabet (one byte a septet, two for the extension table).
GSM7 = "gsm03.38"
#: What every message of the golden dialogues fits: 2 segments, 306 GSM-7 characters.
MAX_SEGMENTS = 2

#: The typography the catalogue and people use, in plain text. " · " separates items on a
#: line ("D/S 62% · N/D 71%"): a comma reads the same and is one character shorter.
_TYPOGRAPHY: tuple[tuple[str, str], ...] = (
    (" \u00b7 ", ", "),  # middle dot between items
    ("\u00b7", ","),
    ("\u2192", "->"),  # rightwards arrow
    ("\u2014", "-"),  # em dash
    ("\u2013", "-"),  # en dash
    ("\u2018", "'"),  # curly single quotes, low and high
    ("\u2019", "'"),
    ("\u201a", "'"),
    ("\u201c", '"'),  # curly double quotes, low and high
    ("\u201d", '"'),
    ("\u201e", '"'),
    ("`", "'"),  # not in GSM-7
    ("\u2022", "-"),  # bullet
    ("\u2026", "..."),  # ellipsis
    ("\u00d7", "x"),  # multiplication sign
    ("\u2264", "<="),
    ("\u2265", ">="),
)
#: Spaces doubled inside a line where an emoji was ("Terima kasih 🙏 Bu" keeps one); those
#: at a line's ends are dropped.
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
_FIELD = string.Formatter()
#: How the catalogue starts an item of a list ("quick.rule": "- {message}"), and the group
#: that keeps it when a short form replaces the item.
_ITEM = "- "
_LEAD = "_item"


class Encoding(Enum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True, slots=True)
class Segments:
    """How a text goes out: its encoding, its length in that encoding's units (septets,
    UTF-16 code units) and the number of SMS."""

    encoding: Encoding
    units: int
    count: int


def _septets(char: str) -> int | None:
    try:
        return len(char.encode(GSM7))
    except UnicodeEncodeError:
        return None


def is_gsm7(text: str) -> bool:
    """Whether ``text`` goes out in the GSM 7-bit alphabet (basic set and extension table)."""
    try:
        text.encode(GSM7)
    except UnicodeEncodeError:
        return False
    return True


def _parts(sizes: Sequence[int], single: int, part: int) -> int:
    """The SMS a text of characters of ``sizes`` units takes: one when all fit ``single``,
    else parts of at most ``part`` units, a character never split between two."""
    total = sum(sizes)
    if total <= single:
        return 1 if total else 0
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def segments(text: str) -> Segments:
    """The encoding, length and SMS count of ``text`` as a phone sends it."""
    if is_gsm7(text):
        sizes = [len(c.encode(GSM7)) for c in text]
        return Segments(Encoding.GSM7, sum(sizes), _parts(sizes, 160, 153))
    sizes = [len(c.encode("utf-16-be")) // 2 for c in text]
    return Segments(Encoding.UCS2, sum(sizes), _parts(sizes, 70, 67))


def gsm7(text: str) -> str:
    """``text`` in the GSM 7-bit alphabet: emoji dropped, typography made plain, other
    characters transliterated (or "?")."""
    text = emoji.replace_emoji(unicodedata.normalize("NFC", text), "")
    for fancy, plain in _TYPOGRAPHY:
        text = text.replace(fancy, plain)
    out: list[str] = []
    for char in text:
        if _septets(char) is not None:
            out.append(char)
            continue
        if unicodedata.category(char) == "Zs":
            out.append(" ")
            continue
        if unicodedata.category(char) in ("Mn", "Cf"):
            continue  # a lone combining mark, a joiner, a variation selector
        plain = "".join(c for c in anyascii(char) if _septets(c) is not None)
        out.append(plain or "?")
    lines = "".join(out).split("\n")
    return "\n".join(_DOUBLE_SPACE.sub(" ", line).strip(" ") for line in lines)


@dataclass(frozen=True, slots=True)
class _Form:
    key: str
    pattern: re.Pattern[str]
    fill: Callable[[re.Match[str]], str]


def _pattern(template: str) -> re.Pattern[str]:
    """The lines ``template`` writes, as a pattern: its text literally, each field a named
    group of one line at most (a field used twice must read the same twice), whole lines
    only, or an item of a list ("- K (48) tidak boleh lebih dari S (40).")."""
    parts: list[str] = [f"(?P<{_LEAD}>{re.escape(_ITEM)})?"]
    seen: set[str] = set()
    for literal, name, _spec, _conv in _FIELD.parse(template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>[^\\n]*?)")
    return re.compile("^" + "".join(parts) + "$", re.MULTILINE)


def _filler(short: str) -> Callable[[re.Match[str]], str]:
    def fill(match: re.Match[str]) -> str:
        values = match.groupdict()
        return (values.pop(_LEAD) or "") + short.format(**values)

    return fill


@cache
def _short_forms() -> tuple[_Form, ...]:
    """The catalogue's SMS forms as patterns of their normal forms, the longest first (a
    template that contains another is tried before it)."""
    keys = sorted(SMS, key=lambda k: len(MESSAGES[k]), reverse=True)
    return tuple(_Form(k, _pattern(MESSAGES[k]), _filler(SMS[k])) for k in keys)


def _shorten(text: str, forms: Sequence[_Form]) -> str:
    for form in forms:
        text = form.pattern.sub(form.fill, text)
    return text


def sms_text(text: str, choices: Sequence[str] = (), numbered: bool = True) -> str:
    """The SMS that carries a text reply and its choices (see the module's docstring)."""
    listed = choice_list(tuple(choices)) if numbered else ""
    body = f"{text}\n{listed}" if listed else text
    return gsm7(_shorten(body, _short_forms()))
