"""An inbound message, normalised by the channel that received it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Inbound"]


@dataclass(frozen=True, slots=True)
class Inbound:
    """``channel`` names the adapter ("telegram", "whatsapp", "console"); ``address`` is the
    sender within it (chat id, phone number); ``external_id`` is the channel's message id,
    used to ignore redeliveries; ``received_at`` is timezone-aware."""

    channel: str
    address: str
    text: str
    external_id: str
    received_at: datetime
