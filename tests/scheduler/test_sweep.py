"""Reminder sweeps with an injected clock: time zones, month ends, grace, no duplicates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.calendar import Kind, ReminderSettings
from scheduler.sweep import sweep
from scoring import MonthReport, Period
from scoring.schedule import Schedule
from storage import Database
from storage import outbox as ob
from storage.areas import Level, area_by_code, upsert_area
from storage.people import Role, add_identity, create_person, set_reminders
from storage.posyandu import move_hari_buka, upsert_posyandu
from storage.reports import save_report

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SETTINGS = ReminderSettings()


@dataclass
class World:
    db: Database
    ids: dict[str, int]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = await Database.open(tmp_path / "r.db")
    yield World(db, await seed_posyandu(db))
    await db.close()


async def seed_posyandu(db: Database) -> dict[str, int]:
    """Four posyandu in three time zones, a kader each on Telegram, a supervisor."""
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepri", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.01.1001", "Seraya", Level.DESA, kec)
        specs = [
            ("A", "Mawar", "Asia/Jakarta", "tanggal 12"),
            ("B", "Melati", "Asia/Makassar", "selasa ke-2"),
            ("C", "Anggrek", "Asia/Jayapura", "tanggal 31"),
            ("D", "Kenanga", "Asia/Jakarta", "jumat terakhir"),
        ]
        for code, name, tz, sched in specs:
            p = await upsert_posyandu(tx, code, name, desa, tz, Schedule.parse(sched))
            ids[code] = p.id
            kader = await create_person(tx, f"Bu {name}", Role.KADER, T0, posyandu_id=p.id)
            await add_identity(tx, kader.id, "telegram", f"10{p.id}")
            ids[f"kader{code}"] = kader.id
        sup = await create_person(tx, "Bidan Rina", Role.SUPERVISOR, T0, area_id=kec.id)
        await add_identity(tx, sup.id, "whatsapp", "+6281100000001")
        ids["kec"] = kec.id
    return ids


async def queued(db: Database) -> list[ob.OutboxRow]:
    async with db.read() as conn:
        return await ob.list_rows(conn, [ob.Status.PENDING])


def kinds_to(rows: list[ob.OutboxRow], address: str) -> list[str]:
    return [str(r.payload.get("kind")) for r in rows if r.address == address]


async def test_h_minus_1_wib_exactly_once(world: World) -> None:
    a = f"10{world.ids['A']}"
    # Hari buka 12 Dec 2026; H-1 is 11 Dec 18:00 WIB = 11:00 UTC.
    due = datetime(2026, 12, 11, 11, 0, tzinfo=UTC)
    assert (await sweep(world.db, due - timedelta(minutes=1), SETTINGS)).messages == 0
    first = await sweep(world.db, due, SETTINGS)
    assert first.messages == 1
    again = await sweep(world.db, due, SETTINGS)  # two sweeps over the same minute
    later = await sweep(world.db, due + timedelta(minutes=1), SETTINGS)
    assert again.messages == later.messages == 0
    rows = await queued(world.db)
    assert kinds_to(rows, a) == ["h-1"]
    assert rows[0].payload["params"]["hari_buka"] == "2026-12-12"
    assert rows[0].payload["params"]["posyandu"] == "Mawar"


async def test_restart_inside_and_outside_grace(world: World) -> None:
    due = datetime(2026, 12, 11, 11, 0, tzinfo=UTC)
    # Service was down at 11:00; it sweeps at 16:59 (inside the 6 h grace): sent once.
    assert (await sweep(world.db, due + timedelta(hours=5, minutes=59), SETTINGS)).messages >= 1
    assert kinds_to(await queued(world.db), f"10{world.ids['A']}") == ["h-1"]


async def test_past_grace_never_sent(world: World) -> None:
    due = datetime(2026, 12, 11, 11, 0, tzinfo=UTC)
    # The machine slept through the day: 6 h and a minute late is too late.
    await sweep(world.db, due + timedelta(hours=6, minutes=1), SETTINGS)
    assert kinds_to(await queued(world.db), f"10{world.ids['A']}") == []


async def test_wita_nth_weekday_morning(world: World) -> None:
    # 2nd Tuesday of Dec 2026 is the 8th; H at 06:30 WITA = 22:30 UTC on the 7th.
    b = f"10{world.ids['B']}"
    await sweep(world.db, datetime(2026, 12, 7, 22, 29, tzinfo=UTC), SETTINGS)
    assert "h" not in kinds_to(await queued(world.db), b)
    await sweep(world.db, datetime(2026, 12, 7, 22, 30, tzinfo=UTC), SETTINGS)
    assert "h" in kinds_to(await queued(world.db), b)


@pytest.mark.parametrize(
    ("now", "hari_buka"),
    [
        # tanggal 31 in February 2027 (common year) is the 28th: H-1 on the 27th, 18:00 WIT.
        (datetime(2027, 2, 27, 9, 0, tzinfo=UTC), "2027-02-28"),
        # ... and in February 2028 (leap year) the 29th.
        (datetime(2028, 2, 28, 9, 0, tzinfo=UTC), "2028-02-29"),
        # 30-day month: 30 November 2026.
        (datetime(2026, 11, 29, 9, 0, tzinfo=UTC), "2026-11-30"),
    ],
)
async def test_wit_month_ends(world: World, now: datetime, hari_buka: str) -> None:
    await sweep(world.db, now, SETTINGS)
    rows = [r for r in await queued(world.db) if r.address == f"10{world.ids['C']}"]
    assert [(r.payload["kind"], r.payload["params"]["hari_buka"]) for r in rows] == [
        ("h-1", hari_buka)
    ]


async def test_last_weekday(world: World) -> None:
    # Last Friday of Jan 2027 is the 29th: H-1 on the 28th 18:00 WIB = 11:00 UTC.
    await sweep(world.db, datetime(2027, 1, 28, 11, 0, tzinfo=UTC), SETTINGS)
    rows = [r for r in await queued(world.db) if r.address == f"10{world.ids['D']}"]
    assert [r.payload["params"]["hari_buka"] for r in rows] == ["2027-01-29"]


async def test_one_off_move(world: World) -> None:
    async with world.db.transaction() as tx:
        await move_hari_buka(tx, world.ids["A"], date(2026, 12, 15))
    a = f"10{world.ids['A']}"
    await sweep(world.db, datetime(2026, 12, 11, 11, 0, tzinfo=UTC), SETTINGS)
    assert kinds_to(await queued(world.db), a) == []
    await sweep(world.db, datetime(2026, 12, 14, 11, 0, tzinfo=UTC), SETTINGS)
    rows = [r for r in await queued(world.db) if r.address == a]
    assert [r.payload["params"]["hari_buka"] for r in rows] == ["2026-12-15"]


async def test_h_plus_2_only_when_not_reported(world: World) -> None:
    async with world.db.transaction() as tx:
        await save_report(
            tx,
            world.ids["A"],
            MonthReport(Period(2026, 12), s=40, d=30),
            by=None,
            at=T0,
            channel="console",
        )
    # H+2 of 12 Dec: 14 Dec 09:00 WIB = 02:00 UTC. A reported; D, B, C are not due then.
    await sweep(world.db, datetime(2026, 12, 14, 2, 0, tzinfo=UTC), SETTINGS)
    assert kinds_to(await queued(world.db), f"10{world.ids['A']}") == []
    # January: not reported -> nudged.
    await sweep(world.db, datetime(2027, 1, 14, 2, 0, tzinfo=UTC), SETTINGS)
    assert kinds_to(await queued(world.db), f"10{world.ids['A']}") == ["h+2"]


async def test_h_plus_7_lists_missing_to_supervisor(world: World) -> None:
    # A: hari buka 12 Dec -> H+7 on 19 Dec 09:00 WIB = 02:00 UTC.
    await sweep(world.db, datetime(2026, 12, 19, 2, 0, tzinfo=UTC), SETTINGS)
    rows = [r for r in await queued(world.db) if r.address == "+6281100000001"]
    assert len(rows) == 1
    missing = rows[0].payload["params"]["missing"]
    assert [m["posyandu"] for m in missing] == ["Mawar"]
    assert missing[0]["kader"] == ["Bu Mawar"]


async def test_kader_can_stop_reminders(world: World) -> None:
    async with world.db.transaction() as tx:
        await set_reminders(tx, world.ids["kaderA"], False)
    await sweep(world.db, datetime(2026, 12, 11, 11, 0, tzinfo=UTC), SETTINGS)
    assert kinds_to(await queued(world.db), f"10{world.ids['A']}") == []


async def test_rekap_on_the_fifth_once(world: World) -> None:
    # 5 Dec 08:00 WIB (the area's posyandu are WIB first) = 01:00 UTC.
    now = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    await sweep(world.db, now, SETTINGS)
    await sweep(world.db, now + timedelta(hours=1), SETTINGS)
    rows = [r for r in await queued(world.db) if r.address == "+6281100000001"]
    assert [r.payload for r in rows] == [
        {
            "type": "document",
            "kind": "area_summary",
            "params": {"area_id": world.ids["kec"], "period": "2026-11"},
        }
    ]


async def test_disabled_kinds_are_not_sent(world: World) -> None:
    quiet = ReminderSettings(enabled=frozenset({Kind.H}))
    await sweep(world.db, datetime(2026, 12, 11, 11, 0, tzinfo=UTC), quiet)
    assert await queued(world.db) == []


async def test_no_nudge_for_a_month_before_the_posyandu_was_registered(world: World) -> None:
    """The nudges follow the views' rule (scoring.reporting_state): a posyandu registered in
    December owed nothing for November, so H+7 of its November hari buka (28 Nov, so 5 Dec)
    names it to nobody, while December's H+2 nudges its kader."""
    async with world.db.transaction() as tx:
        desa = await area_by_code(tx, "21.71.01.1001")
        assert desa is not None
        baru = await upsert_posyandu(
            tx, "E", "Kamboja", desa, "Asia/Jakarta", Schedule.parse("tanggal 28"),
            registered=Period(2026, 12),
        )  # fmt: skip
        kader = await create_person(tx, "Bu Kamboja", Role.KADER, T0, posyandu_id=baru.id)
        await add_identity(tx, kader.id, "telegram", "10999")
    # 30 Nov 09:00 WIB (H+2 of 28 Nov) and 5 Dec 09:00 WIB (H+7), 02:00 UTC.
    await sweep(world.db, datetime(2026, 11, 30, 2, 0, tzinfo=UTC), SETTINGS)
    await sweep(world.db, datetime(2026, 12, 5, 2, 0, tzinfo=UTC), SETTINGS)
    rows = await queued(world.db)
    assert kinds_to(rows, "10999") == []
    nudges = [r for r in rows if r.address == "+6281100000001" and r.payload["kind"] == "h+7"]
    assert all(m["posyandu"] != "Kamboja" for r in nudges for m in r.payload["params"]["missing"])
    # December is owed: H+2 of 28 Dec (30 Dec) reaches its kader.
    await sweep(world.db, datetime(2026, 12, 30, 2, 0, tzinfo=UTC), SETTINGS)
    assert kinds_to(await queued(world.db), "10999") == ["h+2"]
