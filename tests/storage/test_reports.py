"""Monthly reports: one current row per posyandu-month, a revision for every change, and a
schema that refuses an update without its history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scoring import MonthReport, Period
from storage import Database
from storage.errors import IntegrityError
from storage.people import Role, create_person
from storage.reports import (
    get_report,
    latest_report,
    list_reports,
    list_stored_reports,
    reported_ids,
    reports_for_posyandu_ids,
    revisions,
    save_report,
    stored_reports_for_posyandu_ids,
)
from tests.storage.helpers import T0, World, month

NOV = Period(2026, 11)


async def test_insert_update_and_history(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        kader = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=p.id)
        first = await save_report(tx, p.id, month(NOV), by=kader.id, at=T0, channel="telegram")
    assert (first.revision, first.created, first.existed, first.changed) == (1, True, False, True)
    later = T0 + timedelta(hours=2)
    async with db.transaction() as tx:
        second = await save_report(
            tx, p.id, month(NOV, d=41, program_tambahan=()), by=None, at=later, channel="console"
        )
    assert (second.id, second.revision, second.existed) == (first.id, 2, True)
    assert second.previous is not None and second.previous.report == month(NOV)
    async with db.read() as conn:
        stored = await get_report(conn, p.id, NOV)
        history = await revisions(conn, first.id)
    assert stored is not None
    assert stored.report == month(NOV, d=41, program_tambahan=())
    assert (stored.revision, stored.submitted_by, stored.channel) == (2, None, "console")
    assert stored.submitted_at == later
    assert [(h.revision, h.changed_by, h.channel) for h in history] == [
        (1, kader.id, "telegram"),
        (2, None, "console"),
    ]
    assert history[0].old is None
    assert history[0].new == month(NOV).values()
    assert history[1].old == month(NOV).values()
    assert history[1].new["d"] == 41 and history[1].new["program_tambahan"] == []
    assert history[1].changed_at == later


async def test_saving_the_same_values_writes_nothing(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
        again = await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
    assert (again.revision, again.changed, again.created) == (1, False, False)
    async with db.read() as conn:
        assert len(await revisions(conn, again.id)) == 1


async def test_every_field_round_trips(db: Database, world: World) -> None:
    p = world.posyandu[0]
    closed = MonthReport(period=Period(2026, 10), buka=False)
    unknown = MonthReport(period=Period(2026, 9), kader=5, s=40, d=20)
    names = month(NOV, program_tambahan=("BKB", "PAUD", "kelas ibu hamil"), t2=None)
    async with db.transaction() as tx:
        for report in (closed, unknown, names):
            await save_report(tx, p.id, report, by=None, at=T0, channel="console")
    async with db.read() as conn:
        assert await list_reports(conn, p.id, Period(2026, 1), Period(2026, 12)) == [
            unknown,
            closed,
            names,
        ]
        stored = await list_stored_reports(conn, p.id, Period(2026, 10), Period(2026, 10))
    assert [s.report for s in stored] == [closed]


async def test_the_schema_keeps_the_history(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        saved = await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
    with pytest.raises(IntegrityError, match="next revision"):
        async with db.transaction() as tx:
            await tx.execute("UPDATE reports SET d = 1 WHERE id = ?", (saved.id,))
    with pytest.raises(IntegrityError, match="next revision"):
        async with db.transaction() as tx:
            await tx.execute("UPDATE reports SET d = 1, revision = 5 WHERE id = ?", (saved.id,))
    # Even a hand-made correction in the sqlite3 shell leaves its revision row.
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE reports SET d = 39, revision = revision + 1, channel = 'sql', "
            "submitted_at = '2026-11-02T00:00:00.000000+00:00' WHERE id = ?",
            (saved.id,),
        )
    with pytest.raises(IntegrityError, match="append-only"):
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM report_revisions")
    with pytest.raises(IntegrityError, match="append-only"):
        async with db.transaction() as tx:
            await tx.execute("UPDATE report_revisions SET new = '{}'")
    async with db.read() as conn:
        stored = await get_report(conn, p.id, NOV)
        history = await revisions(conn, saved.id)
    assert stored is not None and stored.report == month(NOV, d=39)
    assert [(h.revision, h.channel) for h in history] == [(1, "console"), (2, "sql")]
    assert history[1].old == month(NOV).values()
    assert history[1].new == month(NOV, d=39).values()


async def test_previous_of_an_update(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
        await save_report(
            tx, p.id, month(NOV, d=41), by=None, at=T0 + timedelta(1), channel="whatsapp"
        )
        third = await save_report(
            tx, p.id, month(NOV, d=42), by=None, at=T0 + timedelta(2), channel="telegram"
        )
    assert third.previous is not None
    assert third.previous.report == month(NOV, d=41)
    assert (third.previous.revision, third.previous.channel) == (2, "whatsapp")
    assert third.previous.submitted_at == T0 + timedelta(1)


async def test_unknown_posyandu_is_refused(db: Database, world: World) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await save_report(tx, 9999, month(NOV), by=None, at=T0, channel="console")


async def test_naive_time_is_refused(db: Database, world: World) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        async with db.transaction() as tx:
            await save_report(
                tx,
                world.posyandu[0].id,
                month(NOV),
                by=None,
                at=T0.replace(tzinfo=None),
                channel="console",
            )


async def test_reports_of_many_posyandu(db: Database, world: World) -> None:
    a, b, c = world.posyandu
    async with db.transaction() as tx:
        for i in range(14):
            period = Period(2025, 11).shift(i)
            await save_report(tx, a.id, month(period, d=i), by=None, at=T0, channel="console")
            if i % 2:
                await save_report(tx, b.id, month(period), by=None, at=T0, channel="console")
    async with db.read() as conn:
        found = await reports_for_posyandu_ids(
            conn, [a.id, b.id, c.id], Period(2026, 1), Period(2026, 12)
        )
        latest = await latest_report(conn, a.id)
        latest_before = await latest_report(conn, b.id, Period(2026, 6))
        reported = await reported_ids(conn, [a.id, b.id, c.id], Period(2026, 2))
        none = await latest_report(conn, c.id)
        stored = await stored_reports_for_posyandu_ids(
            conn, [b.id, c.id], Period(2026, 1), Period(2026, 12)
        )
    assert [m.period for m in found[a.id]] == [Period(2026, m) for m in range(1, 13)]
    assert [m.d for m in found[a.id]] == list(range(2, 14))
    assert [m.period.month for m in found[b.id]] == [2, 4, 6, 8, 10, 12]
    assert found[c.id] == []
    assert latest is not None and latest.report.period == Period(2026, 12)
    assert latest_before is not None and latest_before.report.period == Period(2026, 6)
    assert reported == {a.id, b.id}
    assert none is None
    assert [s.report for s in stored[b.id]] == found[b.id]
    assert all(s.posyandu_id == b.id and s.revision == 1 for s in stored[b.id])
    assert stored[c.id] == []


async def test_many_ids_are_chunked(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
    ids = [*range(10_000, 12_500), p.id]
    async with db.read() as conn:
        found = await reports_for_posyandu_ids(conn, ids, NOV, NOV)
        reported = await reported_ids(conn, ids, NOV)
    assert len(found) == len(ids)
    assert found[p.id] == [month(NOV)]
    assert reported == {p.id}


async def test_a_service_field_change_is_in_its_revision(db: Database, world: World) -> None:
    # Migration 4 recreated the revision triggers over the service fields: on both engines.
    p = world.posyandu[0]
    async with db.transaction() as tx:
        first = await save_report(tx, p.id, month(NOV), by=None, at=T0, channel="console")
        await save_report(
            tx,
            p.id,
            month(NOV, vit_a=40, cara="kunjungan_rumah"),
            by=None,
            at=T0,
            channel="console",
        )
    async with db.read() as conn:
        history = await revisions(conn, first.id)
    assert history[0].new["vit_a"] is None and history[1].old["vit_a"] is None
    assert (history[1].new["vit_a"], history[1].new["cara"]) == (40, "kunjungan_rumah")
