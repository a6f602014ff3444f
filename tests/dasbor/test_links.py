"""DASBOR's links work for the people they are for: asking a link (a chat app's preview, a mail
scanner) spends nothing, its page's button does; the link goes out without a preview; KELUAR
DASBOR voids the links not yet opened; with no DASBOR_SECRET the key is kept in the database,
shared by every process and kept across restarts; ``posyandu dasbor rotate-key`` replaces it and
voids the open links and sessions."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.app import Service
from bot.dasbor.access import COOKIE, KEY_NAME
from scoring.clock import FixedClock
from storage import Database
from storage import keys as keys_db
from storage.people import person_by_address
from tests.clock import cli
from tests.dasbor.conftest import Store
from tests.dasbor.helpers import ask_link, browser, login, press_button, token_of
from tests.e2e.conftest import SECRET, settings_for
from tests.hostile.harness import NOW, Actor, running, seed

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: The user agent of Telegram's link-preview crawler.
PREVIEW_AGENT = "TelegramBot (like TwitterBot)"


async def test_asking_a_link_spends_nothing_and_its_button_opens_it(store: Store) -> None:
    seeded = await seed(store.target)
    async with running(seeded, folder=store.folder) as (service, fake):
        token = token_of(await ask_link(service, fake, seeded.actors["spv_desa_a1"]))
        # The preview's crawler, a mail scanner, the person: as often as they like.
        crawler = browser(service)
        crawler.headers["User-Agent"] = PREVIEW_AGENT
        for asker in (crawler, browser(service)):
            for _ in range(2):
                page = await asker.get(f"/dasbor/masuk/{token}")
                assert page.status_code == 200
                assert "Buka dasbor" in page.text and 'action="/dasbor/masuk"' in page.text
                assert "set-cookie" not in page.headers
            head = await asker.head(f"/dasbor/masuk/{token}")
            assert head.status_code == 200 and "set-cookie" not in head.headers
            assert COOKIE not in asker.cookies
            await asker.aclose()
        # The button: the link opens, once.
        client = browser(service)
        opened = await press_button(client, token)
        assert opened.status_code == 303 and opened.headers["location"] == "/dasbor/"
        assert COOKIE in client.cookies
        assert (await client.get("/dasbor/", follow_redirects=True)).status_code == 200
        other = browser(service)
        for again in (
            await other.get(f"/dasbor/masuk/{token}"),
            await other.post("/dasbor/masuk", data={"token": token}),
        ):
            assert again.status_code == 410 and "Tautan sudah dipakai" in again.text
        # The form's token is the secret: without it, or forged, nothing opens.
        for form in ({}, {"token": ""}, {"token": token[:-2] + "xx"}, {"token": "x" * 5000}):
            refused = await other.post("/dasbor/masuk", data=form)
            assert refused.status_code in (404, 410), (form, refused.status_code)
            assert "Traceback" not in refused.text
        assert COOKIE not in other.cookies
        await client.aclose()
        await other.aclose()


async def test_the_link_goes_out_without_a_preview(tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "preview.db")
    actor = seeded.actors["spv_kab"]
    async with running(seeded, folder=tmp_path) as (service, fake):
        http = browser(service)
        update = fake.text_update(int(actor.telegram), "DASBOR", user_id=int(actor.telegram))
        r = await http.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert r.status_code == 200
        await http.aclose()
        assert service.dispatcher is not None
        while await service.dispatcher.run_once():
            pass
        [sent] = fake.sent("sendMessage", actor.telegram)
        assert "/dasbor/masuk/" in str(sent.params["text"])
        assert sent.params["link_preview_options"] == {"is_disabled": True}


async def test_keluar_dasbor_voids_the_links_not_yet_opened(store: Store) -> None:
    seeded = await seed(store.target)
    actor = seeded.actors["spv_kec_a"]
    async with running(seeded, folder=store.folder) as (service, fake):
        unopened = [token_of(await ask_link(service, fake, actor)) for _ in range(2)]
        other = token_of(await ask_link(service, fake, seeded.actors["spv_kab"]))
        assert "keluar dari dasbor" in await ask_link(service, fake, actor, "KELUAR DASBOR")
        client = browser(service)
        for token in unopened:
            asked = await client.get(f"/dasbor/masuk/{token}")
            assert asked.status_code == 410 and "Tautan sudah dibatalkan" in asked.text
            pressed = await client.post("/dasbor/masuk", data={"token": token})
            assert pressed.status_code == 410 and COOKIE not in client.cookies
        # Someone else's link, and a link asked after KELUAR DASBOR, open.
        assert (await press_button(browser(service), other)).status_code == 303
        after = await login(service, fake, actor)
        assert (await after.get("/dasbor/", follow_redirects=True)).status_code == 200
        await after.aclose()
        await client.aclose()


async def _press_in(service: Service, token: str) -> int:
    client = browser(service)
    try:
        return (await client.post("/dasbor/masuk", data={"token": token})).status_code
    finally:
        await client.aclose()


async def test_every_process_shares_the_key_kept_in_the_database(store: Store) -> None:
    """``posyandu run`` (the channels) and ``posyandu chat`` (none: no secret of any channel to
    derive a key from) on one database, neither with DASBOR_SECRET: a link one sends opens in
    the other, and a restart keeps the links sent before it."""
    seeded = await seed(store.target)
    actor = seeded.actors["spv_kab"]
    async with running(seeded, folder=store.folder) as (run, fake):
        from_run = [token_of(await ask_link(run, fake, actor)) for _ in range(2)]
        chat = Service(
            settings_for(store.target, store.folder), FixedClock(NOW), run_scheduler=False
        )
        await chat.open()
        try:
            assert chat.dasbor is not None
            person_id = await _person_id(chat.db, actor)
            from_chat = (await chat.dasbor.issue(person_id)).rsplit("/", 1)[1]
            assert await _press_in(chat, from_run[0]) == 303
            assert await _press_in(run, from_chat) == 303
        finally:
            await chat.stop()
        # A restart of the console process: the other link sent before it still opens.
        again = Service(
            settings_for(store.target, store.folder), FixedClock(NOW), run_scheduler=False
        )
        await again.open()
        try:
            assert await _press_in(again, from_run[1]) == 303
            assert again.db is not None
            async with again.db.read() as conn:
                rows = await conn.execute_fetchall("SELECT name FROM service_keys")
            assert [tuple(r) for r in rows] == [(KEY_NAME,)]
        finally:
            await again.stop()
        # DASBOR_SECRET still overrides the kept key: a link it signs opens only where it is set.
        override = Service(
            settings_for(store.target, store.folder, dasbor_secret="dasbor-secret-set-by-hand"),
            FixedClock(NOW),
            run_scheduler=False,
        )
        await override.open()
        try:
            assert override.dasbor is not None
            signed = (await override.dasbor.issue(person_id)).rsplit("/", 1)[1]
            late = token_of(await ask_link(run, fake, actor))
            assert await _press_in(run, signed) == 404
            assert await _press_in(override, late) == 404
            assert await _press_in(override, signed) == 303
        finally:
            await override.stop()


async def _person_id(db: Database | None, actor: Actor) -> int:
    assert db is not None
    async with db.read() as conn:
        person = await person_by_address(conn, "telegram", actor.telegram)
    assert person is not None
    return person.id


async def test_two_processes_making_the_key_at_once_keep_one(store: Store) -> None:
    seeded = await seed(store.target)
    databases = [await Database.open(seeded.path) for _ in range(4)]
    try:

        async def make(db: Database, candidate: str) -> str:
            async with db.transaction() as tx:
                return await keys_db.shared_key(tx, KEY_NAME, candidate, NOW)

        made = await asyncio.gather(*(make(db, f"candidate-{i}") for i, db in enumerate(databases)))
        assert len(set(made)) == 1 and made[0].startswith("candidate-")
        async with databases[0].read() as conn:
            assert await keys_db.key_of(conn, KEY_NAME) == made[0]
    finally:
        for db in databases:
            await db.close()


async def test_rotate_key_voids_open_links_and_sessions(store: Store) -> None:
    seeded = await seed(store.target)
    actor = seeded.actors["spv_desa_a1"]
    async with running(seeded, folder=store.folder) as (service, fake):
        signed_in = await login(service, fake, actor)
        unopened = token_of(await ask_link(service, fake, actor))
        assert service.db is not None
        async with service.db.read() as conn:
            before = await keys_db.key_of(conn, KEY_NAME)
        proc = await asyncio.create_subprocess_exec(
            *cli("dasbor", "rotate-key"),
            cwd=store.folder,
            env={**os.environ, "POSYANDU_DB": str(store.target), "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        assert proc.returncode == 0, err
        assert out.decode().strip() == (
            "dasbor key replaced: 1 unopened link(s) voided, 1 session(s) ended"
        )
        async with service.db.read() as conn:
            after = await keys_db.key_of(conn, KEY_NAME)
        assert before is not None and after is not None and after != before
        # The session ended, the link sent before does not open ...
        assert (await signed_in.get("/dasbor/", follow_redirects=True)).status_code == 401
        assert await _press_in(service, unopened) == 404
        # ... and the running service signs its next link with the new key, no restart.
        assert (await login(service, fake, actor)).cookies.get(COOKIE)
        await signed_in.aclose()
