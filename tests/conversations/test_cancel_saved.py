"""BATAL of a change to a month already saved says the saved report stays; BATAL of a new
report still says nothing was saved."""

from __future__ import annotations

from scoring import Period
from storage.people import Person, Role
from tests.conversations.test_step import last_text
from tests.conversations.world import World

NOV = Period(2026, 11)
OKT = Period(2026, 10)

KEPT = "Perubahan laporan Oktober 2026 dibatalkan. Laporan yang tersimpan tetap."


def _saved(world: World) -> tuple[int, int | None]:
    stored = world.reports[1][OKT]
    return stored.revision, stored.report.d


def test_batal_after_lapor_for_a_saved_month() -> None:
    world = World.demo()
    before = _saved(world)
    assert "ISI ULANG" in last_text(world, "kader", "lapor okt")
    reply = last_text(world, "kader", "BATAL")
    assert reply == KEPT
    assert "tidak ada yang disimpan" not in reply
    assert _saved(world) == before


def test_batal_answering_isi_ulang_question() -> None:
    world = World.demo()
    world.send("kader", "lapor okt")
    assert last_text(world, "kader", "batal") == KEPT


def test_batal_at_change_to_tidak_buka() -> None:
    world = World.demo()
    before = _saved(world)
    assert "Ganti menjadi TIDAK BUKA?" in last_text(world, "kader", "tidak buka okt")
    assert last_text(world, "kader", "BATAL") == KEPT
    assert world.reports[1][OKT].report.buka is True
    assert _saved(world) == before
    assert world.sessions["kader"].draft is None


def test_batal_of_a_second_kaders_isi_ulang() -> None:
    world = World.demo()
    world.people["kader3"] = Person(4, "Dewi", Role.KADER, posyandu_id=1)
    before = _saved(world)
    world.send("kader3", "lapor okt")
    assert "(1/16)" in last_text(world, "kader3", "ISI ULANG")
    world.send("kader3", "7")
    assert last_text(world, "kader3", "BATAL") == KEPT
    assert _saved(world) == before


def test_batal_of_a_new_report_keeps_its_text() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "6")
    reply = last_text(world, "kader", "BATAL")
    assert reply == "Laporan November 2026 dibatalkan, tidak ada yang disimpan."
    assert NOV not in world.reports[1]


def test_batal_picked_by_its_number_at_change_to_tidak_buka() -> None:
    """The choice list's BATAL, typed as its number, says the same as the word."""
    world = World.demo()
    before = _saved(world)
    question = last_text(world, "kader", "tidak buka okt")
    assert "Ganti menjadi TIDAK BUKA?" in question
    choices = world.send("kader", "2").replies
    assert choices and getattr(choices[-1], "body", "") == KEPT, question
    assert _saved(world) == before
