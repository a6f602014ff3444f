"""The child register's dasbor pages in a real browser (headless chromium, as
tests/e2e/test_dasbor_browser.py): the desa bidan signs in, sees the desa's prevalence, opens
Mawar's weighing list from its page and a child's page from the list; each page screenshotted
at 360 and 1280 pixels wide and none scrolls sideways on a phone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import Service, server_limits
from bot.server import HttpServer
from scoring.clock import FixedClock
from storage.cipher import new_key
from tests.dasbor.register_seed import seed_children
from tests.e2e.conftest import settings_for
from tests.e2e.test_dasbor_browser import PAGE_LIMIT, Browser, _driver, _link
from tests.hostile.harness import NOW, seed

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


async def test_the_register_pages_in_a_real_browser(tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "browser.db")
    key = new_key()
    await seed_children(seeded.path, seeded, key)
    shots = tmp_path / "screenshots"
    settings = settings_for(seeded.path, register_key=key)
    service = Service(settings, FixedClock(NOW), run_scheduler=False)
    await service.open()
    try:
        service.server = await HttpServer.start(
            service.asgi_app(), "127.0.0.1", 0, server_limits(settings)
        )
        driver = await asyncio.to_thread(_driver, tmp_path)
        b = Browser(driver, service.base_url())
        try:
            await b.sign_in(await _link(service, seeded.actors["spv_desa_a1"].telegram))
            text = await b.wait_text("Stunting, wasting dan underweight")
            # Bukit Tempayan: Andi, Citra, Dewi; stunting 2 of 3.
            assert "2 dari 3 (67%)" in text and "Andi" not in text
            await b.screenshots(shots, "wilayah-desa")
            await b.click("Mawar")
            await b.click("Daftar penimbangan per anak")
            text = await b.wait_text("Penimbangan November 2026")
            assert "Andi Kurniawan" in text and "Citra Lestari" in text
            html = await b.run(lambda: str(b.driver.page_source))
            assert len(html.encode()) < PAGE_LIMIT
            await b.screenshots(shots, "penimbangan")
            await b.click("Andi Kurniawan")
            text = await b.wait_text("Riwayat penimbangan")
            assert "10 Sep 2026" in text
            await b.screenshots(shots, "anak")
        finally:
            await asyncio.to_thread(driver.quit)
    finally:
        await service.stop()
        if service.server is not None:
            await service.server.stop()
