"""An inbound message, normalised by the channel that received it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Inbound"]


@dataclass(frozen=True, slots=True)
class Inbound:
    """``channel`` names the adapter ("telegram", "whatsapp", "console"); ``address`` is the
    sender within it (chat id, phone number); ``external_id`` is the channel's message id,
    used to ignore redeliveries; ``received_at`` is timezone-aware. A lone surrogate in
    ``text`` (a forged JSON escape, undecodable console bytes) becomes U+FFFD: it could not
    be stored or sent back."""

    channel: str
    address: str
    text: str
    external_id: str
    received_at: datetime
    #: Sent in a chat group (a Telegram group linked to an area: anyone in it speaks with
    #: the supervisor's read scope, and nothing personal may be changed from there).
    in_group: bool = False
    #: In a group: the address of the member who wrote (their own chat id), for the commands
    #: that act on the group itself (SAMBUNGKAN, PUTUSKAN); None elsewhere.
    sender: str | None = None

    def __post_init__(self) -> None:
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError:
            object.__setattr__(self, "text", _SURROGATE.sub("\ufffd", self.text))


_SURROGATE = re.compile("[\ud800-\udfff]")
