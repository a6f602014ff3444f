"""One message, one way through: counted on a real SQLite file (the demo seeded into it).

Every statement SQLite runs is seen through its trace callback on the real connections: a
read snapshot is a ``BEGIN`` on a reader (or a statement run outside one), a write is a
``BEGIN IMMEDIATE`` on the writer. The engine's two reads are :class:`MessageReads`' own
methods, counted by a subclass that only notes when each runs. For a guided answer, a
command, a stranger and a supervisor's commands: two reads (who and where; what the plan
needs) on one snapshot, and one write transaction, with no read made outside the two."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, seed_demo
from bot.kbm import load_kbm
from conversations.engine import Engine
from conversations.inbound import Inbound
from scoring.clock import FixedClock
from scoring.growth import GrowthRules
from storage import Connection, Database
from storage.cipher import RegisterCipher, new_key
from storage.message_reads import Found, MessageReads, Sender, Wanted
from storage.sqlite import SqliteDatabase

STRANGER = "+6289900000099"
#: 20 Nov 2026, 10.00 WIB (as tests/conversations/test_engine.py).
T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
_ids = itertools.count(1)
_TRANSACTION_ENDS = ("COMMIT", "ROLLBACK")


@dataclass
class Trips:
    """What one message cost: the reads' calls, the snapshots and the write transactions."""

    reads: list[str] = field(default_factory=list)
    snapshots: int = 0
    writes: int = 0
    #: Reader statements run outside the two reads (none may be).
    stray: list[str] = field(default_factory=list)
    reading: bool = False
    in_snapshot: bool = False

    def on_reader(self, sql: str) -> None:
        word = sql.strip().split(None, 1)[0].upper()
        if word == "BEGIN":
            self.snapshots += 1
            self.in_snapshot = True
        elif word in _TRANSACTION_ENDS:
            self.in_snapshot = False
        else:
            if not self.in_snapshot:
                self.snapshots += 1
            if not self.reading:
                self.stray.append(sql)

    def on_writer(self, sql: str) -> None:
        if sql.strip().upper().startswith("BEGIN"):
            self.writes += 1


class CountingReads(MessageReads):
    """The real reads, noting each call."""

    def __init__(self) -> None:
        self.trips = Trips()

    async def sender(self, conn: Connection, channel: str, address: str) -> Sender:
        self.trips.reads.append("sender")
        self.trips.reading = True
        try:
            return await super().sender(conn, channel, address)
        finally:
            self.trips.reading = False

    async def wanted(self, conn: Connection, wanted: Wanted) -> Found:
        self.trips.reads.append("wanted")
        self.trips.reading = True
        try:
            return await super().wanted(conn, wanted)
        finally:
            self.trips.reading = False


@dataclass
class Counted:
    db: SqliteDatabase
    engine: Engine
    reads: CountingReads

    async def send(self, address: str, text: str) -> Trips:
        """One message through the engine; what it cost."""
        self.reads.trips = Trips()
        result = await self.engine.handle(
            Inbound("console", address, text, f"m{next(_ids)}", T0)
        )
        assert result.replies > 0 and not result.failed, (text, result)
        return self.reads.trips


@pytest.fixture
async def counted(tmp_path: Path) -> AsyncIterator[Counted]:
    db = await Database.open(tmp_path / "trips.db")
    assert isinstance(db, SqliteDatabase)
    await seed_demo(db, T0)
    reads = CountingReads()
    for reader in db._all_readers:
        await reader.set_trace_callback(lambda sql: reads.trips.on_reader(sql))
    await db._writer.set_trace_callback(lambda sql: reads.trips.on_writer(sql))
    yield Counted(db, Engine(db, FixedClock(T0), reads=reads), reads)
    await db.close()


def _assert_one_way(trips: Trips, text: str) -> None:
    assert trips.reads == ["sender", "wanted"], text
    assert trips.snapshots == 1, text
    assert trips.stray == [], text
    assert trips.writes == 1, text


@pytest.mark.parametrize(
    ("address", "texts"),
    [
        # A guided report: the command, then answers to its questions.
        (DEMO_KADER, ("LAPOR", "6", "50", "45", "BATAL")),
        # Commands of a kader.
        (DEMO_KADER, ("BANTUAN", "RIWAYAT", "JADWAL")),
        # A stranger: a greeting, a wrong code, then their name asked for a good one.
        (STRANGER, ("halo", "DAFTAR ZZZZZZ")),
        # A supervisor's commands: the area's posyandu with their reports and schedules.
        (DEMO_SUPERVISOR, ("BELUM", "STATUS", "REKAP", "JADWAL", "POSYANDU MWR01")),
    ],
)
async def test_two_reads_and_one_write_per_message(
    counted: Counted, address: str, texts: tuple[str, ...]
) -> None:
    for text in texts:
        _assert_one_way(await counted.send(address, text), text)


async def test_a_read_outside_the_two_is_seen(counted: Counted) -> None:
    """The counting sees what it must catch: a read of its own on a reader is a snapshot
    more and a stray statement."""
    counted.reads.trips = Trips()
    async with counted.db.read() as conn:
        await conn.execute_fetchall("SELECT count(*) FROM people")
    assert counted.reads.trips.snapshots == 1
    assert len(counted.reads.trips.stray) == 1


async def test_the_register_by_chat_keeps_two_reads_and_one_write(counted: Counted) -> None:
    """ANAK BARU, TIMBANG with its lines and SELESAI, HAPUS ANAK: the children's names and
    weighings come in the plan's one read, their audit row in the one write."""
    growth = GrowthRules(load_kbm())
    cipher = RegisterCipher(new_key())
    counted.engine = Engine(
        counted.db, FixedClock(T0), reads=counted.reads, register=cipher, growth=growth
    )
    texts = ("ANAK BARU Andi", "L", "5/3/2025", "Siti", "YA", "YA")
    texts += ("TIMBANG", "Andi 9,6\nBudi 8", "SELESAI", "HAPUS ANAK Andi", "YA")
    for text in texts:
        _assert_one_way(await counted.send(DEMO_KADER, text), text)
