"""A reminder goes to each person once: on the channel they chose (MULAI PENGINGAT sent from
it), else on the one they last wrote from (a kader on WhatsApp and SMS gets it where she last
answered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.recipients import kader_recipients, supervisor_recipients
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Level, upsert_area
from storage.people import (
    Role,
    add_identity,
    choose_for_reminders,
    create_person,
    mark_inbound,
    set_reachable,
)
from storage.posyandu import upsert_posyandu

T0 = datetime(2026, 11, 1, tzinfo=UTC)


async def test_the_channel_last_used_gets_the_reminder(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "r.db") as db:
        async with db.transaction() as tx:
            prov = await upsert_area(tx, "21", "Kepulauan Riau", Level.PROVINSI, None)
            kab = await upsert_area(tx, "21.71", "Kota Batam", Level.KABUPATEN, prov)
            kec = await upsert_area(tx, "21.71.05", "Batu Aji", Level.KECAMATAN, kab)
            desa = await upsert_area(tx, "21.71.05.1004", "Bukit Tempayan", Level.DESA, kec)
            p = await upsert_posyandu(
                tx, "MWR01", "Mawar", desa, "Asia/Jakarta", Schedule.parse("tanggal 12")
            )
            sari = await create_person(tx, "Bu Sari", Role.KADER, T0, posyandu_id=p.id)
            await add_identity(tx, sari.id, "whatsapp", "+6281234567890")
            await add_identity(tx, sari.id, "sms", "+6281234567890")
            rina = await create_person(tx, "Bidan Rina", Role.SUPERVISOR, T0, area_id=kec.id)
            await add_identity(tx, rina.id, "telegram", "1234567")

        async def sari_gets() -> list[tuple[str, str]]:
            async with db.read() as conn:
                got = await kader_recipients(conn, [p.id])
            return [(r.channel, r.address) for r in got[p.id]]

        # Never written from either: the first identity, once.
        assert await sari_gets() == [("whatsapp", "+6281234567890")]
        async with db.transaction() as tx:
            await mark_inbound(tx, "sms", "+6281234567890", T0)
        assert await sari_gets() == [("sms", "+6281234567890")]
        async with db.transaction() as tx:
            await mark_inbound(tx, "whatsapp", "+6281234567890", T0 + timedelta(days=1))
        assert await sari_gets() == [("whatsapp", "+6281234567890")]
        # She chose SMS: there, though she writes by WhatsApp later.
        async with db.transaction() as tx:
            await choose_for_reminders(tx, "sms", "+6281234567890", T0 + timedelta(days=2))
            await mark_inbound(tx, "whatsapp", "+6281234567890", T0 + timedelta(days=3))
        assert await sari_gets() == [("sms", "+6281234567890")]
        # ...until she chooses WhatsApp (the later choice).
        async with db.transaction() as tx:
            await choose_for_reminders(tx, "whatsapp", "+6281234567890", T0 + timedelta(days=4))
        assert await sari_gets() == [("whatsapp", "+6281234567890")]
        # The one chosen cannot be reached any more: the other one.
        async with db.transaction() as tx:
            await set_reachable(tx, "whatsapp", "+6281234567890", False)
        assert await sari_gets() == [("sms", "+6281234567890")]
        async with db.read() as conn:
            sup = await supervisor_recipients(conn, [kec.id])
        assert [(r.name, r.channel) for r in sup[kec.id]] == [("Bidan Rina", "telegram")]
