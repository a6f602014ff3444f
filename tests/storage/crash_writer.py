"""Child process of the crash test: writes reports and replies forever, one transaction at a
time, printing ``report_id revision`` on stdout after each commit. The parent kills it."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from scoring import Period
from storage import Database
from storage.messages import Outgoing, Text
from storage.outbox import append
from storage.reports import save_report
from tests.storage.helpers import month, seed_world


async def main(path: Path) -> None:
    db = await Database.open(path)
    world = await seed_world(db)
    at = datetime(2026, 11, 1, tzinfo=UTC)
    i = 0
    while True:
        posyandu = world.posyandu[i % len(world.posyandu)]
        period = Period(2020, 1).shift(i % 60)
        async with db.transaction() as tx:
            saved = await save_report(
                tx, posyandu.id, month(period, kader=i), by=None, at=at, channel="console"
            )
            await append(tx, Outgoing("console", "x", Text(str(i)), f"crash-{i}"), at)
        sys.stdout.write(f"{saved.id} {saved.revision} {i}\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
