"""Suite-wide: the logs of the whole test run carry no secret and no phone number in full.

Every log record emitted anywhere during the run (our loggers at DEBUG, the libraries as the
service configures them: request loggers at WARNING) is rendered exactly as the service writes
it (``bot.logs``: :class:`RedactingFilter` with the secrets the service knows, then
:class:`JsonFormatter`, tracebacks included) and checked for the test fixtures' bot token,
webhook secret, Twilio auth tokens, media signing key and phone numbers, and for anything
shaped like a full Indonesian mobile number. Any hit fails the run at the end, naming the test
and the logger.

Logs of subprocesses (``posyandu run`` in tests/e2e/test_crash.py) go to their own stderr;
a test that captures such output can hand it to :func:`scan_log_text`.

Markers (``pytest -m "not slow"``, ``make test-fast``: the unit layer alone, tests/fast_layer.py):
tests under tests/e2e are ``e2e`` and ``slow``; tests under tests/hostile (the whole service,
fake servers, fuzzing), the crash tests (a killed subprocess), the tests whose fixtures include
the PostgreSQL server and the PostgreSQL side of the tests on both engines are ``slow``; other
slow tests carry the mark themselves. A test of the unit layer that starts a subprocess or a
server, or connects to one, fails (:func:`tests.fast_layer.fast_layer_phase`). Hypothesis
runs without its per-example deadline: a wall-clock limit on a shared machine fails tests for
being slow, not wrong.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import threading
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.demo import DEMO_KADER, DEMO_SUPERVISOR
from bot.logs import JsonFormatter, RedactingFilter
from tests.clock import DEFAULT_HARI_BUKA, DEFAULT_TODAY, Day, days, pinned
from tests.e2e import test_whatsapp as e2e_whatsapp
from tests.e2e.conftest import SECRET, TOKEN
from tests.fast_layer import fast_layer_phase
from tests.hostile import harness as hostile
from tests.postgres import PostgresServer, PostgresUnavailable
from tests.postgres import start as start_postgres

__all__ = ["scan_log_text"]

# On CI (the CI variable set), the examples are derived from each test, not drawn at random:
# a CI run is reproducible, and a new counterexample is found on a developer's run instead.
settings.register_profile(
    "posyandu",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("posyandu")

_TESTS = Path(__file__).resolve().parent
_PINNED = pytest.StashKey[ExitStack]()
#: Folders whose every test is slow, with the markers they get.
_SLOW_FOLDERS: dict[str, tuple[str, ...]] = {"e2e": ("e2e", "slow"), "hostile": ("slow",)}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default=DEFAULT_TODAY.isoformat(),
        help="the moment the run is pinned at, ISO 8601 with its UTC offset (tests/clock.py); "
        f"default {DEFAULT_TODAY.isoformat()}",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Pin the run's wall clock (tests/clock.py): the real date never reaches a test."""
    text = str(config.getoption("--today"))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--today {text!r}: not an ISO 8601 moment") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--today {text!r}: give its UTC offset, e.g. +07:00")
    pin = ExitStack()
    pin.enter_context(pinned(moment))
    config.stash[_PINNED] = pin


def pytest_unconfigure(config: pytest.Config) -> None:
    pin = config.stash.get(_PINNED, None)
    if pin is not None:
        pin.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``today`` runs on each of tests.clock.days() (its ``hari_buka`` mark
    gives its posyandu's hari buka day)."""
    if "today" in metafunc.fixturenames:
        mark = metafunc.definition.get_closest_marker("hari_buka")
        day = int(mark.args[0]) if mark is not None else DEFAULT_HARI_BUKA
        chosen = days(day)
        metafunc.parametrize("today", chosen, ids=[d.name for d in chosen], indirect=True)


@pytest.fixture
def today(request: pytest.FixtureRequest) -> Iterator[Day]:
    """The day the test runs on (parametrized by pytest_generate_tests): the wall clock
    travels there, ticking, for the test's duration."""
    day: Day = request.param
    with pinned(day.moment):
        yield day


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by where they live (see the module docstring); a test's ``today`` is set up
    before its other fixtures, so what they make (a seeded month, an invitation) is of that day."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if isinstance(names, list) and "today" in names:
            names.remove("today")
            names.insert(0, "today")
        path = Path(str(item.path)).resolve()
        try:
            parts = path.relative_to(_TESTS).parts
        except ValueError:
            continue
        marks = _SLOW_FOLDERS.get(parts[0], ()) if len(parts) > 1 else ()
        if path.name == "test_crash.py" or (isinstance(names, list) and "postgres_server" in names):
            marks = (*marks, "slow")
        for mark in dict.fromkeys(marks):
            item.add_marker(getattr(pytest.mark, mark))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from fast_layer_phase(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from fast_layer_phase(item))


#: Secrets the fixtures hand to the service (the service masks exactly these).
SECRETS: tuple[str, ...] = (TOKEN, SECRET, e2e_whatsapp.AUTH, hostile.AUTH, hostile.MEDIA_KEY)
#: Phone numbers the fixtures use.
PHONES: tuple[str, ...] = (
    DEMO_KADER,
    DEMO_SUPERVISOR,
    "+6281200000101",
    "+6289900000001",
    e2e_whatsapp.KADER,
    *(p.whatsapp for p in hostile.POSYANDU),
)
#: Any full Indonesian mobile number (+62 8xx..., 628xx..., 08xx...), however written.
_ANY_PHONE = re.compile(r"(?<![\w*])(?:\+?62|0)[\s-]?8\d(?:[\s-]?\d){6,11}(?!\w)")
#: The libraries the service keeps at WARNING (bot.logs.configure_logging), plus the font
#: subsetter, which logs a line per glyph table at DEBUG.
_QUIET = ("httpx", "httpcore", "apscheduler", "aiosqlite", "uvicorn.access", "twilio", "fontTools")


@dataclass
class _Leaks:
    found: list[str] = field(default_factory=list)
    test: str = "(outside a test)"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, where: str, text: str) -> None:
        hits = [f"secret {s[:4]}…" for s in SECRETS if s in text]
        hits += [f"phone {p[:6]}…" for p in PHONES if p in text or p.lstrip("+") in text]
        hits += [f"phone-like {m.group(0)[:6]}…" for m in _ANY_PHONE.finditer(text)]
        if hits:
            with self.lock:
                self.found.append(f"{self.test} [{where}]: {', '.join(hits)}: {text[:300]}")


_LEAKS = _Leaks()


def scan_log_text(source: str, text: str) -> None:
    """Check log output captured from a subprocess (reported with the rest at the end)."""
    for line in text.splitlines():
        _LEAKS.check(source, line)


class _Catcher(logging.Handler):
    """Renders each record as the service would and looks for leaks."""

    def __init__(self, leaks: _Leaks = _LEAKS, secrets: tuple[str, ...] = SECRETS) -> None:
        super().__init__(logging.DEBUG)
        self.leaks = leaks
        self.redact = RedactingFilter(secrets)
        self.json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            mine = copy.copy(record)  # the filter rewrites the record; others see the original
            fields = getattr(record, "fields", None)
            if isinstance(fields, dict):
                mine.fields = dict(fields)
            self.redact.filter(mine)
            self.leaks.check(record.name, self.json.format(mine))
        except Exception:  # a record that cannot even be rendered is a finding too
            self.leaks.found.append(f"{self.leaks.test} [{record.name}]: cannot render")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the run (tests/postgres.py), started when a test first
    needs it and removed at the end. A server that cannot start fails those tests with the
    reason; they are never skipped."""
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL test server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new empty database on the test server."""
    return postgres_server.create_database()


@pytest.fixture(scope="session", autouse=True)
def _no_secrets_in_logs() -> Iterator[None]:
    root = logging.getLogger()
    catcher = _Catcher()
    old_level = root.level
    quiet = {name: logging.getLogger(name).level for name in _QUIET}
    root.setLevel(logging.DEBUG)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    root.addHandler(catcher)
    yield
    root.removeHandler(catcher)
    root.setLevel(old_level)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    if _LEAKS.found:
        shown = "\n".join(_LEAKS.found[:20])
        pytest.fail(f"{len(_LEAKS.found)} log line(s) leak a secret or phone number:\n{shown}")


@pytest.fixture(autouse=True)
def _name_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Names the test in leak reports; puts the catcher back if a test reconfigured logging."""
    _LEAKS.test = request.node.nodeid
    root = logging.getLogger()
    if not any(isinstance(h, _Catcher) for h in root.handlers):
        root.addHandler(_Catcher())
    if root.level != logging.DEBUG:  # a test reconfigured logging (posyandu run, chat)
        root.setLevel(logging.DEBUG)
    yield
    _LEAKS.test = "(between tests)"
