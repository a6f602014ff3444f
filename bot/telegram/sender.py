"""Sending through the Bot API: texts with reply keyboards, documents, and error mapping."""

from __future__ import annotations

import datetime as dtm
import io
from collections.abc import Awaitable, Sequence

from telegram import (
    Bot,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels import (
    OutgoingDocument,
    PermanentError,
    RetryLater,
    TransientError,
    Unreachable,
    split_text,
)
from bot.telegram import TELEGRAM

__all__ = ["TelegramSender", "columns", "keyboard"]

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4,096
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)


#: No message of the bot is sent with a link preview: the preview of a one-time dasbor link
#: would be Telegram's crawler asking it (harmless since a GET spends nothing, but pointless),
#: and no other message wants one.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

#: A button title this long or shorter is "short": three fit side by side on a phone.
SHORT_TITLE = 10
#: A title longer than this gets a row of its own.
LONG_TITLE = 20


def columns(choices: Sequence[str]) -> int:
    """Buttons per row: up to 3 short ones side by side (YA / TIDAK / BATAL on one row), a
    long set of short ones 3 a row (12 months in 4 rows), 4 as 2 + 2, longer titles 2 a row,
    and a title over 20 characters a row of its own."""
    longest = max((len(c) for c in choices), default=0)
    if longest > LONG_TITLE:
        return 1
    if longest > SHORT_TITLE:
        return min(2, len(choices))
    if len(choices) == 4:
        return 2
    return min(3, len(choices))


def keyboard(choices: Sequence[str]) -> ReplyKeyboardMarkup:
    """Choices as a resized, one-time reply keyboard, laid out by :func:`columns`. Every
    choice is a button, numbered or not: a button sends its text, never a number."""
    n = max(1, columns(choices))
    rows = [[KeyboardButton(c) for c in choices[i : i + n]] for i in range(0, len(choices), n)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


class TelegramSender:
    """A :class:`bot.channels.Sender` over a python-telegram-bot ``Bot`` (an ``ExtBot`` with
    PTB's rate limiter in the service)."""

    name = TELEGRAM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        #: Chats that were last sent a keyboard (so the next plain text removes it).
        self._keyboard_shown: set[str] = set()

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        parts = split_text(text, TEXT_LIMIT)
        message_id: str | None = None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
            if last and choices:
                markup = keyboard(choices)
            elif last and address in self._keyboard_shown:
                markup = ReplyKeyboardRemove()
            message = await self._call(
                self.bot.send_message(
                    address, part, reply_markup=markup, link_preview_options=NO_PREVIEW
                )
            )
            message_id = str(message.message_id)
        if choices:
            self._keyboard_shown.add(address)
        else:
            self._keyboard_shown.discard(address)
        return message_id

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        message = await self._call(
            self.bot.send_document(
                address,
                document=io.BytesIO(document.content),
                filename=document.filename,
                caption=document.caption[:CAPTION_LIMIT] or None,
            )
        )
        return str(message.message_id)

    @staticmethod
    async def _call(call: Awaitable[Message]) -> Message:
        try:
            return await call
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)
            raise RetryLater(seconds, str(exc)) from exc
        except Forbidden as exc:
            raise Unreachable(str(exc)) from exc
        except ChatMigrated as exc:
            raise PermanentError(f"chat migrated to {exc.new_chat_id}") from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Unreachable(str(exc)) from exc
            raise PermanentError(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise TransientError(str(exc)) from exc
        except TelegramError as exc:
            raise TransientError(str(exc)) from exc
