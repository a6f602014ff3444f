"""SMS text (issue 25): GSM-7 where possible, segments counted as phones count them, choices
to type, and the catalogue's short SMS forms; every message of the golden dialogues fits 2 SMS.
"""

from __future__ import annotations

import io
import string
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.console.sender import ConsoleSender
from bot.sms.text import (
    Encoding,
    Segments,
    gsm7,
    is_gsm7,
    segments,
    sms_text,
)
from conversations.catalogue import MESSAGES, SMS, say
from conversations.flows.common import match_choice
from tests.conversations.test_golden import FILES, parse, play

FIELDS = string.Formatter()


# --- segments, against the published figures -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One SMS holds 160 GSM-7 characters; a longer one is sent in parts of 153 (the
        # concatenation header takes the rest): 306 characters are 2 SMS, 307 are 3.
        ("a" * 160, Segments(Encoding.GSM7, 160, 1)),
        ("a" * 161, Segments(Encoding.GSM7, 161, 2)),
        ("a" * 306, Segments(Encoding.GSM7, 306, 2)),
        ("a" * 307, Segments(Encoding.GSM7, 307, 3)),
        # The extension table takes two septets (ESC and the character): the gsm0338 codec's
        # own example, "{}" is b"\x1b(\x1b)".
        ("{}", Segments(Encoding.GSM7, 4, 1)),
        ("€" * 80, Segments(Encoding.GSM7, 160, 1)),
        ("€" * 81, Segments(Encoding.GSM7, 162, 2)),
        # An escape pair is never split: 152 + 2 does not fit a 153-septet part.
        ("a" * 152 + "{" + "a" * 152, Segments(Encoding.GSM7, 306, 3)),
        # UCS-2: 70 in one SMS, 67 a part; one character outside GSM-7 is enough.
        ("é" * 69 + "·", Segments(Encoding.UCS2, 70, 1)),
        ("a" * 70 + "·", Segments(Encoding.UCS2, 71, 2)),
        ("a" * 133 + "·", Segments(Encoding.UCS2, 134, 2)),
        ("a" * 134 + "·", Segments(Encoding.UCS2, 135, 3)),
        # An emoji is two UTF-16 units, and a surrogate pair is never split.
        ("😊", Segments(Encoding.UCS2, 2, 1)),
        ("a" * 66 + "😊" + "a" * 10, Segments(Encoding.UCS2, 78, 2)),
        ("", Segments(Encoding.GSM7, 0, 0)),
    ],
)
def test_segments_as_phones_count_them(text: str, expected: Segments) -> None:
    assert segments(text) == expected


def test_the_gsm_alphabet_is_the_3gpp_table() -> None:
    # Basic set (accented letters of the table included), extension table, and not.
    assert is_gsm7("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n")
    assert is_gsm7("^{}\\[~]|€")
    for char in ("·", "\u2019", "“", "…", "—", "`", "ç", "ā", "😊", "\u00a0"):
        assert not is_gsm7(char), char


# --- characters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D/S 62% · N/D 71% · K/S 88%", "D/S 62%, N/D 71%, K/S 88%"),
        ("Bu \u2018Sari\u2019 bilang “ok”…", "Bu 'Sari' bilang \"ok\"..."),
        ("capaian → target — 5\u20136", "capaian -> target - 5-6"),
        ("Terima kasih 🙏🏽 Bu Sari 👍", "Terima kasih Bu Sari"),
        ("👨‍👩‍👧 keluarga", "keluarga"),
        ("Posyandu Çempaka, Bu Ā\u00a0é", "Posyandu Çempaka, Bu A é"),
        ("café", "café"),
        ("cafe\u0301", "café"),  # a combining accent, composed: é is in the table
        ("Bu 王", "Bu Wang"),
        ("€ 5 {x}", "€ 5 {x}"),
    ],
)
def test_text_becomes_gsm7(text: str, expected: str) -> None:
    assert gsm7(text) == expected
    assert is_gsm7(gsm7(text))


def test_nothing_is_left_outside_gsm7() -> None:
    every = "".join(chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000)
    assert is_gsm7(gsm7(every + "😊🇮🇩✅❤️"))


# --- choices --------------------------------------------------------------------------------


def test_choices_are_typed_and_a_typed_number_or_word_picks_them() -> None:
    sms = sms_text("Masih sama dengan bulan lalu?", ("YA", "TIDAK"))
    assert sms == "Masih sama dengan bulan lalu?\nBalas 1 = YA, 2 = TIDAK"
    assert match_choice("2", ("YA", "TIDAK")) == "TIDAK"
    assert match_choice("ya", ("YA", "TIDAK")) == "YA"


def test_no_list_where_a_number_is_an_answer_or_one_choice_is_named() -> None:
    question = "(2/9) D: berapa balita yang ditimbang bulan ini?"
    assert sms_text(question, ("= 42", "LEWATI"), numbered=False) == question
    assert sms_text("Ketik PDF untuk laporan lengkap.", ("PDF",)) == (
        "Ketik PDF untuk laporan lengkap."
    )


# --- the catalogue's short forms ------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in FIELDS.parse(template) if name}


def _sample(template: str) -> str:
    return template.format(**{name: f"<{name}>" for name in _fields(template)})


def test_every_short_form_is_shorter_gsm7_and_needs_no_new_value() -> None:
    assert SMS, "no short forms"
    for key, short in SMS.items():
        assert key in MESSAGES, key
        assert short == short.strip() and all(n.isidentifier() for n in _fields(short)), key
        assert _fields(short) <= _fields(MESSAGES[key]), key
        assert len(_sample(short)) < len(_sample(MESSAGES[key])), key
        assert is_gsm7(gsm7(short)), key


@pytest.mark.parametrize("key", sorted(SMS))
def test_a_short_form_replaces_its_normal_form_with_the_same_values(key: str) -> None:
    normal, short = _sample(MESSAGES[key]), _sample(SMS[key])
    assert sms_text(f"Ringkasan\n{normal}\nakhir") == gsm7(f"Ringkasan\n{short}\nakhir")
    assert sms_text(f"- {normal}") == gsm7(f"- {short}")  # an item of a list


def test_every_entry_alone_reads_in_sms_as_its_own_form() -> None:
    """A pattern that matched another entry's text would say something else in an SMS."""
    for key, template in MESSAGES.items():
        expected = gsm7(_sample(SMS.get(key, template)))
        assert sms_text(_sample(template)) == expected, key


def test_a_line_that_only_resembles_a_normal_form_is_kept() -> None:
    text = "Dirujuk ke puskesmas: 1 orang, kemarin"
    assert sms_text(text) == text


# --- every message of the golden dialogues --------------------------------------------------


class SmsCapture(ConsoleSender):
    """The console channel, keeping each text reply as the SMS channel would send it."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(io.StringIO(), out_dir)
        self.sms: list[str] = []

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        self.sms.append(sms_text(text, choices, numbered))
        return await super().send_text(address, text, choices, numbered)


# --- the choices people are asked to type ---------------------------------------------------

#: How a choice line and a choice in it start ("Balas ", "1 = "), from the catalogue.
LISTED, FIRST = say("choices.line", pairs=""), say("choices.pair", number=1, choice="")


def _numbered_prompts() -> list[tuple[Path, int, tuple[str, ...]]]:
    """Each question with numbered choices the golden dialogues ask (the choices and the line
    before them), first time: (the dialogue, how many of its messages were typed before it,
    the choices)."""
    seen: set[tuple[str, ...]] = set()
    found = []
    for path in FILES:
        typed, before = 0, ""
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("> ") or line == ">":
                typed += 1
            elif line.startswith(LISTED + FIRST):
                pairs = line.removeprefix(LISTED).split(", ")
                choices = tuple(pair.split(" = ", 1)[1] for pair in pairs)
                if (before, *choices) not in seen:
                    seen.add((before, *choices))
                    found.append((path, typed, choices))
            before = line
    return found


PROMPTS = _numbered_prompts()


async def _answer(path: Path, typed: int, answer: str, tmp: Path) -> str:
    """What the bot answers ``answer`` after the first ``typed`` messages of ``path``."""
    text = path.read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("# ")]
    inputs = [*parse(text)[1][:typed], answer]
    script = tmp / "script.txt"
    script.write_text("\n".join([*header, *(f"> {t}" for t in inputs)]) + "\n", "utf-8")
    transcript = await play(script, tmp)
    return transcript.rsplit(f"> {answer}\n", 1)[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "typed", "choices"),
    PROMPTS,
    ids=[f"{p.stem}-{t}-{'-'.join(c)}" for p, t, c in PROMPTS],
)
async def test_a_typed_number_picks_its_choice_as_the_word_does(
    path: Path, typed: int, choices: tuple[str, ...], tmp_path: Path
) -> None:
    """An SMS asks "Balas 1 = YA, 2 = TIDAK": both answers must be understood, alike."""
    assert len(PROMPTS) >= 5
    for number, choice in enumerate(choices, start=1):
        by_number, by_word = tmp_path / f"n{number}", tmp_path / f"w{number}"
        by_number.mkdir(), by_word.mkdir()
        answered = await _answer(path, typed, str(number), by_number)
        assert answered == await _answer(path, typed, choice, by_word), (number, choice)


# --- a month by SMS, counted ----------------------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"
#: The months of the README's table: what a kader types, from LAPOR to the saved report.
MONTHS: dict[str, tuple[str, ...]] = {
    # Last month's head counts still right (YA), no BGM/2T/KEK: no referral asked.
    "guided, head counts unchanged": (
        *("LAPOR", "YA", "60", "42", "30", "0", "0", "5", "70", "2", "BKB", "YA"),
    ),
    # A BGM child: the referral question too.
    "guided, with a referral": (
        *("LAPOR", "YA", "60", "42", "30", "1", "0", "5", "1", "70", "2", "BKB, PAUD", "YA"),
    ),
    # Every field on one line; the bot reads it back with the confirmation.
    "one-line report": (
        "LAPOR nov S=67 K=60 D=50 N=40 BGM=1 T2=0 KADER=6 BUMIL=7 BUMIL_PERIKSA=5 PUS=110 "
        "KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2 TAMBAHAN=BKB RUJUK=1",
    ),
}


def _readme_table() -> dict[str, tuple[int, ...]]:
    text = README.read_text("utf-8")
    start, end = text.index("<!-- sms-month:start -->"), text.index("<!-- sms-month:end -->")
    rows: dict[str, tuple[int, ...]] = {}
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].isdigit():
            rows[cells[0]] = tuple(int(c) for c in cells[1:])
    return rows


async def count_month(typed: Sequence[str], tmp: Path) -> tuple[int, int, int, int]:
    """(messages typed, SMS received, messages answered, SMS sent) for a month by SMS."""
    path = tmp / "month.txt"
    path.write_text("".join(f"> {t}\n" for t in typed), "utf-8")
    capture = SmsCapture(tmp / "out")
    await play(path, tmp, capture)
    assert "tersimpan" in capture.sms[-1]
    received = sum(segments(t).count for t in typed)
    assert all(segments(t).encoding is Encoding.GSM7 for t in typed)
    return len(typed), received, len(capture.sms), sum(segments(s).count for s in capture.sms)


async def test_a_month_by_sms_takes_what_the_readme_says(tmp_path: Path) -> None:
    counted = {}
    for i, (name, typed) in enumerate(MONTHS.items()):
        (tmp_path / str(i)).mkdir()
        counted[name] = await count_month(typed, tmp_path / str(i))
    assert _readme_table() == counted
