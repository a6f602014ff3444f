"""The embedded demo: a kabupaten, kecamatan and desa with six posyandu, a year of plausible
history, and demo people with console identities — seeded once, so a newcomer can try the
product at once (``make run``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.console import CONSOLE
from scoring import MonthReport, Period
from scoring.fields import DERIVED_FIELDS, FIELDS
from scoring.reporting import ReportingState, reporting_state
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Area, Level, area_by_code, upsert_area
from storage.census import (
    Beyond,
    Known,
    rows_beyond,
    rows_beyond_in_file,
    rows_beyond_on_server,
)
from storage.db import mask_url
from storage.people import Role, add_identity, create_person
from storage.posyandu import hari_buka, moves_for, posyandu_by_code, upsert_posyandu
from storage.reports import save_report

__all__ = [
    "DEMO",
    "DEMO_KADER",
    "DEMO_SUPERVISOR",
    "DemoPeople",
    "NotDemoDatabase",
    "check_demo_database",
    "demo_month",
    "seed_demo",
]

DEMO_KADER = "+6281200000001"
DEMO_SUPERVISOR = "+6281200000009"
DESA_CODE = "21.71.05.1004"
KECAMATAN_CODE = "21.71.05"
#: The demo's posyandu are in Batam (WIB).
ZONE = "Asia/Jakarta"

#: code, name, level: provinsi to desa
AREAS = (
    ("21", "Kepulauan Riau", Level.PROVINSI),
    ("21.71", "Kota Batam", Level.KABUPATEN),
    (KECAMATAN_CODE, "Batu Aji", Level.KECAMATAN),
    (DESA_CODE, "Bukit Tempayan", Level.DESA),
)

#: code, name, schedule, posture (how well it runs: 0 struggling .. 3 thriving)
POSYANDU = (
    ("MWR01", "Mawar", "tanggal 12", 3),
    ("MLT02", "Melati", "selasa ke-2", 2),
    ("AGR03", "Anggrek", "tanggal 8", 1),
    ("KNG04", "Kenanga", "kamis terakhir", 2),
    ("DHL05", "Dahlia", "tanggal 20", 0),
    ("CMP06", "Cempaka", "rabu ke-3", 3),
)
KADER_NAMES = ("Bu Sari", "Bu Wati", "Bu Yanti", "Bu Lina", "Bu Ratna", "Bu Dewi")

#: The demo's rows as a database shows them: its areas and posyandu by code and name, its
#: reports entered on the console.
DEMO = Known(
    areas={code: name for code, name, _level in AREAS},
    posyandu={code: name for code, name, _schedule, _posture in POSYANDU},
    report_channel=CONSOLE,
)


class NotDemoDatabase(Exception):
    """The database holds data that is not the demo's: the demo is not seeded into it (nor
    is the console demo run on it)."""

    def __init__(self, path: Path | str, beyond: Beyond) -> None:
        super().__init__(f"database {path} holds data that is not the demo's ({beyond.describe()})")
        self.path = path
        self.beyond = beyond


async def check_demo_database(path: Path | str) -> None:
    """Raise :class:`NotDemoDatabase` unless the database at ``path`` (a file, or a
    PostgreSQL URL) is empty (or missing) or holds nothing but the demo. Read without writing
    anything (no migration either)."""
    if isinstance(path, str):
        beyond = await rows_beyond_on_server(path, DEMO)
        if beyond:
            raise NotDemoDatabase(mask_url(path), beyond)
        return
    beyond = await rows_beyond_in_file(path, DEMO)
    if beyond:
        raise NotDemoDatabase(path, beyond)


@dataclass(frozen=True, slots=True)
class DemoPeople:
    kader_address: str
    supervisor_address: str
    created: bool


@dataclass(frozen=True, slots=True)
class _Base:
    """A posyandu's denominators: they move little from month to month, as in life."""

    s: int
    bumil: int
    pus: int
    bayi: int
    kk: int

    @classmethod
    def draw(cls, rng: random.Random) -> _Base:
        return cls(
            s=rng.randint(35, 70),
            bumil=rng.randint(4, 9),
            pus=rng.randint(70, 140),
            bayi=rng.randint(8, 16),
            kk=rng.randint(110, 180),
        )


#: Mawar's denominators match the month the demo kader reports (``posyandu demo``).
_MAWAR = _Base(s=67, bumil=7, pus=106, bayi=12, kk=150)


def _drift(rng: random.Random, value: int) -> int:
    """At most a few percent off the base: well inside the 20% soft-warning band."""
    return max(1, value + rng.randint(-max(1, value // 25), max(1, value // 25)))


def _month(rng: random.Random, period: Period, posture: int, base: _Base) -> MonthReport:
    if rng.random() > (0.55 + 0.15 * posture):
        return MonthReport(period=period, buka=False)
    return _fill(_core_month(rng, period, posture, base), posture)


def _fill(report: MonthReport, posture: int) -> MonthReport:
    """Every count of the registry the hand-tuned month leaves unknown gets a plausible value:
    a head count about 20 people, a count a share of the count it may not exceed (higher for
    a posyandu that runs well). Its own generator, so the tuned values never change."""
    rng = random.Random(f"{report.period}:{posture}")
    values: dict[str, int] = {}
    for f in FIELDS:
        # The optional service fields stay unknown: which are asked is the deployment's; so do
        # T, O and B, which the child register gives (the demo's months are typed ones).
        if not f.is_count or f.service or f.id in DERIVED_FIELDS or report.count(f.id) is not None:
            continue
        if f.at_most is None:
            values[f.id] = rng.randint(10, 30)
            continue
        bound = values.get(f.at_most, report.count(f.at_most)) or 0
        values[f.id] = round(bound * rng.uniform(0.3 + 0.1 * posture, 0.6 + 0.1 * posture))
    return report.with_values(**values) if values else report


def _core_month(rng: random.Random, period: Period, posture: int, base: _Base) -> MonthReport:
    """The SKDN core and the programmes' counts, tuned by hand to look like life."""
    s = _drift(rng, base.s)
    k = round(s * rng.uniform(0.75 + 0.05 * posture, 1.0))
    d = min(k, round(s * rng.uniform(0.35 + 0.15 * posture, 0.6 + 0.13 * posture)))
    n = round(d * rng.uniform(0.55, 0.9))
    bumil = _drift(rng, base.bumil)
    pus = _drift(rng, base.pus)
    bayi = _drift(rng, base.bayi)
    kk = _drift(rng, base.kk)
    return MonthReport(
        period=period,
        buka=True,
        kader=rng.randint(3 + posture // 2, 6 + posture // 2),
        s=s,
        k=k,
        d=d,
        n=n,
        bgm=rng.randint(0, min(2, d)),
        t2=rng.randint(0, min(2, d)),
        bumil=bumil,
        bumil_periksa=rng.randint(bumil // 3, bumil),
        pus=pus,
        kb_aktif=round(pus * rng.uniform(0.35 + 0.07 * posture, 0.75)),
        bayi=bayi,
        # infants completing basic immunisation: about a twelfth of the year's target a month
        bayi_imunisasi=rng.randint(0, max(1, round(bayi * (0.05 + 0.02 * posture)))),
        program_tambahan=("BKB", "TOGA") if posture >= 2 and rng.random() < 0.4 else (),
        kk=kk,
        kk_dana_sehat=round(kk * rng.uniform(0.1 + 0.13 * posture, 0.3 + 0.15 * posture)),
    )


def _reported_at(schedule: Schedule, period: Period) -> datetime:
    """The day after hari buka, 10:00 WIB: when a kader would have sent it."""
    day = schedule.hari_buka(period) + timedelta(days=1)
    return datetime.combine(day, time(3, 0), tzinfo=UTC)


async def seed_demo(db: Database, now: datetime) -> DemoPeople:
    """Seed the demo once (nothing happens when it is there already). Only into a database
    that is empty or holds nothing but the demo: :class:`NotDemoDatabase` otherwise, nothing
    written (decided in the seeding transaction)."""
    async with db.transaction() as tx:
        beyond = await rows_beyond(tx, DEMO)
        if beyond:
            raise NotDemoDatabase(db.path, beyond)
        if await area_by_code(tx, DESA_CODE) is not None:
            return DemoPeople(DEMO_KADER, DEMO_SUPERVISOR, created=False)
        made: dict[str, Area] = {}
        parent = None
        for code, name, level in AREAS:
            parent = made[code] = await upsert_area(tx, code, name, level, parent)
        desa, kec = made[DESA_CODE], made[KECAMATAN_CODE]
        rng = random.Random(20261125)
        # The month it is in Batam: at 06:00 WIB on the 1st, UTC is still in the month before.
        local = now.astimezone(ZoneInfo(ZONE))
        current = Period(local.year, local.month)
        for i, (code, name, schedule, posture) in enumerate(POSYANDU):
            p = await upsert_posyandu(tx, code, name, desa, ZONE, Schedule.parse(schedule))
            kader = await create_person(tx, KADER_NAMES[i], Role.KADER, now, posyandu_id=p.id)
            if i == 0:
                await add_identity(tx, kader.id, CONSOLE, DEMO_KADER)
            else:
                await add_identity(tx, kader.id, CONSOLE, f"+62812000001{i:02d}")
            base = _MAWAR if i == 0 else _Base.draw(rng)
            for back in range(12, 0, -1):
                period = current.shift(-back)
                report = _month(rng, period, posture, base)
                at = min(now, _reported_at(p.schedule, period))
                await save_report(tx, p.id, report, by=kader.id, at=at, channel=CONSOLE)
        supervisor = await create_person(tx, "Bidan Rina", Role.SUPERVISOR, now, area_id=kec.id)
        await add_identity(tx, supervisor.id, CONSOLE, DEMO_SUPERVISOR)
    return DemoPeople(DEMO_KADER, DEMO_SUPERVISOR, created=True)


async def demo_month(db: Database, now: datetime) -> tuple[Period, bool]:
    """The month it is at the demo kader's posyandu (Mawar) and whether ``now`` comes before
    its hari buka (the schedule and one-off moves as the database holds them)."""
    async with db.read() as conn:
        mawar = await posyandu_by_code(conn, POSYANDU[0][0])
        local = now.astimezone(ZoneInfo(ZONE if mawar is None else mawar.timezone))
        if mawar is None:  # removed from a demo database by hand: the script as it is
            return Period(local.year, local.month), False
        period = Period(local.year, local.month)
        moves = await moves_for(conn, [mawar.id], period, period)
    ahead = reporting_state(period, hari_buka(mawar, period, moves), local.date(), False)
    return period, ahead.state is ReportingState.NOT_DUE
