"""TIMBANG keeps each weighing's z-scores and status (storage.children ``keep_scores``) and
reads them back: on the real engine and a real database (SQLite and PostgreSQL), the list
keeps the children's last earlier weighings, each line its own; SELESAI says the same from
kept scores as from none; under another KBM table nothing kept under the first is read."""

from __future__ import annotations

from bot.kbm import load_kbm
from conversations.engine import Engine
from scoring.growth import GrowthRules, KbmTable
from storage import children as reg
from tests.conversations.test_children_chat import Chat
from tests.conversations.test_weighing_chat import _ids
from tests.conversations.test_weighing_chat import chat as chat  # the fixtures
from tests.conversations.test_weighing_chat import target as target

#: The rules the ``chat`` fixture's engine assesses with.
RULES = GrowthRules(load_kbm())
LINES = "Andi 10,3\nbudi 10.1\n3 9,5\nDewi 9\nEka tdk datang"


async def _kept(chat: Chat, rules: GrowthRules) -> dict[str, list[bool]]:
    """Each child's weighings: kept under ``rules``?"""
    ids = await _ids(chat)
    async with chat.db.read() as conn:
        stored = await reg.weighings_of(conn, list(ids.values()))
    digest = reg.rules_digest(rules)
    return {
        name: [w.scored is not None and w.scored.rules == digest for w in stored[i]]
        for name, i in ids.items()
    }


async def test_the_list_and_the_lines_keep_scores_and_selesai_reads_the_same_from_them(
    chat: Chat,
) -> None:
    rules = RULES
    none = {"Andi Saputra": [False], "Budi": [False, False], "Citra": [False]}
    assert await _kept(chat, rules) == none | {"Dewi": [], "Eka": []}
    await chat.say("TIMBANG")  # the last earlier weighing of each (Budi's September: not)
    kept = {"Andi Saputra": [True], "Budi": [False, True], "Citra": [True]}
    assert await _kept(chat, rules) == kept | {"Dewi": [], "Eka": []}
    await chat.say(LINES)
    weighed = {"Andi Saputra": [True, True], "Budi": [False, True, True], "Citra": [True, True]}
    assert await _kept(chat, rules) == weighed | {"Dewi": [True], "Eka": []}
    from_kept = await chat.say("SELESAI")
    await chat.say("TIMBANG")
    async with chat.db.transaction() as tx:  # nothing kept: all worked out afresh
        await tx.execute("UPDATE weighings SET kept_rules = NULL, kept_status = NULL")
    summary = from_kept.splitlines()[:5]  # then the month's report (open from the first)
    assert (await chat.say("SELESAI")).splitlines()[:5] == summary
    assert summary[1:] == [
        "D 4 · N 1 · T 1 · O 1 · B 1 · BGM 0 · 2T 1",
        "D = N+T+O+B = 4, cocok.",
        "Perlu dirujuk ke puskesmas:",
        "- Budi: 2T",
    ]


async def test_under_another_kbm_table_the_kept_scores_are_worked_out_again(chat: Chat) -> None:
    await chat.say("TIMBANG")
    await chat.say(LINES)
    first = RULES
    # 500 g more a month: Andi's 300 g is T (its previous, his first weighing, was B: no 2T).
    more = KbmTable("test", tuple(None if g is None else g + 500 for g in first.kbm.grams))
    other = GrowthRules(more)
    chat.engine = Engine(chat.db, chat.clock, register=chat.cipher, growth=other)
    summary = await chat.say("SELESAI")
    assert summary.splitlines()[1] == "D 4 · N 0 · T 2 · O 1 · B 1 · BGM 0 · 2T 1"
    await chat.say("TIMBANG")  # keeps them again, under the other table
    assert (await _kept(chat, other))["Andi Saputra"] == [True, True]
    assert (await _kept(chat, first))["Andi Saputra"] == [False, False]
