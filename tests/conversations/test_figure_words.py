"""How a figure reads (conversations/figure_words.py), the one writer of a figure's digits for
the chat, the PDFs and the dasbor: Indonesian marks, the blank of each medium, a part of a
whole, a ratio's short name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.dasbor.render import GLOBALS
from conversations.figure_words import (
    BLANK,
    count,
    decimal,
    part_of,
    pdf_blank,
    percent,
    percent_pair,
    ratio_label,
)


def test_indonesian_marks() -> None:
    assert count(1250) == "1.250"
    assert count(1_250_000) == "1.250.000"
    assert count(0) == "0"
    assert decimal(4.1, 1) == "4,1"
    assert decimal(1234.5, 1) == "1.234,5"
    assert part_of(1427, 1428) == "1.427 dari 1.428"


def test_an_unknown_figure_reads_as_its_medium_writes_it() -> None:
    assert (count(None), percent(None), BLANK) == ("-", "-", "-")
    assert (count(None, pdf_blank()), percent(None, pdf_blank())) == ("—", "—")
    assert percent_pair(None, 0.85, pdf_blank()) == ("—", "85%")
    assert part_of(3, None) == "3 dari -"


@given(st.integers(min_value=0, max_value=10**7))
def test_a_count_reads_back(n: int) -> None:
    assert int(count(n).replace(".", "")) == n
    assert GLOBALS["num"](n) == count(n)


def test_a_ratio_by_its_short_name() -> None:
    assert [ratio_label(r) for r in ("k_s", "d_s", "d_k", "n_d")] == ["K/S", "D/S", "D/K", "N/D"]
