"""The soft rules added for issue 15 in the chat: D above K is questioned, never celebrated."""

from __future__ import annotations

from conversations import Text
from tests.conversations.world import World

REST = "T2=0 KADER=6 BUMIL=7 BUMIL_PERIKSA=5 PUS=110 KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2"


def _bodies(world: World, text: str) -> str:
    return "\n".join(r.body for r in world.send("kader", text).replies if isinstance(r, Text))


def test_d_above_k_is_asked_and_not_celebrated() -> None:
    world = World.demo()
    summary = _bodies(world, f"LAPOR nov S=50 K=40 D=45 N=40 BGM=0 {REST} TAMBAHAN=BKB")
    # One warning per message, the most important first: D above K, then PUS (80 -> 110).
    assert "D (45) lebih dari K (40)" in summary and "PUS" not in summary.split("Perhatikan")[1]
    second = _bodies(world, "YA")
    assert second.startswith("Perhatikan: PUS") and "tersimpan" not in second
    saved = _bodies(world, "YA")
    assert "tersimpan" in saved and "Hebat" not in saved


def test_every_target_met_is_still_celebrated() -> None:
    world = World.demo()
    summary = _bodies(world, f"LAPOR nov S=50 K=45 D=43 N=40 BGM=0 {REST} TAMBAHAN=BKB")
    assert "lebih dari K" not in summary
    saved = _bodies(world, "YA")
    assert "tersimpan" in saved and "Hebat" in saved
