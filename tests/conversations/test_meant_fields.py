"""Issue 23: a number goes only where the kader meant it. Each case stored a number in the
wrong field (or a word answering a warning as a count) before conversations/understand.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations import Text
from conversations.session import Stage
from scoring import Period
from tests.conversations.world import World

OKT = Period(2026, 10)


def _texts(world: World, message: str) -> str:
    return "\n".join(r.body for r in world.send("kader", message).replies if isinstance(r, Text))


def _at(field: str) -> World:
    """A report in progress at ``field``'s question (K 45, D 40 given before it)."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "YA")  # kader and the head counts as last month (S 48)
    for answer, asked in (("45", "k"), ("40", "d"), ("30", "n"), ("1", "bgm")):
        if asked == field:
            break
        world.send("kader", answer)
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.current == field, draft
    return world


def _counts(world: World) -> dict[str, int | None]:
    draft = world.sessions["kader"].draft
    assert draft is not None
    return dict(draft.counts)


@pytest.mark.parametrize(
    ("asked", "answer", "named", "value", "note"),
    [
        ("n", "d 41", "d", 41, "Diubah: D 40 menjadi 41."),
        ("n", "bgm 1", "bgm", 1, "Diubah: BGM - menjadi 1."),
        ("k", "d 40", "d", 40, "Diubah: D - menjadi 40."),
        ("k", "bgm 0", "bgm", 0, "Diubah: BGM - menjadi 0."),
        ("d", "s 70", "s", 70, "Diubah: S 48 menjadi 70."),
        ("n", "maaf salah d nya 42", "d", 42, "Diubah: D 40 menjadi 42."),
        ("n", "D=39", "d", 39, "Diubah: D 40 menjadi 39."),
        ("n", "eh salah, d nya 38 bu", "d", 38, "Diubah: D 40 menjadi 38."),
    ],
)
def test_a_named_field_goes_to_that_field_and_the_question_stays(
    asked: str, answer: str, named: str, value: int, note: str
) -> None:
    world = _at(asked)
    before = _counts(world)
    reply = _texts(world, answer)
    counts = _counts(world)
    assert counts[named] == value, reply
    assert counts.get(asked) == before.get(asked), f"{answer!r} stored in {asked}"
    assert reply.startswith(note), reply
    assert world.sessions["kader"].draft.current == asked  # type: ignore[union-attr]


def test_two_fields_named_at_once_both_change() -> None:
    world = _at("n")
    reply = _texts(world, "ubah d 41 n 29")
    assert reply.startswith("Diubah: D 40 menjadi 41, N - menjadi 29."), reply
    counts = _counts(world)
    assert (counts["d"], counts["n"]) == (41, 29)
    assert world.sessions["kader"].draft.current == "bgm"  # type: ignore[union-attr]


def test_two_fields_named_at_once_neither_changes_when_one_is_refused() -> None:
    world = _at("n")
    reply = _texts(world, "d 41 n 45")  # N 45 > D 41: hard rule
    assert "tidak boleh lebih" in reply, reply
    counts = _counts(world)
    assert counts["d"] == 40 and "n" not in counts


def test_a_named_field_in_ubah_of_a_report_in_progress_applies_both_or_none() -> None:
    world = _at("bgm")
    assert "Diubah: D 40 menjadi 41, N 30 menjadi 29." in _texts(world, "UBAH D 41 N 29")
    assert (_counts(world)["d"], _counts(world)["n"]) == (41, 29)
    assert "tidak boleh lebih" in _texts(world, "UBAH D 20 N 29")
    assert (_counts(world)["d"], _counts(world)["n"]) == (41, 29)


def _at_d_more_than_k() -> World:
    world = _at("d")
    reply = _texts(world, "46")  # K 45: D/K above 100%
    assert "Balas YA jika benar, atau ketik angka yang benar" in reply, reply
    return world


@pytest.mark.parametrize(
    "words", ["gak ada", "nol", "ada 5", "ya ada 5 anak", "tidak ada", "ada 44", "tetap"]
)
def test_words_answering_a_warning_are_not_a_count(words: str) -> None:
    world = _at_d_more_than_k()
    reply = _texts(world, words)
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.stage is Stage.SOFT and draft.pending == 46, reply
    assert "d" not in draft.counts
    assert "Balas YA jika benar" in reply


@pytest.mark.parametrize(("bare", "value"), [("44", 44), ("D 44", 44), ("44 anak", 44)])
def test_a_bare_number_at_a_warning_replaces_the_value(bare: str, value: int) -> None:
    world = _at_d_more_than_k()
    _texts(world, bare)
    assert _counts(world)["d"] == value


def test_another_field_named_at_a_warning_can_settle_it() -> None:
    world = _at_d_more_than_k()
    reply = _texts(world, "k 46")  # the kader corrects K instead: D 46 then stands
    assert reply.startswith("Diubah: K 45 menjadi 46."), reply
    assert (_counts(world)["k"], _counts(world)["d"]) == (46, 46)


@pytest.mark.parametrize("same", ["tidak ada yg berubah", "gak ada yang berubah", "tdk berubah"])
def test_nothing_changed_at_a_count_is_last_months_value_not_zero(same: str) -> None:
    world = _at("bgm")
    reply = _texts(world, same)
    assert _counts(world)["bgm"] == 1, reply  # October's BGM, not 0
    assert "sama dengan Oktober 2026" in reply


@pytest.mark.parametrize("none", ["tidak ada", "gak ada anak", "tidak ada bu", "nihil", "Gak ada."])
def test_none_alone_or_with_a_unit_is_zero(none: str) -> None:
    world = _at("bgm")
    _texts(world, none)
    assert _counts(world)["bgm"] == 0, none


@pytest.mark.parametrize("unsure", ["gak ada kemarin", "tidak ada lagi", "bukan 40", "kemarin 40"])
def test_other_words_are_asked_back(unsure: str) -> None:
    world = _at("bgm")
    _texts(world, unsure)
    assert "bgm" not in _counts(world), unsure


STILL_SAME = [
    "ya sama",
    "msh sama",
    "sm",
    "yaa",
    "gak berubah",
    "tidak ada yg berubah",
    "sama kyk bln lalu",
    "\N{OK HAND SIGN}",
    "Iyaa bu",
    "masih sama semua kak",
]


@pytest.mark.parametrize("same", STILL_SAME)
def test_still_the_same_as_people_write_it(same: str) -> None:
    world = World.demo()
    assert "Masih sama dengan bulan lalu?" in _texts(world, "LAPOR")
    reply = _texts(world, same)
    assert "(1/9) K:" in reply, (same, reply)
    assert _counts(world)["s"] == 48


def test_a_plain_no_at_still_the_same_asks_one_by_one() -> None:
    world = World.demo()
    _texts(world, "LAPOR")
    assert "(1/14)" in _texts(world, "gak")


def test_ubah_of_a_saved_month_changes_two_counts_or_neither() -> None:
    world = World.demo()
    reply = _texts(world, "ubah d 41 n 29")  # October, the latest saved month
    assert "diubah: D 40 menjadi 41, N 30 menjadi 29." in reply, reply
    assert (world.reports[1][OKT].report.d, world.reports[1][OKT].report.n) == (41, 29)
    refused = _texts(world, "UBAH D 20 N 29")
    assert refused.startswith("Tidak diubah."), refused
    assert (world.reports[1][OKT].report.d, world.reports[1][OKT].report.n) == (41, 29)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("s68 k58 d42", {"s": 68, "k": 58, "d": 42}),
        ("S68 K58 D42 N30", {"s": 68, "k": 58, "d": 42, "n": 30}),
        ("ditimbang 42 naik 30", {"d": 42, "n": 30}),
        ("bgm gak ada", {"bgm": 0}),
        ("d 40 n tidak ada", {"d": 40, "n": 0}),
        ("s 50 bgm 2 anak n 30", {"s": 50, "bgm": 2, "n": 30}),
        ("d dua puluh", {"d": 20}),
    ],
)
def test_the_quick_report_takes_what_kader_write(line: str, expected: dict[str, int]) -> None:
    from conversations.quick import looks_quick, parse_quick

    assert looks_quick(line.split())
    quick = parse_quick(line, Period(2026, 11))
    assert quick.counts == expected and not quick.problems, quick


def test_a_quick_report_typed_as_kader_write_starts_the_report() -> None:
    world = World.demo()
    world.send("kader", "LAPOR s68 k58 d42")
    assert {f: _counts(world)[f] for f in ("s", "k", "d")} == {"s": 68, "k": 58, "d": 42}


def _before_hari_buka() -> World:
    world = World.demo()
    world.now = datetime(2026, 11, 5, 3, 0, tzinfo=UTC)  # hari buka is the 12th
    return world


@pytest.mark.parametrize("closed", ["tdk buka", "TIDAK BUKA", "belum buka", "libur", "Libur bu"])
def test_tidak_buka_before_hari_buka_asks_once(closed: str) -> None:
    world = _before_hari_buka()
    reply = _texts(world, closed)
    assert "baru tanggal 12" in reply and "TIDAK BUKA sekarang?" in reply, reply
    assert Period(2026, 11) not in world.reports[1]
    assert "Tercatat" in _texts(world, "ya")
    assert world.reports[1][Period(2026, 11)].report.buka is False


@pytest.mark.parametrize("no", ["tidak", "gak", "belum"])
def test_tidak_buka_before_hari_buka_records_nothing_on_no(no: str) -> None:
    world = _before_hari_buka()
    _texts(world, "tdk buka")
    assert "tidak dicatat" in _texts(world, no)
    assert Period(2026, 11) not in world.reports[1]
    assert world.sessions["kader"].awaiting is None


@pytest.mark.parametrize("closed", ["belum buka", "libur", "blm buka bu"])
def test_belum_buka_and_libur_are_tidak_buka_after_hari_buka(closed: str) -> None:
    world = World.demo()  # 14 November, after hari buka: recorded at once, as TIDAK BUKA is
    reply = _texts(world, closed)
    assert "khusus pembina" not in reply and "Tercatat" in reply, reply
    assert world.reports[1][Period(2026, 11)].report.buka is False


@pytest.mark.parametrize(
    ("answer", "programmes"),
    [
        ("tdk ada kegiatan", ()),
        ("gak ada kegiatan tambahan", ()),
        ("ada BKB", ("BKB",)),
        ("ya ada bkb dan paud", ("BKB", "PAUD")),
        ("BKB sama PAUD", ("BKB", "PAUD")),
        ("BKB & PAUD", ("BKB", "PAUD")),
    ],
)
def test_the_programme_answer_as_kader_write_it(answer: str, programmes: tuple[str, ...]) -> None:
    """ "tdk ada kegiatan" was stored as a programme named so; "ada BKB" as "ada BKB"."""
    from conversations.programmes import parse_programmes

    assert parse_programmes(answer) == programmes


def test_none_then_a_name_is_asked_back() -> None:
    from conversations.programmes import ProgrammeProblem, parse_programmes

    assert parse_programmes("tidak ada BKB") is ProgrammeProblem.NOT_A_NAME


def test_a_named_field_at_the_summary_changes_it_as_ubah() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    for answer in ("YA", "45", "40", "30", "1", "0", "4", "1", "50", "1", "BKB"):
        world.send("kader", answer)
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.stage is Stage.SUMMARY, draft
    reply = _texts(world, "d 41")
    assert reply.startswith("Diubah: D 40 menjadi 41."), reply
    assert _counts(world)["d"] == 41
    assert world.sessions["kader"].draft.stage is Stage.SUMMARY  # type: ignore[union-attr]


def test_a_named_field_at_the_programme_question_is_that_field_not_a_programme() -> None:
    world = _at("d")
    for answer in ("41", "30", "1", "0", "4", "1", "50", "1"):
        world.send("kader", answer)
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.current == "program_tambahan", draft
    reply = _texts(world, "d 39")
    after = world.sessions["kader"].draft
    assert after is not None and after.programmes is None, after.programmes
    assert after.counts["d"] == 39 and after.current == "program_tambahan", reply
