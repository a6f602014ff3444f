"""The dasbor tells before, on and after hari buka apart (issue 24): on 7 December the demo's
posyandu that have not reached their hari buka are grey "belum waktunya", the one past it red
"belum lapor" with its days, and the summary counts them apart. Real storage (SQLite file and
PostgreSQL), real templates."""

from __future__ import annotations

import re

from bot.dasbor import pages, render
from bot.dasbor.figures import load_area
from bot.demo import DESA_CODE
from scoring import DEFAULT_SETTINGS
from storage import Database
from storage.areas import area_by_code
from tests.dasbor.conftest import Store
from tests.december import DEC7, seed_december


def _cells(html: str) -> dict[str, tuple[str, str]]:
    """Posyandu name -> (class, text) of its "Lapor" cell."""
    rows = re.findall(
        r'<a href="/dasbor/posyandu/\d+[^"]*">([^<]+)</a></td>\s*(?:<td>[^<]*</td>\s*)?'
        r'<td class="([a-z]+)">([^<]*)</td>',
        html,
    )
    return {name: (cls, text) for name, cls, text in rows}


async def test_area_page_and_table_tell_the_states_apart(store: Store) -> None:
    db = await Database.open(store.target)
    try:
        await seed_december(db)
        async with db.read() as conn:
            desa = await area_by_code(conn, DESA_CODE)
        assert desa is not None
        view = await load_area(db, desa, desa, None, DEC7, DEFAULT_SETTINGS)
    finally:
        await db.close()
    env = pages._environment()
    html = env.get_template("area.html").render(
        visitor=None, **render.area_context(view, None)
    )
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
