"""Areas: provinsi > kabupaten/kota > kecamatan > desa/kelurahan, each with a code and name.

Each row keeps its materialised path (``/1/5/9/``, the ids from the provinsi down) so
"everything under area X" is one indexed range scan: every path that starts with X's path
lies in ``[path, path with its last "/" replaced by "0")``. (``LIKE 'x%'`` would scan the
whole table: SQLite only uses an index for LIKE with a case-insensitive column collation.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from scoring.lexicon import AREA_LEVEL_WORDS
from storage.db import Connection
from storage.sql import Row, fetch_one, prefixed_columns

__all__ = [
    "Area",
    "Level",
    "ancestors",
    "area_by_code",
    "area_by_id",
    "area_columns",
    "area_from_row",
    "areas_by_codes",
    "areas_by_ids",
    "areas_under",
    "parse_kind",
    "parse_level",
    "subtree_bounds",
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


def parse_level(text: str) -> Level:
    """A level by its name ("kota" is a kabupaten-level area, "kelurahan" a desa-level one)."""
    word = AREA_LEVEL_WORDS.get(text.strip().lower())
    level = Level(word) if word is not None else None
    if level is None:
        raise ValueError(
            f"unknown level {text!r}: use provinsi, kabupaten (or kota), kecamatan, "
            "desa (or kelurahan)"
        )
    return level


def parse_kind(text: str) -> str | None:
    """What an import file calls an area, kept for its title ("kota", "kelurahan"); None for
    the words that leave it open ("kabupaten/kota", "desa/kelurahan"). The level is
    :func:`parse_level`'s."""
    word = text.strip().lower()
    return word if word in AREA_LEVEL_WORDS and "/" not in word else None


def subtree_bounds(path: str) -> tuple[str, str]:
    """``(low, high)`` such that ``low <= p < high`` exactly when ``p`` starts with ``path``."""
    if not path.endswith("/"):
        raise ValueError(f"not an area path: {path!r}")
    return path, path[:-1] + "0"  # "0" is the character after "/"


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    code: str
    name: str
    level: Level
    parent_id: int | None
    path: str
    #: What it is called where a level has two kinds ("kota", "kelurahan"; see
    #: :func:`parse_kind`); None when not known.
    kind: str | None = None


_COLUMNS = "id, code, name, level, parent_id, path, kind"


def _area(row: Row, prefix: str = "") -> Area:
    return Area(
        row[f"{prefix}id"],
        row[f"{prefix}code"],
        row[f"{prefix}name"],
        Level(row[f"{prefix}level"]),
        row[f"{prefix}parent_id"],
        row[f"{prefix}path"],
        row[f"{prefix}kind"],
    )


def area_columns(table: str, prefix: str) -> str:
    """The area columns of ``table`` (an alias in a join), each named ``prefix`` + column: a
    row of them is read by :func:`area_from_row`."""
    return prefixed_columns(_COLUMNS, table, prefix)


def area_from_row(row: Row, prefix: str) -> Area | None:
    """The area of a joined row (None when the join found none)."""
    return _area(row, prefix) if row[f"{prefix}id"] is not None else None


async def area_by_code(conn: Connection, code: str) -> Area | None:
    """The area an operator names by ``code``, whatever its case, as
    :func:`storage.posyandu.posyandu_by_code`: an exact match wins, else the one code equal
    to it but for case; several such codes (and no exact one): None, never a guess."""
    found = await _area_exact(conn, code)
    if found is None:
        rows = list(
            await conn.execute_fetchall(
                f"SELECT {_COLUMNS} FROM areas WHERE lower(code) = lower(?) LIMIT 2", (code,)
            )
        )
        found = _area(rows[0]) if len(rows) == 1 else None
    return found


async def _area_exact(conn: Connection, code: str) -> Area | None:
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM areas WHERE code = ?", (code,))
    return _area(row) if row else None


async def area_by_id(conn: Connection, area_id: int) -> Area | None:
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM areas WHERE id = ?", (area_id,))
    return _area(row) if row else None


async def areas_by_ids(conn: Connection, area_ids: Iterable[int]) -> dict[int, Area]:
    ids = sorted(set(area_ids))
    out: dict[int, Area] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM areas WHERE id IN ({marks})", chunk
        )
        out.update((a.id, a) for a in map(_area, rows))
    return out


async def areas_by_codes(conn: Connection, codes: Iterable[str]) -> dict[str, Area]:
    wanted = sorted(set(codes))
    out: dict[str, Area] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM areas WHERE code IN ({marks})", chunk
        )
        out.update((a.code, a) for a in map(_area, rows))
    return out


async def areas_under(conn: Connection, area: Area, level: Level | None = None) -> list[Area]:
    """Every area below ``area`` (not itself), optionally of one level, ordered by code."""
    low, high = subtree_bounds(area.path)
    sql = f"SELECT {_COLUMNS} FROM areas WHERE path >= ? AND path < ? AND id != ?"
    args: list[object] = [low, high, area.id]
    if level is not None:
        sql += " AND level = ?"
        args.append(level.value)
    rows = await conn.execute_fetchall(sql + " ORDER BY code", args)
    return [_area(r) for r in rows]


async def ancestors(conn: Connection, area: Area) -> list[Area]:
    """The areas above ``area``, top first."""
    ids = [int(p) for p in area.path.strip("/").split("/")[:-1] if p]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await conn.execute_fetchall(f"SELECT {_COLUMNS} FROM areas WHERE id IN ({marks})", ids)
    found = {a.id: a for a in (_area(r) for r in rows)}
    return [found[i] for i in ids if i in found]


async def upsert_area(
    tx: Connection,
    code: str,
    name: str,
    level: Level,
    parent: Area | None,
    kind: str | None = None,
) -> Area:
    """Insert or update the area with ``code`` (its parent may not change level order);
    ``kind`` None keeps the kind it had."""
    if (parent is None) != (level is Level.PROVINSI):
        raise ValueError("only a provinsi has no parent")
    if parent is not None and parent.level.depth != level.depth - 1:
        raise ValueError(f"a {level.value} must be under a {list(Level)[level.depth - 1].value}")
    existing = await _area_exact(tx, code)  # an import matches codes exactly
    parent_id = parent.id if parent else None
    if existing is not None and existing.level is not level and await _has_members(tx, existing):
        raise ValueError(
            f"area {code} is a {existing.level.value} with areas or posyandu under it; "
            f"it cannot become a {level.value}"
        )
    if existing is None:
        rows = await tx.execute_fetchall(
            "INSERT INTO areas (code, name, level, parent_id, path, kind) "
            "VALUES (?, ?, ?, ?, '', ?) RETURNING id",
            (code, name, level.value, parent_id, kind),
        )
        area_id = int(next(iter(rows))[0])
        path = f"{parent.path if parent else '/'}{area_id}/"
        await tx.execute("UPDATE areas SET path = ? WHERE id = ?", (path, area_id))
        return Area(area_id, code, name, level, parent_id, path, kind)
    path = f"{parent.path if parent else '/'}{existing.id}/"
    await tx.execute(
        "UPDATE areas SET name = ?, level = ?, parent_id = ?, path = ?, "
        "kind = coalesce(?, kind) WHERE id = ?",
        (name, level.value, parent_id, path, kind, existing.id),
    )
    if path != existing.path:
        # Moved: rewrite the paths of everything below, and of the posyandu there.
        low, high = subtree_bounds(existing.path)
        await tx.execute(
            "UPDATE areas SET path = CAST(? AS TEXT) || substr(path, ?) "
            "WHERE path >= ? AND path < ? AND id != ?",
            (path, len(existing.path) + 1, low, high, existing.id),
        )
        await tx.execute(
            "UPDATE posyandu SET area_path = CAST(? AS TEXT) || substr(area_path, ?) "
            "WHERE area_path >= ? AND area_path < ?",
            (path, len(existing.path) + 1, low, high),
        )
    return Area(existing.id, code, name, level, parent_id, path, kind or existing.kind)


async def _has_members(conn: Connection, area: Area) -> bool:
    low, high = subtree_bounds(area.path)
    rows = await conn.execute_fetchall(
        "SELECT EXISTS (SELECT 1 FROM areas WHERE parent_id = ?) "
        "OR EXISTS (SELECT 1 FROM posyandu WHERE area_path >= ? AND area_path < ?)",
        (area.id, low, high),
    )
    return any(bool(r[0]) for r in rows)
