"""The child register's storage on an SQLite file: one posyandu's list of 120 children read
and decrypted with its audit row written (what every weighing message, SELESAI and the dasbor's
weighing list start from), and ``posyandu import children`` of 1,000 rows (checked, encrypted,
written in one transaction). Medians of several rounds; the figures are informational (the
issue's targets are for the whole message, SELESAI and page, which include this read).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from scoring.growth import Sex
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, upsert_area
from storage.child_imports import CHILD_COLUMNS, import_children
from storage.children import Actor, NewChild, add_child, children_of_posyandu
from storage.cipher import RegisterCipher, new_key
from storage.imports import CsvRows
from storage.posyandu import upsert_posyandu

__all__ = ["run"]

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LIST = 120
IMPORTED = 1_000
ROUNDS = 20
WHO = Actor(operator="bench")


async def _posyandu(db: Database) -> list[int]:
    async with db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepri", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Batam", Level.KABUPATEN, prov)
        kec = await upsert_area(tx, "21.71.01", "Batu Ampar", Level.KECAMATAN, kab)
        desa = await upsert_area(tx, "21.71.01.1001", "Seraya", Level.DESA, kec)
        made = [
            await upsert_posyandu(
                tx, code, code, desa, "Asia/Jakarta", Schedule.parse("tanggal 12")
            )
            for code in ("P1", "P2")
        ]
    return [p.id for p in made]


def _child(i: int) -> NewChild:
    born = date(2022, 1, 1) + timedelta(days=(i * 7) % 1500)
    sex = Sex.MALE if i % 2 else Sex.FEMALE
    return NewChild(f"Anak Nomor {i}", sex, born, f"Ibu Nomor {i}", has_kms=True)


async def _list_round(db: Database, cipher: RegisterCipher, posyandu_id: int) -> float:
    start = time.perf_counter()
    async with db.transaction() as tx:
        found = await children_of_posyandu(tx, cipher, posyandu_id, who=WHO, at=AT)
    assert len(found) == LIST
    return time.perf_counter() - start


def _file() -> str:
    lines = [",".join(CHILD_COLUMNS)]
    for i in range(IMPORTED):
        c = _child(10_000 + i)
        lines.append(f"P2,{c.name},{c.sex.value},{c.birth_date.isoformat()},{c.mother_name}")
    return "\n".join(lines) + "\n"


async def _measure(folder: Path) -> tuple[float, float]:
    cipher = RegisterCipher(new_key())
    async with await Database.open(folder / "bench.db") as db:
        p1, _p2 = await _posyandu(db)
        async with db.transaction() as tx:
            for i in range(LIST):
                await add_child(tx, cipher, p1, _child(i), consent_by=WHO, at=AT)
        await _list_round(db, cipher, p1)  # warm-up
        listed = statistics.median([await _list_round(db, cipher, p1) for _ in range(ROUNDS)])
        text = _file()
        start = time.perf_counter()
        async with db.transaction() as tx:
            summary = await import_children(
                tx, cipher, CsvRows(text, CHILD_COLUMNS), consent_by=WHO, who=WHO, at=AT
            )
        imported = time.perf_counter() - start
        assert summary.added == IMPORTED
    return listed, imported


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        listed, imported = asyncio.run(_measure(Path(tmp)))
    return [
        {
            "figure": f"a posyandu's {LIST} children decrypted, with the audit row (SQLite)",
            "value": round(listed * 1000, 1),
            "unit": "ms",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"posyandu import children, {IMPORTED:,} rows (SQLite)",
            "value": round(IMPORTED / imported),
            "unit": "children/s",
            "target": "",
            "passed": True,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']:,} {row['unit']}")
