"""Structured logs: one JSON line per event, with secrets and phone numbers masked.

``log_event(logger, "outbox.sent", id=3, channel="telegram")`` writes
``{"ts": ..., "level": "INFO", "event": "outbox.sent", "id": 3, "channel": "telegram"}``.
Message bodies are never logged at INFO. A :class:`RedactingFilter` masks, in every record,
the secrets it was given (bot token, auth tokens, webhook secrets), anything shaped like a
Telegram bot token, and phone numbers (all but the last four digits), in the message, the
fields and the traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "QUIET_LOGGERS",
    "JsonFormatter",
    "RedactingFilter",
    "configure_logging",
    "log_event",
    "mask",
]

#: A phone number: 9 or more digits, spaces and dashes, starting and ending with a digit. Not
#: a date or a time: never one that starts inside a word, a path or a digit-dash run, starts
#: as a date (2026-11-28), or ends in a clock time (``03:16``).
_PHONE = re.compile(r"(?<![\w/])(?<!\d-)(?!\d{4}-\d\d-\d\d)\+?\d[\d\s-]{7,}\d(?!\w|:\d)")
_BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return ("+" if match.group(0).startswith("+") else "") + "*" * (len(digits) - 4) + digits[-4:]


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secrets, bot tokens and phone numbers masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    text = _BOT_TOKEN.sub("[token]", text)
    return _PHONE.sub(_mask_phone, text)


_PLAIN = logging.Formatter()


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage(), self.secrets)
        record.args = None
        # An exception's message may quote a URL with the token, or a phone number.
        text = record.exc_text
        if record.exc_info and not text:
            text = _PLAIN.formatException(record.exc_info)
        if text:
            record.exc_text = mask(text, self.secrets)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = {
                k: mask(v, self.secrets) if isinstance(v, str) else v for k, v in fields.items()
            }
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_text:
            data["error"] = record.exc_text
        elif record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event with its fields (never a message body at INFO)."""
    logger.log(level, event, extra={"fields": fields})


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), file: Path | None = None
) -> None:
    """Send every log record, masked, as one JSON line to stderr (or to ``file``, for the
    console chat, whose terminal belongs to the person chatting)."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that log requests (phone numbers, URLs with tokens, message bodies: PTB's
    # "Calling Bot API endpoint ... with parameters" at DEBUG) are kept at WARNING whatever
    # LOG_LEVEL says, and so is fontTools, which logs some 30 INFO lines per PDF it subsets.
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


#: Loggers held at WARNING or above: they would log message bodies, links, tokens or numbers
#: (requests and their parameters), or are chatty about routine work (font subsetting).
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "apscheduler",
    "aiosqlite",
    "uvicorn.access",
    # Its "Started server process" / "Shutting down" lines would come before the one line
    # that says why a start failed; the service logs its own start and stop.
    "uvicorn.error",
    "twilio",
    "telegram",
    "fontTools",
)
