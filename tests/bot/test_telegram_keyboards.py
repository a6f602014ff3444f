"""Telegram reply keyboards for answer choices (issue 15): every choice a button (a count
question's too), laid out for a phone, removed by the next message without choices; through
the fake Bot API on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.telegram.sender import columns
from tests.bot.test_telegram_channel import telegram

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@pytest.mark.parametrize(
    ("choices", "rows"),
    [
        (("YA", "TIDAK"), [["YA", "TIDAK"]]),
        (("YA", "TIDAK", "BATAL"), [["YA", "TIDAK", "BATAL"]]),
        (("= 56", "LEWATI"), [["= 56", "LEWATI"]]),
        (("A", "B", "C", "D"), [["A", "B"], ["C", "D"]]),
        (MONTHS, [list(MONTHS[i : i + 3]) for i in range(0, 12, 3)]),
        (
            ("Posyandu Mawar", "Posyandu Melati", "Anggrek"),
            [["Posyandu Mawar", "Posyandu Melati"], ["Anggrek"]],
        ),
        (
            ("Siti Aminah binti Abdullah", "LEWATI"),
            [["Siti Aminah binti Abdullah"], ["LEWATI"]],
        ),
        (("PDF",), [["PDF"]]),
    ],
)
def test_layout(choices: tuple[str, ...], rows: list[list[str]]) -> None:
    n = columns(choices)
    assert [list(choices[i : i + n]) for i in range(0, len(choices), n)] == rows


def _markup(call: Any) -> dict[str, Any] | None:
    markup = call.params.get("reply_markup")
    if markup is None or isinstance(markup, dict):
        return markup
    loaded = json.loads(str(markup))
    assert isinstance(loaded, dict)
    return loaded


def _rows(markup: dict[str, Any] | None) -> list[list[str]]:
    assert markup is not None and "keyboard" in markup
    return [[b["text"] if isinstance(b, dict) else b for b in row] for row in markup["keyboard"]]


@pytest.mark.slow
async def test_choices_are_buttons_even_where_numbers_are_answers(tmp_path: Path) -> None:
    async with telegram(tmp_path) as (fake, channel):
        await channel.send_text("4242", "D (ditimbang)?", ("= 56", "LEWATI"), numbered=False)
        await channel.send_text("4242", "Bulan apa?", MONTHS)
    count, months = (_markup(c) for c in fake.sent("sendMessage", 4242))
    # The text goes as written: no numbered list on a channel with buttons.
    texts = [str(c.params["text"]) for c in fake.sent("sendMessage", 4242)]
    assert texts == ["D (ditimbang)?", "Bulan apa?"]
    assert _rows(count) == [["= 56", "LEWATI"]]
    assert count is not None and count["one_time_keyboard"] and count["resize_keyboard"]
    assert _rows(months) == [list(MONTHS[i : i + 3]) for i in range(0, 12, 3)]


@pytest.mark.slow
async def test_the_next_message_without_choices_removes_the_keyboard(tmp_path: Path) -> None:
    async with telegram(tmp_path) as (fake, channel):
        await channel.send_text("4242", "Simpan?", ("YA", "BATAL"))
        await channel.send_text("4242", "Tersimpan.")
        await channel.send_text("4242", "Ketik LAPOR.")  # nothing left to remove
        await channel.send_text("4343", "Halo.")  # another chat never had one
    asked, saved, later = (_markup(c) for c in fake.sent("sendMessage", 4242))
    assert _rows(asked) == [["YA", "BATAL"]]
    assert saved == {"remove_keyboard": True}
    assert later is None
    (other,) = fake.sent("sendMessage", 4343)
    assert _markup(other) is None
