"""Replies as JSON, for outbox rows: what the engine writes and the dispatcher reads."""

from __future__ import annotations

import json
from typing import Any

from conversations.replies import Document, Reply, Text

__all__ = ["reply_from_json", "reply_to_json"]


def reply_to_json(reply: Reply) -> str:
    doc: dict[str, Any]
    if isinstance(reply, Text):
        doc = {"type": "text", "body": reply.body, "choices": list(reply.choices)}
    else:
        doc = {"type": "document", "kind": reply.kind, "params": dict(reply.params)}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def reply_from_json(text: str) -> Reply:
    """The reply; ``ValueError`` when ``text`` is not one."""
    try:
        doc = json.loads(text)
        if doc["type"] == "text":
            return Text(str(doc["body"]), tuple(str(c) for c in doc["choices"]))
        if doc["type"] == "document":
            return Document(str(doc["kind"]), dict(doc["params"]))
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a reply: {exc}") from exc
    raise ValueError(f"unknown reply type {doc.get('type')!r}")
