"""The console channel: replies printed on a terminal (or a pipe), documents written to a
folder with their path printed. A :class:`bot.channels.Sender`, so the outbox dispatcher
delivers to it exactly as to Telegram or WhatsApp."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.channels import OutgoingDocument
from bot.console import CONSOLE
from conversations.catalogue import say
from conversations.format import choice_list

__all__ = ["ConsoleSender"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ConsoleSender:
    """Prints the messages of the address at the keyboard (``serving``, set by the chat
    loop); the messages of other console addresses wait, unprinted, for their turn."""

    name = CONSOLE

    def __init__(self, out: TextIO, out_dir: Path, serving: str | None = None) -> None:
        self.out = out
        self.out_dir = out_dir
        self.serving = serving
        self.sent = 0
        #: When a list (``chat --jsonl``): replies are kept here, as JSON objects, not printed.
        self.captured: list[dict[str, Any]] | None = None

    def _write(self, text: str) -> None:
        self.out.write(text.rstrip("\n") + "\n\n")
        self.out.flush()

    def _capture(
        self, text: str, choices: Sequence[str] = (), document: Path | None = None
    ) -> bool:
        if self.captured is None:
            return False
        path = None if document is None else str(document)
        self.captured.append({"text": text, "choices": list(choices), "document": path})
        self.sent += 1
        return True

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        if self._capture(text, choices):
            return str(self.sent)
        listed = choice_list(tuple(choices)) if numbered else ""
        self._write(f"{text}\n{listed}" if listed else text)
        self.sent += 1
        return str(self.sent)

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        name = _UNSAFE.sub("_", Path(document.filename).name) or "dokumen.pdf"
        path = self.out_dir / name
        path.write_bytes(document.content)
        if self._capture(document.caption or "", (), path.resolve()):
            return str(self.sent)
        lines = [say("document.saved", path=path)]
        if document.caption:
            lines.insert(0, document.caption)
        self._write("\n".join(lines))
        self.sent += 1
        return str(self.sent)
