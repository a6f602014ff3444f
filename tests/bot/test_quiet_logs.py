"""What the logs never hold, at any LOG_LEVEL: a PostgreSQL password (in ``user:password@`` or
``?password=``), a message body, a link or a token (python-telegram-bot logs its requests'
parameters at DEBUG), and fontTools' INFO lines about each PDF's font subsetting."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.logs import configure_logging
from bot.pdf import render_posyandu_report
from storage.db import mask_url, url_secrets
from tests.bot.test_telegram_channel import telegram
from tests.e2e.conftest import TOKEN
from tests.pdf.test_pdf import _data

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes the root logger and some libraries' levels: put them back.
    The libraries start at their levels in a new process (the suite holds some at WARNING)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("telegram", "fontTools")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.NOTSET)
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://posyandu:s3cr3t-pw@db.example:5432/posyandu",
            "postgresql://posyandu:***@db.example:5432/posyandu",
        ),
        (
            "postgresql://posyandu@db.example/posyandu?password=s3cr3t-pw&sslmode=require",
            "postgresql://posyandu@db.example/posyandu?password=***&sslmode=require",
        ),
        (
            "postgres://db.example/posyandu?sslmode=require&password=s3cr3t-pw",
            "postgres://db.example/posyandu?sslmode=require&password=***",
        ),
    ],
)
def test_a_password_in_the_query_is_masked_like_one_before_the_host(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert "s3cr3t-pw" in url_secrets(url)


def test_an_encoded_query_password_is_masked_in_both_forms() -> None:
    url = "postgresql://db.example/p?password=p%40ss%2Fw0rd"
    assert set(url_secrets(url)) >= {"p%40ss%2Fw0rd", "p@ss/w0rd"}
    assert "w0rd" not in mask_url(url)


@pytest.mark.slow
async def test_debug_logs_hold_no_message_body_link_or_token(
    tmp_path: Path, restore_logging: None
) -> None:
    log = tmp_path / "debug.log"
    configure_logging("DEBUG", [], file=log)
    body = "Rahasia Bu Sari: D 42 https://dasbor.example/dasbor/masuk/tok-9f8e7d6c5b4a"
    async with telegram(tmp_path) as (fake, channel):
        await channel.send_text("4242", body, ["YA", "TIDAK"])
    assert fake.sent("sendMessage", 4242)
    for h in logging.getLogger().handlers:
        h.flush()
    written = log.read_text(encoding="utf-8")
    assert written  # DEBUG logging was on and wrote
    assert "Rahasia" not in written
    assert "tok-9f8e7d6c5b4a" not in written
    assert TOKEN.split(":", 1)[1] not in written


def test_rendering_a_pdf_logs_nothing_from_fonttools(tmp_path: Path, restore_logging: None) -> None:
    log = tmp_path / "info.log"
    configure_logging("INFO", [], file=log)
    render_posyandu_report(_data())
    for h in logging.getLogger().handlers:
        h.flush()
    assert "fontTools" not in log.read_text(encoding="utf-8")
