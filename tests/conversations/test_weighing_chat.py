"""TIMBANG on the real engine and a real SQLite file (the demo seeded, children and their
earlier weighings stored through the register's own calls): a message of several lines,
each child's status from the stored history (N, T and 2T, O, B), absent children, a weight
of the month stored by another kader asked back, SELESAI's counts and referrals, and no name
in a group nor in the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date
from pathlib import Path

import pytest

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR
from bot.kbm import load_kbm
from conversations.applying import apply
from conversations.catalogue import say
from conversations.effects import StepResult, Weigh
from conversations.engine import Engine
from conversations.flows.weighing import read_line
from conversations.inbound import Inbound
from conversations.replies import Text
from conversations.session import Session
from scoring.growth import GrowthRules, Status
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from storage.groups import link_group
from storage.people import add_identity, person_by_address
from tests.conversations.test_children_chat import T0, Chat, _open
from tests.fast_layer import ENGINES

BORN = date(2025, 3, 5)  # 20 months old in November 2026: KBM 200 g
NAMES = ("Andi Saputra", "Budi", "Citra", "Dewi", "Eka")
#: Earlier weighings (date, grams) by name: Andi last month (N next), Budi T in October
#: (2T next), Citra in August (O next), Dewi and Eka none (B).
EARLIER = {
    "Andi Saputra": [(date(2026, 10, 12), 10_000)],
    "Budi": [(date(2026, 9, 12), 10_000), (date(2026, 10, 12), 10_000)],
    "Citra": [(date(2026, 8, 12), 9_000)],
}


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's database is: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return tmp_path / "weighing.db"


@pytest.fixture
async def chat(target: Path | str) -> AsyncIterator[Chat]:
    cipher = RegisterCipher(new_key())
    c = await _open(target, cipher)
    c.engine = Engine(c.db, c.clock, register=cipher, growth=GrowthRules(load_kbm()))
    mawar = await c.mawar()
    async with c.db.transaction() as tx:
        kader = await person_by_address(tx, "console", DEMO_KADER)
        assert kader is not None
        by = reg.Actor(person_id=kader.id)
        for i, name in enumerate(NAMES):
            sex = "P" if name in ("Citra", "Dewi") else "L"
            child = reg.NewChild(name, sex, BORN, f"Ibu {i}")  # type: ignore[arg-type]
            child_id = await reg.add_child(tx, cipher, mawar, child, consent_by=by, at=T0)
            for day, grams in EARLIER.get(name, []):
                await reg.record_weighing(tx, reg.Weighing(child_id, day, grams), at=T0)
    yield c
    await c.db.close()


async def _ids(chat: Chat) -> dict[str, int]:
    assert chat.cipher is not None
    async with chat.db.read() as conn:
        shown = await reg.read_children(conn, chat.cipher, await chat.mawar())
    return {c.name: c.id for c in shown.children}


async def test_a_message_of_lines_answered_with_each_status_then_selesai(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    listed = await chat.say("TIMBANG")
    assert "1. Andi Saputra (L)" in listed and "5. Eka (L)" in listed
    reply = await chat.say("Andi 10,3\nbudi 10.1\n3 9,5\nDewi 9\nEka tdk datang")
    assert reply.splitlines() == [
        "Andi Saputra 10,3 kg: N (naik)",
        "Budi 10,1 kg: T (tidak naik), 2T: rujuk ke puskesmas",
        "Citra 9,5 kg: O (bulan lalu tidak ditimbang)",
        "Dewi 9,0 kg: B (baru pertama ditimbang)",
        "Eka tidak datang.",
        say("weigh.all_done"),
    ]
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, list(ids.values()))
        kader = await person_by_address(conn, "console", DEMO_KADER)
    assert kader is not None
    november = {
        name: [(w.weight_g, w.kader_id) for w in stored[i] if w.date == T0.date()]
        for name, i in ids.items()
    }
    assert november == {
        "Andi Saputra": [(10_300, kader.id)],
        "Budi": [(10_100, kader.id)],
        "Citra": [(9_500, kader.id)],
        "Dewi": [(9_000, kader.id)],
        "Eka": [],
    }
    summary = await chat.say("SELESAI")
    assert summary.splitlines()[:6] == [
        "Penimbangan 20 Nov 2026 selesai.",
        "D 4 · N 1 · T 1 · O 1 · B 1 · BGM 0 · 2T 1",
        "D = N+T+O+B = 4, cocok.",
        "Perlu dirujuk ke puskesmas:",
        "- Budi: 2T",
        say("weigh.report_filled", period="November 2026"),
    ]
    # The month's report is open with these counts; S from the register (five balita) is
    # offered with last month's head counts (golden: kader_timbang_lapor).
    assert say("same.register", values="S 5") in summary.splitlines()
    # Weighed again while that report is open: it is left as it is, and the kader told how.
    await chat.say("TIMBANG")
    again = await chat.say("SELESAI")
    assert say("weigh.report_busy", period="November 2026") in again.splitlines()
    assert say("weigh.report_filled", period="November 2026") not in again
    assert (await chat.say("BATAL")).startswith("Laporan November 2026 dibatalkan")
    assert await chat.say("SELESAI") == say("hint.kader")  # the weighing is closed
    logged = "\n".join(r.getMessage() + repr(getattr(r, "fields", "")) for r in caplog.records)
    assert not any(name in logged for name in NAMES)


async def test_a_weight_another_kader_stored_this_month_is_asked_back(chat: Chat) -> None:
    await chat.say("TIMBANG")
    ids = await _ids(chat)
    async with chat.db.transaction() as tx:
        other = reg.Weighing(ids["Andi Saputra"], T0.date(), 10_500)
        await reg.record_weighing(tx, other, at=T0)
    asked = await chat.say("andi 10,3")
    assert asked.splitlines()[0] == say(
        "weigh.conflict", name="Andi Saputra", stored="10,5", kg="10,3"
    )
    assert (await chat.say("andi saputra 10,3 ganti")).startswith("Andi Saputra 10,3 kg: N")
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, [ids["Andi Saputra"]])
    assert [w.weight_g for w in stored[ids["Andi Saputra"]]] == [10_000, 10_300]


async def test_similar_names_are_never_guessed_between(chat: Chat) -> None:
    await chat.say("TIMBANG")
    reply = await chat.say("Dewo 9\nCitro 9,5\nZaenal 8")
    assert reply.splitlines()[:3] == [
        say("weigh.meant", written="Dewo", name="Dewi", kg="9,0"),
        say("weigh.meant", written="Citro", name="Citra", kg="9,5"),
        say("weigh.unknown", written="Zaenal"),
    ]
    assert reply.splitlines()[3] == say("weigh.left", count=5)  # nothing recorded yet
    # YA to the read-back records both.
    assert (await chat.say("ya")).splitlines() == [
        "Dewi 9,0 kg: B (baru pertama ditimbang)",
        "Citra 9,5 kg: O (bulan lalu tidak ditimbang)",
        say("weigh.left", count=3),
    ]
    # TIDAK records nothing; another message drops what was read back.
    await chat.say("Budy 10")
    assert (await chat.say("tidak")).splitlines()[0] == say("weigh.not_meant")
    await chat.say("Budy 10")
    await chat.say("Eka tdk datang")
    assert (await chat.say("YA")).splitlines()[0] == say("weigh.unreadable", line="YA")
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, list(ids.values()))
    weighed = {n for n, i in ids.items() if any(w.date == T0.date() for w in stored[i])}
    assert weighed == {"Dewi", "Citra"}
    # Two children whose names are alike are never guessed between.
    async with chat.db.transaction() as tx:
        assert chat.cipher is not None
        twin = reg.NewChild("Dewo", "P", BORN, "Ibu")  # type: ignore[arg-type]
        await reg.add_child(
            tx, chat.cipher, await chat.mawar(), twin, consent_by=reg.Actor(operator="t"), at=T0
        )
    await chat.say("TIMBANG")
    assert (await chat.say("Dewu 9")).splitlines()[0] == say(
        "weigh.several", written="Dewu", names="Dewi, Dewo"
    )


async def test_a_group_gets_no_name(chat: Chat) -> None:
    group = "-100777"
    async with chat.db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        assert bidan is not None and bidan.area_id is not None
        await link_group(tx, "telegram", group, bidan.area_id, bidan.id, T0)
        await add_identity(tx, bidan.id, "telegram", group)
    for text in ("/timbang", "TIMBANG", "Andi 10,3", "SELESAI", "HAPUS ANAK Budi"):
        reply = await chat.say(text, group, "telegram")
        assert not any(name in reply for name in NAMES), text


async def test_another_kaders_weight_stored_after_the_read_is_kept_and_asked(
    chat: Chat,
) -> None:
    """Two kader at once: the step read no weighing of the month, another kader's was
    committed before this write; the write keeps it and asks the sender which is right."""
    ids = await _ids(chat)
    andi = ids["Andi Saputra"]
    day = T0.date()
    result = StepResult(
        Session(), (Text("ok", private=True),), (Weigh(andi, day, 10_300, None, "Andi Saputra"),)
    )
    async with chat.db.transaction() as tx:
        await reg.record_weighing(tx, reg.Weighing(andi, day, 10_500), at=T0)
        kader = await person_by_address(tx, "console", DEMO_KADER)
        msg = Inbound("console", DEMO_KADER, "andi 10,3", "x1", T0)
        applied = await apply(tx, msg, result, kader, T0.tzinfo or UTC, T0, chat.cipher)
    assert [r.body for r in applied.replies if isinstance(r, Text)] == [
        "ok",
        say("weigh.conflict_other", name="Andi Saputra", stored="10,5", given="10,3"),
    ]
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, [andi])
    assert [w.weight_g for w in stored[andi] if w.date == day] == [10_500]


async def test_a_long_list_comes_in_a_few_messages(chat: Chat) -> None:
    assert chat.cipher is not None
    mawar = await chat.mawar()
    async with chat.db.transaction() as tx:
        for i in range(30):
            child = reg.NewChild(f"Anak {i}", "L", BORN, "Ibu")  # type: ignore[arg-type]
            await reg.add_child(
                tx, chat.cipher, mawar, child, consent_by=reg.Actor(operator="t"), at=T0
            )
    async with chat.db.read() as conn:
        before = (await conn.execute_fetchall("SELECT count(*) AS n FROM outbox"))[0]["n"]
    listed = await chat.say("TIMBANG")
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT payload FROM outbox ORDER BY id")
    bodies = [json.loads(r["payload"])["body"] for r in rows[before:]]
    assert len(bodies) == 2 and all(json.loads(r["payload"])["private"] for r in rows[before:])
    assert bodies[0].splitlines()[0] == say("weigh.title", date="20 Nov 2026", count=35)
    assert bodies[0].splitlines()[-1] == "30. Anak 24 (L)"
    assert bodies[1].splitlines()[0] == "31. Anak 25 (L)"
    assert bodies[1].endswith(say("weigh.how")) and "\n".join(bodies) == listed


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("Andi 12,4", ("Andi", None, 12_400, None, False)),
        ("budi 10.1 78", ("budi", None, 10_100, 780, False)),
        ("budi 10.1kg 78 cm", ("budi", None, 10_100, 780, False)),
        ("3 9,8", ("", 3, 9_800, None, False)),
        ("3 9,85 78,5", ("", 3, 9_850, 785, False)),
        ("Citra tdk datang", ("Citra", None, None, None, True)),
        ("4 tidak datang", ("", 4, None, None, True)),
        ("Andi Saputra 9,8 ganti", ("Andi Saputra", None, 9_800, None, False)),
    ],
)
def test_a_line_as_written_on_the_register(
    line: str, read: tuple[str, int | None, int | None, int | None, bool]
) -> None:
    found = read_line(line)
    assert found is not None
    assert (found.ref, found.number, found.weight_g, found.height_mm, found.absent) == read


@pytest.mark.parametrize("line", ["Andi", "12,4", "Andi 1 2 3", "Citra 9 tdk datang"])
def test_a_line_that_cannot_be_read(line: str) -> None:
    assert read_line(line) is None


async def test_a_long_weighing_message_is_read_whole(chat: Chat) -> None:
    """Longer than any other message may be (a page of the register), not "too long"."""
    await chat.say("TIMBANG")
    lines = ["Andi Saputra 10,3 kg 78 cm"] + ["Dewi 9,0 kg 75 cm"] * 60
    text = "\n".join(lines)
    assert len(text) > chat.engine.limits.max_text_chars
    reply = await chat.say(text)
    assert reply.splitlines()[0].startswith("Andi Saputra 10,3 kg: N")
    assert reply.splitlines()[2] == say("weigh.twice", name="Dewi")


async def test_an_unknown_name_entered_as_a_new_child_with_its_weight(chat: Chat) -> None:
    await chat.say("TIMBANG")
    asked = await chat.say("Andi 10,3\nZaki 8,4")
    assert asked.splitlines()[-1] == say("weigh.new_ask", name="Zaki", kg="8,4")
    # The pending name is sealed in the stored session, as ANAK BARU's.
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT answers FROM sessions")
    stored = " ".join(str(r["answers"]) for r in rows)
    assert "child" in stored and "Zaki" not in stored
    for answer in ("YA", "L", "1/5/2025", "Rina", "YA"):
        await chat.say(answer)
    done = await chat.say("YA")
    assert done.splitlines() == [
        say("child.saved", name="Zaki"),
        "Zaki 8,4 kg: B (baru pertama ditimbang)",
        say("weigh.new_back"),
    ]
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored_w = await reg.weighings_of(conn, [ids["Zaki"]])
        kader = await person_by_address(conn, "console", DEMO_KADER)
    assert kader is not None
    assert [(w.date, w.weight_g, w.kader_id) for w in stored_w[ids["Zaki"]]] == [
        (T0.date(), 8_400, kader.id)
    ]
    # Back to the weighing: the new child is on the list now, weighed.
    assert await chat.say("Zaki 8,4") == "\n".join(
        ["Zaki 8,4 kg sudah tercatat.", say("weigh.left", count=4)]
    )


async def test_tidak_drops_the_unknown_line_and_the_weighing_goes_on(chat: Chat) -> None:
    await chat.say("TIMBANG")
    await chat.say("Zaki 8,4")
    assert await chat.say("TIDAK") == say("weigh.new_dropped", name="Zaki")
    assert "Zaki" not in await _ids(chat)
    reply = await chat.say("Dewi 9")
    assert reply.splitlines()[0] == "Dewi 9,0 kg: B (baru pertama ditimbang)"


async def test_the_kader_corrects_a_status_recorded_and_counted(chat: Chat) -> None:
    await chat.say("TIMBANG")
    assert await chat.say("STATUS Dewi N") == say("correct.not_weighed", name="Dewi")
    await chat.say("Andi 10,3\nbudi 10.1\n3 9,5\nDewi 9")
    assert await chat.say("STATUS Andi Saputra naik") == say(
        "correct.same", name="Andi Saputra", status="N"
    )
    # Budi's T (and so 2T) by KBM; the kader reads his KMS curve as naik.
    assert await chat.say("status budi N") == say(
        "correct.done", name="Budi", computed="T", status="N"
    )
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, [ids["Budi"]])
        kader = await person_by_address(conn, "console", DEMO_KADER)
        entries = await reg.audit_entries(conn)
    assert kader is not None
    fixed = stored[ids["Budi"]][-1].correction
    assert fixed == reg.StatusCorrection(Status.N, Status.T, kader.id, T0)
    assert [(e.action, e.who, e.child_ids) for e in entries][-1] == (
        "weighing.correct_status",
        reg.Actor(person_id=kader.id),
        (ids["Budi"],),
    )
    # The weighing stayed open; SELESAI counts the corrected status and says so (the month's
    # report opened with these counts follows: closed here).
    assert (await chat.say("SELESAI")).splitlines()[:7] == [
        "Penimbangan 20 Nov 2026 selesai.",
        "D 4 · N 2 · T 0 · O 1 · B 1 · BGM 0 · 2T 0",
        "D = N+T+O+B = 4, cocok.",
        say("weigh.corrected_title"),
        "- Budi: T menjadi N",
        say("weigh.refer_none"),
        say("weigh.report_filled", period="November 2026"),
    ]
    assert (await chat.say("BATAL")).startswith("Laporan November 2026 dibatalkan")
    # Corrected back to the rules' status: the correction is dropped.
    assert await chat.say("STATUS Budi T") == say("correct.undone", name="Budi", status="T")
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, [ids["Budi"]])
    assert stored[ids["Budi"]][-1].correction is None
    assert await chat.say("STATUS Budi") == say("correct.how")
    # B and O follow from the weighings recorded: not the kader's to correct.
    assert await chat.say("STATUS Budi O") == say("correct.attendance", name="Budi", computed="T")


async def test_a_new_childs_implausible_weight_is_asked_back_not_stored(chat: Chat) -> None:
    await chat.say("TIMBANG")
    await chat.say("Zaki 35")
    for answer in ("YA", "L", "1/5/2025", "Rina", "YA"):
        await chat.say(answer)
    done = (await chat.say("YA")).splitlines()
    assert done[0] == say("child.saved", name="Zaki")
    assert done[1].startswith("Zaki 35,0 kg belum dicatat: ") and done[1].endswith("35,0 benar")
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, [ids["Zaki"]])
    assert stored[ids["Zaki"]] == []  # the child is on the register, the weight is not
    # Resent with "benar", as any implausible weight: recorded, the weighing still open.
    assert (await chat.say("Zaki 35 benar")).startswith("Zaki 35,0 kg: B")
