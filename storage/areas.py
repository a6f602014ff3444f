"""Areas: provinsi > kabupaten/kota > kecamatan > desa/kelurahan, each with a code and name.

Each row keeps its materialised path (``/1/5/9/``) so "everything under area X" is one
indexed prefix query.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from sqlite3 import Row

from storage.db import Connection

__all__ = [
    "Area",
    "Level",
    "ancestors",
    "area_by_code",
    "area_by_id",
    "areas_under",
    "upsert_area",
]


class Level(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KECAMATAN = "kecamatan"
    DESA = "desa"

    @property
    def depth(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return {
            "provinsi": "Provinsi",
            "kabupaten": "Kabupaten/Kota",
            "kecamatan": "Kecamatan",
            "desa": "Desa/Kelurahan",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    code: str
    name: str
    level: Level
    parent_id: int | None
    path: str


_COLUMNS = "id, code, name, level, parent_id, path"


def _area(row: Row) -> Area:
    return Area(
        row["id"], row["code"], row["name"], Level(row["level"]), row["parent_id"], row["path"]
    )


async def area_by_code(conn: Connection, code: str) -> Area | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM areas WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    return _area(row) if row else None


async def area_by_id(conn: Connection, area_id: int) -> Area | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM areas WHERE id = ?", (area_id,)) as cur:
        row = await cur.fetchone()
    return _area(row) if row else None


async def areas_under(conn: Connection, area: Area, level: Level | None = None) -> list[Area]:
    """Every area below ``area`` (not itself), optionally of one level, ordered by code."""
    sql = f"SELECT {_COLUMNS} FROM areas WHERE path LIKE ? AND id != ?"
    args: list[object] = [area.path + "%", area.id]
    if level is not None:
        sql += " AND level = ?"
        args.append(level.value)
    async with conn.execute(sql + " ORDER BY code", args) as cur:
        return [_area(r) for r in await cur.fetchall()]


async def ancestors(conn: Connection, area: Area) -> list[Area]:
    """The areas above ``area``, top first."""
    ids = [int(p) for p in area.path.strip("/").split("/")[:-1] if p]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    async with conn.execute(f"SELECT {_COLUMNS} FROM areas WHERE id IN ({marks})", ids) as cur:
        found = {a.id: a for a in (_area(r) for r in await cur.fetchall())}
    return [found[i] for i in ids if i in found]


async def upsert_area(
    tx: Connection, code: str, name: str, level: Level, parent: Area | None
) -> Area:
    """Insert or update the area with ``code`` (its parent may not change level order)."""
    if (parent is None) != (level is Level.PROVINSI):
        raise ValueError("only a provinsi has no parent")
    if parent is not None and parent.level.depth != level.depth - 1:
        raise ValueError(f"a {level.value} must be under a {list(Level)[level.depth - 1].value}")
    existing = await area_by_code(tx, code)
    parent_id = parent.id if parent else None
    if existing is None:
        cur = await tx.execute(
            "INSERT INTO areas (code, name, level, parent_id, path) VALUES (?, ?, ?, ?, '')",
            (code, name, level.value, parent_id),
        )
        area_id = int(cur.lastrowid or 0)
        path = f"{parent.path if parent else '/'}{area_id}/"
        await tx.execute("UPDATE areas SET path = ? WHERE id = ?", (path, area_id))
        return Area(area_id, code, name, level, parent_id, path)
    path = f"{parent.path if parent else '/'}{existing.id}/"
    await tx.execute(
        "UPDATE areas SET name = ?, level = ?, parent_id = ?, path = ? WHERE id = ?",
        (name, level.value, parent_id, path, existing.id),
    )
    if path != existing.path:
        # Moved: rewrite the paths of everything below, and of the posyandu there.
        await tx.execute(
            "UPDATE areas SET path = ? || substr(path, ?) WHERE path LIKE ? AND id != ?",
            (path, len(existing.path) + 1, existing.path + "%", existing.id),
        )
        await tx.execute(
            "UPDATE posyandu SET area_path = ? || substr(area_path, ?) WHERE area_path LIKE ?",
            (path, len(existing.path) + 1, existing.path + "%"),
        )
    return Area(existing.id, code, name, level, parent_id, path)
