"""Replies are data: the conversation layer says *what* to send, channels decide *how*.

A reply is a message of the outbox contract (:mod:`storage.messages`): a text or a document.
"""

from __future__ import annotations

from storage.messages import Document, Text

__all__ = ["Document", "Reply", "Text"]

Reply = Text | Document
