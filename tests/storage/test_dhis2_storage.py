"""storage/dhis2.py on both engines: a push recorded, the values DHIS2 accepted kept and
replaced, read back by org unit and month; the kabupaten with posyandu; the posyandu's org
units."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from scoring import Period
from scoring.dhis2 import Conflict, DataValue, ImportSummary
from scoring.growth import Method, Sex
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from storage.dhis2 import (
    Push,
    PushRecord,
    accepted_values,
    kabupaten_ids,
    month_weighings,
    record_push,
    remember_accepted,
)
from storage.posyandu import org_units, set_org_unit
from tests.storage.helpers import seed_world

AT = datetime(2026, 11, 20, 3, tzinfo=UTC)


def value(unit: str, period: str, v: str) -> DataValue:
    return DataValue("DE_S", period, unit, "default", "", v)


async def test_pushes_and_accepted_values(db: Database) -> None:
    world = await seed_world(db)
    push = Push(AT, "ops", "http://dhis2", False, "2026-10", "2026-10", None, "m" * 64)
    summary = ImportSummary("WARNING", 1, 0, 1, 0, (Conflict("X", "bad"),), "done")
    async with db.transaction() as tx:
        first = await record_push(tx, PushRecord(push, "d" * 64, 2, 0, 1, summary))
        await remember_accepted(
            tx, first, [value("OU1", "202610", "5"), value("OU2", "202610", "7")]
        )
        second = await record_push(tx, PushRecord(push, "e" * 64, 1, 1, 1, ImportSummary()))
        await remember_accepted(tx, second, [value("OU1", "202610", "6")])
        assert await set_org_unit(tx, "P1", "OU1")
        assert not await set_org_unit(tx, "P1", "OU1")
        assert not await set_org_unit(tx, "NOPE", "OU9")
    async with db.read() as conn:
        held = await accepted_values(conn, ["OU1", "OU2", "OU3"], ["202610", "202611"])
        assert held == {
            ("DE_S", "202610", "OU1", "default", ""): "6",
            ("DE_S", "202610", "OU2", "default", ""): "7",
        }
        assert await accepted_values(conn, ["OU1"], []) == {}
        rows = await conn.execute_fetchall(
            "SELECT id, operator, status, conflicts, summary FROM dhis2_pushes ORDER BY id"
        )
        got = [tuple(r) for r in rows]
        assert [g[:4] for g in got] == [(first, "ops", "WARNING", 1), (second, "ops", "SUCCESS", 0)]
        assert json.loads(got[0][4])["conflicts"] == [{"object": "X", "value": "bad"}]
        assert await kabupaten_ids(conn) == [world.kabupaten.id]
        units = await org_units(conn, world.posyandu)
        assert [units[p.id] for p in world.posyandu] == ["OU1", "P2", "P3"]


async def test_month_weighings_are_read_anonymous(db: Database) -> None:
    world = await seed_world(db)
    p1 = world.posyandu[0].id
    async with db.transaction() as tx:
        child = reg.NewChild("Adi", Sex.MALE, date(2026, 7, 1), "Ibu A")
        by = reg.Actor(operator="test")
        child_id = await reg.add_child(
            tx, RegisterCipher(new_key()), p1, child, consent_by=by, at=AT
        )
        for day in (date(2026, 9, 12), date(2026, 10, 12)):
            await reg.record_weighing(
                tx, reg.Weighing(child_id, day, 5_000, 580, Method.LYING), at=AT
            )
    async with db.read() as conn:
        before = len(list(await conn.execute_fetchall("SELECT id FROM audit_log")))
    async with db.read() as conn:
        found = await month_weighings(
            conn, [p1, world.posyandu[1].id], Period(2026, 10), Period(2026, 12)
        )
        audited = await conn.execute_fetchall("SELECT id FROM audit_log")
    assert list(found) == [(p1, Period(2026, 10))]
    [m] = found[(p1, Period(2026, 10))]
    sex, born, measure = m.sex, m.birth_date, m.weighing.as_growth()
    assert (sex, born, measure.weight_kg, measure.height_cm) == (
        Sex.MALE, date(2026, 7, 1), Decimal("5"), Decimal("58"),
    )  # fmt: skip
    assert len(list(audited)) == before  # no name read: no audit row
