"""Logs carry no secret and no phone number in full."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JsonFormatter, RedactingFilter, log_event, mask


def test_mask_phone_numbers_and_tokens() -> None:
    text = mask("from whatsapp:+6281234567890 token 123456789:AAHk3abcdefghijklmnopqrstuvwxyz1234")
    assert "6281234567890" not in text
    assert "+*********7890" in text
    assert "AAHk3" not in text and "[token]" in text


def test_mask_given_secrets() -> None:
    assert mask("sig=s3cr3t-value!", ["s3cr3t-value"]) == "sig=[secret]!"


def test_dates_and_ids_are_not_phone_numbers() -> None:
    assert mask("period 2026-11 id 12345") == "period 2026-11 id 12345"


@pytest.mark.parametrize(
    "text",
    [
        "next run at: 2026-11-28 03:16:57 UTC",  # APScheduler's own log line
        "next run at: 2026-11-28 03:16:57+00:00",
        "day 2026-11-28",
        "at 2026-11-28T03:16:57.123456+00:00",
        "between 2026-11-28 and 2026-12-05",
    ],
)
def test_dates_and_times_are_never_masked(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("whatsapp:+6281234567890", "whatsapp:+*********7890"),
        ("+6281234567890: halo", "+*********7890: halo"),
        ("telegram:-1001234567890 (a group)", "telegram:-*********7890 (a group)"),
        ("to 0812-3456-7890 at 2026-11-28 03:16", "to ********7890 at 2026-11-28 03:16"),
    ],
)
def test_phone_numbers_next_to_dates_are_still_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_json_line_with_fields(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.logs")
    record = logger.makeRecord(
        "test.logs",
        logging.INFO,
        __file__,
        1,
        "outbox.sent",
        None,
        None,
        extra={"fields": {"id": 3, "address": "+6281234567890"}},
    )
    RedactingFilter(["auth-token-value"]).filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "outbox.sent"
    assert line["id"] == 3
    assert line["address"] == "+*********7890"
    with caplog.at_level(logging.INFO):
        log_event(logger, "hello", id=1)
    assert caplog.records[-1].getMessage() == "hello"
