"""End-to-end fixtures: a seeded SQLite file, fake Bot API / Twilio servers on loopback, and
the real service (Starlette on uvicorn, python-telegram-bot, the twilio client)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from scoring import Period
from scoring.fields import VITAMIN_A_MONTHS
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, upsert_area
from storage.invitations import create_invitation
from storage.people import Role, add_identity, create_person
from storage.posyandu import upsert_posyandu
from storage.reports import save_report
from tests.clock import WIB, Day, moment
from tests.storage.helpers import STEADY, month

TOKEN = "123456:TEST-token-for-the-fake-bot-api-000"
SECRET = "webhook-secret-0123456789"


#: Mawar, the seeded kader's posyandu, opens on the 12th.
HARI_BUKA = 12


def reporting(quick: str, today: Day) -> tuple[str, ...]:
    """What the kader sends to report this month with the one-line ``quick`` on ``today``: in
    the vitamin A months the capsules given too (else asked); before hari buka YA to report
    early after all and YA to save the summary shown after that warning (from hari buka on the
    quick report is saved at once)."""
    local = today.moment.astimezone(WIB)
    line = f"{quick} VITA=40" if local.month in VITAMIN_A_MONTHS else quick
    return (line, "YA", "YA") if today.before_hari_buka(HARI_BUKA) else (line,)


@dataclass
class Seeded:
    path: Path | str
    kader_code: str
    supervisor_code: str
    posyandu_id: int


async def seed(path: Path | str) -> Seeded:
    now = moment()
    local = now.astimezone(WIB)
    async with await Database.open(path) as db, db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepulauan Riau", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Kota Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.05", "Batu Aji", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.05.1004", "Bukit Tempayan", Level.DESA, kec)
        p = await upsert_posyandu(
            tx, "MWR01", "Mawar", desa, "Asia/Jakarta", Schedule.parse(f"tanggal {HARI_BUKA}")
        )
        other = await upsert_posyandu(
            tx, "MLT02", "Melati", desa, "Asia/Jakarta", Schedule.parse("tanggal 14")
        )
        current = Period(local.year, local.month)
        for back in range(12, 0, -1):
            await save_report(
                tx,
                p.id,
                month(current.shift(-back), **STEADY),
                by=None,
                at=now,
                channel="import",
            )
        kader_inv = await create_invitation(tx, Role.KADER, now, posyandu_id=p.id, uses=20)
        sup_inv = await create_invitation(tx, Role.SUPERVISOR, now, area_id=kec.id, uses=5)
        someone = await create_person(tx, "Bu Wati", Role.KADER, now, posyandu_id=other.id)
        await add_identity(tx, someone.id, "telegram", "999")
    return Seeded(path, kader_inv.code, sup_inv.code, p.id)


def settings_for(db: Path | str, folder: Path | None = None, **extra: Any) -> Settings:
    """Settings of a service on ``db`` (an SQLite file, or a PostgreSQL URL with ``folder``
    for its files)."""
    files = folder if folder is not None else Path(db).parent
    values: dict[str, Any] = {
        "posyandu_db": db,
        "http_host": "127.0.0.1",
        "http_port": 0,
        "media_dir": files / "media",
        "out_dir": files / "out",
        "outbox_backoff_seconds": 0.2,
        "outbox_poll_seconds": 0.1,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def wait_for(check: Callable[[], Awaitable[bool] | bool], within: float = 15.0) -> None:
    """Poll ``check`` until it holds (bounded: fails the test after ``within`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def seeded(tmp_path: Path) -> Seeded:
    return await seed(tmp_path / "e2e.db")
