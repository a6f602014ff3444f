"""Issue 15: "same as last month", everyday command forms and a bare invitation code, as kader
write them."""

from __future__ import annotations

import pytest

from conversations import Text
from scoring import Period
from tests.conversations.world import World

NOV = Period(2026, 11)

#: Every answer of the guided report, "=" wherever it is offered (kader, denominators,
#: the extra programmes).
WITH_EQUALS = ["=", "=", "45", "40", "30", "1", "0", "=", "4", "=", "50", "=", "1", "="]

SAME = [
    "sama",
    "masih sama",
    "tetap",
    "sama kayak kemarin",
    "sama seperti bulan lalu",
    "sama bu",
    "Sama.",
    "Masih sama bu",
]


def _texts(world: World, who: str, message: str) -> str:
    return "\n".join(r.body for r in world.send(who, message).replies if isinstance(r, Text))


def _draft_after(answers: list[str]) -> tuple[dict[str, int | None], tuple[str, ...] | None]:
    world = World.demo()
    world.send("kader", "LAPOR")
    for answer in answers:
        world.send("kader", answer)
    draft = world.sessions["kader"].draft
    assert draft is not None
    return dict(draft.counts), draft.programmes


@pytest.mark.parametrize("same", SAME)
def test_same_words_mean_equals_wherever_equals_is_offered(same: str) -> None:
    expected = _draft_after(WITH_EQUALS)
    got = _draft_after([same if a == "=" else a for a in WITH_EQUALS])
    assert got == expected, same
    assert expected[0]["kader"] is not None and expected[1] is not None


@pytest.mark.parametrize("same", SAME)
def test_same_words_are_refused_where_nothing_is_offered(same: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "6")
    world.send("kader", "=")
    reply = _texts(world, "kader", same)  # K (3/14): a count, never offered
    assert "(3/14)" in reply, (same, reply)
    assert "k" not in world.sessions["kader"].draft.counts  # type: ignore[union-attr]


@pytest.mark.parametrize("same", SAME)
def test_same_words_are_not_a_yes_at_a_soft_warning(same: str) -> None:
    """ "tetap" at "is 70 right?" could mean "keep 70" or "as last month": asked back."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "6")
    assert "berubah lebih dari 20%" in _texts(world, "kader", "70")
    _texts(world, "kader", same)
    draft = world.sessions["kader"].draft
    assert draft is not None and "s" not in draft.counts, same
