"""The engine on a real database, an SQLite file and a PostgreSQL database of the test server
(each test runs on both, the demo seeded into it): what only shows with storage in the loop.
A reminder swept in during a half-done report, two kader saving the same month at once, role
scoping against real posyandu outside an area, a restart, and the changes JADWAL and STOP
PENGINGAT make in the database."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, KECAMATAN_CODE, seed_demo
from conversations.engine import Engine
from conversations.inbound import Inbound
from scheduler.calendar import ReminderSettings
from scheduler.sweep import sweep
from scoring import MonthReport, Period
from scoring.clock import FixedClock
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, area_by_code, upsert_area
from storage.groups import link_group
from storage.people import Role, add_identity, create_person, person_by_address
from storage.posyandu import moves_for, posyandu_by_code, upsert_posyandu
from storage.reports import get_report, revisions, save_report
from storage.sessions import get_session
from tests.december import DEC7, seed_december
from tests.fast_layer import ENGINES

NOV = Period(2026, 11)
OKT = Period(2026, 10)
#: 20 Nov 2026, 10.00 WIB (Mawar's hari buka is the 12th).
T0 = datetime.fromisoformat("2026-11-20T10:00:00+07:00")
OTHER_KADER = "+6281200000077"  # a second kader of Mawar
DESA_SUPERVISOR = "+6281200000088"  # a supervisor of desa Bukit Tempayan only
STRANGER = "+6289900000099"
_ids = itertools.count(1)


@dataclass
class Chat:
    db: Database
    engine: Engine
    clock: FixedClock

    async def send(self, address: str, text: str, channel: str = "console") -> list[Any]:
        """Send one message; its replies to the sender, as outbox payloads."""
        ext = f"m{next(_ids)}"
        # As the Telegram adapter says: a group's chat id is negative.
        group = channel == "telegram" and address.startswith("-")
        await self.engine.handle(
            Inbound(channel, address, text, ext, self.clock.now(), in_group=group)
        )
        return await self.queued(f"reply:{channel}:{ext}:%")

    async def say(self, address: str, text: str, channel: str = "console") -> str:
        return "\n".join(p.get("body", "") for p in await self.send(address, text, channel))

    async def queued(self, key_like: str, address: str | None = None) -> list[Any]:
        sql = "SELECT address, payload FROM outbox WHERE dedupe_key LIKE ?"
        args: list[object] = [key_like]
        if address is not None:
            sql += " AND address = ?"
            args.append(address)
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(sql + " ORDER BY id", args)
        return [json.loads(r["payload"]) for r in rows]


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's database is: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return tmp_path / "engine.db"


async def _open(path: Path | str, clock: FixedClock) -> Chat:
    db = await Database.open(path)
    return Chat(db, Engine(db, clock), clock)


@pytest.fixture
async def chat(target: Path | str) -> AsyncIterator[Chat]:
    clock = FixedClock(T0)
    c = await _open(target, clock)
    await seed_demo(c.db, clock.now())
    yield c
    await c.db.close()


async def _second_kader(c: Chat) -> None:
    async with c.db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        ani = await create_person(tx, "Bu Ani", Role.KADER, T0, posyandu_id=mawar.id)
        await add_identity(tx, ani.id, "console", OTHER_KADER)


async def _sibling_desa(c: Chat) -> None:
    """Desa Tanjung Uncang beside Bukit Tempayan (same kecamatan) with posyandu Teratai and
    its kader and October report; a supervisor attached to desa Bukit Tempayan only."""
    async with c.db.transaction() as tx:
        kec = await area_by_code(tx, KECAMATAN_CODE)
        assert kec is not None
        sibling = await upsert_area(tx, "21.71.05.1005", "Tanjung Uncang", Level.DESA, kec)
        teratai = await upsert_posyandu(
            tx, "TRT07", "Teratai", sibling, "Asia/Jakarta", Schedule(day=7)
        )
        tini = await create_person(tx, "Bu Tini", Role.KADER, T0, posyandu_id=teratai.id)
        await add_identity(tx, tini.id, "console", "+6281200000066")
        report = MonthReport(period=OKT).with_values(
            kader=5, s=40, k=38, d=30, n=20, bgm=0, t2=0, bumil=5, bumil_periksa=3, pus=90,
            kb_aktif=50, bayi=10, bayi_imunisasi=1, kk=100, kk_dana_sehat=40,
            program_tambahan=(),
        )  # fmt: skip
        await save_report(tx, teratai.id, report, by=tini.id, at=T0, channel="console")
        desa = await area_by_code(tx, "21.71.05.1004")
        assert desa is not None
        bidan = await create_person(tx, "Bidan Desa", Role.SUPERVISOR, T0, area_id=desa.id)
        await add_identity(tx, bidan.id, "console", DESA_SUPERVISOR)


async def _state(c: Chat) -> tuple[object, ...]:
    """Everything a message could change, to compare before and after."""
    async with c.db.read() as conn:
        out: list[object] = []
        for table in ("reports", "report_revisions", "posyandu", "hari_buka_moves", "people"):
            out.append(list(map(tuple, await conn.execute_fetchall(f"SELECT * FROM {table}"))))
        return tuple(out)


# --- issue 8: a reminder during a half-done report --------------------------------------------


async def test_reminder_swept_in_during_a_half_done_report_does_not_disturb_it(
    target: Path | str,
) -> None:
    # Seeded on 1 December: reports through November. Mawar's hari buka is 12 December; H+2
    # ("belum lapor") is due on the 14th at 09.00 WIB.
    clock = FixedClock(datetime.fromisoformat("2026-12-01T10:00:00+07:00"))
    c = await _open(target, clock)
    try:
        await seed_demo(c.db, clock.now())
        clock.set(datetime.fromisoformat("2026-12-14T08:55:00+07:00"))
        assert "Laporan Desember 2026, Mawar" in await c.say(DEMO_KADER, "LAPOR")
        await c.say(DEMO_KADER, "TIDAK")  # last month's values asked one by one
        await c.say(DEMO_KADER, "6")
        assert "(3/14) K:" in await c.say(DEMO_KADER, "67")
        clock.set(datetime.fromisoformat("2026-12-14T09:00:00+07:00"))
        result = await sweep(c.db, clock.now(), ReminderSettings())
        assert result.messages >= 1
        reminders = await c.queued("reminder:h+2:%", DEMO_KADER)
        assert [r["kind"] for r in reminders] == ["h+2"]
        # The kader's next answer goes on where the report was.
        reply = await c.say(DEMO_KADER, "60")
        assert "(4/14) D:" in reply
        async with c.db.read() as conn:
            stored = await get_session(conn, "console", DEMO_KADER)
        assert stored is not None and '"k":60' in stored.answers["session"]
        assert '"s":67' in stored.answers["session"]
        # Storage keeps a half-done report at least as long as the step would.
        assert stored.expires_at >= clock.now() + timedelta(days=60)
    finally:
        await c.db.close()


async def test_stop_pengingat_mid_report_keeps_the_report_and_stops_the_sweep(
    target: Path | str,
) -> None:
    clock = FixedClock(datetime.fromisoformat("2026-12-01T10:00:00+07:00"))
    c = await _open(target, clock)
    try:
        await seed_demo(c.db, clock.now())
        clock.set(datetime.fromisoformat("2026-12-11T17:50:00+07:00"))
        await c.say(DEMO_KADER, "LAPOR")  # before hari buka: asked to confirm
        await c.say(DEMO_KADER, "YA")
        await c.say(DEMO_KADER, "TIDAK")  # last month's values asked one by one
        assert "(2/14)" in await c.say(DEMO_KADER, "6")
        reply = await c.say(DEMO_KADER, "STOP PENGINGAT")
        assert "Pengingat dimatikan" in reply
        assert "Laporan Desember 2026 belum selesai" in reply
        async with c.db.read() as conn:
            person = await person_by_address(conn, "console", DEMO_KADER)
        assert person is not None and person.reminders is False
        clock.set(datetime.fromisoformat("2026-12-11T18:00:00+07:00"))  # H-1 of 12 December
        await sweep(c.db, clock.now(), ReminderSettings())
        assert await c.queued("reminder:h-1:%", DEMO_KADER) == []
        assert "(3/14) K:" in await c.say(DEMO_KADER, "67")
        assert "Pengingat dinyalakan" in await c.say(DEMO_KADER, "MULAI PENGINGAT")
        async with c.db.read() as conn:
            person = await person_by_address(conn, "console", DEMO_KADER)
        assert person is not None and person.reminders is True
    finally:
        await c.db.close()


async def test_supervisor_stop_pengingat_stops_the_h7_list(target: Path | str) -> None:
    clock = FixedClock(datetime.fromisoformat("2026-12-01T10:00:00+07:00"))
    c = await _open(target, clock)
    try:
        await seed_demo(c.db, clock.now())
        assert "Pengingat dimatikan" in await c.say(DEMO_SUPERVISOR, "STOP PENGINGAT")
        # H+7 of Mawar's 12 December hari buka (nobody has reported December).
        clock.set(datetime.fromisoformat("2026-12-19T09:00:00+07:00"))
        await sweep(c.db, clock.now(), ReminderSettings())
        assert await c.queued("reminder:h+7:%", DEMO_SUPERVISOR) == []
        assert "Pengingat dinyalakan" in await c.say(DEMO_SUPERVISOR, "MULAI PENGINGAT")
        clock.set(datetime.fromisoformat("2026-12-23T09:00:00+07:00"))  # Cempaka: 16 Dec
        await sweep(c.db, clock.now(), ReminderSettings())
        assert [r["kind"] for r in await c.queued("reminder:h+7:%", DEMO_SUPERVISOR)] == ["h+7"]
    finally:
        await c.db.close()


# --- issue 5: two kader, one month, at once -------------------------------------------------


QUICK = (
    "LAPOR NOV KADER=6 S=67 K=60 D={d} N={n} BGM=1 T2=0 BUMIL=7 BUMIL_PERIKSA=5 PUS=110 "
    "KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2 RUJUK=1"
)


async def test_two_kader_same_month_at_once_one_report_a_revision_both_told(chat: Chat) -> None:
    await _second_kader(chat)
    # Both start before either saves (each draft was based on no report).
    for who, d, n in ((DEMO_KADER, 50, 40), (OTHER_KADER, 55, 45)):
        assert "(1/1)" in await chat.say(who, QUICK.format(d=d, n=n))
        assert "Ringkasan Mawar, November 2026" in await chat.say(who, "BKB")
    sari, ani = await asyncio.gather(chat.send(DEMO_KADER, "YA"), chat.send(OTHER_KADER, "YA"))
    async with chat.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        report = await get_report(conn, mawar.id, NOV)
        assert report is not None
        history = await revisions(conn, report.id)
    assert report.revision == 2 and [r.revision for r in history] == [1, 2]
    names = {DEMO_KADER: "Bu Sari", OTHER_KADER: "Bu Ani"}
    replies = {DEMO_KADER: sari, OTHER_KADER: ani}
    second = DEMO_KADER if report.report.d == 50 else OTHER_KADER
    first = OTHER_KADER if second == DEMO_KADER else DEMO_KADER
    assert history[0].changed_by == (await _person(chat, first)).id
    # The second saver: thanked, and told the other's report stays as revision 1, theirs is 2.
    second_text = "\n".join(p["body"] for p in replies[second])
    assert "tersimpan" in second_text
    assert f"Catatan: {names[first]} juga mengirim laporan November 2026" in second_text
    assert "Laporan Anda disimpan sebagai revisi 2;" in second_text
    # The first saver: thanked, then told it was replaced by revision 2.
    assert "tersimpan" in "\n".join(p["body"] for p in replies[first])
    notices = await chat.queued("notice:%", first)
    assert len(notices) == 1
    assert f"diperbarui oleh {names[second]}" in notices[0]["body"]
    assert "(revisi 2)" in notices[0]["body"]


async def _person(c: Chat, address: str) -> Any:
    async with c.db.read() as conn:
        return await person_by_address(conn, "console", address)


# --- issue 5: role scoping, on real posyandu outside the area ----------------------------------


async def test_kader_cannot_read_or_change_another_posyandu(chat: Chat) -> None:
    await _sibling_desa(chat)
    async with chat.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        teratai = await posyandu_by_code(conn, "TRT07")
        melati = await posyandu_by_code(conn, "MLT02")
    assert mawar is not None and teratai is not None and melati is not None
    for text in ("POSYANDU Teratai", "POSYANDU MLT02", "BELUM", "REKAP", "STRATA"):
        assert "khusus pembina wilayah" in await chat.say(DEMO_KADER, text), text
    before = await _state(chat)
    reply = await chat.say(DEMO_KADER, "JADWAL TRT07 tanggal 5")
    assert "hanya bisa diubah oleh bidan/pembina" in reply and "Posyandu Mawar" in reply
    assert await _state(chat) == before
    # PDF and RIWAYAT are always the kader's own posyandu, whatever is typed after them.
    docs = await chat.send(DEMO_KADER, "PDF OKT")
    assert docs[0]["params"] == {"posyandu_id": mawar.id, "period": "2026-10"}
    assert "Riwayat Mawar" in await chat.say(DEMO_KADER, "RIWAYAT Teratai")
    # UBAH changes only the kader's own report.
    async with chat.db.read() as conn:
        others = [await get_report(conn, p.id, OKT) for p in (teratai, melati)]
    reply = await chat.say(DEMO_KADER, "UBAH BGM 2 OKT")
    if "Balas YA untuk simpan" in reply:  # October's values raise a soft warning: confirm
        reply = await chat.say(DEMO_KADER, "YA")
    assert "Laporan Oktober 2026 diperbarui" in reply or "diubah" in reply, reply
    async with chat.db.read() as conn:
        assert [await get_report(conn, p.id, OKT) for p in (teratai, melati)] == others
        own = await get_report(conn, mawar.id, OKT)
    assert own is not None and own.report.bgm == 2


async def test_supervisor_sees_nothing_outside_their_area(chat: Chat) -> None:
    await _sibling_desa(chat)
    # The kecamatan's supervisor does see Teratai: it is a real posyandu, just not in the desa.
    assert "Teratai, Desa Tanjung Uncang" in await chat.say(DEMO_SUPERVISOR, "POSYANDU TRT07")
    status = await chat.say(DESA_SUPERVISOR, "STATUS")
    assert "Sudah lapor 0 · belum waktunya 1" in status and "(6 posyandu)" in status
    assert "Teratai" not in status
    assert "Teratai" not in await chat.say(DESA_SUPERVISOR, "BELUM")
    assert "6 posyandu" in await chat.say(DESA_SUPERVISOR, "STRATA")
    for text in ("POSYANDU Teratai", "POSYANDU TRT07", "POSYANDU Tanjung"):
        assert "tidak ada di wilayah Desa/Kelurahan Bukit Tempayan" in await chat.say(
            DESA_SUPERVISOR, text
        )
    before = await _state(chat)
    for text in ("JADWAL TRT07 tanggal 5", "JADWAL Teratai pindah 2026-12-20"):
        reply = await chat.say(DESA_SUPERVISOR, text)
        assert "tidak ada di wilayah Desa/Kelurahan Bukit Tempayan" in reply, reply
    assert await _state(chat) == before
    async with chat.db.read() as conn:
        desa = await area_by_code(conn, "21.71.05.1004")
    assert desa is not None
    rekap = await chat.send(DESA_SUPERVISOR, "REKAP OKT")
    assert rekap[0]["params"] == {"area_id": desa.id, "period": "2026-10"}


async def test_unregistered_sender_sees_and_changes_nothing(chat: Chat) -> None:
    before = await _state(chat)
    for text in (
        "STATUS",
        "POSYANDU Mawar",
        "RIWAYAT",
        "PDF",
        "REKAP",
        "LAPOR NOV S=50 K=48 D=40 N=30",
        "UBAH D 4",
        "TIDAK BUKA",
        "JADWAL MWR01 tanggal 5",
        "STOP PENGINGAT",
    ):
        replies = await chat.send(STRANGER, text)
        assert len(replies) == 1 and "belum terdaftar" in replies[0]["body"], text
        assert "Mawar" not in replies[0]["body"]
    assert await _state(chat) == before


# --- JADWAL in the database ----------------------------------------------------------------------


async def test_jadwal_changes_the_schedule_and_moves_one_month(chat: Chat) -> None:
    reply = await chat.say(DEMO_SUPERVISOR, "JADWAL MWR01 selasa ke-2")
    assert "diubah: Selasa minggu ke-2 (sebelumnya tanggal 12)" in reply
    assert "Selasa 8 Des 2026" in reply
    reply = await chat.say(DEMO_SUPERVISOR, "JADWAL mawar pindah 2027-01-20")
    assert "bulan Januari 2027 dipindah ke Rabu 20 Jan 2027" in reply
    async with chat.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        moves = await moves_for(conn, [mawar.id], Period(2027, 1), Period(2027, 1))
    assert mawar.schedule == Schedule(weekday=1, nth=2)
    assert list(moves.values()) == [date(2027, 1, 20)]
    # The kader sees the new schedule (read-only).
    reply = await chat.say(DEMO_KADER, "JADWAL")
    assert "Jadwal Posyandu Mawar: Selasa minggu ke-2." in reply
    assert "Rabu 20 Jan 2027 (dipindah)" in reply


async def test_a_linked_group_may_look_but_not_change(chat: Chat) -> None:
    group = "-1001234567890"
    async with chat.db.transaction() as tx:
        bidan = await person_by_address(tx, "console", DEMO_SUPERVISOR)
        assert bidan is not None and bidan.area_id is not None
        await link_group(tx, "telegram", group, bidan.area_id, bidan.id, T0)
        await add_identity(tx, bidan.id, "telegram", group)
    before = await _state(chat)
    # Anyone in the group speaks with the supervisor's scope: reading is fine...
    assert "Sudah lapor" in await chat.say(group, "/status", "telegram")
    reply = await chat.say(group, "/jadwal MWR01 tanggal 5", "telegram")
    assert "Jadwal Posyandu Mawar: tanggal 12." in reply
    assert "hanya bisa diubah lewat chat pribadi" in reply
    # ...changing a schedule or the supervisor's reminders is not.
    for text in ("/stop_pengingat", "/mulai_pengingat", "/pengingat"):
        assert "hanya lewat chat pribadi" in await chat.say(group, text, "telegram"), text
    assert await _state(chat) == before
    # The supervisor in their private chat can.
    assert "diubah" in await chat.say(DEMO_SUPERVISOR, "JADWAL MWR01 tanggal 5")


# --- a restart ---------------------------------------------------------------------------------


async def test_new_engine_on_the_same_file_resumes_a_half_done_report(
    target: Path | str,
) -> None:
    clock = FixedClock(T0)
    path = target
    first = await _open(path, clock)
    await seed_demo(first.db, clock.now())
    await first.say(DEMO_KADER, "LAPOR")
    await first.say(DEMO_KADER, "TIDAK")  # last month's values asked one by one
    await first.say(DEMO_KADER, "6")
    assert "(3/14) K:" in await first.say(DEMO_KADER, "67")
    await first.db.close()
    clock.advance(timedelta(hours=5))
    second = await _open(path, clock)
    try:
        assert "(4/14) D:" in await second.say(DEMO_KADER, "60")
        reply = await second.say(DEMO_KADER, "LANJUT")
        assert "Tinggal 11 pertanyaan lagi" in reply and "(4/14) D:" in reply
    finally:
        await second.db.close()


async def _outbox_of(c: Chat, address: str) -> list[tuple[str, str, bool]]:
    """(status, first line, supersedable) of every row queued for ``address``, in order."""
    async with c.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT status, payload, supersedable FROM outbox WHERE address = ? ORDER BY id",
            (address,),
        )
    return [
        (r[0], json.loads(r[1]).get("body", "<document>").split("\n")[0], bool(r[2]))
        for r in rows
    ]


async def test_a_step_supersedes_the_unsent_questions_of_the_steps_before(chat: Chat) -> None:
    """Nothing is delivered here (no dispatcher runs: as after the instance that claimed the
    replies died). Each step of a half-done report supersedes the unsent replies of the steps
    before; what a step that closed the conversation or saved the report said is kept."""
    await chat.say(DEMO_KADER, "LAPOR")
    await chat.say(DEMO_KADER, "YA")  # last month's values are still right
    await chat.say(DEMO_KADER, "60")  # K
    assert await _outbox_of(chat, DEMO_KADER) == [
        ("superseded", "Laporan November 2026, Mawar.", True),
        ("superseded", "(1/9) K: berapa balita yang punya KMS/buku KIA?", True),
        ("pending", "(2/9) D: berapa balita yang ditimbang bulan ini?", True),
    ]
    await chat.say(DEMO_KADER, "BATAL")
    await chat.say(DEMO_KADER, "BANTUAN")  # closes nothing: supersedes nothing either
    rows = await _outbox_of(chat, DEMO_KADER)
    assert [r[0] for r in rows[2:]] == ["superseded", "pending", "pending"]
    assert rows[3][1].startswith("Laporan November 2026 dibatalkan") and not rows[3][2]
    assert not rows[4][2]
    line = (
        "LAPOR nov S=67 K=60 D=50 N=40 BGM=1 T2=0 KADER=6 BUMIL=7 BUMIL_PERIKSA=5 PUS=110 "
        "KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2 TAMBAHAN=BKB RUJUK=1"
    )
    saved = await chat.send(DEMO_KADER, line)
    assert any("tersimpan" in p.get("body", "") for p in saved)
    await chat.say(DEMO_KADER, "PDF")
    await chat.say(DEMO_KADER, "LAPOR")  # the month exists: asks whether to fill it again
    rows = await _outbox_of(chat, DEMO_KADER)
    assert all(status == "pending" and not dropped for status, _, dropped in rows[5:-1])
    assert rows[-1][2] and rows[-1][0] == "pending"  # the open question is supersedable


async def test_status_and_belum_tell_before_on_and_after_hari_buka(target: Path | str) -> None:
    """7 December: one posyandu reported, four have not reached their hari buka (grey
    "belum waktunya", not "belum lapor"), one is four days past it (issue 24)."""
    clock = FixedClock(DEC7)
    chat = await _open(target, clock)
    try:
        await seed_december(chat.db)
        status = await chat.say(DEMO_SUPERVISOR, "STATUS")
        assert "Sudah lapor 1 · belum waktunya 4 · belum lapor 1 (6 posyandu)." in status
        assert "Ditunggu laporannya (1):\n1. Anggrek, terlambat 4 hari" in status
        for name in ("Melati", "Kenanga", "Dahlia", "Cempaka"):
            assert name not in status.split("Ditunggu")[1]
        belum = await chat.say(DEMO_SUPERVISOR, "BELUM")
        assert "Ditunggu laporan Desember 2026 (1 dari 6):" in belum
        assert "1. Anggrek, terlambat 4 hari - Bu Yanti" in belum
        assert "Belum waktunya (hari buka belum tiba): 4 posyandu." in belum
        # November is over for everyone: what is missing is late, by the days since its day.
        assert "Sudah lapor 6 · belum waktunya 0 · belum lapor 0" in await chat.say(
            DEMO_SUPERVISOR, "STATUS NOV"
        )
    finally:
        await chat.db.close()
