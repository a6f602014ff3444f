"""The dasbor tells before, on and after hari buka apart (issue 24): on 7 December the demo's
posyandu that have not reached their hari buka are grey "belum waktunya", the one past it red
"belum lapor" with its days, and the summary counts them apart. Real storage (SQLite file and
PostgreSQL), real templates."""

from __future__ import annotations

import re

from bot.dasbor import pages, render
from bot.dasbor.figures import AreaView, load_area
from bot.demo import DESA_CODE
from scoring import DEFAULT_SETTINGS, Period
from storage import Database
from storage.areas import area_by_code
from tests.dasbor.conftest import Store
from tests.december import DEC7, seed_december


def _cells(html: str) -> dict[str, tuple[str, str]]:
    """Posyandu name -> (class, text) of its "Lapor" cell."""
    rows = re.findall(
        r'<a href="/dasbor/posyandu/\d+[^"]*">([^<]+)</a></td>\s*(?:<td[^>]*>[^<]*</td>\s*)?'
        r'<td(?: data-label="[^"]*")? class="([a-z]+)">([^<]*)</td>',
        html,
    )
    return {name: (cls, text) for name, cls, text in rows}


async def _desa_views(store: Store, *periods: Period | None) -> list[AreaView]:
    """The demo desa on 7 December (tests/december.py) at each of ``periods`` (None: now)."""
    db = await Database.open(store.target)
    try:
        await seed_december(db)
        async with db.read() as conn:
            desa = await area_by_code(conn, DESA_CODE)
        assert desa is not None
        return [await load_area(db, desa, desa, p, DEC7, DEFAULT_SETTINGS) for p in periods]
    finally:
        await db.close()


async def test_area_page_and_table_tell_the_states_apart(store: Store) -> None:
    (view,) = await _desa_views(store, None)
    env = pages._environment()
    html = env.get_template("area.html").render(visitor=None, **render.area_context(view, None))
    flat = " ".join(html.split())
    assert '<span class="done">sudah lapor 1</span>' in flat
    assert '<span class="notdue">belum waktunya 4</span>' in flat
    assert '<span class="todo">belum lapor 1</span>' in flat
    cells = _cells(html)
    assert cells["Anggrek"] == ("todo", "belum lapor, terlambat 4 hari")
    assert cells["Melati"] == ("notdue", "belum waktunya (hari buka 8 Des)")
    assert cells["Kenanga"] == ("notdue", "belum waktunya (hari buka 31 Des)")
    assert cells["Mawar"] == ("done", "sudah")
    table = env.get_template("table.html").render(
        visitor=None, **render.table_context(view, None, {"urut": "status"})
    )
    listed = _cells(table)
    assert listed == cells
    # Sorted by the Lapor column: the late one first, the reported one last.
    order = list(listed)
    assert (order[0], order[-1]) == ("Anggrek", "Mawar")


def _chart(html: str) -> str:
    found = re.search(r'<figure class="chart">.*?</figure>', html, re.S)
    assert found is not None
    return found.group(0)


async def test_the_month_in_progress_is_drawn_apart(store: Store) -> None:
    """December, 1 of 6 reported, is not joined to the 12-month line as if it were a month's
    result (the dasbor drew it as a steep drop): a hollow dot on a band labelled "berjalan".
    November, over, is drawn as before."""
    december, november = await _desa_views(store, None, Period(2026, 11))
    env = pages._environment()
    shown = _chart(
        env.get_template("area.html").render(visitor=None, **render.area_context(december, None))
    )
    months = dict(re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="label">(\w+)</text>', shown))
    dec_x = next(x for x, label in months.items() if label == "Des")
    assert 'class="partial">berjalan</text>' in shown
    partial = re.findall(
        r'<circle cx="([\d.]+)" cy="[\d.]+" r="2.5" class="dot s\d partial"[^>]*>', shown
    )
    assert partial == [dec_x, dec_x]  # D/S and N/D
    for points in re.findall(r'<polyline points="([^"]+)"', shown):
        assert dec_x not in [p.split(",")[0] for p in points.split()]
    assert "bulan berjalan" in shown
    past = _chart(
        env.get_template("area.html").render(visitor=None, **render.area_context(november, None))
    )
    assert "partial" not in past and "berjalan" not in past
