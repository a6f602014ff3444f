"""Importing areas and posyandu: every bad row reported with its line, nothing written unless
the whole file is good, and a good file imported twice changes nothing."""

from __future__ import annotations

import hashlib

import pytest

from scoring.schedule import Schedule
from storage import Database
from storage.areas import area_by_code
from storage.imports import (
    AREA_COLUMNS,
    POSYANDU_COLUMNS,
    ImportRejected,
    ImportSummary,
    import_areas,
    import_posyandu,
    parse_csv,
)
from storage.posyandu import all_posyandu
from tests.storage.helpers import AREAS, POSYANDU


async def areas(db: Database, text: str) -> ImportSummary:
    async with db.transaction() as tx:
        return await import_areas(tx, parse_csv(text, AREA_COLUMNS))


async def posyandu(db: Database, text: str) -> ImportSummary:
    async with db.transaction() as tx:
        return await import_posyandu(tx, parse_csv(text, POSYANDU_COLUMNS))


async def dump(db: Database) -> str:
    """Every row of the tables an import writes, to compare before and after."""
    async with db.read() as conn:
        parts = []
        for table in ("areas", "posyandu"):
            rows = await conn.execute_fetchall(f"SELECT * FROM {table} ORDER BY id")
            parts.append(repr([tuple(r) for r in rows]))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


async def rejected(db: Database, kind: str, text: str) -> list[str]:
    before = await dump(db)
    with pytest.raises(ImportRejected) as info:
        await (areas(db, text) if kind == "areas" else posyandu(db, text))
    assert await dump(db) == before  # nothing written
    return [str(p) for p in info.value.problems]


async def test_good_files_are_idempotent(db: Database) -> None:
    assert await areas(db, AREAS) == ImportSummary(5, 0, 0)
    assert await posyandu(db, POSYANDU) == ImportSummary(3, 0, 0)
    snapshot = await dump(db)
    assert await areas(db, AREAS) == ImportSummary(0, 0, 5)
    assert await posyandu(db, POSYANDU) == ImportSummary(0, 0, 3)
    assert await dump(db) == snapshot
    async with db.read() as conn:
        kota = await area_by_code(conn, "21.71")
        found = await all_posyandu(conn, active_only=False)
    assert kota is not None and kota.level.value == "kabupaten"
    assert [(p.code, p.schedule, p.active) for p in found] == [
        ("P1", Schedule(day=12), True),
        ("P2", Schedule(weekday=1, nth=2), True),
        ("P3", Schedule(weekday=4, nth=-1), False),
    ]


async def test_updates_by_code(db: Database) -> None:
    await areas(db, AREAS)
    await posyandu(db, POSYANDU)
    renamed = AREAS.replace("Seraya", "Seraya Baru")
    assert await areas(db, renamed) == ImportSummary(0, 1, 4)
    moved = POSYANDU.replace("P1,Mawar,21.71.01.1001", "P1,Mawar,21.71.01.1002")
    assert await posyandu(db, moved) == ImportSummary(0, 1, 2)


async def test_semicolons_bom_and_blank_lines(db: Database) -> None:
    text = "\ufeff" + AREAS.replace(",", ";") + "\n\n"
    assert await areas(db, text) == ImportSummary(5, 0, 0)


async def test_missing_column(db: Database) -> None:
    text = "code,name,parent_code\n21,Kepri,\n"
    assert await rejected(db, "areas", text) == [
        "line 1: missing column(s) level; expected the header code,name,level,parent_code"
    ]
    text = "code,name,desa_code,schedule,active\nP1,Mawar,21.71.01.1001,tanggal 12,1\n"
    problems = await rejected(db, "posyandu", text)
    assert problems[0].startswith("line 1: missing column(s) timezone")


async def test_rows_of_another_length_and_empty_values(db: Database) -> None:
    text = "code,name,level,parent_code\n21,Kepri\n22,,provinsi,\n23,Riau, Kep,provinsi,\n"
    assert await rejected(db, "areas", text) == [
        "line 2: 2 fields, the header has 4 (a row cut short? every row has every column, "
        "empty when unknown)",
        "line 3: missing value for name",
        "line 4: 5 fields, the header has 4 (a comma in a name? put the name in double quotes)",
    ]


async def test_a_row_cut_short_is_refused_not_read_as_empty(db: Database) -> None:
    """A row with fewer fields than the header (a file cut off) is never read as empty
    trailing values: it would blank what the database holds."""
    await areas(db, AREAS)
    await posyandu(db, POSYANDU)
    cut = POSYANDU.rstrip("\n").rsplit(",", 1)[0] + "\n"  # the last row loses its active
    assert await rejected(db, "posyandu", cut) == [
        "line 4: 5 fields, the header has 6 (a row cut short? every row has every column, "
        "empty when unknown)"
    ]
    text = 'code,name,level,parent_code\n21,Kepri,provinsi,\n21.71,"Batam, Kota",kota,21\n'
    assert await areas(db, text) == ImportSummary(0, 2, 0)


async def test_control_characters_in_names_are_refused(db: Database) -> None:
    await areas(db, AREAS)
    text = 'code,name,level,parent_code\n21,"Kepri\nBaru",provinsi,\n21.71,Bat\x00am,kota,21\n'
    assert await rejected(db, "areas", text) == [
        "line 2: broken quoting: a quoted cell runs from line 2 to line 3 (a closing quote "
        "missing?)",
        "line 4: name holds a control character (U+0000 at position 4): a name is plain text "
        "on one line",
    ]
    text = POSYANDU.replace("Mawar", "Ma\u2028war").replace("Melati", "Mel\x1bati")
    assert await rejected(db, "posyandu", text) == [
        "line 2: name holds a control character (U+2028 at position 3): a name is plain text "
        "on one line",
        "line 3: name holds a control character (U+001B at position 4): a name is plain text "
        "on one line",
    ]


async def test_unknown_parent_area(db: Database) -> None:
    await areas(db, AREAS)
    text = AREAS + "21.72.01,Bintan Timur,kecamatan,21.72\n"
    assert await rejected(db, "areas", text) == ["line 7: unknown parent area 21.72"]


async def test_wrong_levels(db: Database) -> None:
    text = (
        "code,name,level,parent_code\n"
        "21,Kepri,provinsi,\n"
        "21.71,Batam,kota,21\n"
        "21.71.01,Batu Ampar,desa,21.71\n"  # a desa directly under a kota
        "21.72,Bintan,dusun,21\n"  # no such level
        "22,Riau,provinsi,21\n"  # a provinsi with a parent
    )
    problems = await rejected(db, "areas", text)
    assert problems == [
        "line 4: code 21.71.01 is not a desa code like 21.71.01.1001",
        "line 4: wrong level: a desa must be under a kecamatan, 21.71 is a kabupaten",
        "line 5: wrong level: unknown level 'dusun': use provinsi, kabupaten (or kota), "
        "kecamatan, desa (or kelurahan)",
        "line 6: wrong level: a provinsi has no parent_code",
    ]


async def test_area_codes_extend_their_parent(db: Database) -> None:
    text = "code,name,level,parent_code\n21,Kepri,provinsi,\n14.71,Pekanbaru,kota,21\n"
    assert await rejected(db, "areas", text) == [
        "line 3: code 14.71 does not extend its parent's code 21"
    ]


async def test_level_of_an_existing_area_does_not_change(db: Database) -> None:
    await areas(db, AREAS)
    text = "code,name,level,parent_code\n21.71,Kota Batam,provinsi,\n"
    problems = await rejected(db, "areas", text)
    assert "line 2: wrong level: 21.71 is already a kabupaten; an area does not change level" in (
        problems
    )


async def test_duplicate_code_in_file(db: Database) -> None:
    text = AREAS + "21,Kepri lagi,provinsi,\n"
    assert await rejected(db, "areas", text) == ["line 7: duplicate code 21 (first on line 3)"]
    await areas(db, AREAS)
    text = POSYANDU + "P2,Melati 2,21.71.01.1001,Asia/Jakarta,tanggal 3,1\n"
    assert await rejected(db, "posyandu", text) == ["line 5: duplicate code P2 (first on line 3)"]


async def test_bad_posyandu_rows_are_all_reported(db: Database) -> None:
    await areas(db, AREAS)
    text = (
        "code,name,desa_code,timezone,schedule,active\n"
        "P1,Mawar,21.71.01.1001,Asia/Jakarta,tanggal 12,1\n"  # good
        "P2,Melati,21.71.01.9999,Asia/Jakarta,tanggal 12,1\n"  # unknown desa
        "P3,Anggrek,21.71.01,Asia/Jakarta,tanggal 12,1\n"  # a kecamatan
        "P4,Kenanga,21.71.01.1001,Asia/Jakrta,tanggal 12,1\n"  # bad time zone
        "P5,Dahlia,21.71.01.1001,WIB,tanggal 12,1\n"  # not an IANA zone
        "P6,Teratai,21.71.01.1001,Asia/Jakarta,tanggal 32,1\n"  # bad schedule
        "P7,Kamboja,21.71.01.1001,Asia/Jakarta,selasa ke-5,1\n"  # bad schedule
        "P8,Seroja,21.71.01.1001,Asia/Jakarta,tanggal 1,mungkin\n"  # bad active
        "P 9,Cempaka,21.71.01.1001,Asia/Jakarta,tanggal 1,1\n"  # bad code
    )
    problems = await rejected(db, "posyandu", text)
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in range(3, 11)]
    assert problems[0] == "line 3: unknown desa area 21.71.01.9999"
    assert problems[1] == (
        "line 4: wrong level: 21.71.01 is a kecamatan, a posyandu belongs to a desa/kelurahan"
    )
    assert problems[2] == "line 5: bad time zone 'Asia/Jakrta': use e.g. Asia/Jakarta"
    assert problems[3] == "line 6: bad time zone 'WIB': use e.g. Asia/Jakarta"
    assert problems[4].startswith("line 7: bad schedule: day of the month must be 1-31, got 32")
    assert problems[5].startswith("line 8: bad schedule: cannot read schedule 'selasa ke-5'")
    assert problems[6] == "line 9: bad active value 'mungkin': use 1 or 0"
    assert problems[7].startswith("line 10: bad code 'P 9'")


async def test_empty_file(db: Database) -> None:
    assert await rejected(db, "areas", "") == ["line 1: the file is empty"]
    assert await areas(db, "code,name,level,parent_code\n") == ImportSummary(0, 0, 0)


async def test_the_kind_an_area_is_imported_as_is_kept_for_its_title(db: Database) -> None:
    """'kota' and 'kelurahan' were read as their levels and lost: a kelurahan showed as
    'Desa'. The kind is stored; an ambiguous word later keeps it; titles use it."""
    from conversations.format import area_title, place_name

    text = (
        "code,name,level,parent_code\n21,Kepulauan Riau,provinsi,\n21.71,Batam,kota,21\n"
        "21.71.01,Sekupang,kecamatan,21.71\n21.71.01.1001,Tiban Baru,kelurahan,21.71.01\n"
        "21.71.01.2001,Sukamaju,desa,21.71.01\n"
    )
    assert await areas(db, text) == ImportSummary(5, 0, 0)
    async with db.read() as conn:
        found = {c: await area_by_code(conn, c) for c in ("21.71", "21.71.01.1001", "21.71.01")}
    kota, kelurahan, kecamatan = (found[c] for c in ("21.71", "21.71.01.1001", "21.71.01"))
    assert kota is not None and kota.kind == "kota"
    assert area_title(kota.level, kota.name, kota.kind) == "Kota Batam"
    assert kelurahan is not None and kelurahan.kind == "kelurahan"
    assert area_title(kelurahan.level, kelurahan.name, kelurahan.kind) == "Kelurahan Tiban Baru"
    assert place_name(kelurahan.name, kelurahan.kind) == "Kelurahan Tiban Baru"
    assert kecamatan is not None
    assert area_title(kecamatan.level, kecamatan.name, kecamatan.kind) == "Kecamatan Sekupang"
    # The same file again changes nothing; "desa/kelurahan" does not forget the kind.
    assert await areas(db, text) == ImportSummary(0, 0, 5)
    vague = text.replace("Tiban Baru,kelurahan", "Tiban Baru,desa/kelurahan")
    assert await areas(db, vague) == ImportSummary(0, 0, 5)
    async with db.read() as conn:
        again = await area_by_code(conn, "21.71.01.1001")
    assert again is not None and again.kind == "kelurahan"


@pytest.mark.parametrize(
    ("level", "name", "kind", "title"),
    [
        ("kabupaten", "Kota Batam", None, "Kota Batam"),  # not "Kabupaten/Kota Kota Batam"
        ("kabupaten", "Kota Batam", "kota", "Kota Batam"),
        ("kabupaten", "Bintan", "kabupaten", "Kabupaten Bintan"),
        ("kabupaten", "Bintan", None, "Kabupaten/Kota Bintan"),  # kind not known
        ("desa", "Sukamaju", None, "Desa/Kelurahan Sukamaju"),
        ("desa", "kelurahan Tanjung Uma", "kelurahan", "kelurahan Tanjung Uma"),
        ("kecamatan", "Batu Aji", None, "Kecamatan Batu Aji"),
        ("provinsi", "Kepulauan Riau", "provinsi", "Provinsi Kepulauan Riau"),
    ],
)
def test_area_titles(level: str, name: str, kind: str | None, title: str) -> None:
    from conversations.format import area_title

    assert area_title(level, name, kind) == title
