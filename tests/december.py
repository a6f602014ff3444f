"""7 December 2026 in the demo kecamatan, the morning the issue describes: none of its six
posyandu has reached its December hari buka (Anggrek the 8th, Melati Tuesday the 8th, Mawar
the 12th, Cempaka Wednesday the 16th, Dahlia the 20th, Kenanga Thursday the 31st) but for
Anggrek, whose December opening was moved to the 3rd and is not reported; Mawar reported
December already. So: sudah lapor 1 · belum waktunya 4 · belum lapor 1 (Anggrek, 4 days)."""

from __future__ import annotations

from datetime import date, datetime

from bot.demo import seed_demo
from scoring import Period
from storage import Database
from storage.people import person_by_address
from storage.posyandu import move_hari_buka, posyandu_by_code
from storage.reports import save_report
from tests.storage.helpers import month

DEC = Period(2026, 12)
#: 7 Dec 2026, 10.00 WIB.
DEC7 = datetime.fromisoformat("2026-12-07T10:00:00+07:00")


async def seed_december(db: Database) -> None:
    await seed_demo(db, DEC7)
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        anggrek = await posyandu_by_code(tx, "AGR03")
        sari = await person_by_address(tx, "console", "+6281200000001")
        assert mawar is not None and anggrek is not None and sari is not None
        report = month(DEC, bgm=0)
        await save_report(tx, mawar.id, report, by=sari.id, at=DEC7, channel="console")
        await move_hari_buka(tx, anggrek.id, date(2026, 12, 3))
