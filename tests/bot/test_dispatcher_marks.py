"""Sent rows are marked in batches; a delivery receipt that comes before the batch is written
still finds its row (the dispatcher is asked to write its marks first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.channels import OutgoingDocument
from bot.dispatcher import Dispatcher
from scoring.clock import FixedClock
from storage import Database
from storage import outbox as ob
from storage.messages import Outgoing, Text

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


class RecordingSender:
    """A sender at the far end of which every message gets an id, like Twilio's SIDs."""

    name = "whatsapp"

    def __init__(self) -> None:
        self.ids = 0

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        self.ids += 1
        return f"SM{self.ids:032d}"

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        raise AssertionError("no documents here")


async def _render(kind: str, params: Mapping[str, Any]) -> OutgoingDocument:
    raise AssertionError("no documents here")


async def test_a_receipt_before_the_batched_mark_is_recorded(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "d.db") as db:
        async with db.transaction() as tx:
            await ob.append(tx, Outgoing("whatsapp", "+6281200000001", Text("halo"), "k1"), NOW)
        dispatcher = Dispatcher(db, FixedClock(NOW), {"whatsapp": RecordingSender()}, _render)
        async with db.transaction() as tx:
            [row] = await ob.claim_due(tx, NOW, 10, ["whatsapp"])
        # Sent, not yet marked: the receipt finds no row ...
        assert await dispatcher._deliver(row)
        sid = f"SM{1:032d}"
        async with db.transaction() as tx:
            assert not await ob.set_delivery_status(tx, sid, "failed", "30008", NOW)
        # ... until the marks are written, which the status route asks for.
        await dispatcher.flush_marks()
        async with db.transaction() as tx:
            assert await ob.set_delivery_status(tx, sid, "failed", "30008", NOW)
        async with db.read() as conn:
            stored = await ob.get(conn, row.id)
        assert stored is not None
        assert stored.status is ob.Status.FAILED and stored.error_code == "30008"
