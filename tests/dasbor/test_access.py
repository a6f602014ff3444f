"""Getting into the dasbor: DASBOR's one-time link (used once, 15 minutes, signed), the session
cookie, KELUAR DASBOR and the page's logout (CSRF), and the security headers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.dasbor.access import COOKIE
from scoring.clock import FixedClock
from tests.dasbor.conftest import Store
from tests.dasbor.helpers import TABLE_SCRIPT, ask_link, browser, login, press_button, token_of
from tests.e2e.conftest import SECRET
from tests.hostile.harness import NOW, running, seed

pytestmark = pytest.mark.slow


async def test_the_link_opens_once_and_sets_a_safe_cookie(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        reply = await ask_link(service, fake, seeded.actors["spv_desa_a1"])
        assert "https://posyandu.example.test/dasbor/masuk/" in reply
        assert "15 menit" in reply and "sekali" in reply
        token = token_of(reply)
        client = browser(service)
        r = await press_button(client, token)
        assert r.status_code == 303 and r.headers["location"] == "/dasbor/"
        cookie = r.headers["set-cookie"]
        for part in ("HttpOnly", "SameSite=lax", "Secure", "Max-Age=604800", "Path=/dasbor"):
            assert part.lower() in cookie.lower(), cookie
        page = await client.get("/dasbor/", follow_redirects=True)
        assert page.status_code == 200
        assert "Bukit Tempayan" in page.text and "Mawar" in page.text
        # The same link again, in another browser: refused, with a page that says why.
        again = await browser(service).get(f"/dasbor/masuk/{token}")
        assert again.status_code == 410
        assert "sudah dipakai" in again.text and "Traceback" not in again.text
        await client.aclose()
        # The token is not kept anywhere in the database (only a nonce once used).
        assert service.db is not None
        async with service.db.read() as conn:
            rows = await conn.execute_fetchall("SELECT token_hash FROM dasbor_sessions")
        assert rows and all(token not in str(tuple(r)) for r in rows)


async def test_expired_and_forged_links_get_a_clear_page(store: Store) -> None:
    seeded = await seed(store.target)
    clock = FixedClock(NOW)
    async with running(seeded, clock=clock, folder=store.folder) as (service, fake):
        token = token_of(await ask_link(service, fake, seeded.actors["spv_kab"]))
        clock.advance(timedelta(minutes=15, seconds=1))
        client = browser(service)
        expired = await client.get(f"/dasbor/masuk/{token}")
        assert expired.status_code == 410 and "kedaluwarsa" in expired.text
        payload, _dot, signature = token.partition(".")
        forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
        for bad in (f"{forged}.{signature}", "x", "a.b", token + "x", "." * 3000):
            r = await client.get(f"/dasbor/masuk/{bad}")
            assert r.status_code in (404, 414), (bad[:20], r.status_code)
            assert "Traceback" not in r.text
            r = await client.post("/dasbor/masuk", data={"token": bad})
            assert r.status_code == 404 and "Traceback" not in r.text
        pressed = await client.post("/dasbor/masuk", data={"token": token})
        assert pressed.status_code == 410 and "kedaluwarsa" in pressed.text
        assert COOKIE not in client.cookies
        await client.aclose()


async def test_keluar_dasbor_in_the_chat_ends_every_session(store: Store) -> None:
    seeded = await seed(store.target)
    actor = seeded.actors["kader_MWR01"]
    async with running(seeded, folder=store.folder) as (service, fake):
        phone, office = await login(service, fake, actor), await login(service, fake, actor)
        for client in (phone, office):
            assert (await client.get("/dasbor/", follow_redirects=True)).status_code == 200
        reply = await ask_link(service, fake, actor, "KELUAR DASBOR")
        assert "keluar dari dasbor" in reply
        for client in (phone, office):
            r = await client.get("/dasbor/posyandu/" + str(seeded.posyandu["MWR01"].id))
            assert r.status_code == 401 and "DASBOR" in r.text
            await client.aclose()


async def test_logout_needs_the_csrf_token(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kec_a"])
        page = await client.get("/dasbor/", follow_redirects=True)
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        for form in ({}, {"csrf": "wrong"}, {"csrf": csrf[:-1]}):
            refused = await client.post("/dasbor/keluar", data=form)
            assert refused.status_code == 403
            assert (await client.get("/dasbor/", follow_redirects=True)).status_code == 200
        # A GET never logs out.
        assert (await client.get("/dasbor/keluar")).status_code == 405
        done = await client.post("/dasbor/keluar", data={"csrf": csrf})
        assert done.status_code == 200 and "sudah keluar" in done.text
        assert (await client.get("/dasbor/", follow_redirects=True)).status_code == 401
        await client.aclose()


async def test_every_answer_carries_the_security_headers(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kab"])
        area = seeded.areas["21.71"].id
        for path in (
            "/dasbor/",
            f"/dasbor/wilayah/{area}",
            f"/dasbor/wilayah/{area}/posyandu",
            f"/dasbor/posyandu/{seeded.posyandu['KNG04'].id}",
            f"/dasbor/wilayah/{area}/rekap.pdf",
            f"/dasbor/wilayah/{area}/f2.xlsx",
            "/dasbor/masuk/forged.token",
            "/dasbor/static/dasbor.js",
            "/dasbor/static/dasbor.css",
            "/dasbor/static/..%2Fpages.py",
            "/dasbor/wilayah/999999",
        ):
            r = await client.get(path, follow_redirects=True)
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, path
            assert "default-src 'none'" in csp and "script-src 'self';" in csp  # no inline
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["x-content-type-options"] == "nosniff"
            if r.headers["content-type"].startswith("text/html"):
                assert " style=" not in r.text, path
                scripts = re.findall(r"<script[^>]*>", r.text)
                assert scripts in ([], [TABLE_SCRIPT]), path
        await client.aclose()


async def test_dasbor_is_refused_from_a_linked_group(store: Store) -> None:
    seeded = await seed(store.target)
    spv = seeded.actors["spv_desa_a1"]
    async with running(seeded, folder=store.folder) as (service, fake):
        http = browser(service)
        for text in ("/sambungkan", "/dasbor"):
            update = fake.text_update(
                -100500, text, chat_type="supergroup", user_id=int(spv.telegram)
            )
            r = await http.post(
                "/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert r.status_code == 200
        await http.aclose()
        assert service.db is not None
        async with service.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT payload FROM outbox WHERE address = '-100500' ORDER BY id"
            )
        assert len(rows) == 2
        assert '"type": "link"' not in rows[1][0] and "dasbor/masuk" not in rows[1][0]


async def test_a_month_that_cannot_be_read_gets_a_clear_page(store: Store) -> None:
    """``?periode=`` that is no month: 400 with a page saying so, on every page and download;
    outside the scope the refusal (404, as for what does not exist) comes first (nothing said
    of what is not yours)."""
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kec_a"])
        mine, other = seeded.areas["21.71.05"].id, seeded.areas["21.71.06"].id
        posyandu = seeded.posyandu["MWR01"].id
        for path in (
            f"/dasbor/wilayah/{mine}",
            f"/dasbor/wilayah/{mine}/posyandu",
            f"/dasbor/wilayah/{mine}/rekap.pdf",
            f"/dasbor/wilayah/{mine}/data.csv",
            f"/dasbor/wilayah/{mine}/f2.xlsx",
            f"/dasbor/posyandu/{posyandu}",
            f"/dasbor/posyandu/{posyandu}/bulanan.pdf",
            f"/dasbor/posyandu/{posyandu}/f1.xlsx",
        ):
            for month in ("2026-13", "kemarin", "<b>"):
                r = await client.get(path, params={"periode": month})
                assert r.status_code == 400, (path, month)
                assert "Bulan tidak dikenal" in r.text and "<b>" not in r.text, (path, month)
        r = await client.get(f"/dasbor/wilayah/{other}", params={"periode": "2026-13"})
        assert r.status_code == 404 and "Tidak ditemukan" in r.text
        await client.aclose()


async def test_requests_the_dasbor_cannot_serve_get_its_own_pages(store: Store) -> None:
    """An id beyond the integer range: 404 (was 500, OverflowError); a month before 2000-01 or
    after next month: 400 (was 500); a method a page does not serve: the dasbor's 405 page
    with its headers (was Starlette's bare one)."""
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        client = await login(service, fake, seeded.actors["spv_kab"])
        area, posyandu = seeded.areas["21.71"].id, seeded.posyandu["MWR01"].id
        for huge in (2**63, 2**64 + 5, 10**40):
            for path in (
                f"/dasbor/wilayah/{huge}",
                f"/dasbor/wilayah/{huge}/posyandu",
                f"/dasbor/wilayah/{huge}/rekap.pdf",
                f"/dasbor/wilayah/{huge}/data.csv",
                f"/dasbor/wilayah/{huge}/f2.xlsx",
                f"/dasbor/posyandu/{huge}",
                f"/dasbor/posyandu/{huge}/bulanan.pdf",
                f"/dasbor/posyandu/{huge}/f1.xlsx",
            ):
                r = await client.get(path)
                assert r.status_code == 404 and "Tidak ditemukan" in r.text, (path, r.status_code)
                assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        # NOW is 20 November 2026: December is the latest month shown.
        for path in (
            f"/dasbor/wilayah/{area}",
            f"/dasbor/wilayah/{area}/posyandu",
            f"/dasbor/wilayah/{area}/data.csv",
            f"/dasbor/posyandu/{posyandu}",
        ):
            for month in ("1999-12", "1900-01", "2027-01", "9999-12"):
                r = await client.get(path, params={"periode": month})
                assert r.status_code == 400, (path, month, r.status_code)
                assert "Bulan di luar jangkauan" in r.text and "Januari 2000" in r.text
                assert "Desember 2026" in r.text
            for month in ("2000-01", "2026-12"):
                r = await client.get(path, params={"periode": month})
                assert r.status_code == 200, (path, month, r.status_code)
        for pdf in (
            f"/dasbor/wilayah/{area}/rekap.pdf",
            f"/dasbor/posyandu/{posyandu}/bulanan.pdf",
            f"/dasbor/wilayah/{area}/f2.xlsx",
            f"/dasbor/posyandu/{posyandu}/f1.xlsx",
        ):
            r = await client.get(pdf, params={"periode": "1999-12"})
            assert r.status_code == 400
        # Methods: every page is GET and HEAD, the logout and the link's button POST only.
        csrf = (await client.get("/dasbor/", follow_redirects=True)).text
        csrf = csrf.split('name="csrf" value="')[1].split('"')[0]
        pages = (
            "/dasbor",
            "/dasbor/",
            f"/dasbor/wilayah/{area}",
            f"/dasbor/wilayah/{area}/posyandu",
            f"/dasbor/posyandu/{posyandu}",
            "/dasbor/static/dasbor.css",
            "/dasbor/masuk/some.token",
        )
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            for path in pages:
                r = await client.request(method, path, data={"csrf": csrf})
                assert r.status_code == 405, (method, path, r.status_code)
                assert r.headers["allow"] == "GET, HEAD"
                assert "Permintaan tidak dikenal" in r.text
                assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
                assert r.headers["x-frame-options"] == "DENY"
            for path in ("/dasbor/keluar", "/dasbor/masuk"):
                if method != "POST":
                    r = await client.request(method, path)
                    assert r.status_code == 405 and r.headers["allow"] == "POST", (method, path)
        for path in ("/dasbor/keluar", "/dasbor/masuk"):
            r = await client.get(path)
            assert r.status_code == 405 and r.headers["allow"] == "POST"
            assert "Permintaan tidak dikenal" in r.text
        head = await client.head(f"/dasbor/wilayah/{area}")
        assert head.status_code == 200
        # A path of no page is 404 whatever the method; still signed in after all this.
        assert (await client.post("/dasbor/nothing-here")).status_code == 404
        assert (await client.get("/dasbor/", follow_redirects=True)).status_code == 200
        await client.aclose()
