"""The dasbor on SQLite: median milliseconds to answer the area page and the posyandu table of
a kabupaten of 1,500 posyandu (11 months of reports each: bench_pdf's area), request to last
byte through the service's real ASGI app with a signed-in session, and the pages' sizes."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.bench_pdf import NOW, _seed_big
from bot.app import Service
from bot.settings import Settings
from scoring.clock import FixedClock
from storage.people import Role, create_person

__all__ = ["run"]

RUNS = 15


async def _measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            posyandu_db=path,
            media_dir=Path(folder) / "media",
            dasbor_secret="dasbor-secret-for-the-benchmark",
        )
        service = Service(settings, FixedClock(NOW), run_scheduler=False)
        await service.open()
        try:
            assert service.db is not None and service.dasbor is not None
            await _seed_big(service.db)
            async with service.db.transaction() as tx:
                person = await create_person(tx, "Bench", Role.SUPERVISOR, NOW, area_id=101)
            token = service.dasbor.issue(person.id).rsplit("/", 1)[1]
            app = service.asgi_app()
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                opened = await client.get(f"/dasbor/masuk/{token}")
                assert opened.status_code == 303, opened.status_code
                out: dict[str, float] = {}
                for name, url in (
                    ("area", "/dasbor/wilayah/101"),
                    ("table", "/dasbor/wilayah/101/posyandu?urut=ds&arah=turun"),
                ):
                    times, size = [], 0
                    for _ in range(RUNS):
                        start = time.perf_counter()
                        r = await client.get(url)
                        times.append(time.perf_counter() - start)
                        assert r.status_code == 200, (url, r.status_code)
                        size = len(r.content)
                    out[f"{name}_ms"] = statistics.median(times) * 1000
                    out[f"{name}_kb"] = size / 1024
                return out
        finally:
            await service.stop()


def run() -> list[dict[str, Any]]:
    m = asyncio.run(_measure())
    return [
        {
            "figure": "dasbor: area page of a kabupaten of 1,500 posyandu (median, SQLite)",
            "value": round(m["area_ms"], 1),
            "unit": "ms",
            "target": "<= 300 ms",
            "passed": m["area_ms"] <= 300,
        },
        {
            "figure": "dasbor: posyandu table of 1,500, sorted by D/S, page of 100 (median)",
            "value": round(m["table_ms"], 1),
            "unit": "ms",
            "target": "<= 200 ms",
            "passed": m["table_ms"] <= 200,
        },
        {
            "figure": "dasbor: area page size",
            "value": round(m["area_kb"], 1),
            "unit": "KB",
            "target": "< 150 KB",
            "passed": m["area_kb"] < 150,
        },
        {
            "figure": "dasbor: posyandu table page size (100 rows)",
            "value": round(m["table_kb"], 1),
            "unit": "KB",
            "target": "< 150 KB",
            "passed": m["table_kb"] < 150,
        },
    ]
