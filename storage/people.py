"""People and their channel identities (several per person), last inbound time, reachability.

A kader belongs to a posyandu, a supervisor or admin to an area. An identity is a
(channel, address) pair, stored as the channel gave it: a Telegram chat id as a string, a
WhatsApp number in E.164 (``+6281234567890``), or a console name. What an address of each
channel looks like is the channel's to say (``bot.channels.registry.check_address``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage._times import from_db_opt, to_db
from storage.db import Connection
from storage.sql import Row, fetch_one, prefixed_columns

__all__ = [
    "Identity",
    "Person",
    "Role",
    "add_identity",
    "area_people",
    "choose_for_reminders",
    "create_person",
    "identities_of",
    "identity",
    "identity_columns",
    "identity_from_row",
    "mark_inbound",
    "names_of",
    "people_of_area",
    "people_of_posyandu",
    "person_by_address",
    "person_by_id",
    "person_columns",
    "person_from_row",
    "phone_twin",
    "remove_identity",
    "sender_by_address",
    "set_reachable",
    "set_reminders",
]


class Role(StrEnum):
    KADER = "kader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def sees_area(self) -> bool:
        """Supervisors and admins look at (and answer for) an area; a kader at a posyandu."""
        return self is not Role.KADER


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    role: Role
    #: A kader's posyandu.
    posyandu_id: int | None = None
    #: A supervisor's or admin's area.
    area_id: int | None = None
    #: False after STOP PENGINGAT: the scheduler sends this person no reminders.
    reminders: bool = True


@dataclass(frozen=True, slots=True)
class Identity:
    id: int
    person_id: int
    channel: str
    address: str
    last_inbound_at: datetime | None
    reachable: bool
    #: When the person chose it for their reminders (MULAI PENGINGAT from it; None: never).
    reminders_chosen_at: datetime | None = None


_PERSON = "id, name, role, posyandu_id, area_id, reminders"
_IDENTITY = "id, person_id, channel, address, last_inbound_at, reachable, reminders_chosen_at"


def _person(row: Row, prefix: str = "") -> Person:
    return Person(
        row[f"{prefix}id"],
        row[f"{prefix}name"],
        Role(row[f"{prefix}role"]),
        row[f"{prefix}posyandu_id"],
        row[f"{prefix}area_id"],
        bool(row[f"{prefix}reminders"]),
    )


def _identity(row: Row, prefix: str = "") -> Identity:
    return Identity(
        row[f"{prefix}id"],
        row[f"{prefix}person_id"],
        row[f"{prefix}channel"],
        row[f"{prefix}address"],
        from_db_opt(row[f"{prefix}last_inbound_at"]),
        bool(row[f"{prefix}reachable"]),
        from_db_opt(row[f"{prefix}reminders_chosen_at"]),
    )


def person_columns(table: str, prefix: str) -> str:
    """The person columns of ``table`` (an alias in a join), each named ``prefix`` + column:
    a row of them is read by :func:`person_from_row`."""
    return prefixed_columns(_PERSON, table, prefix)


def identity_columns(table: str, prefix: str) -> str:
    """As :func:`person_columns`, for :func:`identity_from_row`."""
    return prefixed_columns(_IDENTITY, table, prefix)


def person_from_row(row: Row, prefix: str) -> Person | None:
    """The person of a joined row (None when the join found none)."""
    return _person(row, prefix) if row[f"{prefix}id"] is not None else None


def identity_from_row(row: Row, prefix: str) -> Identity | None:
    """The identity of a joined row (None when the join found none)."""
    return _identity(row, prefix) if row[f"{prefix}id"] is not None else None


async def create_person(
    tx: Connection,
    name: str,
    role: Role,
    at: datetime,
    *,
    posyandu_id: int | None = None,
    area_id: int | None = None,
) -> Person:
    if role is Role.KADER and posyandu_id is None:
        raise ValueError("a kader belongs to a posyandu")
    if role is not Role.KADER and area_id is None:
        raise ValueError("a supervisor or admin belongs to an area")
    rows = await tx.execute_fetchall(
        "INSERT INTO people (name, role, posyandu_id, area_id, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (name, role.value, posyandu_id, area_id, to_db(at)),
    )
    return Person(int(next(iter(rows))[0]), name, role, posyandu_id, area_id, True)


async def person_by_id(conn: Connection, person_id: int) -> Person | None:
    row = await fetch_one(conn, f"SELECT {_PERSON} FROM people WHERE id = ?", (person_id,))
    return _person(row) if row else None


async def person_by_address(conn: Connection, channel: str, address: str) -> Person | None:
    found = await sender_by_address(conn, channel, address)
    return found[0] if found else None


async def sender_by_address(
    conn: Connection, channel: str, address: str
) -> tuple[Person, Identity] | None:
    """The person behind ``channel:address`` with that identity (one query)."""
    person_cols = ", ".join(f"p.{c.strip()} AS p_{c.strip()}" for c in _PERSON.split(","))
    ident_cols = ", ".join(f"i.{c.strip()}" for c in _IDENTITY.split(","))
    row = await fetch_one(
        conn,
        f"SELECT {person_cols}, {ident_cols} FROM people p "
        "JOIN identities i ON i.person_id = p.id WHERE i.channel = ? AND i.address = ?",
        (channel, address),
    )
    return (_person(row, "p_"), _identity(row)) if row else None


async def phone_twin(
    conn: Connection,
    channel: str,
    address: str,
    role: Role,
    *,
    posyandu_id: int | None,
    area_id: int | None,
) -> Person | None:
    """The person who has phone number ``address`` (E.164) on another channel, in this role
    and place: the same person registering on a second channel (WhatsApp, then SMS from the
    same number). None for an address that is not a phone number, or nobody."""
    if not address.startswith("+"):
        return None
    row = await fetch_one(
        conn,
        f"SELECT {', '.join(f'p.{c.strip()}' for c in _PERSON.split(','))} FROM people p "
        "JOIN identities i ON i.person_id = p.id "
        "WHERE i.address = ? AND i.channel <> ? AND p.role = ? "
        "AND coalesce(p.posyandu_id, 0) = ? AND coalesce(p.area_id, 0) = ? "
        "ORDER BY p.id LIMIT 1",
        (address, channel, role.value, posyandu_id or 0, area_id or 0),
    )
    return _person(row) if row else None


async def add_identity(tx: Connection, person_id: int, channel: str, address: str) -> Identity:
    """Bind ``channel:address`` to the person (re-binding it if it belonged to someone else)."""
    await tx.execute(
        "INSERT INTO identities (person_id, channel, address) VALUES (?, ?, ?) "
        "ON CONFLICT (channel, address) DO UPDATE SET person_id = excluded.person_id, "
        "reachable = 1",
        (person_id, channel, address),
    )
    found = await identity(tx, channel, address)
    assert found is not None
    return found


async def identity(conn: Connection, channel: str, address: str) -> Identity | None:
    row = await fetch_one(
        conn,
        f"SELECT {_IDENTITY} FROM identities WHERE channel = ? AND address = ?",
        (channel, address),
    )
    return _identity(row) if row else None


async def identities_of(conn: Connection, person_ids: list[int]) -> list[Identity]:
    if not person_ids:
        return []
    marks = ",".join("?" * len(person_ids))
    rows = await conn.execute_fetchall(
        f"SELECT {_IDENTITY} FROM identities WHERE person_id IN ({marks}) ORDER BY id",
        person_ids,
    )
    return [_identity(r) for r in rows]


async def mark_inbound(tx: Connection, channel: str, address: str, at: datetime) -> None:
    """Remember the last inbound time (WhatsApp's 24-hour window) and that they are reachable."""
    await tx.execute(
        "UPDATE identities SET last_inbound_at = ?, reachable = 1 "
        "WHERE channel = ? AND address = ? AND (last_inbound_at IS NULL OR last_inbound_at < ?)",
        (to_db(at), channel, address, to_db(at)),
    )


async def choose_for_reminders(tx: Connection, channel: str, address: str, at: datetime) -> None:
    """The person chose ``channel:address`` for their reminders (MULAI PENGINGAT from it)."""
    await tx.execute(
        "UPDATE identities SET reminders_chosen_at = ? WHERE channel = ? AND address = ?",
        (to_db(at), channel, address),
    )


async def set_reachable(tx: Connection, channel: str, address: str, reachable: bool) -> None:
    await tx.execute(
        "UPDATE identities SET reachable = ? WHERE channel = ? AND address = ?",
        (int(reachable), channel, address),
    )


async def set_reminders(tx: Connection, person_id: int, enabled: bool) -> None:
    await tx.execute("UPDATE people SET reminders = ? WHERE id = ?", (int(enabled), person_id))


async def people_of_posyandu(conn: Connection, posyandu_ids: list[int]) -> list[Person]:
    if not posyandu_ids:
        return []
    marks = ",".join("?" * len(posyandu_ids))
    rows = await conn.execute_fetchall(
        f"SELECT {_PERSON} FROM people WHERE posyandu_id IN ({marks}) ORDER BY id", posyandu_ids
    )
    return [_person(r) for r in rows]


async def names_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """The names of these people, by id (those that exist)."""
    ids = sorted(set(person_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT id, name FROM people WHERE id IN ({marks})", chunk
        )
        out.update((int(r[0]), str(r[1])) for r in rows)
    return out


async def people_of_area(conn: Connection, area_ids: list[int]) -> list[Person]:
    """Supervisors and admins attached to exactly these areas."""
    if not area_ids:
        return []
    marks = ",".join("?" * len(area_ids))
    rows = await conn.execute_fetchall(
        f"SELECT {_PERSON} FROM people WHERE area_id IN ({marks}) ORDER BY id", area_ids
    )
    return [_person(r) for r in rows]


async def area_people(conn: Connection) -> list[Person]:
    """Every supervisor and admin (people attached to an area)."""
    rows = await conn.execute_fetchall(
        f"SELECT {_PERSON} FROM people WHERE area_id IS NOT NULL AND role != 'kader' ORDER BY id"
    )
    return [_person(r) for r in rows]


async def remove_identity(tx: Connection, channel: str, address: str) -> bool:
    cur = await tx.execute(
        "DELETE FROM identities WHERE channel = ? AND address = ?", (channel, address)
    )
    return cur.rowcount > 0
