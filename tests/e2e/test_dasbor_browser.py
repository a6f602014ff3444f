"""The dasbor in a real browser: Debian's chromium, headless, through chromium-driver (Selenium),
against the service's HTTP app served by uvicorn on loopback. The link login (the link's page
and its button: asking a link spends nothing), a reused link, a refusal outside the scope (the
same page as for what does not exist), sorting, a PDF download, a name with markup, and a
screenshot of each page at 360 and 1280 pixels wide (saved under the test's tmp folder,
``screenshots/``).

``make test`` installs chromium and chromium-driver when they are missing; when the browser
cannot start, these tests fail and say why (never skipped)."""

from __future__ import annotations

import asyncio
import base64
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.app import Service, server_limits
from bot.server import HttpServer
from scoring.clock import FixedClock
from tests.e2e.conftest import settings_for, wait_for
from tests.hostile.harness import NOW, Seeded, seed

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

T = TypeVar("T")
WIDTHS = (360, 1280)
PAGE_LIMIT = 150_000


def _driver(downloads: Path) -> Any:
    """Headless chromium, or a failure that says what is missing."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.fail(
            "the dasbor's browser tests need Debian's chromium and chromium-driver "
            f"(found chromium={chromium}, chromedriver={driver}): `make test` installs them "
            "(apt-get install chromium chromium-driver, as root)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as ChromeService

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1280,900")
    try:
        browser = webdriver.Chrome(service=ChromeService(executable_path=driver), options=options)
    except Exception as exc:
        pytest.fail(f"chromium did not start headless: {type(exc).__name__}: {exc}")
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return browser


#: Every table that would need sideways scrolling (its scrolling box narrower than the table),
#: and every cell of a table that lies beyond the window's right edge: what a phone would hide.
_OVERFLOWING = """
const out = [];
for (const table of document.querySelectorAll("main table")) {
  const box = table.closest(".scroll") || table.parentElement;
  if (box.scrollWidth > box.clientWidth + 1) {
    out.push(`${table.className}: ${box.scrollWidth} px in ${box.clientWidth} px`);
  }
  for (const cell of table.querySelectorAll("td, th")) {
    const r = cell.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5) {
      out.push(`${table.className}: "${cell.innerText.slice(0, 20)}" ends at ${r.right} px`);
    }
  }
}
return out;
"""


@dataclass
class Browser:
    """Selenium's blocking calls, each in a thread: the service answers on this loop."""

    driver: Any
    base: str

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    async def open(self, path: str) -> str:
        url = path if path.startswith("http") else self.base + path
        await self.run(self.driver.get, url)
        source: str = await self.run(lambda: self.driver.page_source)
        return source

    async def text(self) -> str:
        """The page's visible text (read again when a navigation replaced the page under it)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By

        def read() -> str:
            return str(self.driver.find_element(By.TAG_NAME, "body").text)

        found: list[str] = []

        async def got() -> bool:
            try:
                found.append(await self.run(read))
            except WebDriverException:
                return False
            return True

        await wait_for(got, within=30)
        return found[-1]

    async def click(self, link_text: str) -> None:
        from selenium.webdriver.common.by import By

        found = await self.run(self.driver.find_element, By.PARTIAL_LINK_TEXT, link_text)
        await self.run(found.click)
        await self.loaded()

    async def press(self, css: str) -> None:
        """Press the button ``css`` selects (a form's submit) and wait for the next page."""
        from selenium.webdriver.common.by import By

        found = await self.run(self.driver.find_element, By.CSS_SELECTOR, css)
        await self.run(found.click)
        await self.loaded()

    async def sign_in(self, link: str, shots: Path | None = None) -> None:
        """Open a one-time link as a person does: its page (nothing spent) and its button."""
        html = await self.open(link)
        assert len(html.encode()) < PAGE_LIMIT
        await self.wait_text("Buka dasbor")
        if shots is not None:
            await self.screenshots(shots, "buka-dasbor")
        await self.press(".masuk form button")

    async def loaded(self) -> None:
        """Until the page the last click asked for is the one shown and complete."""
        from selenium.common.exceptions import WebDriverException

        async def done() -> bool:
            try:
                state = await self.run(self.driver.execute_script, "return document.readyState")
            except WebDriverException:
                return False
            return bool(state == "complete")

        await wait_for(done, within=30)

    async def wait_url(self, part: str) -> None:
        async def there() -> bool:
            url = await self.run(lambda: self.driver.current_url)
            return part in str(url)

        await wait_for(there, within=30)
        await self.loaded()

    async def wait_heading_sorted(self, way: str) -> None:
        """Until the table's sorted heading is marked ``up`` or ``down``."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By

        def marked() -> bool:
            try:
                found = self.driver.find_element(By.CSS_SELECTOR, f"th a.sorted.{way}")
            except WebDriverException:
                return False
            return found is not None

        async def sorted_so() -> bool:
            return await self.run(marked)

        await wait_for(sorted_so, within=30)

    async def wait_text(self, wanted: str) -> str:
        """The page's text once it shows ``wanted`` (a form's answer is a new page)."""
        found = ""

        async def shows() -> bool:
            nonlocal found
            found = await self.text()
            return wanted in found

        await wait_for(shows, within=30)
        return found

    async def screenshots(self, folder: Path, name: str) -> None:
        """The whole page at each width (the window as tall as the page)."""
        folder.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            await self.run(self.driver.set_window_size, width, 900)
            height = await self.run(
                self.driver.execute_script, "return document.documentElement.scrollHeight"
            )
            await self.run(
                self.driver.execute_cdp_cmd,
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": False},
            )
            shot = await self.run(
                self.driver.execute_cdp_cmd,
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True},
            )
            (folder / f"{name}-{width}.png").write_bytes(base64.b64decode(shot["data"]))
            width_used = await self.run(
                self.driver.execute_script, "return document.documentElement.scrollWidth"
            )
            overflowing = await self.run(self.driver.execute_script, _OVERFLOWING)
            await self.run(self.driver.execute_cdp_cmd, "Emulation.clearDeviceMetricsOverride", {})
            assert width_used <= width, f"{name} is wider than {width} px: {width_used}"
            assert overflowing == [], f"{name} at {width} px scrolls sideways: {overflowing}"
        await self.run(self.driver.set_window_size, 1280, 900)


@asynccontextmanager
async def served(seeded: Seeded) -> AsyncIterator[tuple[Service, str]]:
    """The service's HTTP app under uvicorn on loopback (no channel: links are made by the
    service as its dispatcher would), at ``http://127.0.0.1:<port>``."""
    settings = settings_for(seeded.path)  # no DASBOR_SECRET: the key kept in the database
    service = Service(settings, FixedClock(NOW), run_scheduler=False)
    await service.open()
    try:
        service.server = await HttpServer.start(
            service.asgi_app(), "127.0.0.1", 0, server_limits(settings)
        )
        yield service, service.base_url()
    finally:
        await service.stop()
        if service.server is not None:
            await service.server.stop()


async def _link(service: Service, telegram: str) -> str:
    assert service.db is not None
    async with service.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT person_id FROM identities WHERE channel = 'telegram' AND address = ?",
            (telegram,),
        )
    text = await service._link("dasbor", {"person_id": int(rows[0][0])})
    return next(word for word in text.body.split() if "/dasbor/masuk/" in word)


async def test_the_dasbor_in_a_real_browser(tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "browser.db")
    shots, downloads = tmp_path / "screenshots", tmp_path / "downloads"
    downloads.mkdir()
    async with served(seeded) as (service, base):
        assert service.db is not None
        async with service.db.transaction() as tx:
            await tx.execute(
                "UPDATE posyandu SET name = '<script>alert(1)</script>' WHERE code = 'KNG04'"
            )
        driver = await asyncio.to_thread(_driver, downloads)
        b = Browser(driver, base)
        try:
            await _as_kabupaten(b, service, seeded, shots, downloads)
            await _as_desa(b, service, seeded, shots)
        finally:
            await asyncio.to_thread(driver.quit)


async def _as_kabupaten(
    b: Browser, service: Service, seeded: Seeded, shots: Path, downloads: Path
) -> None:
    link = await _link(service, seeded.actors["spv_kab"].telegram)
    assert link.startswith(b.base + "/dasbor/masuk/")
    await b.sign_in(link, shots)
    html = await b.run(lambda: str(b.driver.page_source))
    assert len(html.encode()) < PAGE_LIMIT
    text = await b.wait_text("Kota Batam")
    assert "Kota Batam" in text and "Batu Aji" in text and "Sagulung" in text
    assert "Dokter Ani" in text
    await b.screenshots(shots, "wilayah")
    # The table: a heading clicked sorts it without a page reload (the table's script fetches
    # the same link and swaps the list in: what the page was given stays, the address moves).
    await b.click("Daftar 4 posyandu")
    await b.screenshots(shots, "tabel")
    text = await b.text()
    assert "<script>alert(1)</script>" in text  # the markup name, shown as text
    assert text.index("Anggrek") < text.index("Mawar")  # by name
    await b.run(b.driver.execute_script, "window.samePage = 'yes'")
    await b.click("D/S")
    await b.wait_url("urut=ds&arah=naik")
    await b.click("D/S")  # again: highest first
    await b.wait_url("urut=ds&arah=turun")
    text = await b.wait_text("Anggrek")
    assert text.index("Anggrek") < text.index("Mawar") < text.index("Melati")
    assert await b.run(b.driver.execute_script, "return window.samePage") == "yes"
    # Back: the list as it was sorted before, still the same page.
    await b.run(b.driver.back)
    await b.wait_url("urut=ds&arah=naik")
    await b.wait_heading_sorted("up")
    assert await b.run(b.driver.execute_script, "return window.samePage") == "yes"
    # No script of the page's data ran: a page with an alert would hold one open.
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        await b.run(lambda: b.driver.switch_to.alert.text)
    # A posyandu page and its monthly PDF, downloaded by the browser.
    await b.click("Mawar")
    html = await b.run(lambda: b.driver.page_source)
    assert len(html.encode()) < PAGE_LIMIT and "<svg" in html
    assert "Bu Sari" in await b.text()
    await b.screenshots(shots, "posyandu")
    await b.click("(PDF)")
    await wait_for(lambda: any(p.suffix == ".pdf" for p in downloads.iterdir()), within=30)
    pdf = next(p for p in downloads.iterdir() if p.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    # The link again: refused, with a page that says why.
    await b.open(link)
    assert "Tautan sudah dipakai" in await b.text()
    await b.screenshots(shots, "tautan-dipakai")


async def _as_desa(b: Browser, service: Service, seeded: Seeded, shots: Path) -> None:
    await b.run(b.driver.delete_all_cookies)
    await b.sign_in(await _link(service, seeded.actors["spv_desa_a1"].telegram))
    text = await b.wait_text("Bukit Tempayan")
    assert "Bukit Tempayan" in text and "Mawar" in text and "Anggrek" not in text
    # Outside the desa: refused by the server.
    await b.open(f"/dasbor/posyandu/{seeded.posyandu['AGR03'].id}")
    text = await b.text()
    assert "Tidak ditemukan" in text and "Anggrek" not in text
    await b.screenshots(shots, "di-luar-wilayah")
    await b.open(f"/dasbor/wilayah/{seeded.areas['21.71'].id}")
    assert "Tidak ditemukan" in await b.text()
    # The logout form (with its CSRF token) ends the session.
    await b.open("/dasbor/")
    from selenium.webdriver.common.by import By

    button = await b.run(b.driver.find_element, By.CSS_SELECTOR, "form.logout button")
    await b.run(button.click)
    await b.wait_text("Anda sudah keluar")
    await b.open("/dasbor/")
    assert "Silakan masuk lewat chat" in await b.text()
