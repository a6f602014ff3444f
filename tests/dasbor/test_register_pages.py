"""The child register in the dasbor (issue 26), through the real service and a signed-in
browser: above desa level counts only (the prevalence, never a name, not in the HTML
source either); the posyandu's kader and its desa's bidan see the month's weighing list and a
child's page, each view audited in its transaction. The children and their figures:
tests/dasbor/register_seed.py (worked by hand there)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from bot.dasbor.children_view import FRESH
from scoring import Period
from scoring.clock import FixedClock
from scoring.growth import Status
from storage import Database
from storage import children as reg
from storage.cipher import new_key
from tests.dasbor.conftest import Store
from tests.dasbor.helpers import login
from tests.dasbor.register_seed import AT, NAME_WORDS, seed_children
from tests.hostile.harness import NOW, running, seed

pytestmark = pytest.mark.slow


def _no_name(html: str, where: str) -> None:
    for word in NAME_WORDS:
        assert not re.search(rf"\b{re.escape(word)}\b", html, re.IGNORECASE), (where, word)


def _row(html: str, name: str) -> str:
    """The table row (its source) of the child named ``name``."""
    found = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(name) + r".*?</tr>", html, re.S)
    assert found, name
    return found.group(0)


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


async def test_above_desa_the_prevalence_in_counts_and_never_a_name(store: Store) -> None:
    seeded = await seed(store.target)
    key = new_key()
    ids = await seed_children(store.target, seeded, key)
    async with running(seeded, folder=store.folder, register_key=key) as (service, fake):
        assert service.db is not None
        async with service.db.read() as conn:
            audited = len(await reg.audit_entries(conn, AT))
        client = await login(service, fake, seeded.actors["spv_kab"])
        kab, kec = seeded.areas["21.71"], seeded.areas["21.71.05"]
        # A kabupaten's figures are worked out in the background: first "being worked out".
        r = await client.get(f"/dasbor/wilayah/{kab.id}")
        assert r.status_code == 200 and "sedang dihitung" in r.text
        await service.prevalence.settle()
        r = await client.get(f"/dasbor/wilayah/{kab.id}")
        assert "Dihitung pukul 10.00." in r.text  # 03:00 UTC, in Asia/Jakarta
        # All ages, both sexes: underweight 2 of 5, stunting 3 of 4, wasting 1 of 4.
        rows = re.findall(r"<tr[^>]*>\s*<td class=\"lead\">(.*?)</td>(.*?)</tr>", r.text, re.S)
        table = {lead: _cells(f"<td>{lead}</td>{rest}")[1:] for lead, rest in rows}
        all_ages = ["3 dari 4 (75%)", "1 dari 4 (25%)", "2 dari 5 (40%)"]
        assert table["0-59 bulan · Semua"] == all_ages
        # 12-23 months: Andi alone, a boy, stunted; 24-59 girls: Citra, every indicator.
        andi = ["1 dari 1 (100%)", "0 dari 1 (0%)", "0 dari 1 (0%)"]
        assert table["12-23 bulan · Laki-laki"] == andi
        assert table["24-59 bulan · Perempuan"] == ["1 dari 1 (100%)"] * 3
        assert table["6-11 bulan · Semua"] == ["-", "-", "-"]
        assert "5 balita" in r.text
        _no_name(r.text, "kabupaten page")
        r = await client.get(f"/dasbor/wilayah/{kec.id}?periode=2026-11")
        assert "2 dari 3 (67%)" in r.text and "1 dari 4 (25%)" in r.text
        _no_name(r.text, "kecamatan page")
        # The posyandu's own page offers no list; the list is refused, a child is unknown.
        mawar = seeded.posyandu["MWR01"].id
        r = await client.get(f"/dasbor/posyandu/{mawar}")
        assert r.status_code == 200 and "/penimbangan" not in r.text
        _no_name(r.text, "posyandu page")
        r = await client.get(f"/dasbor/posyandu/{mawar}/penimbangan")
        assert r.status_code == 403 and "jumlah saja" in r.text
        _no_name(r.text, "weighing list")
        r = await client.get(f"/dasbor/anak/{ids['Andi Kurniawan']}")
        assert r.status_code == 404
        _no_name(r.text, "child page")
        # October: Andi alone was weighed (stunted, HAZ -2,96); a kecamatan's page waits for
        # its figures.
        r = await client.get(f"/dasbor/wilayah/{kec.id}?periode=2026-10")
        assert "1 balita" in r.text and "1 dari 1 (100%)" in r.text
        # The area summary PDF: the same counts, no name.
        r = await client.get(f"/dasbor/wilayah/{kab.id}/rekap.pdf?periode=2026-11")
        assert r.status_code == 200
        text = " ".join(
            " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(r.content)).pages
        )
        assert "Stunting, wasting dan underweight bulan ini" in text
        assert "0-59 bulan · Semua 3 dari 4 (75%) 1 dari 4 (25%) 2 dari 5 (40%)" in text
        _no_name(text, "area PDF")
        async with service.db.read() as conn:
            assert len(await reg.audit_entries(conn, AT)) == audited  # no name read
        await client.aclose()


async def test_the_kader_and_the_desa_bidan_see_the_weighing_list_each_view_audited(
    store: Store,
) -> None:
    seeded = await seed(store.target)
    key = new_key()
    ids = await seed_children(store.target, seeded, key)
    async with running(seeded, folder=store.folder, register_key=key) as (service, fake):
        assert service.db is not None
        mawar = seeded.posyandu["MWR01"].id
        kader = seeded.actors["kader_MWR01"]
        client = await login(service, fake, kader)
        page = await client.get(f"/dasbor/posyandu/{mawar}")
        assert f"/dasbor/posyandu/{mawar}/penimbangan?periode=2026-11" in page.text
        r = await client.get(f"/dasbor/posyandu/{mawar}/penimbangan?periode=2026-11")
        assert r.status_code == 200
        assert "3 anak ditimbang · 1 anak belum ditimbang" in r.text
        assert "Gita" not in r.text and "Eko" not in r.text and "Fajar" not in r.text
        andi = _cells(_row(r.text, "Andi Kurniawan"))
        assert andi[1:6] == ["19 bln", "9,15 kg", "75,5 cm", "T", "2T"]
        assert "TB/U: sangat pendek" in andi[6] and andi[7] == "2T, sangat pendek"
        citra = _cells(_row(r.text, "Citra Lestari"))
        assert citra[1:6] == ["29 bln", "8,0 kg", "80,0 cm", "B", "BGM"]
        assert (
            citra[6] == ("BB/U: berat badan sangat kurang; TB/U: pendek; BB/TB: gizi kurang")
            and citra[7] == "BGM"
        )
        dewi = _cells(_row(r.text, "Dewi Anggraini"))
        normal = "BB/U: berat badan normal; TB/U: normal; BB/TB: gizi baik"
        assert dewi[4:] == ["B", "-", normal, "-"]
        assert f'href="/dasbor/anak/{ids["Andi Kurniawan"]}"' in r.text
        # Andi's page: the three weighings over time, the newest first.
        r = await client.get(f"/dasbor/anak/{ids['Andi Kurniawan']}")
        assert r.status_code == 200 and "Andi Kurniawan" in r.text
        assert r.text.count('<svg class="kms"') == 1 and "Grafik KMS" in r.text
        dates = re.findall(r'<td class="lead">([^<]+)</td>', r.text)
        assert dates == ["12 Nov 2026", "10 Okt 2026", "10 Sep 2026"]
        assert [_cells(_row(r.text, d))[4] for d in dates] == ["T", "T", "B"]
        # Another posyandu's child: the 404 of an unknown one.
        r = await client.get(f"/dasbor/anak/{ids['Eko Saputro']}")
        assert r.status_code == 404 and "Eko" not in r.text
        await client.aclose()
        bidan = await login(service, fake, seeded.actors["spv_desa_a1"])
        r = await bidan.get(f"/dasbor/posyandu/{mawar}/penimbangan")
        assert r.status_code == 200 and "Citra Lestari" in r.text
        r = await bidan.get(f"/dasbor/anak/{ids['Citra Lestari']}")
        assert r.status_code == 200
        await bidan.aclose()
        async with service.db.read() as conn:
            entries = [e for e in await reg.audit_entries(conn, AT) if ".dasbor" in e.action]
        listed = sorted(ids[n] for n in ("Andi Kurniawan", "Citra Lestari", "Dewi Anggraini"))
        kader_id = entries[0].who.person_id
        assert [(e.action, sorted(e.child_ids), e.posyandu_id) for e in entries] == [
            ("children.dasbor", listed, mawar),
            ("children.dasbor.child", [ids["Andi Kurniawan"]], mawar),
            ("children.dasbor", listed, mawar),
            ("children.dasbor.child", [ids["Citra Lestari"]], mawar),
        ]
        assert kader_id is not None and entries[2].who.person_id not in (None, kader_id)


async def test_without_a_register_key_the_pages_say_the_register_is_off(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["kader_MWR01"])
        mawar = seeded.posyandu["MWR01"].id
        r = await client.get(f"/dasbor/posyandu/{mawar}/penimbangan")
        assert r.status_code == 404 and "Register anak belum aktif" in r.text
        page = await client.get(f"/dasbor/posyandu/{mawar}")
        assert "/penimbangan" not in page.text
        await client.aclose()


async def test_the_figures_are_kept_five_minutes_then_worked_out_again(store: Store) -> None:
    seeded = await seed(store.target)
    key = new_key()
    ids = await seed_children(store.target, seeded, key)
    clock = FixedClock(NOW)
    async with running(seeded, clock=clock, folder=store.folder, register_key=key) as (
        service,
        fake,
    ):
        assert service.db is not None
        client = await login(service, fake, seeded.actors["spv_kec_a"])
        kec = seeded.areas["21.71.05"].id
        r = await client.get(f"/dasbor/wilayah/{kec}")
        assert "1 dari 4 (25%)" in r.text  # underweight: Citra of Andi, Citra, Dewi, Eko
        # Eko's November weighing corrected: 11 kg at 46 months is underweight (WAZ < -2).
        async with service.db.transaction() as tx:
            corrected = reg.Weighing(ids["Eko Saputro"], date(2026, 11, 12), 11000)
            saved = await reg.record_weighing(tx, corrected, at=NOW, replace=True)
        assert saved.outcome == "replaced"
        clock.advance(FRESH - timedelta(seconds=1))
        r = await client.get(f"/dasbor/wilayah/{kec}")
        assert "1 dari 4 (25%)" in r.text and "Dihitung pukul 10.00." in r.text
        clock.advance(timedelta(seconds=1))
        r = await client.get(f"/dasbor/wilayah/{kec}")
        assert "2 dari 4 (50%)" in r.text and "Dihitung pukul 10.05." in r.text
        await client.aclose()


async def test_a_status_the_kader_corrected_is_the_one_shown(store: Store) -> None:
    seeded = await seed(store.target)
    key = new_key()
    ids = await seed_children(store.target, seeded, key)
    andi = ids["Andi Kurniawan"]
    async with await Database.open(store.target) as db, db.transaction() as tx:
        # October's T read as N on the KMS curve: November's T is no longer 2T.
        oct_ = Period(2026, 10)
        kader = reg.Actor(person_id=1)
        assert await reg.correct_status(tx, andi, oct_, Status.N, Status.T, who=kader, at=AT)
    async with running(seeded, folder=store.folder, register_key=key) as (service, fake):
        mawar = seeded.posyandu["MWR01"].id
        client = await login(service, fake, seeded.actors["kader_MWR01"])
        r = await client.get(f"/dasbor/posyandu/{mawar}/penimbangan?periode=2026-11")
        assert _cells(_row(r.text, "Andi Kurniawan"))[4:6] == ["T", "-"]
        r = await client.get(f"/dasbor/anak/{andi}")
        dates = re.findall(r'<td class="lead">([^<]+)</td>', r.text)
        assert [_cells(_row(r.text, d))[4] for d in dates] == ["T", "N", "B"]
        await client.aclose()
