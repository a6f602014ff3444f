"""A posyandu's stored schedule and its one-off hari-buka moves (the pure schedules themselves:
tests/scoring/test_schedule.py)."""

from __future__ import annotations

from datetime import date

import pytest

from scoring import Period
from scoring.schedule import Schedule
from storage import Database
from storage.posyandu import (
    cancel_move,
    hari_buka,
    move_hari_buka,
    moves_for,
    posyandu_by_id,
    set_schedule,
)
from tests.storage.helpers import World


async def test_moves(db: Database, world: World) -> None:
    p = world.posyandu[0]  # tanggal 12
    async with db.transaction() as tx:
        await move_hari_buka(tx, p.id, date(2027, 3, 19))  # Ramadan
        await move_hari_buka(tx, p.id, date(2027, 1, 2), Period(2026, 12))  # into January
        with pytest.raises(ValueError, match="cannot move"):
            await move_hari_buka(tx, p.id, date(2027, 6, 1), Period(2027, 3))
    async with db.read() as conn:
        moves = await moves_for(conn, [p.id], Period(2026, 11), Period(2027, 12))
    assert hari_buka(p, Period(2027, 3), moves) == date(2027, 3, 19)
    assert hari_buka(p, Period(2026, 12), moves) == date(2027, 1, 2)
    assert hari_buka(p, Period(2027, 4), moves) == date(2027, 4, 12)
    assert hari_buka(p, Period(2027, 3)) == date(2027, 3, 12)
    async with db.transaction() as tx:
        await move_hari_buka(tx, p.id, date(2027, 3, 26))  # moved again: replaces
        assert await cancel_move(tx, p.id, Period(2026, 12))
        assert not await cancel_move(tx, p.id, Period(2026, 12))
    async with db.read() as conn:
        moves = await moves_for(conn, None, Period(2026, 1), Period(2027, 12))
    assert moves == {(p.id, Period(2027, 3)): date(2027, 3, 26)}


async def test_set_schedule(db: Database, world: World) -> None:
    p = world.posyandu[0]
    async with db.transaction() as tx:
        await set_schedule(tx, p.id, Schedule.parse("rabu terakhir"))
    async with db.read() as conn:
        found = await posyandu_by_id(conn, p.id)
    assert found is not None
    assert found.schedule == Schedule(weekday=2, nth=-1)
    assert found.schedule.hari_buka(Period(2026, 12)) == date(2026, 12, 30)
