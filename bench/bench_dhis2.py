"""A kabupaten's month to DHIS2 (issue 27, docs/dhis2.md): 1,500 posyandu, 20 mapped fields,
30,000 data values.

- ``posyandu export --format dhis2-json --mapping FILE --period YYYY-MM`` (and ``dhis2-csv``),
  the real command in this process, its output to a file: target 2 s;
- ``posyandu dhis2 push --mapping FILE --period YYYY-MM`` to the fake DHIS2 on 127.0.0.1
  (tests/fakes/dhis2_api.py, which checks every value as DHIS2 does), in batches of
  DHIS2_BATCH_SIZE (2,000: 15 requests): target 10 s; then the same push again (DHIS2 holds
  every value: nothing is sent).

The fake runs in a thread of its own (its own event loop); the command runs as an operator
runs it (``asyncio.run`` of its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.seeding import seed_kader
from bot.cli import main
from scoring import Period
from scoring.fields import COUNT_FIELDS
from storage import Database
from storage.reports import save_report
from tests.fakes.dhis2_api import FakeDhis2
from tests.fakes.server import serve
from tests.storage.helpers import STEADY, month

__all__ = ["run"]

POSYANDU = 1_500
FIELDS = 20
MONTH = Period(2026, 10)
AT = datetime(2026, 11, 2, tzinfo=UTC)
EXPORT_TARGET_S = 2.0
PUSH_TARGET_S = 10.0
#: A month with every count but vitamin A (asked in February and August) known.
_FILLED = {
    **STEADY,
    "pmt": 10,
    "bumil_fe": 3,
    "bumil_kek": 1,
    "rujukan": 1,
    "bayi_0_6": 5,
    "asi_eksklusif": 3,
}
#: The first count fields the month fills (not vitamin A; not T, O, B, which the child
#: register gives).
MAPPED = [f for f in COUNT_FIELDS if month(MONTH, **_FILLED).values().get(f) is not None][:FIELDS]


async def _seed(path: Path) -> None:
    async with await Database.open(path) as db:
        async with db.transaction() as tx:
            await seed_kader(tx, POSYANDU, "KB", 12, AT.isoformat())
        async with db.transaction() as tx:
            report = month(MONTH, **_FILLED)
            for i in range(1, POSYANDU + 1):
                await save_report(tx, i, report, by=None, at=AT, channel="bench")


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _timed_cli(argv: list[str], out: Path) -> float:
    with out.open("w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        start = time.perf_counter()
        code = main(argv)
        took = time.perf_counter() - start
    assert code == 0, (argv, code, out.read_text("utf-8")[-500:])
    return took


@contextlib.contextmanager
def _fake_dhis2(fake: FakeDhis2) -> Iterator[str]:
    """The fake on 127.0.0.1 in a thread with its own loop; its base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    url: list[str] = []

    async def serving() -> None:
        async with serve(fake.app()) as base:
            url.append(base)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serving(),), daemon=True)
    thread.start()
    ready.wait(timeout=30)
    try:
        yield url[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()


def _measure(tmp: Path) -> dict[str, float]:
    db = tmp / "dhis2.db"
    asyncio.run(_seed(db))
    mapping = tmp / "mapping.csv"
    rows = [f"{f},DE_{f.upper()},default" for f in MAPPED]
    mapping.write_text("field,dataElement,categoryOptionCombo\n" + "\n".join(rows) + "\n")
    select = ["--mapping", str(mapping), "--period", str(MONTH)]
    fake = FakeDhis2(
        data_elements={f"DE_{f.upper()}" for f in MAPPED},
        org_units={f"KB{i:04d}" for i in range(1, POSYANDU + 1)},
    )
    out: dict[str, float] = {}
    with _environment(POSYANDU_DB=str(db)):
        out["json"] = _timed_cli(["export", "--format", "dhis2-json", *select], tmp / "o.json")
        out["csv"] = _timed_cli(["export", "--format", "dhis2-csv", *select], tmp / "o.csv")
        with _fake_dhis2(fake) as url, _environment(DHIS2_URL=url, DHIS2_TOKEN=fake.token):
            out["push"] = _timed_cli(["dhis2", "push", *select], tmp / "push.txt")
            out["again"] = _timed_cli(["dhis2", "push", *select], tmp / "again.txt")
    out["values"] = len(fake.values)
    out["requests"] = len(fake.requests)
    return out


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        m = _measure(Path(tmp))
    values, requests = int(m["values"]), int(m["requests"])
    assert values == POSYANDU * FIELDS, values
    what = f"{POSYANDU:,} posyandu x {FIELDS} fields = {values:,} values"
    return [
        {
            "figure": f"DHIS2 export dhis2-json, a kabupaten's month ({what})",
            "value": round(m["json"], 2),
            "unit": "s",
            "target": f"<= {EXPORT_TARGET_S:g} s",
            "passed": m["json"] <= EXPORT_TARGET_S,
        },
        {
            "figure": "DHIS2 export dhis2-csv, the same month",
            "value": round(m["csv"], 2),
            "unit": "s",
            "target": f"<= {EXPORT_TARGET_S:g} s",
            "passed": m["csv"] <= EXPORT_TARGET_S,
        },
        {
            "figure": f"DHIS2 push to the fake DHIS2, the same month ({requests} requests)",
            "value": round(m["push"], 2),
            "unit": "s",
            "target": f"<= {PUSH_TARGET_S:g} s",
            "passed": m["push"] <= PUSH_TARGET_S,
        },
        {
            "figure": "DHIS2 push again (every value already in DHIS2: none sent)",
            "value": round(m["again"], 2),
            "unit": "s",
            "target": "",
            "passed": True,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']:,} {row['unit']}")
