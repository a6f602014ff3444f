"""How kader write: none, yes/no, unsure numbers and "eh salah", through whole dialogues."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import Text
from conversations.numbers import NumberProblem, parse_count
from scoring import Period
from scoring.lexicon import DIGIT_MULTIPLIERS
from tests.conversations.world import World, good_month

NOV = Period(2026, 11)
OKT = Period(2026, 10)

#: Every answer of the guided report but the last (the extra programmes).
BEFORE_PROGRAMMES = ["6", "=", "45", "40", "30", "1", "0", "=", "4", "1", "=", "50", "=", "1"]

NONE_ANSWERS = [
    "gak ada",
    "ga ada",
    "enggak ada",
    "ngga ada",
    "nggak ada",
    "tidak ada",
    "tdk ada",
    "belum ada",
    "nihil",
    "kosong",
    "-",
    "gak",
    "tidak",
    "Gak ada bu",
    "tidak ada.",
]


def _texts(world: World, who: str, message: str) -> str:
    return "\n".join(r.body for r in world.send(who, message).replies if isinstance(r, Text))


@pytest.mark.parametrize("none", NONE_ANSWERS)
def test_none_at_the_programme_question(none: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in BEFORE_PROGRAMMES:
        world.send("kader", answer)
    reply = _texts(world, "kader", none)
    assert "Kegiatan tambahan: tidak ada" in reply, reply
    assert world.sessions["kader"].draft.programmes == ()  # type: ignore[union-attr]


@pytest.mark.parametrize("none", NONE_ANSWERS)
def test_none_in_ubah_tambahan(none: str) -> None:
    world = World.demo()
    world.reports[1].pop(NOV, None)
    world.save(1, good_month(NOV), "kader", None)
    world.send("kader", f"UBAH TAMBAHAN {none}")
    assert world.reports[1][NOV].report.programmes == (), none


@pytest.mark.parametrize("none", NONE_ANSWERS)
def test_none_in_ubah_tambahan_inside_a_report(none: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "UBAH TAMBAHAN BKB")
    world.send("kader", f"UBAH TAMBAHAN {none}")
    assert world.sessions["kader"].draft.programmes == (), none  # type: ignore[union-attr]


YES = [
    "ya",
    "iya bu",
    "ya bu",
    "iy",
    "yoi",
    "sip",
    "siap",
    "oke",
    "ok",
    "boleh",
    "lanjut",
    "betul",
    "benar",
    "ya sudah benar",
    "👍",
    "Iya pak",
    "siap kak",
    "oke dong",
    "betul ya",
]
NO = ["gak", "ga", "nggak", "enggak", "ngga", "tidak", "tdk", "belum", "gak bu", "tidak pak"]
FULL = [*BEFORE_PROGRAMMES, "BKB"]


def _at_soft_warning(world: World) -> None:
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    assert "berubah lebih dari 20%" in _texts(world, "kader", "70")


@pytest.mark.parametrize("yes", YES)
def test_yes_saves_at_the_summary(yes: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in FULL:
        world.send("kader", answer)
    world.send("kader", yes)
    assert NOV in world.reports[1], yes
    assert world.sessions["kader"].draft is None


@pytest.mark.parametrize("no", NO)
def test_no_does_not_save_at_the_summary(no: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in FULL:
        world.send("kader", answer)
    reply = _texts(world, "kader", no)
    assert NOV not in world.reports[1]
    assert "Balas YA untuk simpan" in reply, reply
    assert "khusus" not in reply


@pytest.mark.parametrize("yes", YES)
def test_yes_confirms_a_soft_warning(yes: str) -> None:
    world = World.demo()
    _at_soft_warning(world)
    assert "(3/14)" in _texts(world, "kader", yes), yes
    assert world.sessions["kader"].draft.counts["s"] == 70  # type: ignore[union-attr]


@pytest.mark.parametrize("no", NO)
def test_no_refuses_a_soft_warning(no: str) -> None:
    world = World.demo()
    _at_soft_warning(world)
    reply = _texts(world, "kader", no)
    assert "(2/14)" in reply and "berubah" not in reply, (no, reply)
    draft = world.sessions["kader"].draft
    assert draft is not None and "s" not in draft.counts and draft.pending is None


@pytest.mark.parametrize("no", NO)
def test_no_keeps_the_report_at_tidak_buka(no: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "TIDAK BUKA")
    assert "(2/14)" in _texts(world, "kader", no), no
    assert NOV not in world.reports[1]
    assert world.sessions["kader"].draft.counts == {"kader": 6}  # type: ignore[union-attr]


@pytest.mark.parametrize("yes", YES)
def test_yes_records_tidak_buka(yes: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "TIDAK BUKA")
    world.send("kader", yes)
    assert world.reports[1][NOV].report.buka is False, yes


def test_lanjut_and_belum_stay_commands_when_nothing_is_asked() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    assert "(2/14)" in _texts(world, "kader", "LANJUT")
    assert "khusus pembina" in _texts(world, "kader2", "belum")


UNSURE = [
    "l2",
    "O5",
    "1O",
    "20an",
    "kurleb 20",
    "kurang lebih 20",
    "± 12",
    "+- 12",
    "sekitar 15",
    "kira-kira 15",
    "kira2 15",
]


@pytest.mark.parametrize("unsure", UNSURE)
def test_unsure_numbers_are_asked_again_never_stored(unsure: str) -> None:
    assert parse_count(unsure) is NumberProblem.UNSURE
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "=")
    reply = _texts(world, "kader", unsure)
    assert "belum pasti" in reply and "(3/14)" in reply, reply
    assert "k" not in world.sessions["kader"].draft.counts  # type: ignore[union-attr]
    assert "(4/14)" in _texts(world, "kader", "45")


@pytest.mark.parametrize("unsure", UNSURE)
def test_unsure_numbers_are_refused_in_ubah(unsure: str) -> None:
    world = World.demo()
    world.save(1, good_month(NOV), "kader", None)
    assert "belum pasti" in _texts(world, "kader", f"UBAH K {unsure}")
    assert world.reports[1][NOV].report.k == 45


@pytest.mark.parametrize(
    "plain", [("12 org", 12), ("12 anak", 12), ("dua belas", 12), ("12 bu", 12)]
)
def test_plain_numbers_still_read(plain: tuple[str, int]) -> None:
    assert parse_count(plain[0]) == plain[1]


#: Letters after digits that are a multiplier ("2rb" = 2000) are a unit, not a look-alike.
_LETTERS = st.text(alphabet=string.ascii_letters, min_size=1, max_size=4).filter(
    lambda letters: letters.casefold() not in DIGIT_MULTIPLIERS
)
_DIGITS = st.text(alphabet=string.digits, min_size=1, max_size=4)


@given(
    st.one_of(
        st.tuples(_DIGITS, _LETTERS).map("".join),
        st.tuples(_LETTERS, _DIGITS).map("".join),
    )
)
def test_letters_glued_to_digits_are_never_read_as_a_count(answer: str) -> None:
    assert not isinstance(parse_count(answer), int), answer


@pytest.mark.parametrize("oops", ["eh salah", "salah", "Salah bu", "ulang"])
def test_eh_salah_goes_back_and_stores_nothing(oops: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in ("6", "48", "45"):
        world.send("kader", answer)
    reply = _texts(world, "kader", oops)  # at the D question (4/14)
    assert "(3/14)" in reply, (oops, reply)
    draft = world.sessions["kader"].draft
    assert draft is not None and "d" not in draft.counts and draft.counts["k"] == 45
