"""The count parser: digits in text, thousand separators, Indonesian number words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.numbers import MAX_COUNT, NumberProblem, parse_count

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def words(n: int) -> str:
    """A reference spelling of ``n`` in Indonesian (0-999,999), independent of the parser."""
    if n == 0:
        return "nol"
    parts: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands == 1:
        parts.append("seribu")
    elif thousands:
        parts.append(f"{words(thousands)} ribu")
    hundreds, rest = divmod(rest, 100)
    if hundreds == 1:
        parts.append("seratus")
    elif hundreds:
        parts.append(f"{_UNITS[hundreds]} ratus")
    if rest == 10:
        parts.append("sepuluh")
    elif rest == 11:
        parts.append("sebelas")
    elif 12 <= rest <= 19:
        parts.append(f"{_UNITS[rest - 10]} belas")
    elif rest >= 20:
        tens, unit = divmod(rest, 10)
        parts.append(f"{_UNITS[tens]} puluh" + (f" {_UNITS[unit]}" if unit else ""))
    elif rest:
        parts.append(_UNITS[rest])
    return " ".join(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("ada 42 anak", 42),
        ("  42.  ", 42),
        ("1.250", 1250),
        ("Rp 12.500", 12500),
        ("empat puluh dua", 42),
        ("Empat Puluh Dua", 42),
        ("seratus dua belas", 112),
        ("seribu", 1000),
        ("seribu dua ratus lima puluh", 1250),
        ("dua puluh lima ribu", 25000),
        ("sebelas", 11),
        ("sepuluh", 10),
        ("duapuluh", 20),
        ("limabelas", 15),
        ("2 ribu", 2000),
        ("2rb", 2000),
        ("0", 0),
        ("nol", 0),
        ("tidak ada", 0),
        ("nihil", 0),
        ("kosong", 0),
        ("belum ada", 0),
        ("-0", 0),
        ("\uff14\uff12", 42),  # full-width digits, as some phone keyboards type them
        ("D = 40", 40),
        ("42 (42)", 42),
    ],
)
def test_counts_are_read(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", NumberProblem.EMPTY),
        ("   ", NumberProblem.EMPTY),
        ("abc", NumberProblem.NOT_A_NUMBER),
        ("tidak", NumberProblem.NOT_A_NUMBER),
        ("😀👍", NumberProblem.NOT_A_NUMBER),
        ("'; DROP TABLE reports; --", NumberProblem.NOT_A_NUMBER),
        ("-5", NumberProblem.NEGATIVE),
        ("minus lima", NumberProblem.NEGATIVE),
        ("3,5", NumberProblem.DECIMAL),
        ("3.5", NumberProblem.DECIMAL),
        ("tiga koma lima", NumberProblem.DECIMAL),
        ("dua setengah", NumberProblem.DECIMAL),
        ("42 atau 43", NumberProblem.SEVERAL),
        ("0-59 bulan ada 48", NumberProblem.SEVERAL),
        ("dua dua", NumberProblem.NOT_A_NUMBER),
        ("100000", NumberProblem.TOO_LARGE),
        ("seratus ribu", NumberProblem.TOO_LARGE),
        # Millions and up are read, and refused as too large: never misread as 1 or 2.
        ("satu juta", NumberProblem.TOO_LARGE),
        ("sejuta", NumberProblem.TOO_LARGE),
        ("satujuta", NumberProblem.TOO_LARGE),
        ("1 juta", NumberProblem.TOO_LARGE),
        ("2jt", NumberProblem.TOO_LARGE),
        ("dua juta lima ratus ribu", NumberProblem.TOO_LARGE),
        ("ada satu juta anak", NumberProblem.TOO_LARGE),
        ("semiliar", NumberProblem.TOO_LARGE),
        ("juta", NumberProblem.NOT_A_NUMBER),
        ("9" * 400, NumberProblem.TOO_LARGE),
        ("x" * 5000, NumberProblem.NOT_A_NUMBER),
    ],
)
def test_non_counts_say_why(text: str, problem: NumberProblem) -> None:
    assert parse_count(text) is problem


@given(st.integers(0, MAX_COUNT))
def test_words_round_trip(n: int) -> None:
    assert parse_count(words(n)) == n


@given(st.integers(0, MAX_COUNT))
def test_thousand_separators_and_text_round_trip(n: int) -> None:
    dotted = f"{n:,}".replace(",", ".")
    assert parse_count(dotted) == n
    assert parse_count(f"ada {n} anak") == n
    assert parse_count(f"jumlahnya {words(n)} orang") == n


@given(st.integers(1, MAX_COUNT))
def test_negatives_and_decimals_are_refused(n: int) -> None:
    assert parse_count(f"-{n}") is NumberProblem.NEGATIVE
    assert parse_count(f"{n},5") is NumberProblem.DECIMAL


@given(st.text(max_size=300))
def test_any_text_gives_a_count_or_a_reason(text: str) -> None:
    result = parse_count(text)
    assert isinstance(result, NumberProblem) or 0 <= result <= MAX_COUNT
