"""The chat over a short known history: the thanks after saving says "Strata sementara (4
bulan data): ..." or "belum cukup data"; a supervisor's area answers count a posyandu without
any data as "belum ada data" (never Pratama) and do not ask a posyandu registered in November
for October's report."""

from __future__ import annotations

from conversations.flows.summary import stratum_line
from scoring import KnownHistory, Period
from storage.people import Person, Role
from tests.conversations.world import World, good_month

NOV = Period(2026, 11)


def _world_with_new_posyandu(months: tuple[int, ...]) -> World:
    """The demo world; P3 (Posyandu Anggrek) has reported only ``months`` of 2026."""
    world = World.demo()
    for m in months:
        world.save(3, good_month(Period(2026, m), bayi_imunisasi=3), "Dewi", 9)
    world.people["kader3"] = Person(9, "Dewi", Role.KADER, posyandu_id=3)
    return world


def _line(world: World, address: str) -> str | None:
    ctx = world.context(address, "LAPOR")
    assert ctx.posyandu is not None
    return stratum_line(ctx, ctx.posyandu, good_month(NOV, bayi_imunisasi=3))


def test_four_known_months_give_a_provisional_stratum() -> None:
    world = _world_with_new_posyandu((8, 9, 10))
    assert _line(world, "kader3") == "Strata sementara (4 bulan data): Mandiri (Posyandu Aktif)."


def test_two_known_months_are_not_enough() -> None:
    world = _world_with_new_posyandu((10,))
    assert _line(world, "kader3") == "Strata: belum cukup data (2 bulan data)."


def test_a_whole_year_reads_as_before() -> None:
    world = World.demo()
    assert _line(world, "kader") == (
        "Tingkat posyandu, 12 bulan terakhir: Mandiri (Posyandu Aktif)."
    )


def test_area_counts_no_data_apart_and_skips_months_before_registration() -> None:
    world = World.demo()  # P3 has no report at all
    strata = world.say("spv", "STRATA OKTOBER")
    assert "belum ada data 1" in strata
    assert "Pratama 0" in strata
    # P4 registered in November, nothing reported yet.
    info = world.posyandu[3]
    world.posyandu[4] = type(info)(4, "P4", "Posyandu Kenanga", "Desa Sukamaju", info.hari_buka)
    world.reports[4] = {}
    world.histories[4] = KnownHistory(registered=NOV)
    october = world.say("spv", "BELUM OKTOBER")
    assert "Posyandu Anggrek" in october and "Kenanga" not in october
    assert "(1 dari 3)" in october
    november = world.say("spv", "BELUM")
    assert "Posyandu Anggrek" in november and "Kenanga" in november
    assert "belum ada data 2" in world.say("spv", "STRATA")


def test_posyandu_detail_without_any_data() -> None:
    world = World.demo()
    answer = world.say("spv", "POSYANDU Anggrek")
    assert "Strata: belum ada data." in answer


def test_area_detail_of_a_new_posyandu_is_provisional() -> None:
    world = _world_with_new_posyandu((8, 9, 10, 11))
    answer = world.say("spv", "POSYANDU Anggrek")
    assert "Strata sementara (4 bulan data): Mandiri" in answer
    strata = world.say("spv", "STRATA")
    assert "(1 di antaranya sementara)" in strata
