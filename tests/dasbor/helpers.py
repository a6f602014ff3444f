"""Getting into the dasbor in tests: DASBOR through the real webhook, the link the dispatcher
would send made by the service, and a browser-like client (cookies kept)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from bot.app import Service
from storage.messages import Link, decode
from tests.e2e.conftest import SECRET
from tests.fakes.telegram_api import FakeTelegram
from tests.hostile.harness import Actor

__all__ = [
    "TABLE_SCRIPT",
    "ask_link",
    "browser",
    "link_of",
    "login",
    "press_button",
    "token_of",
]

#: The one script tag the dasbor's pages may carry (the table's; no inline script anywhere).
TABLE_SCRIPT = '<script src="/dasbor/static/dasbor.js" defer>'
_LINK = re.compile(r"(https?://\S+/dasbor/masuk/(\S+))")


def browser(service: Service) -> httpx.AsyncClient:
    """A client of the service's real ASGI app that keeps cookies, as a browser does."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.asgi_app(), raise_app_exceptions=False),
        base_url="https://posyandu.example.test",
    )


async def ask_link(service: Service, fake: FakeTelegram, actor: Actor, text: str = "DASBOR") -> str:
    """Send ``text`` as ``actor`` through the Telegram webhook; the reply (a link made as the
    dispatcher makes it, or the text)."""
    http = browser(service)
    update = fake.text_update(int(actor.telegram), text, user_id=int(actor.telegram))
    r = await http.post(
        "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    await http.aclose()
    assert r.status_code == 200, r.text
    assert service.db is not None
    async with service.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT payload FROM outbox WHERE address = ? ORDER BY id DESC LIMIT 1",
            (actor.telegram,),
        )
    message = decode(json.loads(rows[0][0]))
    if isinstance(message, Link):
        made = await service._link(message.kind, message.params)
        return made.body
    return str(getattr(message, "body", message))


def link_of(reply: str) -> str:
    found = _LINK.search(reply)
    assert found, reply
    return found.group(1)


def token_of(reply: str) -> str:
    found = _LINK.search(reply)
    assert found, reply
    return found.group(2)


async def press_button(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the link as a person does: ask it (a page with one button; nothing spent), then
    press the button (its form's POST)."""
    page = await client.get(f"/dasbor/masuk/{token}")
    assert page.status_code == 200, (page.status_code, page.text[:300])
    form = re.search(r'<form method="post" action="([^"]+)">', page.text)
    sent = re.search(r'name="token" value="([^"]+)"', page.text)
    assert form and sent, page.text
    return await client.post(form.group(1), data={"token": html.unescape(sent.group(1))})


async def login(service: Service, fake: FakeTelegram, actor: Actor) -> httpx.AsyncClient:
    """A browser signed in as ``actor`` (through DASBOR, its link and the button)."""
    token = token_of(await ask_link(service, fake, actor))
    client = browser(service)
    r = await press_button(client, token)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return client


def page_text(html: str) -> str:
    """The visible text of a page (tags dropped)."""
    return re.sub(r"<[^>]+>", " ", html)


def data(r: httpx.Response) -> Any:
    return r.text
