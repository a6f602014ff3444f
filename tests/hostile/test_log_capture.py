"""The suite-wide log check (tests/conftest.py) and the masking it relies on (bot.logs)."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, RedactingFilter
from tests.conftest import SECRETS, _Catcher, _Leaks
from tests.e2e.conftest import TOKEN
from tests.hostile.harness import AUTH

PHONE = "+6281300000011"


def record(msg: str, *, error: Exception | None = None, **fields: object) -> logging.LogRecord:
    exc_info = (type(error), error, error.__traceback__) if error is not None else None
    return logging.getLogger("posyandu.test").makeRecord(
        "posyandu.test", logging.ERROR, __file__, 1, msg, (), exc_info,
        extra={"fields": fields},
    )  # fmt: skip


def test_the_check_finds_what_the_service_would_write_in_full() -> None:
    leaks = _Leaks()
    blind = _Catcher(leaks, secrets=())  # a service that was not told its secrets
    blind.emit(record(f"calling with {AUTH}"))
    assert len(leaks.found) == 1 and "secret" in leaks.found[0]
    blind.emit(record("sent", to=["whatsapp:" + PHONE]))  # not a string: not masked
    assert len(leaks.found) == 2 and "phone" in leaks.found[1]


def test_masked_records_pass_the_check() -> None:
    leaks = _Leaks()
    catcher = _Catcher(leaks)
    catcher.emit(record(f"token {TOKEN} auth {AUTH} from whatsapp:{PHONE}", address=PHONE))
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage to {PHONE}")
    except RuntimeError as exc:
        catcher.emit(record("outbox.send_error", error=exc))
    assert leaks.found == []


def test_tracebacks_are_masked_too() -> None:
    try:
        raise ValueError(f"The 'To' number whatsapp:{PHONE} is not valid ({AUTH})")
    except ValueError as exc:
        rec = record("outbox.send_error", error=exc)
    logging.Formatter().format(rec)  # another handler formatted it first (cached exc_text)
    RedactingFilter(SECRETS).filter(rec)
    line = json.loads(JsonFormatter().format(rec))
    assert PHONE not in line["error"] and AUTH not in line["error"]
    assert "*0011" in line["error"] and "ValueError" in line["error"]
