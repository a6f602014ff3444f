"""The optional service fields in the chat: asked only when the deployment turns them on and
when they apply (referral after BGM, 2T or KEK > 0 in this report, decided as the question
comes up; vitamin A in February and August), warned when nobody was referred, taken in a quick
report and UBAH, shown in the summary; a field that is off is never asked and its name not
taken."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conversations import SaveReport, Text
from conversations.model import Limits
from conversations.session import session_from_json, session_to_json
from scoring import Period
from tests.conversations.world import World

NOV = Period(2026, 11)
FEB = Period(2027, 2)
#: kader, S, K, D, N, then BGM and 2T (given per test), then bumil, periksa.
START = ["TIDAK", "6", "=", "45", "40", "30"]
AFTER_BUMIL = ["=", "50", "=", "1", "BKB"]  # PUS, KB, bayi, imunisasi, programmes


def text_of(world: World, who: str, message: str) -> str:
    replies = world.send(who, message).replies
    return "\n".join(r.body for r in replies if isinstance(r, Text))


def asked(world: World) -> str | None:
    draft = world.sessions["kader"].draft
    return None if draft is None else draft.current


def with_services(*fields: str) -> World:
    world = World.demo()
    world.limits = replace(world.limits, service_fields=frozenset(fields))
    return world


def test_bgm_1_asks_referral_and_warns_at_0() -> None:
    world = World.demo()  # the default deployment: vit_a and rujukan
    assert "Masih sama" in text_of(world, "kader", "LAPOR")
    first = text_of(world, "kader", "TIDAK")
    assert "(1/14)" in first  # referral not counted before it applies
    for answer in [*START[1:], "1", "0", "=", "4"]:
        text_of(world, "kader", answer)
    assert asked(world) == "rujukan"
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.queue.count("rujukan") == 1
    warned = text_of(world, "kader", "0")
    assert warned.startswith("Ada 1 orang yang perlu dirujuk"), warned
    assert "Sudah benar?" in warned
    text_of(world, "kader", "ya")  # confirmed: on to PUS
    assert asked(world) == "pus"
    for answer in AFTER_BUMIL:
        summary = text_of(world, "kader", answer)
    assert "Dirujuk ke puskesmas: 0 orang" in summary
    result = world.send("kader", "YA")
    assert any(isinstance(e, SaveReport) for e in result.effects)
    assert world.reports[1][NOV].report.count("rujukan") == 0


def test_referral_not_asked_without_bgm_2t_or_kek() -> None:
    world = World.demo()
    text_of(world, "kader", "LAPOR")
    for answer in [*START, "0", "0", "=", "4"]:
        text_of(world, "kader", answer)
    assert asked(world) == "pus"
    for answer in AFTER_BUMIL:
        summary = text_of(world, "kader", answer)
    assert "Ringkasan Posyandu Melati 1, November 2026" in summary
    assert "Dirujuk" not in summary and "Vitamin A" not in summary  # not asked: not shown
    assert "(14/14)" not in summary


def test_referral_question_counts_in_the_total_once_it_applies() -> None:
    world = World.demo()
    text_of(world, "kader", "LAPOR")
    for answer in [*START, "1"]:
        reply = text_of(world, "kader", answer)
    assert "(7/15)" in reply  # BGM 1: the referral question joins the queue


def test_going_back_and_changing_bgm_still_asks_referral_once() -> None:
    world = World.demo()
    text_of(world, "kader", "LAPOR")
    for answer in [*START, "1", "KEMBALI", "2", "0", "=", "4"]:
        text_of(world, "kader", answer)
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.queue.count("rujukan") == 1
    assert asked(world) == "rujukan"


def test_a_field_that_is_off_is_never_asked() -> None:
    world = with_services()  # nothing on
    text_of(world, "kader", "LAPOR")
    for answer in [*START, "1", "0", "=", "4"]:
        text_of(world, "kader", answer)
    assert asked(world) == "pus"  # BGM 1, but referral is off
    draft = world.sessions["kader"].draft
    assert draft is not None and "rujukan" not in (*draft.queue, *draft.waiting)


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (("cara",), ["cara"]),
        (("pmt",), ["pmt"]),
        (("bumil_fe", "bumil_kek"), ["bumil_fe", "bumil_kek"]),
        (("bayi_0_6", "asi_eksklusif"), ["bayi_0_6", "asi_eksklusif"]),
        (("vit_a", "rujukan"), []),  # November, nobody reported yet
    ],
)
def test_on_fields_are_in_the_queue(services: tuple[str, ...], expected: list[str]) -> None:
    world = with_services(*services)
    text_of(world, "kader", "LAPOR")
    draft = world.sessions["kader"].draft
    assert draft is not None
    assert [f for f in draft.queue if f in services] == expected


def test_vitamin_a_asked_in_february() -> None:
    world = World.demo()
    world.now = datetime(2027, 2, 14, 10, 0, tzinfo=UTC)
    assert "Laporan Februari 2027" in text_of(world, "kader", "LAPOR 2027-02")
    first = text_of(world, "kader", "TIDAK")
    assert "(1/15)" in first
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.period == FEB and "vit_a" in draft.queue
    for answer in ["6", "48", "45", "40", "30", "0", "0"]:
        text_of(world, "kader", answer)
    assert asked(world) == "vit_a"
    refused = text_of(world, "kader", "49")  # more than S
    assert "vitamin A (49) tidak boleh lebih dari S (48)" in refused
    text_of(world, "kader", "40")
    assert asked(world) == "bumil"


def test_kek_asks_referral_when_kek_is_on() -> None:
    world = with_services("bumil_kek", "rujukan")
    text_of(world, "kader", "LAPOR")
    for answer in [*START, "0", "0", "=", "4", "1"]:  # ..., bumil, periksa, KEK 1
        text_of(world, "kader", answer)
    assert asked(world) == "rujukan"


def test_cara_in_the_guided_report() -> None:
    world = with_services("cara")
    text_of(world, "kader", "LAPOR")
    first = text_of(world, "kader", "TIDAK")
    assert "pelayanan di posyandu, atau kunjungan rumah" in first
    refused = text_of(world, "kader", "kemarin")
    assert refused.startswith("Maaf, jawab POSYANDU atau RUMAH")
    text_of(world, "kader", "kunjungan rumah bu")
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.choices == {"cara": "kunjungan_rumah"}
    assert asked(world) == "kader"
    # The session survives storage with its choice and waiting fields.
    assert session_from_json(session_to_json(world.sessions["kader"])) == world.sessions["kader"]
    for answer in [*START[1:], "0", "0", "=", "4", *AFTER_BUMIL]:
        summary = text_of(world, "kader", answer)
    assert "Pelayanan: kunjungan rumah" in summary
    world.send("kader", "YA")
    saved = world.reports[1][NOV].report
    assert saved.buka and saved.choice("cara") == "kunjungan_rumah"  # counts as opened


def test_quick_report_with_vitamin_a_and_referral() -> None:
    world = World.demo()
    result = world.send(
        "kader",
        "LAPOR NOV KADER=6 S=48 K=45 D=40 N=30 BGM=1 2T=0 BUMIL=6 PERIKSA=4 PUS=80 KB=50 "
        "BAYI=12 IMUN=1 TAMBAHAN=BKB VITA=40 RUJUK=2",
    )
    assert any(isinstance(e, SaveReport) for e in result.effects)
    saved = world.reports[1][NOV].report
    assert (saved.count("vit_a"), saved.count("rujukan")) == (40, 2)
    body = "\n".join(r.body for r in result.replies if isinstance(r, Text))
    assert "VITA 40" in body and "RUJUK 2" in body
    # The supervisor's STATUS counts the referrals (vitamin A coverage only in Feb and Aug).
    status = text_of(world, "spv", "STATUS")
    assert "Dirujuk ke puskesmas: 2 orang." in status and "Vitamin A" not in status


def test_quick_report_refuses_a_field_that_is_off() -> None:
    world = World.demo()
    reply = text_of(world, "kader", "LAPOR NOV S=48 K=45 D=40 N=30 PMT=5 CARA=rumah")
    assert "Laporan belum disimpan" in reply
    assert "- PMT: nama tidak dikenal" in reply and "- CARA: nama tidak dikenal" in reply


def test_quick_report_cara_words() -> None:
    world = with_services("cara")
    text_of(world, "kader", "LAPOR NOV S=48 K=45 D=40 N=30 CARA=rumah")
    draft = world.sessions["kader"].draft
    assert draft is not None and draft.choices == {"cara": "kunjungan_rumah"}
    bad = text_of(with_services("cara"), "kader", "LAPOR NOV CARA=sana")
    assert "- CARA: tulis POSYANDU atau RUMAH" in bad


def test_ubah_a_service_field_of_a_saved_report() -> None:
    world = World.demo()
    world.send(
        "kader",
        "LAPOR NOV KADER=6 S=48 K=45 D=40 N=30 BGM=1 2T=0 BUMIL=6 PERIKSA=4 PUS=80 KB=50 "
        "BAYI=12 IMUN=1 TAMBAHAN=BKB RUJUK=1",
    )
    reply = text_of(world, "kader", "UBAH RUJUK 2")
    assert "RUJUK 1 menjadi 2" in reply
    assert world.reports[1][NOV].report.count("rujukan") == 2
    # Back to 0 with BGM 1: the soft warning is shown before saving.
    warned = text_of(world, "kader", "UBAH RUJUK 0")
    assert "Ada 1 orang yang perlu dirujuk" in warned
    off = text_of(World.demo(), "kader", "UBAH PMT 3")
    assert "Nama PMT tidak dikenal" in off


def test_default_limits_ask_vitamin_a_and_referral() -> None:
    assert Limits().service_fields == frozenset({"vit_a", "rujukan"})
