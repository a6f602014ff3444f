"""From a Bot API update (JSON) to what the engine needs: who, where, what, which update.

python-telegram-bot parses the update (``Update.de_json``). Only text messages are taken;
in groups, only commands (``/status`` or ``/status@ourbot``; a command addressed to another
bot is not ours), with the ``@ourbot`` suffix removed. :func:`inbound` is what the engine is
handed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Bot, Update

from bot.telegram import TELEGRAM
from conversations.inbound import Inbound

__all__ = ["TelegramText", "from_update", "inbound", "parse_update"]

PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class TelegramText:
    update_id: int
    #: Where replies go, the address: a private chat's id is its user's; a group's is negative.
    chat_id: str
    chat_type: str
    #: Who sent it (their user id, which is also their private chat id).
    sender_id: str | None
    text: str
    sent_at: datetime | None

    @property
    def in_group(self) -> bool:
        return self.chat_type != PRIVATE


def parse_update(data: Any, bot: Bot, bot_username: str) -> tuple[int, TelegramText | None]:
    """(update id, the text to handle or None when there is nothing for us in the update).

    Raises ``ValueError`` when ``data`` is not a Bot API update at all.
    """
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("not a Telegram update: no integer update_id")
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # any field of any type: TypeError, OverflowError, OSError ...
        raise ValueError(f"malformed Telegram update: {type(exc).__name__}") from exc
    problem = _malformed(update)
    if problem:
        raise ValueError(f"malformed Telegram update: {problem}")
    return update.update_id, from_update(update, bot_username)


def _malformed(update: Update) -> str | None:
    """What is of the wrong type in the message (PTB's parser does not check types)."""
    message = update.message
    if message is None:
        return None
    chat = message.chat
    if chat is None or type(chat.id) is not int or not isinstance(chat.type, str):
        return "chat"
    if message.text is not None and not isinstance(message.text, str):
        return "text"
    sender = message.from_user
    if sender is not None and type(sender.id) is not int:
        return "from"
    return None


def from_update(update: Update, bot_username: str) -> TelegramText | None:
    """The text message in ``update`` that is for us, or None."""
    message = update.message
    if message is None or message.text is None or message.chat is None:
        return None
    text = message.text
    chat_type = str(message.chat.type)
    if chat_type != PRIVATE:
        command = _command_for_us(text, bot_username)
        if command is None:
            return None
        text = command
    sender = message.from_user
    return TelegramText(
        update_id=update.update_id,
        chat_id=str(message.chat.id),
        chat_type=chat_type,
        sender_id=str(sender.id) if sender is not None else None,
        text=text,
        sent_at=message.date,
    )


def _command_for_us(text: str, bot_username: str) -> str | None:
    """``/status@ourbot 2026-11`` -> ``/status 2026-11``; None when not a command for us."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    head, _, rest = stripped.partition(" ")
    command, _, mention = head.partition("@")
    if mention and mention.lower() != bot_username.lower():
        return None
    return f"{command} {rest}".strip()


def inbound(text: TelegramText, received_at: datetime) -> Inbound:
    """The message for the engine: from the chat, deduplicated by the update id; in a group,
    with the member who wrote."""
    return Inbound(
        channel=TELEGRAM,
        address=text.chat_id,
        text=text.text,
        external_id=f"u{text.update_id}",
        received_at=received_at,
        in_group=text.in_group,
        sender=text.sender_id if text.in_group else None,
    )
