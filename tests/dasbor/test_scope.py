"""The dasbor's authorisation matrix, with the people of the chat's
(tests/hostile/test_authorisation.py): each signs in through DASBOR and asks for every area and
posyandu page, table, PDF and CSV of the world. Allowed exactly as in the chat (a supervisor
the subtree of their area, a kader their own posyandu), otherwise the same 404 as an id that
exists nowhere (no telling which ids exist); no page shows a
name, code, kader or figure of a posyandu outside the scope. The child register's pages (a
posyandu's weighing list, a child's page) show names to the posyandu's kader and its desa's
supervisors only: a supervisor above desa level who sees the posyandu gets 403 for its list
(counts only), a child outside the names' scope the 404 of an unknown one, and no child's name
shows on any page outside it. Also: escaping and sorting."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from scoring.clock import FixedClock
from storage.cipher import new_key
from tests.dasbor.conftest import Store
from tests.dasbor.helpers import TABLE_SCRIPT, login
from tests.dasbor.register_seed import KIDS, seed_children
from tests.hostile.harness import POSYANDU, SUPERVISORS, Actor, running, seed
from tests.hostile.test_authorisation import forbidden

pytestmark = pytest.mark.slow

ACTORS = [f"kader_{p.code}" for p in POSYANDU[:2]] + [s[0] for s in SUPERVISORS]
#: The whole matrix on SQLite; on PostgreSQL a kader, a desa and a kecamatan supervisor
#: beside, and the kabupaten's (the same queries: the engine only changes how they run).
MATRIX = [("sqlite", who) for who in ACTORS] + [
    ("postgres", who) for who in (ACTORS[0], "spv_desa_a1", "spv_kec_b", "spv_kab")
]
AREA_SUFFIXES = (
    "",
    "/posyandu",
    "/posyandu?urut=ds&arah=turun&tampil=belum",
    "/rekap.pdf",
    "/f2.xlsx",
)
#: The downloads, whose bytes are no page to search for other posyandu's figures.
DOWNLOADS = (".pdf", ".xlsx")


def _shown(html: str) -> str:
    """The page without its random CSRF token (letters and digits that may spell another
    posyandu's figure, e.g. "x727y": a false alarm, 1 page in some hundreds)."""
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf"', html)


def _names_seen(actor: Actor) -> frozenset[str]:
    """The posyandu whose children's names ``actor`` may see: a kader's own, a desa
    supervisor's (a desa's code has four parts); above desa level none."""
    if actor.kader_of is not None:
        return frozenset({actor.kader_of})
    desa = actor.area_code is not None and actor.area_code.count(".") == 3
    return actor.sees if desa else frozenset()


def _child_names(names_seen: frozenset[str]) -> dict[str, re.Pattern[str]]:
    """The children's names a page may not show to someone who sees these posyandu's."""
    return {
        k.name: re.compile(rf"\b{re.escape(k.name)}\b")
        for k in KIDS
        if k.posyandu not in names_seen
    }


@pytest.mark.parametrize(("engine", "who"), MATRIX)
async def test_every_page_and_download_stays_inside_the_scope(who: str, store: Store) -> None:
    seeded = await seed(store.target)
    key = new_key()
    child_ids = await seed_children(store.target, seeded, key)
    actor = seeded.actors[who]
    names_seen = _names_seen(actor)
    patterns = forbidden(actor.sees) | _child_names(names_seen)
    own_area = seeded.areas[actor.area_code] if actor.area_code else None
    async with running(seeded, folder=store.folder, register_key=key) as (service, fake):
        client = await login(service, fake, actor)
        # What an id that exists nowhere answers: outside the scope answers the same.
        nowhere = await client.get("/dasbor/wilayah/99999")
        assert nowhere.status_code == 404 and "Tidak ditemukan" in nowhere.text
        missing = _shown(nowhere.text)
        seen_ok = 0
        for area in seeded.areas.values():
            allowed = own_area is not None and area.path.startswith(own_area.path)
            for suffix in (*AREA_SUFFIXES, "/data.csv"):
                r = await client.get(f"/dasbor/wilayah/{area.id}{suffix}")
                if not allowed:
                    assert r.status_code == 404, (who, area.code, suffix, r.status_code)
                    assert _shown(r.text) == missing, (who, area.code, suffix)
                    continue
                assert r.status_code in (200, 404), (who, area.code, suffix, r.status_code)
                seen_ok += r.status_code == 200
                if suffix.endswith(DOWNLOADS):
                    continue
                for word, pattern in patterns.items():
                    assert not pattern.search(_shown(r.text)), (who, area.code, suffix, word)
        for fixture in seeded.posyandu.values():
            allowed = fixture.code in actor.sees
            for suffix in (
                "",
                "?periode=2026-10",
                "/bulanan.pdf?periode=2026-10",
                "/f1.xlsx?periode=2026-10",
            ):
                r = await client.get(f"/dasbor/posyandu/{fixture.id}{suffix}")
                expected = 200 if allowed else 404
                assert r.status_code == expected, (who, fixture.code, suffix, r.status_code)
                if not allowed:
                    assert _shown(r.text) == missing, (who, fixture.code, suffix)
                if (allowed and not suffix.endswith("2026-10")) or suffix == "?periode=2026-10":
                    for word, pattern in patterns.items():
                        assert not pattern.search(_shown(r.text)), (who, fixture.code, suffix, word)
                if allowed and suffix == "":
                    assert fixture.name in r.text
        assert seen_ok or actor.kader_of
        # The register's pages: names only for the posyandu's kader and its desa's bidan.
        for fixture in seeded.posyandu.values():
            r = await client.get(f"/dasbor/posyandu/{fixture.id}/penimbangan?periode=2026-11")
            if fixture.code in names_seen:
                expected = 200
            else:
                expected = 403 if fixture.code in actor.sees else 404
            assert r.status_code == expected, (who, fixture.code, r.status_code)
            if expected == 404:
                assert _shown(r.text) == missing, (who, fixture.code)
            for word, pattern in patterns.items():
                assert not pattern.search(_shown(r.text)), (who, fixture.code, "list", word)
        for kid in KIDS:
            r = await client.get(f"/dasbor/anak/{child_ids[kid.name]}")
            allowed = kid.posyandu in names_seen
            assert r.status_code == (200 if allowed else 404), (who, kid.name, r.status_code)
            assert (kid.name in r.text) == allowed, (who, kid.name)
            if not allowed:
                assert _shown(r.text) == missing, (who, kid.name)
        # Made-up ids and words are answered, never with a traceback.
        for path in (
            "/dasbor/wilayah/99999",
            "/dasbor/posyandu/99999",
            "/dasbor/wilayah/x",
            "/dasbor/anak/99999",
            "/dasbor/posyandu/99999/penimbangan",
            f"/dasbor/anak/{2**63}",
        ):
            r = await client.get(path)
            assert r.status_code == 404 and "Traceback" not in r.text
        await client.aclose()


async def test_a_name_with_markup_shows_as_text(store: Store) -> None:
    seeded = await seed(store.target)
    evil = "<script>alert(1)</script>"
    async with running(seeded, folder=store.folder) as (service, fake):
        assert service.db is not None
        async with service.db.transaction() as tx:
            await tx.execute("UPDATE posyandu SET name = ? WHERE code = 'MWR01'", (evil,))
            await tx.execute("UPDATE people SET name = ? WHERE name = 'Bu Sari'", (evil,))
        client = await login(service, fake, seeded.actors["spv_kab"])
        kab, desa = seeded.areas["21.71"].id, seeded.areas["21.71.05.1004"].id
        for path in (
            f"/dasbor/wilayah/{kab}/posyandu",
            f"/dasbor/wilayah/{desa}",
            f"/dasbor/posyandu/{seeded.posyandu['MWR01'].id}",
        ):
            r = await client.get(path)
            assert r.status_code == 200, path
            assert evil not in r.text, path
            assert set(re.findall(r"<script[^>]*>", r.text)) <= {TABLE_SCRIPT}, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, path
        await client.aclose()


async def test_the_table_sorts_and_filters_on_the_server(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kab"])
        kab = seeded.areas["21.71"].id

        async def order(query: str) -> list[str]:
            r = await client.get(f"/dasbor/wilayah/{kab}/posyandu?{query}")
            assert r.status_code == 200
            names = [p.name for p in POSYANDU]
            return sorted(
                (n for n in names if f">{n}</a>" in r.text), key=lambda n: r.text.index(f">{n}<")
            )

        assert await order("urut=nama") == ["Anggrek", "Kenanga", "Mawar", "Melati"]
        assert await order("urut=nama&arah=turun") == ["Melati", "Mawar", "Kenanga", "Anggrek"]
        # D/S this month: Anggrek 819/839, Mawar 593/613; Melati and Kenanga have not reported.
        assert (await order("urut=ds&arah=turun"))[:2] == ["Anggrek", "Mawar"]
        assert await order("urut=ds&tampil=belum") == ["Kenanga", "Melati"]
        assert await order("urut=status&tampil=sudah") == ["Anggrek", "Mawar"]
        # Unknown words fall back to the defaults, never an error.
        assert await order("urut=x&arah=y&tampil=z&hal=-4") == [
            "Anggrek", "Kenanga", "Mawar", "Melati",
        ]  # fmt: skip
        await client.aclose()


async def test_the_posyandu_page_tells_a_missed_month_from_one_before_it_started(
    store: Store,
) -> None:
    """Melati reported September and October, not November: November is owed ("belum
    lapor"); the months before its history starts owed nothing ("belum terdaftar")."""
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kab"])
        r = await client.get(f"/dasbor/posyandu/{seeded.posyandu['MLT02'].id}")
        assert r.status_code == 200
        rows = {
            month: cell
            for month, cell in re.findall(
                r'<th scope="row">([A-Z][a-z]{2} \d{4})</th>\s*<td colspan="\d+" class="(\w+)"',
                r.text,
            )
        }
        assert rows["Nov 2026"] == "todo" and "belum lapor" in r.text
        assert rows["Agu 2026"] == "before" and rows["Des 2025"] == "before"
        assert "Sep 2026" not in rows and "Okt 2026" not in rows  # reported: figures shown
        await client.aclose()


async def test_a_download_without_a_month_is_of_the_month_it_is_in_the_area(
    store: Store,
) -> None:
    """1 December, 01:00 in Batam (still 30 November in UTC): the area's CSV asked without
    ``?periode=`` ends in December, as the area page shows; the page's own links name the
    month they show."""
    seeded = await seed(store.target)
    clock = FixedClock(datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    async with running(seeded, clock=clock, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kab"])
        kab = seeded.areas["21.71"]
        r = await client.get(f"/dasbor/wilayah/{kab.id}/data.csv")
        assert r.status_code == 200
        assert f"posyandu-{kab.code}-2026-12.csv" in r.headers["content-disposition"]
        page = await client.get(f"/dasbor/wilayah/{kab.id}")
        assert f"/dasbor/wilayah/{kab.id}/data.csv?periode=2026-12" in page.text
        assert f"/dasbor/wilayah/{kab.id}/rekap.pdf?periode=2026-12" in page.text
        # The F2 recap beside the PDF, its month as the page's; a workbook that opens.
        assert f"/dasbor/wilayah/{kab.id}/f2.xlsx?periode=2026-12" in page.text
        r = await client.get(f"/dasbor/wilayah/{kab.id}/f2.xlsx?periode=2026-11")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert f"f2-{kab.code}-2026-11.xlsx" in r.headers["content-disposition"]
        assert load_workbook(io.BytesIO(r.content)).sheetnames == ["F2"]
        # A posyandu page offers its month's F1 wherever it offers the monthly PDF.
        pages = [
            (await client.get(f"/dasbor/posyandu/{p.id}?periode=2026-10")).text
            for p in seeded.posyandu.values()
        ]
        offered = [("/bulanan.pdf?" in t, "/f1.xlsx?periode=2026-10" in t) for t in pages]
        assert all(pdf == xlsx for pdf, xlsx in offered) and any(pdf for pdf, _ in offered)
        await client.aclose()
