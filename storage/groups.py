"""Chat groups linked to an area (``/sambungkan``): area summaries are posted there too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage._times import from_db, to_db
from storage.db import Connection

__all__ = ["GroupLink", "groups_of_areas", "link_group", "unlink_group"]


@dataclass(frozen=True, slots=True)
class GroupLink:
    channel: str
    address: str
    area_id: int
    linked_by: int | None
    linked_at: datetime


async def link_group(
    tx: Connection, channel: str, address: str, area_id: int, by: int | None, at: datetime
) -> None:
    await tx.execute(
        "INSERT INTO group_links (channel, address, area_id, linked_by, linked_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO UPDATE SET "
        "area_id = excluded.area_id, linked_by = excluded.linked_by, "
        "linked_at = excluded.linked_at",
        (channel, address, area_id, by, to_db(at)),
    )


async def unlink_group(tx: Connection, channel: str, address: str) -> bool:
    cur = await tx.execute(
        "DELETE FROM group_links WHERE channel = ? AND address = ?", (channel, address)
    )
    return cur.rowcount > 0


async def groups_of_areas(conn: Connection, area_ids: list[int]) -> list[GroupLink]:
    if not area_ids:
        return []
    marks = ",".join("?" * len(area_ids))
    rows = await conn.execute_fetchall(
        f"SELECT * FROM group_links WHERE area_id IN ({marks}) ORDER BY area_id, address",
        area_ids,
    )
    return [
        GroupLink(r["channel"], r["address"], r["area_id"], r["linked_by"], from_db(r["linked_at"]))
        for r in rows
    ]
