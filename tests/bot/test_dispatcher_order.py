"""The dispatcher keeps one chat's replies in order and never sends a question that a later
step of the conversation superseded, even one it had claimed before that step (issue 23)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.channels import OutgoingDocument
from bot.dispatcher import DeliverySettings, Dispatcher
from scoring.clock import FixedClock
from storage import Database
from storage import outbox as ob
from storage.messages import Outgoing, Text

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
CHAT = "4242"


class GatedSender:
    """Telegram at the far end, recording what arrives; a send waits while ``gate`` is shut."""

    name = "telegram"

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = asyncio.Event()

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        if not self.gate.is_set():
            self.waiting.set()
            await self.gate.wait()
        self.texts.append((address, text))
        return None

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        raise AssertionError("no documents here")


async def _render(kind: str, params: Mapping[str, Any]) -> OutgoingDocument:
    raise AssertionError("no documents here")


def _question(body: str, key: str) -> Outgoing:
    return Outgoing("telegram", CHAT, Text(body), key, supersedable=True)


async def test_a_claimed_question_superseded_before_its_send_is_not_sent(
    tmp_path: Path,
) -> None:
    """This instance claimed a batch: the thanks of another chat first (its send is slow),
    then the kader's question. Meanwhile the kader's next message is answered (elsewhere):
    the question, looked at again before its send, is not sent and stays superseded."""
    sender = GatedSender()
    async with await Database.open(tmp_path / "d.db") as db:
        async with db.transaction() as tx:
            await ob.append(tx, Outgoing("telegram", "7", Text("Terima kasih"), "t"), NOW)
            await ob.append(tx, _question("(1/9) K?", "q1"), NOW)
        dispatcher = Dispatcher(
            db, FixedClock(NOW), {"telegram": sender}, _render, DeliverySettings(concurrency=1)
        )
        sender.gate.clear()
        running = asyncio.create_task(dispatcher.run_once())
        await sender.waiting.wait()  # both claimed; the first send is in hand
        async with db.transaction() as tx:
            await ob.append(tx, _question("(2/9) D?", "q2"), NOW)
            assert await ob.supersede(tx, "telegram", CHAT, "q2", NOW) == 1
        sender.gate.set()
        assert await running
        assert sender.texts == [("7", "Terima kasih")]
        assert await dispatcher.run_once()
        assert await dispatcher.run_once() is False
        async with db.read() as conn:
            rows = await ob.list_rows(conn, list(ob.Status))
    assert sender.texts == [("7", "Terima kasih"), (CHAT, "(2/9) D?")]
    assert [(r.dedupe_key, r.status) for r in rows] == [
        ("t", ob.Status.SENT),
        ("q1", ob.Status.SUPERSEDED),
        ("q2", ob.Status.SENT),
    ]


async def test_a_chats_replies_wait_for_an_earlier_one_held_by_a_dead_instance(
    tmp_path: Path,
) -> None:
    """A confirmation claimed by an instance that died holds the chat's later replies until
    its lease ends; then the dispatcher sends them all, in the order they were made."""
    sender = GatedSender()
    clock = FixedClock(NOW)
    lease = timedelta(seconds=60)
    async with await Database.open(tmp_path / "d.db") as db:
        async with db.transaction() as tx:
            await ob.append(tx, Outgoing("telegram", CHAT, Text("tersimpan"), "a"), NOW)
            await ob.claim_due(tx, NOW, lease=lease)  # the instance that dies
            await ob.append(tx, Outgoing("telegram", CHAT, Text("BANTUAN ..."), "b"), NOW)
            await ob.append(tx, Outgoing("telegram", "7", Text("halo"), "c"), NOW)
        dispatcher = Dispatcher(db, clock, {"telegram": sender}, _render)
        assert await dispatcher.run_once()
        assert await dispatcher.run_once() is False
        assert sender.texts == [("7", "halo")]
        clock.set(NOW + lease)
        assert await dispatcher.run_once()
    assert sender.texts == [("7", "halo"), (CHAT, "tersimpan"), (CHAT, "BANTUAN ...")]
