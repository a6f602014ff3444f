"""Replies are data: the conversation layer says *what* to send, channels decide *how*.

A reply is a message of the outbox contract (:mod:`storage.messages`): a text, a document or a
link the bot makes at send time (the dasbor's).
"""

from __future__ import annotations

from storage.messages import Document, Link, Text

__all__ = ["Document", "Link", "Reply", "Text"]

Reply = Text | Document | Link
