"""Linking a Telegram group to an area (SAMBUNGKAN / PUTUSKAN), and groups not linked yet.

Moves into conversations as ordinary commands (issue 13): then this module goes, with the
two lines in :meth:`bot.telegram.live.OpenTelegram.on_text` that call it.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.channel import Hub
from bot.telegram import TELEGRAM
from bot.telegram.updates import TelegramText
from conversations.catalogue import say
from storage import Connection
from storage import outbox as ob
from storage import people as people_db
from storage.areas import area_by_id
from storage.groups import link_group, unlink_group
from storage.inbound import record_inbound
from storage.messages import Outgoing, Text

__all__ = ["group_command"]


async def group_command(hub: Hub, text: TelegramText) -> bool:
    """Answered here (the group is not a person; a linked group speaks with its supervisor's
    scope): SAMBUNGKAN, PUTUSKAN, and anything in a group not linked. True when handled."""
    address = text.chat_id
    command = text.text.split(maxsplit=1)[0].lower().lstrip("/") if text.text else ""
    now = hub.clock.now()
    async with hub.db.transaction() as tx:
        linked = await people_db.person_by_address(tx, TELEGRAM, address)
        if command not in ("sambungkan", "putuskan") and linked is not None:
            return False
        if not await record_inbound(tx, TELEGRAM, f"u{text.update_id}", now):
            return True
        sender = (
            await people_db.person_by_address(tx, TELEGRAM, text.sender_id)
            if text.sender_id
            else None
        )
        if command == "sambungkan":
            reply = await _link(tx, address, sender, linked, now)
        elif command == "putuskan":
            reply = await _unlink(tx, address, sender, linked)
        else:
            reply = say("group.not_linked")
        await ob.append(
            tx, Outgoing(TELEGRAM, address, Text(reply), f"group:{text.update_id}"), now
        )
    hub.wake()
    return True


async def _link(
    tx: Connection,
    address: str,
    sender: people_db.Person | None,
    linked: people_db.Person | None,
    now: datetime,
) -> str:
    if sender is None or sender.role is people_db.Role.KADER or sender.area_id is None:
        return say("group.not_supervisor")
    if linked is not None and linked.id != sender.id:
        # Linked by someone else: only they can let it go (no silent takeover).
        return say("group.taken", name=linked.name)
    area = await area_by_id(tx, sender.area_id)
    await link_group(tx, TELEGRAM, address, sender.area_id, sender.id, now)
    await people_db.add_identity(tx, sender.id, TELEGRAM, address)
    return say("group.linked", area=area.title if area else "")


async def _unlink(
    tx: Connection,
    address: str,
    sender: people_db.Person | None,
    linked: people_db.Person | None,
) -> str:
    if sender is None or linked is None or sender.id != linked.id:
        return say("group.not_supervisor")
    await unlink_group(tx, TELEGRAM, address)
    await people_db.remove_identity(tx, TELEGRAM, address)
    return say("group.unlinked")
