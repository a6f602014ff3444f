"""Posyandu: code, name, desa, IANA time zone, hari-buka schedule, one-off moves, active."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring import KnownHistory, Period
from scoring.schedule import Schedule
from storage.areas import Area, Level, subtree_bounds
from storage.db import Connection
from storage.sql import Row, fetch_one, prefixed_columns

__all__ = [
    "Posyandu",
    "all_posyandu",
    "area_timezone",
    "cancel_move",
    "find_posyandu",
    "hari_buka",
    "known_histories",
    "move_hari_buka",
    "moves_for",
    "org_units",
    "posyandu_by_code",
    "posyandu_by_codes",
    "posyandu_by_id",
    "posyandu_columns",
    "posyandu_from_row",
    "posyandu_in_group",
    "posyandu_under",
    "schedule_groups",
    "set_org_unit",
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


def _posyandu(row: Row, prefix: str = "") -> Posyandu:
    return Posyandu(
        row[f"{prefix}id"],
        row[f"{prefix}code"],
        row[f"{prefix}name"],
        row[f"{prefix}desa_id"],
        row[f"{prefix}area_path"],
        row[f"{prefix}timezone"],
        Schedule.parse(row[f"{prefix}schedule"]),
        bool(row[f"{prefix}active"]),
    )


def posyandu_columns(table: str, prefix: str) -> str:
    """The posyandu columns of ``table`` (an alias in a join), each named ``prefix`` +
    column: a row of them is read by :func:`posyandu_from_row`."""
    return prefixed_columns(_COLUMNS, table, prefix)


def posyandu_from_row(row: Row, prefix: str) -> Posyandu | None:
    """The posyandu of a joined row (None when the join found none)."""
    return _posyandu(row, prefix) if row[f"{prefix}id"] is not None else None


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name


async def posyandu_by_code(conn: Connection, code: str) -> Posyandu | None:
    """The posyandu an operator names by ``code``, whatever its case ("mwr01" is MWR01).

    A code stored exactly as given wins. Otherwise the one code equal to it but for case
    (ASCII; codes are ASCII); when two or more stored codes differ from it only by case (MWR01
    and Mwr01, typed as mwr01), none is chosen: None, as for an unknown code, never a guess.
    The case-blind look-up scans the table (the unique index is case-sensitive); it runs only
    when the exact one finds nothing."""
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM posyandu WHERE code = ?", (code,))
    if row is None:
        rows = list(
            await conn.execute_fetchall(
                f"SELECT {_COLUMNS} FROM posyandu WHERE lower(code) = lower(?) LIMIT 2",
                (code,),
            )
        )
        row = rows[0] if len(rows) == 1 else None
    return _posyandu(row) if row else None


async def posyandu_by_codes(conn: Connection, codes: Iterable[str]) -> dict[str, Posyandu]:
    wanted = sorted(set(codes))
    out: dict[str, Posyandu] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM posyandu WHERE code IN ({marks})", chunk
        )
        out.update((p.code, p) for p in map(_posyandu, rows))
    return out


async def org_units(conn: Connection, posyandu: Iterable[Posyandu]) -> dict[int, str]:
    """Each posyandu's DHIS2 organisation unit code (its own code when none was imported)."""
    wanted = {p.id: p.code for p in posyandu}
    ids = sorted(wanted)
    out = dict(wanted)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT id, org_unit FROM posyandu WHERE org_unit IS NOT NULL AND id IN ({marks})",
            chunk,
        )
        out.update((row[0], row[1]) for row in rows)
    return out


async def set_org_unit(tx: Connection, code: str, org_unit: str | None) -> bool:
    """Set a posyandu's organisation unit (None: its own code); whether it changed."""
    row = await fetch_one(tx, "SELECT org_unit FROM posyandu WHERE code = ?", (code,))
    if row is None or row[0] == org_unit:
        return False
    await tx.execute("UPDATE posyandu SET org_unit = ? WHERE code = ?", (org_unit, code))
    return True


async def posyandu_by_id(conn: Connection, posyandu_id: int) -> Posyandu | None:
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM posyandu WHERE id = ?", (posyandu_id,))
    return _posyandu(row) if row else None


async def posyandu_under(
    conn: Connection, area: Area, *, active_only: bool = True
) -> list[Posyandu]:
    """Every posyandu in ``area`` (any level), ordered by code."""
    sql = f"SELECT {_COLUMNS} FROM posyandu WHERE area_path >= ? AND area_path < ?"
    if active_only:
        # "+active": not a term for an index, so the planner keeps to the area_path range
        # instead of the (active, timezone, schedule) index, which would scan every posyandu.
        sql += " AND +active = 1"
    rows = await conn.execute_fetchall(sql + " ORDER BY code", subtree_bounds(area.path))
    return [_posyandu(r) for r in rows]


async def area_timezone(conn: Connection, area: Area) -> str | None:
    """The time zone most active posyandu in ``area`` use (ties: the first name in order);
    None when it has none."""
    row = await fetch_one(
        conn,
        "SELECT timezone FROM posyandu WHERE area_path >= ? AND area_path < ? AND +active = 1 "
        "GROUP BY timezone ORDER BY count(*) DESC, timezone LIMIT 1",
        subtree_bounds(area.path),
    )
    return str(row[0]) if row else None


async def all_posyandu(conn: Connection, *, active_only: bool = True) -> list[Posyandu]:
    """Every posyandu, ordered by code."""
    sql = f"SELECT {_COLUMNS} FROM posyandu"
    if active_only:
        sql += " WHERE active = 1"
    return [_posyandu(r) for r in await conn.execute_fetchall(sql + " ORDER BY code")]


async def find_posyandu(conn: Connection, area: Area, text: str, limit: int = 5) -> list[Posyandu]:
    """Posyandu under ``area`` whose code is ``text`` or whose name contains it."""
    needle = text.strip()
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM posyandu WHERE area_path >= ? AND area_path < ? "
        "AND (lower(code) = lower(?) OR lower(name) LIKE lower(?) ESCAPE '\\') ORDER BY "
        "(lower(code) = lower(?)) DESC, length(name), code LIMIT ?",
        (
            *subtree_bounds(area.path),
            needle,
            "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
            needle,
            limit,
        ),
    )
    return [_posyandu(r) for r in rows]


async def upsert_posyandu(
    tx: Connection,
    code: str,
    name: str,
    desa: Area,
    timezone: str,
    schedule: Schedule,
    active: bool = True,
    *,
    registered: Period | None = None,
) -> Posyandu:
    """Insert or update by code. ``registered``: the month a new posyandu is registered in
    (where its known history starts, if it has no earlier report); an existing posyandu keeps
    the month it has."""
    if desa.level is not Level.DESA:
        raise ValueError("a posyandu belongs to a desa/kelurahan")
    if not valid_timezone(timezone):
        raise ValueError(f"unknown time zone {timezone!r}")
    await tx.execute(
        "INSERT INTO posyandu (code, name, desa_id, area_path, timezone, schedule, active, "
        "registered) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
        "name = excluded.name, desa_id = excluded.desa_id, area_path = excluded.area_path, "
        "timezone = excluded.timezone, schedule = excluded.schedule, active = excluded.active",
        (
            code,
            name,
            desa.id,
            desa.path,
            timezone,
            schedule.stored(),
            int(active),
            None if registered is None else str(registered),
        ),
    )
    found = await posyandu_by_code(tx, code)
    assert found is not None
    return found


async def known_histories(conn: Connection, posyandu_ids: Iterable[int]) -> dict[int, KnownHistory]:
    """Where each posyandu's known history starts: its registration month and its first
    report (domain.md, "History and new posyandu"). Every id maps to a value."""
    ids = sorted(set(posyandu_ids))
    out: dict[int, KnownHistory] = {i: KnownHistory() for i in ids}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            "SELECT p.id, p.registered, (SELECT min(r.period) FROM reports r "
            f"WHERE r.posyandu_id = p.id) FROM posyandu p WHERE p.id IN ({marks})",
            chunk,
        )
        for pid, registered, first in rows:
            out[pid] = KnownHistory(_period(registered), _period(first))
    return out


def _period(text: str | None) -> Period | None:
    return None if text is None else Period.parse(text)


async def set_schedule(tx: Connection, posyandu_id: int, schedule: Schedule) -> None:
    await tx.execute(
        "UPDATE posyandu SET schedule = ? WHERE id = ?", (schedule.stored(), posyandu_id)
    )


async def move_hari_buka(
    tx: Connection, posyandu_id: int, day: date, period: Period | None = None
) -> None:
    """A one-off move of the hari buka of ``period`` (default: ``day``'s month) to ``day``.

    The day may fall in the month before or after (a December opening held on 2 January).
    """
    month = period or Period(day.year, day.month)
    if abs(Period(day.year, day.month).months_since(month)) > 1:
        raise ValueError(f"hari buka of {month} cannot move to {day.isoformat()}")
    await tx.execute(
        "INSERT INTO hari_buka_moves (posyandu_id, period, day) VALUES (?, ?, ?) "
        "ON CONFLICT (posyandu_id, period) DO UPDATE SET day = excluded.day",
        (posyandu_id, str(month), day.isoformat()),
    )


async def cancel_move(tx: Connection, posyandu_id: int, period: Period) -> bool:
    """Back to the regular schedule for ``period``; False when there was no move."""
    cur = await tx.execute(
        "DELETE FROM hari_buka_moves WHERE posyandu_id = ? AND period = ?",
        (posyandu_id, str(period)),
    )
    return cur.rowcount > 0


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
    rows = await conn.execute_fetchall(sql, args)
    return {
        (r["posyandu_id"], Period.parse(r["period"])): date.fromisoformat(r["day"]) for r in rows
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
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT timezone, schedule FROM posyandu WHERE active = 1"
    )
    return [(r[0], Schedule.parse(r[1])) for r in rows]


async def posyandu_in_group(conn: Connection, timezone: str, schedule: Schedule) -> list[Posyandu]:
    """Active posyandu with this time zone and schedule."""
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM posyandu WHERE active = 1 AND timezone = ? AND schedule = ? "
        "ORDER BY id",
        (timezone, schedule.stored()),
    )
    return [_posyandu(r) for r in rows]
