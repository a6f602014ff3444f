"""What a document payload's ``params`` name: the posyandu or the area, by id or by code.

Shared by the renderer (bot.documents) and the dispatcher (which names a document in a
WhatsApp template without rendering it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage import Connection
from storage.areas import Area, area_by_code, area_by_id
from storage.posyandu import Posyandu, posyandu_by_code, posyandu_by_id

__all__ = ["area_of", "posyandu_of"]


async def posyandu_of(conn: Connection, params: Mapping[str, Any]) -> Posyandu | None:
    """The posyandu a document's ``params`` name (``posyandu_id`` or ``posyandu_code``)."""
    if "posyandu_id" in params:
        return await posyandu_by_id(conn, int(params["posyandu_id"]))
    if "posyandu_code" in params:
        return await posyandu_by_code(conn, str(params["posyandu_code"]))
    return None


async def area_of(conn: Connection, params: Mapping[str, Any]) -> Area | None:
    """The area a document's ``params`` name (``area_id`` or ``area_code``)."""
    if "area_id" in params:
        return await area_by_id(conn, int(params["area_id"]))
    if "area_code" in params:
        return await area_by_code(conn, str(params["area_code"]))
    return None
