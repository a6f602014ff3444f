"""Issue 15: "same as last month", everyday command forms and a bare invitation code, as kader
write them."""

from __future__ import annotations

import pytest

from conversations import Document, Text
from conversations.commands import parse_command
from scoring import Period
from tests.conversations.world import World

NOV = Period(2026, 11)

#: Every answer of the guided report, "=" wherever it is offered (kader, denominators,
#: the extra programmes).
WITH_EQUALS = ["=", "=", "45", "40", "30", "1", "0", "=", "4", "1", "=", "50", "=", "1", "="]

FULL_REPORT = ["6", "=", "45", "40", "30", "1", "0", "=", "4", "1", "=", "50", "=", "1", "BKB"]

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
    world.send("kader", "TIDAK")  # last month's values asked one by one
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
def test_same_words_keep_all_of_last_months_values_at_once(same: str) -> None:
    world = World.demo()
    assert "Masih sama dengan bulan lalu?" in _texts(world, "kader", "LAPOR")
    assert "(1/9) K:" in _texts(world, "kader", same), same
    draft = world.sessions["kader"].draft
    assert draft is not None
    assert {f: draft.counts[f] for f in ("kader", "s", "bumil", "pus", "bayi")} == {
        "kader": 6,
        "s": 48,
        "bumil": 6,
        "pus": 80,
        "bayi": 12,
    }


@pytest.mark.parametrize("same", SAME)
def test_same_words_at_a_count_take_last_months_value_and_say_so(same: str) -> None:
    """Issue 23: "sama" at K (a count "=" does not offer) is last month's K, said back; it
    was "Belum ada angka sebelumnya" although October was reported."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "=")
    reply = _texts(world, "kader", same)  # K (3/14)
    assert "Dicatat K 45, sama dengan Oktober 2026." in reply and "(4/14)" in reply, reply
    assert world.sessions["kader"].draft.counts["k"] == 45  # type: ignore[union-attr]


@pytest.mark.parametrize("same", SAME)
def test_same_words_are_refused_where_last_month_is_unknown(same: str) -> None:
    world = World.demo()
    world.reports[1].pop(Period(2026, 10))  # last month not reported
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # the earlier values asked one by one
    world.send("kader", "6")
    world.send("kader", "=")
    reply = _texts(world, "kader", same)  # K (3/14): never an older month's count
    assert "Belum ada angka sebelumnya" in reply and "(3/14)" in reply, (same, reply)
    assert "k" not in world.sessions["kader"].draft.counts  # type: ignore[union-attr]


@pytest.mark.parametrize("same", SAME)
def test_same_words_are_not_a_yes_at_a_soft_warning(same: str) -> None:
    """ "tetap" at "is 70 right?" could mean "keep 70" or "as last month": asked back."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    assert "berubah lebih dari 20%" in _texts(world, "kader", "70")
    _texts(world, "kader", same)
    draft = world.sessions["kader"].draft
    assert draft is not None and "s" not in draft.counts, same


EVERYDAY_COMMANDS = [
    ("tdk buka", "TIDAK BUKA"),
    ("gak buka", "TIDAK BUKA"),
    ("ga buka", "TIDAK BUKA"),
    ("nggak buka", "TIDAK BUKA"),
    ("Gak buka.", "TIDAK BUKA"),
    ("tidak buka bu, hujan", "TIDAK BUKA"),
    ("gak buka karena hujan", "TIDAK BUKA"),
    ("mau lapor", "LAPOR"),
    ("lapor bu", "LAPOR"),
    ("saya mau lapor", "LAPOR"),
    ("Mau lapor bu", "LAPOR"),
    ("minta pdf", "PDF"),
    ("minta pdf nya", "PDF"),
    ("pdfnya", "PDF"),
    ("gak jadi", "BATAL"),
    ("ga jadi", "BATAL"),
    ("nggak jadi", "BATAL"),
    ("batal bu", "BATAL"),
    ("Gak jadi bu.", "BATAL"),
]


@pytest.mark.parametrize(("message", "name"), EVERYDAY_COMMANDS)
def test_everyday_command_forms(message: str, name: str) -> None:
    command = parse_command(message)
    assert command is not None and command.name == name, message
    if name != "TIDAK BUKA":
        assert command.args == (), message  # "lapor bu" is LAPOR, not LAPOR "bu"


@pytest.mark.parametrize(
    "message",
    ["gak", "ga", "tidak", "gak ada", "gak jadi datang 5", "mau lapor 5", "minta pdf 5", "sama"],
)
def test_not_commands(message: str) -> None:
    command = parse_command(message)
    assert command is None, message


@pytest.mark.parametrize("closed", [m for m, name in EVERYDAY_COMMANDS if name == "TIDAK BUKA"])
def test_tidak_buka_forms_record_this_month(closed: str) -> None:
    world = World.demo()
    reply = _texts(world, "kader", closed)
    assert NOV in world.reports[1] and world.reports[1][NOV].report.buka is False, reply


def test_tidak_buka_with_an_unknown_month_is_asked_back() -> None:
    world = World.demo()
    _texts(world, "kader", "gak buka oktobr")
    assert NOV not in world.reports[1]


@pytest.mark.parametrize("lapor", [m for m, name in EVERYDAY_COMMANDS if name == "LAPOR"])
def test_lapor_forms_start_the_report(lapor: str) -> None:
    world = World.demo()
    assert "Laporan November 2026" in _texts(world, "kader", lapor), lapor
    assert world.sessions["kader"].draft is not None


@pytest.mark.parametrize("pdf", [m for m, name in EVERYDAY_COMMANDS if name == "PDF"])
def test_pdf_forms_send_the_pdf(pdf: str) -> None:
    world = World.demo()
    replies = world.send("kader", pdf).replies
    assert any(isinstance(r, Document) for r in replies), (pdf, replies)


@pytest.mark.parametrize("batal", [m for m, name in EVERYDAY_COMMANDS if name == "BATAL"])
@pytest.mark.parametrize("answers", [["6"], ["6", "70"], FULL_REPORT])
def test_batal_forms_cancel_the_report(batal: str, answers: list[str]) -> None:
    """At a count, a soft warning and the summary (a yes/no question) alike."""
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in answers:
        world.send("kader", answer)
    world.send("kader", batal)
    assert world.sessions["kader"].draft is None, batal
    assert NOV not in world.reports[1]


@pytest.mark.parametrize("no", ["gak", "ga", "nggak", "gak bu"])
def test_gak_alone_is_still_no_at_tidak_buka_question(no: str) -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "gak buka")
    assert "(2/14)" in _texts(world, "kader", no), no
    assert NOV not in world.reports[1]
    assert world.sessions["kader"].draft is not None


def test_gak_jadi_at_tidak_buka_question_keeps_the_report() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "ga buka")
    world.send("kader", "gak jadi")
    assert NOV not in world.reports[1]
    assert world.sessions["kader"].draft is not None


@pytest.mark.parametrize("code", ["MLT1K4", "mlt1k4", "MLT1 K4", "mlt-1k4", "Mlt.1k4"])
def test_a_bare_code_from_a_newcomer_is_daftar(code: str) -> None:
    world = World.demo()
    assert "Siapa nama Anda" in _texts(world, "new", code), code


@pytest.mark.parametrize("code", ["Y7RN XY26", "y7rnxy26", "NOPE99"])
def test_a_wrong_bare_code_counts_as_a_try(code: str) -> None:
    world = World.demo()
    reply = _texts(world, "new", code)
    assert "Sisa percobaan: 4" in reply, (code, reply)
    assert len(world.sessions["new"].wrong_codes) == 1


@pytest.mark.parametrize(
    "message", ["halo", "selamat pagi", "081234567890", "123456", "HALOBU", "ab12", "1 2 3 4 5 6"]
)
def test_other_words_from_a_newcomer_get_the_welcome(message: str) -> None:
    world = World.demo()
    assert "DAFTAR" in _texts(world, "new", message), message
    assert not world.sessions["new"].wrong_codes


def test_a_code_shaped_name_is_a_name_when_asked_for_it() -> None:
    world = World.demo()
    world.send("new", "DAFTAR MLT1K4")
    reply = _texts(world, "new", "NOPE99")
    assert "Terima kasih, NOPE99" in reply and not world.sessions["new"].wrong_codes, reply


def test_a_bare_code_from_someone_registered_is_not_daftar() -> None:
    world = World.demo()
    assert "Maaf, saya belum mengerti" in _texts(world, "kader", "MLT1K4")
