"""Posyandu: code, name, desa, IANA time zone, hari-buka schedule, one-off moves, active."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from sqlite3 import Row
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring import Period
from storage.areas import Area, Level
from storage.db import Connection
from storage.schedule import Schedule

__all__ = [
    "Posyandu",
    "all_active_posyandu",
    "find_posyandu",
    "hari_buka",
    "move_hari_buka",
    "moves_for",
    "posyandu_by_code",
    "posyandu_by_id",
    "posyandu_in_group",
    "posyandu_under",
    "schedule_groups",
    "set_schedule",
    "upsert_posyandu",
    "valid_timezone",
]


@dataclass(frozen=True, slots=True)
class Posyandu:
    id: int
    code: str
    name: str
    desa_id: int
    area_path: str
    timezone: str
    schedule: Schedule
    active: bool

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_COLUMNS = "id, code, name, desa_id, area_path, timezone, schedule, active"


def _posyandu(row: Row) -> Posyandu:
    return Posyandu(
        row["id"],
        row["code"],
        row["name"],
        row["desa_id"],
        row["area_path"],
        row["timezone"],
        Schedule.parse(row["schedule"]),
        bool(row["active"]),
    )


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name


async def posyandu_by_code(conn: Connection, code: str) -> Posyandu | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM posyandu WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    return _posyandu(row) if row else None


async def posyandu_by_id(conn: Connection, posyandu_id: int) -> Posyandu | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM posyandu WHERE id = ?", (posyandu_id,)) as cur:
        row = await cur.fetchone()
    return _posyandu(row) if row else None


async def posyandu_under(
    conn: Connection, area: Area, *, active_only: bool = True
) -> list[Posyandu]:
    """Every posyandu in ``area`` (any level), ordered by code."""
    sql = f"SELECT {_COLUMNS} FROM posyandu WHERE area_path LIKE ?"
    if active_only:
        sql += " AND active = 1"
    async with conn.execute(sql + " ORDER BY code", (area.path + "%",)) as cur:
        return [_posyandu(r) for r in await cur.fetchall()]


async def find_posyandu(conn: Connection, area: Area, text: str, limit: int = 5) -> list[Posyandu]:
    """Posyandu under ``area`` whose code is ``text`` or whose name contains it."""
    needle = text.strip()
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM posyandu WHERE area_path LIKE ? "
        "AND (code = ? COLLATE NOCASE OR name LIKE ? ESCAPE '\\') ORDER BY "
        "(code = ? COLLATE NOCASE) DESC, length(name), code LIMIT ?",
        (
            area.path + "%",
            needle,
            "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
            needle,
            limit,
        ),
    ) as cur:
        return [_posyandu(r) for r in await cur.fetchall()]


async def all_active_posyandu(conn: Connection) -> list[Posyandu]:
    async with conn.execute(f"SELECT {_COLUMNS} FROM posyandu WHERE active = 1 ORDER BY id") as cur:
        return [_posyandu(r) for r in await cur.fetchall()]


async def upsert_posyandu(
    tx: Connection,
    code: str,
    name: str,
    desa: Area,
    timezone: str,
    schedule: Schedule,
    active: bool = True,
) -> Posyandu:
    if desa.level is not Level.DESA:
        raise ValueError("a posyandu belongs to a desa/kelurahan")
    if not valid_timezone(timezone):
        raise ValueError(f"unknown time zone {timezone!r}")
    await tx.execute(
        "INSERT INTO posyandu (code, name, desa_id, area_path, timezone, schedule, active) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
        "desa_id = excluded.desa_id, area_path = excluded.area_path, "
        "timezone = excluded.timezone, schedule = excluded.schedule, active = excluded.active",
        (code, name, desa.id, desa.path, timezone, schedule.stored(), int(active)),
    )
    found = await posyandu_by_code(tx, code)
    assert found is not None
    return found


async def set_schedule(tx: Connection, posyandu_id: int, schedule: Schedule) -> None:
    await tx.execute(
        "UPDATE posyandu SET schedule = ? WHERE id = ?", (schedule.stored(), posyandu_id)
    )


async def move_hari_buka(tx: Connection, posyandu_id: int, day: date) -> None:
    """A one-off move of the hari buka of ``day``'s month to ``day``."""
    period = str(Period(day.year, day.month))
    await tx.execute(
        "INSERT INTO hari_buka_moves (posyandu_id, period, day) VALUES (?, ?, ?) "
        "ON CONFLICT (posyandu_id, period) DO UPDATE SET day = excluded.day",
        (posyandu_id, period, day.isoformat()),
    )


async def moves_for(
    conn: Connection, posyandu_ids: list[int] | None, first: Period, last: Period
) -> dict[tuple[int, Period], date]:
    """One-off moves in ``first..last`` (all posyandu when ``posyandu_ids`` is None)."""
    sql = "SELECT posyandu_id, period, day FROM hari_buka_moves WHERE period BETWEEN ? AND ?"
    args: list[object] = [str(first), str(last)]
    if posyandu_ids is not None:
        if not posyandu_ids:
            return {}
        sql += f" AND posyandu_id IN ({','.join('?' * len(posyandu_ids))})"
        args.extend(posyandu_ids)
    async with conn.execute(sql, args) as cur:
        return {
            (r["posyandu_id"], Period.parse(r["period"])): date.fromisoformat(r["day"])
            for r in await cur.fetchall()
        }


def hari_buka(
    posyandu: Posyandu, period: Period, moves: dict[tuple[int, Period], date] | None = None
) -> date:
    """The posyandu's hari buka in ``period``: a one-off move if there is one, else the schedule."""
    if moves:
        moved = moves.get((posyandu.id, period))
        if moved is not None:
            return moved
    return posyandu.schedule.hari_buka(period)


async def schedule_groups(conn: Connection) -> list[tuple[str, Schedule]]:
    """The distinct (time zone, schedule) pairs of active posyandu (a few hundred at most)."""
    async with conn.execute(
        "SELECT DISTINCT timezone, schedule FROM posyandu WHERE active = 1"
    ) as cur:
        return [(r[0], Schedule.parse(r[1])) for r in await cur.fetchall()]


async def posyandu_in_group(conn: Connection, timezone: str, schedule: Schedule) -> list[Posyandu]:
    """Active posyandu with this time zone and schedule."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM posyandu WHERE active = 1 AND timezone = ? AND schedule = ? "
        "ORDER BY id",
        (timezone, schedule.stored()),
    ) as cur:
        return [_posyandu(r) for r in await cur.fetchall()]
