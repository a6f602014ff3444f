"""The one percent formatter (conversations.figure_words.percent): the chat, the dasbor and the PDFs
write a share through it, whole unless a whole number would read as 0% or 100% when the share
is not that (issue 23: 1,427 of 1,428 posyandu read "100%")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.dasbor.render import GLOBALS
from conversations.figure_words import pdf_blank, percent, percent_of_target
from scoring import AreaRollup, MemberStatus, Stratum, rollup

counts = st.integers(min_value=1, max_value=10**6)


def test_1427_of_1428_is_not_all_of_them() -> None:
    assert percent(1427 / 1428) == "99,9%"
    assert percent(1 / 1428) == "0,1%"
    assert percent(959 / 1428) == "67%"  # the seed's 67.16%: whole where that is honest
    assert (percent(1.0), percent(0.0), percent(None)) == ("100%", "0%", "-")
    # Immunisation coverage may exceed 1: just above it is not 100% either.
    assert percent(1.0004) == "100,04%"


@given(counts, counts)
def test_a_share_below_one_never_reads_100_percent(part: int, whole: int) -> None:
    part, whole = sorted((part, whole))
    text = percent(part / whole)
    if part < whole:
        assert text != "100%"
        assert not text.startswith("100")
    else:
        assert text == "100%"


@given(counts, counts)
def test_a_share_above_zero_never_reads_0_percent(part: int, whole: int) -> None:
    part, whole = sorted((part, whole))
    assert percent(part / whole) != "0%"
    assert percent(0 / whole) == "0%"


@given(st.floats(min_value=0.0, max_value=2.0, allow_nan=False))
def test_every_share_is_written_alike_in_chat_dasbor_and_pdf(fraction: float) -> None:
    assert percent(fraction, pdf_blank()) == percent(fraction)
    assert "." not in percent(fraction)  # the Indonesian decimal comma, no point
    assert percent_of_target(fraction, 0.85) == percent(fraction) or fraction < 0.85


def test_the_dasbor_templates_write_shares_with_it() -> None:
    assert GLOBALS["pct"](1427 / 1428) == "99,9%"
    assert GLOBALS["pct_target"](1427 / 1428, 0.85) == "99,9%"


def test_a_roll_up_of_almost_every_posyandu_is_not_all_of_them() -> None:
    statuses = [MemberStatus(Stratum.PURNAMA, True, True, False)] * 1427
    statuses.append(MemberStatus(Stratum.PRATAMA, False, True, False))
    roll: AreaRollup = rollup(statuses)
    assert percent(roll.share_purnama_mandiri) == "99,9%"
    assert percent(roll.share_aktif) == "99,9%"
