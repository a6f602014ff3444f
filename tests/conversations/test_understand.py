"""How kader write: none, yes/no, unsure numbers and "eh salah", through whole dialogues."""

from __future__ import annotations

import pytest

from conversations import Text
from scoring import Period
from tests.conversations.world import World, good_month

NOV = Period(2026, 11)
OKT = Period(2026, 10)

#: Every answer of the guided report but the last (the extra programmes).
BEFORE_PROGRAMMES = ["6", "=", "45", "40", "30", "1", "0", "=", "4", "=", "50", "=", "1"]

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
    world.send("kader", "UBAH TAMBAHAN BKB")
    world.send("kader", f"UBAH TAMBAHAN {none}")
    assert world.sessions["kader"].draft.programmes == (), none  # type: ignore[union-attr]
