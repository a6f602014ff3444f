"""``posyandu reminders preview``: times across WIB/WITA/WIT, one-off moves, settings,
recipients, the JSON contract, bad arguments, and agreement with what the sweep really queues."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from scheduler.calendar import Kind, ReminderSettings
from scheduler.preview import Planned, PreviewError, preview
from scheduler.sweep import sweep
from scoring import Period
from scoring.schedule import Schedule
from storage import Database
from storage import outbox as ob
from storage.areas import Level, upsert_area
from storage.groups import link_group
from storage.people import Role, add_identity, create_person, set_reminders
from storage.posyandu import move_hari_buka, upsert_posyandu

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SETTINGS = ReminderSettings()
DEC = (date(2026, 12, 1), date(2026, 12, 31))


@dataclass
class World:
    db: Database
    ids: dict[str, int]


async def seed(db: Database) -> dict[str, int]:
    """A kecamatan with posyandu in the three zones (WITA the most used), kader (one with
    reminders stopped), a supervisor, a linked group; posyandu C has nobody registered."""
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepri", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.01.1001", "Seraya", Level.DESA, kec)
        ids["kec"] = kec.id
        specs = [
            ("A", "Mawar", "Asia/Jakarta", "tanggal 12"),
            ("B", "Melati", "Asia/Makassar", "selasa ke-2"),
            ("C", "Anggrek", "Asia/Jayapura", "tanggal 31"),
            ("D", "Kenanga", "Asia/Makassar", "jumat terakhir"),
        ]
        for code, name, tz, sched in specs:
            p = await upsert_posyandu(tx, code, name, desa, tz, Schedule.parse(sched))
            ids[code] = p.id
        sari = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=ids["A"])
        await add_identity(tx, sari.id, "telegram", "1234567890")
        await add_identity(tx, sari.id, "whatsapp", "+6281234567890")
        quiet = await create_person(tx, "Bu Diam", Role.KADER, T0, posyandu_id=ids["A"])
        await add_identity(tx, quiet.id, "telegram", "555")
        await set_reminders(tx, quiet.id, False)
        for code in ("B", "D"):
            k = await create_person(tx, f"Bu {code}", Role.KADER, T0, posyandu_id=ids[code])
            await add_identity(tx, k.id, "telegram", f"7{ids[code]}")
        rina = await create_person(tx, "Bidan Rina", Role.SUPERVISOR, T0, area_id=kec.id)
        await add_identity(tx, rina.id, "whatsapp", "+6281100000001")
        await link_group(tx, "telegram", "-1001234567890", kec.id, rina.id, T0)
    return ids


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = await Database.open(tmp_path / "p.db")
    ids = await seed(db)
    yield World(db, ids)
    await db.close()


async def plan(
    world: World,
    span: tuple[date, date] = DEC,
    *,
    settings: ReminderSettings = SETTINGS,
    posyandu_code: str | None = None,
    area_code: str | None = None,
) -> list[Planned]:
    async with world.db.read() as conn:
        return await preview(
            conn, span[0], span[1], settings, posyandu_code=posyandu_code, area_code=area_code
        )


def one(planned: list[Planned], code: str, kind: Kind) -> list[Planned]:
    """The reminders of ``kind`` for posyandu (or, for rekap, area) ``code``."""
    return [p for p in planned if p.kind is kind and _code(p) == code]


def _code(p: Planned) -> str:
    return p.posyandu.code if p.posyandu else p.area.code if p.area else ""


async def test_times_across_wib_wita_wit(world: World) -> None:
    planned = await plan(world)
    [a] = one(planned, "A", Kind.H_MINUS_1)  # 12 Dec, H-1 18:00 WIB
    assert a.local_time.isoformat() == "2026-12-11T18:00:00+07:00"
    assert a.utc_time == datetime(2026, 12, 11, 11, 0, tzinfo=UTC)
    [b] = one(planned, "B", Kind.H)  # 2nd Tuesday = 8 Dec, 06:30 WITA
    assert b.local_time.isoformat() == "2026-12-08T06:30:00+08:00"
    assert b.utc_time == datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
    [c] = one(planned, "C", Kind.H_MINUS_1)  # tanggal 31 -> 31 Dec, H-1 18:00 WIT
    assert c.local_time.isoformat() == "2026-12-30T18:00:00+09:00"
    assert c.utc_time == datetime(2026, 12, 30, 9, 0, tzinfo=UTC)
    # C's November hari buka (30 Nov, 30-day month) gives H+2 and H+7 in December.
    assert [p.hari_buka for p in one(planned, "C", Kind.H_PLUS_7)] == [date(2026, 11, 30)]
    # Ordered by UTC time; the span is local days: C's H of 31 Dec is 30 Dec 21:30 UTC, in.
    assert [p.utc_time for p in planned] == sorted(p.utc_time for p in planned)
    assert one(planned, "C", Kind.H)[0].local_time.date() == date(2026, 12, 31)


async def test_span_edges_are_local_days(world: World) -> None:
    # D: last Friday of Dec 2026 = 25th; H 06:30 WITA on the 25th = 24 Dec 22:30 UTC.
    planned = await plan(world, (date(2026, 12, 25), date(2026, 12, 25)), posyandu_code="D")
    assert [(p.kind, p.utc_time) for p in planned] == [
        (Kind.H, datetime(2026, 12, 24, 22, 30, tzinfo=UTC))
    ]


async def test_recipients_and_conditional(world: World) -> None:
    planned = await plan(world)
    [a] = one(planned, "A", Kind.H)
    # Bu Diam stopped her reminders: only Bu Sari, once: she has written from neither of her
    # channels yet, so on the first (scheduler/test_recipients.py: the one last used).
    assert [(r.name, r.channel, r.address) for r in a.recipients] == [
        ("Bu Sari", "telegram", "1234567890"),
    ]
    assert not a.conditional
    [h7] = one(planned, "A", Kind.H_PLUS_7)
    assert h7.conditional and one(planned, "A", Kind.H_PLUS_2)[0].conditional
    assert [(r.name, r.address) for r in h7.recipients] == [("Bidan Rina", "+6281100000001")]
    # Nobody registered at C: still listed, with nobody.
    assert one(planned, "C", Kind.H_MINUS_1)[0].recipients == ()


async def test_rekap_in_the_zone_most_posyandu_use(world: World) -> None:
    planned = await plan(world)
    [rekap] = one(planned, "21.71.01", Kind.REKAP)
    # Two of four posyandu are WITA: 5 Dec 08:00 WITA = 00:00 UTC, for November.
    assert rekap.local_time.isoformat() == "2026-12-05T08:00:00+08:00"
    assert str(rekap.period) == "2026-11" and rekap.posyandu is None
    assert [(r.is_group, r.address) for r in rekap.recipients] == [
        (False, "+6281100000001"),
        (True, "-1001234567890"),
    ]
    # One posyandu: no rekap; the area: its rekap too.
    assert one(await plan(world, posyandu_code="A"), "21.71.01", Kind.REKAP) == []
    assert len(one(await plan(world, area_code="21.71"), "21.71.01", Kind.REKAP)) == 1


async def test_one_off_move(world: World) -> None:
    async with world.db.transaction() as tx:
        await move_hari_buka(tx, world.ids["A"], date(2026, 12, 15))
    planned = await plan(world, posyandu_code="A")
    assert [(p.kind, p.local_time.date()) for p in planned if p.period.month == 12] == [
        (Kind.H_MINUS_1, date(2026, 12, 14)),
        (Kind.H, date(2026, 12, 15)),
        (Kind.H_PLUS_2, date(2026, 12, 17)),
        (Kind.H_PLUS_7, date(2026, 12, 22)),
    ]


async def test_settings_turn_kinds_off_and_move_times(world: World) -> None:
    custom = ReminderSettings(
        times={**SETTINGS.times, Kind.H: time(7, 15)},
        enabled=frozenset(Kind) - {Kind.H_PLUS_2, Kind.REKAP},
    )
    planned = await plan(world, settings=custom)
    kinds = {p.kind for p in planned}
    assert kinds == {Kind.H_MINUS_1, Kind.H, Kind.H_PLUS_7}
    assert {p.local_time.time() for p in planned if p.kind is Kind.H} == {time(7, 15)}


@pytest.mark.parametrize(
    ("span", "posyandu", "area", "message"),
    [
        ((date(2026, 12, 2), date(2026, 12, 1)), None, None, "from 2026-12-02 is after to"),
        ((date(2026, 1, 1), date(2027, 1, 2)), None, None, "367 days; at most 366"),
        (DEC, "NOPE", None, "unknown posyandu NOPE"),
        (DEC, None, "99", "unknown area 99"),
        (DEC, "A", "21", "not both"),
    ],
)
async def test_bad_requests(
    world: World, span: tuple[date, date], posyandu: str | None, area: str | None, message: str
) -> None:
    with pytest.raises(PreviewError, match=message):
        await plan(world, span, posyandu_code=posyandu, area_code=area)


async def test_a_leap_year_is_not_too_long(world: World) -> None:
    planned = await plan(world, (date(2028, 1, 1), date(2028, 12, 31)), posyandu_code="A")
    assert len([p for p in planned if p.kind is Kind.H]) == 12


async def _queued(db: Database) -> list[ob.OutboxRow]:
    async with db.read() as conn:
        return await ob.list_rows(conn, [ob.Status.PENDING], 100_000)


async def test_preview_agrees_with_the_sweep(world: World) -> None:
    """Sweeping at every instant the preview lists queues exactly the listed kinds to the
    listed addresses (nothing is reported, so the conditional nudges go too); a move of
    December's hari buka to 30 January gives an H+7 in February that the sweep finds."""
    async with world.db.transaction() as tx:
        await move_hari_buka(tx, world.ids["A"], date(2027, 1, 30), period=Period(2026, 12))
        await move_hari_buka(tx, world.ids["B"], date(2026, 12, 3))
    span = (date(2026, 12, 1), date(2027, 2, 10))
    planned = await plan(world, span)
    assert any(
        p.kind is Kind.H_PLUS_7 and p.local_time.date() == date(2027, 2, 6)
        for p in one(planned, "A", Kind.H_PLUS_7)
    )
    # Claim everything due before the span (the earliest zone's midnight is 15:00 UTC).
    await sweep(world.db, datetime(2026, 11, 30, 14, 59, tzinfo=UTC), SETTINGS)
    before = {r.id for r in await _queued(world.db)}
    expected: set[tuple[datetime, str, str]] = set()
    for p in planned:
        kind = "area_summary" if p.kind is Kind.REKAP else p.kind.value
        expected.update((p.utc_time, kind, r.address) for r in p.recipients)
    got: set[tuple[datetime, str, str]] = set()
    for at in sorted({p.utc_time for p in planned}):
        await sweep(world.db, at, SETTINGS)
        for row in await _queued(world.db):
            if row.id not in before:
                before.add(row.id)
                got.add((at, str(row.payload["kind"]), row.address))
    assert got == expected
    assert len(expected) > 30  # each person once (on the channel last used)


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "posyandu.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))

    async def make() -> None:
        db = await Database.open(path)
        try:
            await seed(db)
        finally:
            await db.close()

    asyncio.run(make())
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, err = cli(
        capsys, "reminders", "preview", "--from", "2026-12-01", "--to", "2026-12-12",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert err.strip() == f"{len(rows)} reminders from 2026-12-01 to 2026-12-12"
    for row in rows:
        assert {
            "posyandu_code", "area_code", "kind", "local_time", "utc_time", "recipients",
            "conditional",
        } <= row.keys()  # fmt: skip
        assert row["kind"] in {"h-1", "h", "h+2", "h+7", "rekap"}
        local, utc = (datetime.fromisoformat(row[k]) for k in ("local_time", "utc_time"))
        assert local == utc and utc.utcoffset() == timedelta(0) and local.utcoffset()
        assert row["conditional"] is (row["kind"] in {"h+2", "h+7"})
    a_h1 = next(r for r in rows if r["posyandu_code"] == "A" and r["kind"] == "h-1")
    assert a_h1["local_time"] == "2026-12-11T18:00:00+07:00"
    assert a_h1["utc_time"] == "2026-12-11T11:00:00+00:00"
    # Numbers masked as the logs mask them.
    assert a_h1["recipients"] == ["Bu Sari (telegram:******7890)"]
    assert "1234567890" not in out and "6281100000001" not in out
    rekap = next(r for r in rows if r["kind"] == "rekap")
    assert (rekap["posyandu_code"], rekap["area_code"]) == (None, "21.71.01")
    assert rekap["recipients"][1].startswith("group (telegram:-")
    nobody = next(r for r in rows if r["posyandu_code"] == "C" and r["kind"] == "h+2")
    assert nobody["recipients"] == []


def test_text_table(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, _ = cli(
        capsys, "reminders", "preview", "--posyandu", "A", "--from", "2026-12-11",
        "--to", "2026-12-14",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["local", "time", "UTC", "time", "kind", "posyandu", "/", "area",
                                "recipients"]  # fmt: skip
    assert lines[1].split()[:7] == [
        "2026-12-11",
        "18:00",
        "WIB",
        "2026-12-11",
        "11:00",
        "UTC",
        "h-1",
    ]
    assert "A Mawar (hari buka 2026-12-12)" in lines[1] and "Bu Sari (telegram:" in lines[1]
    assert "h+2 (if not reported)" in lines[3]
    assert len(lines) == 4


SPAN = ["--from", "2026-12-01", "--to", "2026-12-09"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2026-12-02", "--to", "2026-12-01"], "--from 2026-12-02 is after --to"),
        (["--from", "2026-01-01", "--to", "2027-06-01"], "is 517 days; at most 366 days"),
        (["--from", "2026-12-1", "--to", "2026-12-09"], "--from: not a date YYYY-MM-DD: '2026"),
        (["--from", "2026-12-01", "--to", "2026-02-30"], "--to: not a date YYYY-MM-DD"),
        (["--posyandu", "ZZ", *SPAN], "unknown posyandu ZZ"),
        (["--area", "ZZ", *SPAN], "unknown area ZZ"),
        (["--area", "21", "--posyandu", "A", *SPAN], "give --posyandu or --area, not both"),
    ],
)
def test_bad_arguments_exit_2(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str], message: str
) -> None:
    code, out, err = cli(capsys, "reminders", "preview", *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and message in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["reminders", "preview", "--help"])
    assert info.value.code == 0
    assert "('if not reported')" in " ".join(capsys.readouterr().out.split())
