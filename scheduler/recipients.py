"""Who receives each kind of reminder: shared by the sweep (which queues the messages) and the
preview (which lists them), so both always agree.

- ``h-1``, ``h``, ``h+2``: the posyandu's kader who have not stopped their reminders
  (``STOP PENGINGAT``);
- ``h+7``: the supervisors and admins attached to an area above the posyandu (desa up to
  provinsi) who have not stopped their reminders;
- ``rekap``: for each area with a supervisor or admin, those who have not stopped their
  reminders, and the chat groups linked to that area.

A person gets each reminder once, among their reachable identities on the one they chose
(MULAI PENGINGAT sent from it), else on the channel they last wrote from (one with WhatsApp
and SMS gets it where she last answered).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.areas import Area, areas_by_ids
from storage.db import Connection
from storage.groups import groups_of_areas
from storage.people import (
    Identity,
    Person,
    Role,
    area_people,
    identities_of,
    people_of_area,
    people_of_posyandu,
)
from storage.posyandu import area_timezone

__all__ = [
    "DEFAULT_AREA_ZONE",
    "Recipient",
    "kader_recipients",
    "rekap_recipients",
    "rekap_targets",
    "supervisor_recipients",
]

#: The rekap's time zone for an area without active posyandu.
DEFAULT_AREA_ZONE = "Asia/Jakarta"


@dataclass(frozen=True, slots=True)
class Recipient:
    #: None for a linked chat group.
    person_id: int | None
    #: The person's name; empty for a group.
    name: str
    channel: str
    address: str

    @property
    def is_group(self) -> bool:
        return self.person_id is None


async def _reachable(conn: Connection, people: list[Person]) -> dict[int, list[Recipient]]:
    """Each person's one identity a reminder goes to, of their reachable identities: the one
    they chose last (MULAI PENGINGAT sent from it), else the one they last wrote from (a kader
    on WhatsApp and SMS gets it where she last answered), else the first of them."""
    names = {p.id: p.name for p in people}
    chosen: dict[int, Identity] = {}
    for i in await identities_of(conn, [p.id for p in people]):
        if i.reachable and _preferred(i, chosen.get(i.person_id)):
            chosen[i.person_id] = i
    return {
        person_id: [Recipient(person_id, names[person_id], i.channel, i.address)]
        for person_id, i in chosen.items()
    }


def _preferred(candidate: Identity, best: Identity | None) -> bool:
    """Whether ``candidate`` goes before ``best``: chosen later, else (neither chosen) used
    later; identity order on a tie."""
    if best is None:
        return True
    for mine, theirs in (
        (candidate.reminders_chosen_at, best.reminders_chosen_at),
        (candidate.last_inbound_at, best.last_inbound_at),
    ):
        if mine != theirs:
            return mine is not None and (theirs is None or mine > theirs)
    return False


async def kader_recipients(conn: Connection, posyandu_ids: list[int]) -> dict[int, list[Recipient]]:
    """Per posyandu: its kader with reminders on, one entry per reachable identity (people in
    id order). A posyandu with nobody to reach is absent."""
    kader = [
        p
        for p in await people_of_posyandu(conn, sorted(set(posyandu_ids)))
        if p.role is Role.KADER and p.reminders
    ]
    reach = await _reachable(conn, kader)
    out: dict[int, list[Recipient]] = defaultdict(list)
    for person in kader:
        if person.posyandu_id is not None:
            out[person.posyandu_id].extend(reach.get(person.id, []))
    return dict(out)


async def supervisor_recipients(
    conn: Connection, area_ids: list[int]
) -> dict[int, list[Recipient]]:
    """Per area (exactly these areas, not below): its supervisors and admins, one entry per
    reachable identity. An area with nobody to reach is absent."""
    supervisors = [
        p
        for p in await people_of_area(conn, sorted(set(area_ids)))
        if p.role is not Role.KADER and p.reminders
    ]
    reach = await _reachable(conn, supervisors)
    out: dict[int, list[Recipient]] = defaultdict(list)
    for person in supervisors:
        if person.area_id is not None:
            out[person.area_id].extend(reach.get(person.id, []))
    return dict(out)


async def rekap_recipients(conn: Connection) -> dict[int, list[Recipient]]:
    """Per area that has a supervisor or admin: them (reachable identities) and the groups
    linked to the area. An area whose supervisors cannot be reached and has no group is
    present with an empty list (the rekap is due, nobody gets it)."""
    supervisors = await area_people(conn)
    area_ids = sorted({p.area_id for p in supervisors if p.area_id is not None})
    if not area_ids:
        return {}
    listening = [p for p in supervisors if p.reminders]
    reach = await _reachable(conn, listening)
    out: dict[int, list[Recipient]] = {a: [] for a in area_ids}
    for person in listening:
        if person.area_id is not None:
            out[person.area_id].extend(reach.get(person.id, []))
    for g in await groups_of_areas(conn, area_ids):
        out[g.area_id].append(Recipient(None, "", g.channel, g.address))
    return out


async def rekap_targets(conn: Connection) -> list[tuple[Area, ZoneInfo, list[Recipient]]]:
    """Every area that gets a rekap, in id order: the area, its time zone (the zone most of
    its active posyandu use; :data:`DEFAULT_AREA_ZONE` when none) and its recipients."""
    targets = await rekap_recipients(conn)
    areas = await areas_by_ids(conn, targets)
    out = []
    for area_id, recipients in sorted(targets.items()):
        area = areas.get(area_id)
        if area is not None:
            zone = await area_timezone(conn, area) or DEFAULT_AREA_ZONE
            out.append((area, ZoneInfo(zone), recipients))
    return out
