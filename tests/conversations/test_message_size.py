"""Ask less, say less (issue 15): every message the bot sends in the golden dialogues fits a
small phone (at most 400 characters and 12 lines on a 40-column screen, the choices listed as
a channel without buttons lists them) and 2 SMS in GSM-7 (issue 25; the choices listed even
where the SMS leaves them out, so the SMS sent is never longer), and a month whose head counts
did not change is reported in at most 12 kader messages, with bot messages of a median under
120 characters."""

from __future__ import annotations

import io
import statistics
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.console.sender import ConsoleSender
from bot.sms.text import MAX_SEGMENTS, Encoding, segments, sms_text
from conversations.format import choice_list
from tests.conversations.test_golden import FILES, parse, play

MAX_CHARS = 400
MAX_LINES = 12
COLUMNS = 40


def screen_lines(text: str) -> int:
    """Lines ``text`` takes on a ``COLUMNS``-wide screen (an empty line is a line)."""
    return sum(max(1, len(textwrap.wrap(line, COLUMNS))) for line in text.split("\n"))


def shown(message: dict[str, Any]) -> str:
    listed = choice_list(tuple(message["choices"]))
    return f"{message['text']}\n{listed}" if listed else str(message["text"])


async def messages_of(path: Path, tmp: Path) -> list[dict[str, Any]]:
    console = ConsoleSender(io.StringIO(), tmp / "out")
    console.captured = []
    await play(path, tmp, console)
    return console.captured


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_every_message_fits_a_small_phone(path: Path, tmp_path: Path) -> None:
    for message in await messages_of(path, tmp_path):
        text = shown(message)
        assert len(text) <= MAX_CHARS, (len(text), text)
        assert screen_lines(text) <= MAX_LINES, (screen_lines(text), text)
        sms = segments(sms_text(message["text"], message["choices"]))
        assert sms.encoding is Encoding.GSM7 and sms.count <= MAX_SEGMENTS, (sms, text)


async def test_an_unchanged_month_takes_twelve_messages_and_short_answers(tmp_path: Path) -> None:
    # The fewest-message month of the README: LAPOR, YA (last month's head counts), nine
    # counts and names, YA to save. No BGM, 2T or KEK: no referral to ask about.
    path = tmp_path / "month.txt"
    typed = ["LAPOR", "YA", "60", "42", "30", "0", "0", "5", "70", "2", "BKB", "YA"]
    path.write_text("".join(f"> {t}\n" for t in typed), "utf-8")
    assert parse(path.read_text("utf-8"))[1] == typed
    messages = await messages_of(path, tmp_path)
    # One answer per message typed, and the twelfth saves the month.
    assert len(messages) == len(typed) == 12
    assert "tersimpan" in messages[-1]["text"]
    sizes = [len(m["text"]) for m in messages]
    assert statistics.median(sizes) < 120, sizes
