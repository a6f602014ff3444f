"""The hourly job removes the child register's identities past retention, at the injected
clock's day: the day a child is five years and REGISTER_KEEP_MONTHS_AFTER_FIVE months old,
not the day before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.calendar import ReminderSettings
from scheduler.service import ReminderScheduler
from scoring.clock import FixedClock
from storage import Database
from storage.children import Actor, NewChild, add_child, children_of_posyandu
from storage.cipher import RegisterCipher, new_key
from tests.storage.helpers import seed_world

#: Born 15 June 2020: twelve months past the fifth birthday on 15 June 2026.
BORN = date(2020, 6, 15)
KADER = Actor(person_id=1)


@pytest.mark.parametrize(
    ("now", "months", "kept"),
    [
        # the last hour of the day before, in UTC: kept
        (datetime(2026, 6, 14, 23, 59, tzinfo=UTC), 12, True),
        (datetime(2026, 6, 15, 0, 0, tzinfo=UTC), 12, False),
        # the setting moves the day
        (datetime(2026, 6, 15, 0, 0, tzinfo=UTC), 13, True),
        (datetime(2027, 6, 15, 0, 0, tzinfo=UTC), 24, False),
        (datetime(2025, 6, 15, 0, 0, tzinfo=UTC), 0, False),
        (datetime(2025, 6, 14, 12, 0, tzinfo=UTC), 0, True),
    ],
)
async def test_the_hourly_job_removes_identities_on_their_day(
    tmp_path: Path, now: datetime, months: int, kept: bool
) -> None:
    cipher = RegisterCipher(new_key())
    added = datetime(2024, 1, 2, tzinfo=UTC)
    async with await Database.open(tmp_path / "r.db") as db:
        posyandu = (await seed_world(db)).posyandu[0]
        async with db.transaction() as tx:
            child = NewChild("Andi", "L", BORN, "Siti")
            young = NewChild("Budi", "L", BORN + timedelta(days=400), "Rina")
            for new in (child, young):
                await add_child(tx, cipher, posyandu.id, new, consent_by=KADER, at=added)
        clock = FixedClock(now)
        scheduler = ReminderScheduler(
            db, clock, ReminderSettings(), wall_clock=clock, register_keep_months=months
        )
        await scheduler.prune()
        async with db.transaction() as tx:
            names = [
                c.name
                for c in await children_of_posyandu(
                    tx, cipher, posyandu.id, who=KADER, at=now, include_left=True
                )
            ]
    assert names == (["Andi", "Budi"] if kept else ["Budi"])
