"""KMS <name> on the real engine and a real SQLite register (the demo seeded, a child and its
weighings stored through the register's own calls): the reply is a Document of ids only,
rendered at send time (bot/kms.py) into a PDF that shows the child's weighings where the
chart's geometry puts them, its view audited; in a group the command is refused, no name."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR
from bot.kbm import load_kbm
from bot.kms import kms_data, render_kms_document
from conversations.catalogue import say
from conversations.engine import Engine
from scoring.growth import GrowthRules, Sex, Status
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from storage.groups import link_group
from storage.people import add_identity, person_by_address
from tests.conversations.test_children_chat import T0, Chat, _open

RULES = GrowthRules(load_kbm())
BORN = date(2025, 3, 5)
#: Andi's weighings (date, grams): B, N, T, then a month missed, O, and November's.
WEIGHED = [
    (date(2026, 5, 12), 9_000),
    (date(2026, 6, 12), 9_400),
    (date(2026, 7, 12), 9_450),
    (date(2026, 9, 12), 9_900),
    (date(2026, 11, 20), 10_350),
]


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    cipher = RegisterCipher(new_key())
    c = await _open(tmp_path / "kms.db", cipher)
    c.engine = Engine(c.db, c.clock, register=cipher, growth=RULES)
    mawar = await c.mawar()
    async with c.db.transaction() as tx:
        by = reg.Actor(operator="test")
        for name in ("Andi Saputra", "Budi"):
            new = reg.NewChild(name, Sex.MALE, BORN, "Siti")
            child_id = await reg.add_child(tx, cipher, mawar, new, consent_by=by, at=T0)
            if name == "Andi Saputra":
                for day, grams in WEIGHED:
                    await reg.record_weighing(tx, reg.Weighing(child_id, day, grams), at=T0)
    yield c
    await c.db.close()


async def _outbox(chat: Chat) -> list[dict[str, object]]:
    async with chat.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT payload FROM outbox ORDER BY id")
    return [json.loads(r["payload"]) for r in rows]


async def test_kms_sends_a_document_of_ids_whose_pdf_shows_the_weighings(chat: Chat) -> None:
    assert chat.cipher is not None
    reply = await chat.say("KMS andi")
    assert reply.splitlines() == [say("kms.sending", name="Andi Saputra")]  # and the document
    payloads = await _outbox(chat)
    documents = [p for p in payloads if p["type"] == "document"]
    assert len(documents) == 1 and documents[0]["kind"] == "kms"
    params = documents[0]["params"]
    assert isinstance(params, dict)
    async with chat.db.read() as conn:
        kader = await person_by_address(conn, "console", DEMO_KADER)
        shown = await reg.read_children(conn, chat.cipher, await chat.mawar())
    assert kader is not None
    andi = next(c for c in shown.children if c.name == "Andi Saputra")
    assert params == {"posyandu_id": andi.posyandu_id, "child_id": andi.id, "person_id": kader.id}
    # No name in an outbox row that is not private (forgotten once sent).
    assert not any("Andi" in json.dumps(p) for p in payloads if not p.get("private"))

    document = await render_kms_document(chat.db, chat.cipher, RULES, params, T0)
    assert document.filename == f"kms-mwr01-{andi.id}.pdf"
    assert "Andi" not in document.filename
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    assert "Andi Saputra" in text and "Laki-laki" in text and "5 Mar 2025" in text
    # The table of weighings: date, age in completed months, kg, status.
    rows = [
        "12 Mei 2026 14 9,0 B",
        "12 Jun 2026 15 9,4 N",
        "12 Jul 2026 16 9,45 T",
        "12 Sep 2026 18 9,9 O",
        "20 Nov 2026 20 10,35 O",
    ]
    assert [line for line in text.splitlines() if line[:2].isdigit() and " 2026 " in line] == rows
    assert say("pdf.kms.legend.red") in text
    # The chart's points are the weighings, where the geometry puts them.
    async with chat.db.read() as conn:
        weighings = (await reg.weighings_of(conn, [andi.id]))[andi.id]
    data = kms_data(andi, "Mawar", weighings, RULES, T0, "x")
    assert [(p.date, round(p.kg * 1000), p.status) for p in data.chart.points] == [
        (d, g, s) for (d, g), s in zip(WEIGHED, "BNTOO", strict=True)
    ]
    assert data.chart.points[-1].status is Status.O
    # The view is audited: who, which child, never a name.
    async with chat.db.read() as conn:
        entries = await reg.audit_entries(conn)
    kms_views = [e for e in entries if e.action == "children.kms"]
    assert [(e.who.person_id, e.child_ids) for e in kms_views] == [(kader.id, (andi.id,))]


async def test_kms_in_a_group_is_refused_and_names_no_child(chat: Chat) -> None:
    group = "-100778"
    async with chat.db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        kader = await person_by_address(tx, "console", DEMO_KADER)
        assert bidan is not None and bidan.area_id is not None and kader is not None
        await link_group(tx, "telegram", group, bidan.area_id, bidan.id, T0)
        await add_identity(tx, kader.id, "telegram", group)
    before = len(await _outbox(chat))
    reply = await chat.say("KMS Andi", group, "telegram")
    assert reply == say("group.personal", command="KMS")
    queued = (await _outbox(chat))[before:]
    assert not any(p["type"] == "document" for p in queued)
    assert not any("Andi" in json.dumps(p) for p in queued)


async def test_a_child_no_longer_on_the_register_has_no_kms(chat: Chat) -> None:
    assert chat.cipher is not None
    await chat.say("KMS budi")
    params = next(p for p in await _outbox(chat) if p["type"] == "document")["params"]
    assert isinstance(params, dict)
    async with chat.db.transaction() as tx:
        await reg.delete_identity(
            tx, int(params["child_id"]), who=reg.Actor(operator="test"), at=T0
        )
    with pytest.raises(LookupError):
        await render_kms_document(chat.db, chat.cipher, RULES, params, T0)
