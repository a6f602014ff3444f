"""Shared test data: a provinsi > kabupaten > kecamatan > desa tree with posyandu, and a
plausible monthly report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from scoring import MonthReport, Period
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Area, Level, upsert_area
from storage.posyandu import Posyandu, upsert_posyandu
from tests.months import example_values

__all__ = ["AREAS", "POSYANDU", "T0", "World", "month", "seed_world"]

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)

#: Sample import files (``posyandu import areas``, ``posyandu import posyandu``); the areas
#: are listed children first.
AREAS = """code,name,level,parent_code
21.71.01.1001,Seraya,desa,21.71.01
21,Kepulauan Riau,provinsi,
21.71.01,Batu Ampar,kecamatan,21.71
21.71,Kota Batam,kota,21
21.71.01.1002,Sungai Jodoh,kelurahan,21.71.01
"""

POSYANDU = """code,name,desa_code,timezone,schedule,active
P1,Mawar,21.71.01.1001,Asia/Jakarta,tanggal 12,1
P2,Melati,21.71.01.1001,Asia/Jakarta,selasa minggu ke-2,
P3,Anggrek,21.71.01.1002,Asia/Jakarta,jumat terakhir,0
"""


@dataclass(frozen=True)
class World:
    provinsi: Area
    kabupaten: Area
    kecamatan: Area
    desa: Area
    other_desa: Area
    posyandu: tuple[Posyandu, ...]


async def seed_world(db: Database) -> World:
    async with db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepulauan Riau", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Kota Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.01.1001", "Seraya", Level.DESA, kec)
        other_kec = await upsert_area(tx, "21.71.02", "Sekupang", Level.KECAMATAN, kab)
        other = await upsert_area(tx, "21.71.02.1001", "Tiban", Level.DESA, other_kec)
        posyandu = (
            await upsert_posyandu(
                tx, "P1", "Mawar", desa, "Asia/Jakarta", Schedule.parse("tanggal 12")
            ),
            await upsert_posyandu(
                tx, "P2", "Melati", desa, "Asia/Jakarta", Schedule.parse("selasa ke-2")
            ),
            await upsert_posyandu(
                tx, "P3", "Anggrek", other, "Asia/Makassar", Schedule.parse("jumat terakhir")
            ),
        )
    return World(prov, kab, kec, desa, other, posyandu)


#: A steady posyandu's month (the e2e, hostile and load seeds' history): meets every
#: target, so strata and gaps are predictable.
STEADY: dict[str, object] = example_values(
    s=50, t2=0, pus=100, kb_aktif=60, kk=150, kk_dana_sehat=60
)


def month(period: Period | str, **overrides: object) -> MonthReport:
    """A month that passes every hard rule (every core field at its example, tests/months.py,
    with six kader and no 2T); ``overrides`` change single fields."""
    values = example_values(**{"kader": 6, "t2": 0, **overrides})
    p = Period.parse(period) if isinstance(period, str) else period
    return MonthReport(period=p).with_values(**values)
