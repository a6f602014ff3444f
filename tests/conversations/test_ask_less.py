"""Ask less (issue 15): last month's head counts confirmed in one message, one warning per
message, answer buttons on the questions."""

from __future__ import annotations

import pytest

from conversations import SaveReport, Text
from conversations.session import Stage
from tests.conversations.world import World

#: World.demo()'s October report: kader on duty and the four head counts of the area.
OCTOBER = {"kader": 6, "s": 48, "bumil": 6, "pus": 80, "bayi": 12}


def _last(world: World, message: str) -> Text:
    replies = [r for r in world.send("kader", message).replies if isinstance(r, Text)]
    assert replies, message
    return replies[-1]


def _counts(world: World) -> dict[str, int | None]:
    draft = world.sessions["kader"].draft
    assert draft is not None
    return dict(draft.counts)


def test_one_message_asks_whether_last_months_head_counts_still_hold() -> None:
    world = World.demo()
    asked = _last(world, "LAPOR")
    assert (
        "Masih sama dengan bulan lalu?\nKADER 6 · S 48 · BUMIL 6 · PUS 80 · BAYI 12" in asked.body
    )
    assert asked.choices == ("YA", "TIDAK")
    first = _last(world, "iya bu")
    assert first.body.startswith("(1/9) K:")
    assert {f: _counts(world)[f] for f in OCTOBER} == OCTOBER


def test_typed_changes_replace_those_values_and_keep_the_others() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    assert _last(world, "pus 84 bayi 11").body.startswith("(1/9) K:")
    assert {f: _counts(world)[f] for f in OCTOBER} == {**OCTOBER, "pus": 84, "bayi": 11}


def test_no_asks_each_value_alone() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    first = _last(world, "gak")
    assert first.body.startswith("(1/14) Berapa kader")
    assert first.choices == ("= 6",) and first.numbered is False


@pytest.mark.parametrize("answer", ["6", "abc", "S 70an", "D"])
def test_anything_else_is_asked_again_and_changes_nothing(answer: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    again = _last(world, answer)
    assert "Balas YA jika semua masih sama" in again.body, answer
    assert _counts(world) == {}
    assert world.sessions["kader"].draft.stage is Stage.SAME  # type: ignore[union-attr]


def test_ubah_at_the_question_takes_that_value_and_asks_the_rest() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    changed = _last(world, "UBAH S 50")
    assert "KADER 6 · BUMIL 6 · PUS 80 · BAYI 12" in changed.body and "S 48" not in changed.body
    world.send("kader", "YA")
    assert {f: _counts(world)[f] for f in OCTOBER} == {**OCTOBER, "s": 50}


def test_kembali_at_the_first_question_says_so() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    assert "Ini pertanyaan pertama" in _last(world, "KEMBALI").body


def test_a_posyandu_without_history_is_asked_one_by_one() -> None:
    world = World.demo()
    world.reports[1].clear()
    assert "(1/16) Berapa kader" in _last(world, "LAPOR").body  # KK and dana sehat too


def test_buttons_offer_last_months_value_and_lewati() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")
    for answer in ("6", "=", "45", "40", "30", "0"):
        question = _last(world, answer)
    assert question.body.startswith("(7/14) 2T") and question.choices == ("LEWATI",)
    assert question.numbered is False
    tapped = _last(world, "0")
    assert tapped.choices == ("= 6",)
    assert _last(world, "= 6").body.startswith("(9/14)")
    assert _counts(world)["bumil"] == 6


REST = "T2=0 KADER=6 BUMIL=7 BUMIL_PERIKSA=5 PUS=110 KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2"


def test_warnings_come_one_per_message_and_the_last_yes_saves() -> None:
    world = World.demo()
    summary = _last(world, f"LAPOR nov S=50 K=40 D=45 N=40 BGM=0 {REST} TAMBAHAN=BKB")
    assert summary.body.count("Perhatikan") == 1 and "D (45) lebih dari K (40)" in summary.body
    second = world.send("kader", "YA")
    assert not any(isinstance(e, SaveReport) for e in second.effects)
    assert second.replies[0].body.startswith("Perhatikan: PUS")  # type: ignore[union-attr]
    saved = world.send("kader", "ya bu")
    assert any(isinstance(e, SaveReport) for e in saved.effects)


def test_after_an_interruption_the_saved_report_is_never_called_unfinished() -> None:
    """RIWAYAT mid-report, LANJUT, the rest, YA: from then on no reply says the report is
    still to finish (issue 15's "belum selesai" after saving)."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "YA")
    assert "belum selesai" in _last(world, "RIWAYAT").body
    replies = [_last(world, m).body for m in ("LANJUT", "45", "40", "30", "0", "0", "4", "50")]
    for message in ("1", "BKB", "YA", "RIWAYAT", "PDF", "JADWAL"):
        texts = [r.body for r in world.send("kader", message).replies if isinstance(r, Text)]
        replies.append("\n".join(texts))
    assert any("tersimpan" in r for r in replies)
    after = replies[replies.index(next(r for r in replies if "tersimpan" in r)) :]
    assert not any("belum selesai" in r or "LANJUT" in r for r in after), after
    assert world.sessions["kader"].draft is None
