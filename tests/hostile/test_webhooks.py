"""Property-based fuzzing of the webhooks: the real Starlette app of the service (driven
in-process through httpx's ASGI transport, on a real SQLite file) never answers 5xx to any
body, header or content type, and a request it refuses changes no row of any table.

Plus one check over a real socket (uvicorn): a body over 1 MB gets 413 before it is parsed,
with and without a Content-Length.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bot.http import MAX_BODY_BYTES
from tests.e2e.conftest import SECRET
from tests.fakes.server import serve
from tests.hostile.harness import AUTH, PUBLIC, client, dump, running, seed

#: What a webhook may answer to anything at all.
ALLOWED = {200, 400, 403, 413, 415}
FUZZ = settings(
    max_examples=70,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ----------------------------------------------------------------------------
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
chat_types = st.sampled_from(["private", "group", "supergroup", "channel", "", "x"])
texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["LAPOR", "/start", "DAFTAR ABC", "/status@posyandu_test_bot", "/sambungkan"]),
)


@st.composite
def telegram_updates(draw: st.DrawFn) -> Any:
    """A Bot API update, mutated: fields dropped, replaced by any JSON, extra fields added."""
    chat_id = draw(st.sampled_from([5001, 7001, -100123]) | st.integers(-(2**64), 2**64))
    update: dict[str, Any] = {
        "update_id": draw(st.integers(-(2**40), 2**40)),
        "message": {
            "message_id": draw(st.integers(-(2**40), 2**40)),
            "date": draw(st.sampled_from([1_790_000_000]) | st.integers(-(2**64), 2**64)),
            "chat": {"id": chat_id, "type": draw(chat_types)},
            "from": {"id": chat_id, "is_bot": draw(st.booleans()), "first_name": "X"},
            "text": draw(texts),
        },
    }
    paths = [
        ("update_id",),
        ("message",),
        ("message", "message_id"),
        ("message", "date"),
        ("message", "chat"),
        ("message", "chat", "id"),
        ("message", "chat", "type"),
        ("message", "from"),
        ("message", "from", "id"),
        ("message", "text"),
    ]
    for path in draw(st.lists(st.sampled_from(paths), max_size=3)):
        parent: Any = update
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if draw(st.booleans()):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(json_values)
    extra = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=3))
    update.update({k: v for k, v in extra.items() if k not in ("update_id", "message")})
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)  # not even an object
    return update


def _update(chat_id: int, text: str) -> dict[str, Any]:
    chat_type = "private" if chat_id > 0 else "supergroup"
    return {
        "update_id": abs(hash((chat_id, text))) % 2**40,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": chat_type},
            "from": {"id": abs(chat_id), "is_bot": False, "first_name": "X"},
            "text": text,
        },
    }


@st.composite
def raw_bodies(draw: st.DrawFn) -> bytes:
    """Bodies that are no proper JSON or form: truncated, non-UTF-8, deeply nested, binary."""
    return draw(
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from(
                [
                    b"",
                    b"{",
                    b'{"update_id": 1, "message": ',
                    b"\xff\xfe\x00{}",
                    b'{"update_id": 1, "message": {"text": "\xc3\x28"}}',
                    b"[" * 100_000 + b"]" * 100_000,
                    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                    b"NaN",
                    b'"\\ud800"',
                    b"Body=%FF%FE&From=whatsapp%3A%2B6281300000011",
                    b"a=1&a=2&&&=&%%%",
                ]
            ),
            st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
        )
    )


content_types = st.sampled_from(
    [
        None,
        "application/json",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "text/plain",
        "application/octet-stream",
        "application/json; charset=utf-16",
    ]
)
FORM_KEYS = ["MessageSid", "SmsMessageSid", "AccountSid", "From", "To", "Body", "NumMedia"]
form_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["SM" + "a" * 32, "whatsapp:+6281300000011", "whatsapp:+6289912345678", "0", "-1", "x"]
    ),
)


@st.composite
def twilio_forms(draw: st.DrawFn) -> dict[str, str]:
    """A WhatsApp webhook form: Twilio's fields (some missing, any values) and extra ones."""
    form = {
        "MessageSid": "SM" + draw(st.text("0123456789abcdef", min_size=32, max_size=32)),
        "AccountSid": "AC" + "0" * 32,
        "From": draw(st.sampled_from(["whatsapp:+6281300000011", "whatsapp:+6289912345678"])),
        "To": "whatsapp:+14155238886",
        "Body": draw(texts),
        "NumMedia": "0",
    }
    for key in draw(st.lists(st.sampled_from(FORM_KEYS), max_size=3)):
        if draw(st.booleans()):
            form.pop(key, None)
        else:
            form[key] = draw(form_values)
    form.update(draw(st.dictionaries(st.text(min_size=1, max_size=10), form_values, max_size=3)))
    return form


def sign(path: str, form: dict[str, str]) -> str:
    return str(RequestValidator(AUTH).compute_signature(PUBLIC + path, form))


T = TypeVar("T")


# --- the runner ----------------------------------------------------------------------------
class Lab:
    """The service on a seeded file, driven from synchronous hypothesis examples."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.runner = asyncio.Runner()
        self.http: httpx.AsyncClient | None = None
        self.service: Any = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coro)

    def __enter__(self) -> Lab:
        async def start() -> None:
            seeded = await seed(self.tmp / "fuzz.db")
            self._cm = running(seeded)
            self.service, _fake = await self._cm.__aenter__()
            self.http = client(self.service)

        self.run(start())
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            if self.http is not None:
                await self.http.aclose()
            await self._cm.__aexit__(None, None, None)

        try:
            self.run(stop())
        finally:
            self.runner.close()

    def post(self, path: str, content: bytes, headers: dict[str, str]) -> int:
        """POST and check the invariants: never 5xx; refused means nothing changed."""

        async def go() -> int:
            assert self.http is not None
            before = await dump(self.service.db)
            r = await self.http.post(path, content=content, headers=headers)
            assert r.status_code in ALLOWED, (r.status_code, r.text[:200])
            if r.status_code != 200:
                assert await dump(self.service.db) == before, r.status_code
            return r.status_code

        return self.run(go())


def with_type(headers: dict[str, str], content_type: str | None) -> dict[str, str]:
    return headers if content_type is None else {**headers, "Content-Type": content_type}


# --- Telegram ------------------------------------------------------------------------------
def test_telegram_webhook_survives_any_update(tmp_path: Path) -> None:
    seen: set[int] = set()
    with Lab(tmp_path) as lab:

        @FUZZ
        @given(update=telegram_updates(), content_type=content_types)
        @example(update=_update(5001, "\ud800 LAPOR"), content_type=None)
        @example(update=_update(7001, "DAFTAR \x00\udfff"), content_type=None)
        @example(update=_update(-100123, "/sambungkan \ud800"), content_type=None)
        @example(update=_update(2**63, "halo"), content_type=None)
        @example(update=_update(-(2**63) - 1, "/status"), content_type=None)
        @example(update=_update(5001, "x" * 200_000), content_type=None)
        def check(update: Any, content_type: str | None) -> None:
            body = json.dumps(update).encode()
            headers = with_type({"X-Telegram-Bot-Api-Secret-Token": SECRET}, content_type)
            seen.add(lab.post("/telegram/webhook", body, headers))

        check()
    assert {200, 400} <= seen


def test_telegram_webhook_refuses_bad_bodies_and_unsigned_calls(tmp_path: Path) -> None:
    with Lab(tmp_path) as lab:

        @FUZZ
        @given(
            body=raw_bodies() | telegram_updates().map(lambda u: json.dumps(u).encode()),
            secret=st.sampled_from([SECRET, None, "", "wrong", SECRET + "x", SECRET.upper()]),
            content_type=content_types,
        )
        @example(body=b"[" * 100_000 + b"]" * 100_000, secret=SECRET, content_type=None)
        @example(body=b'{"a":' * 50_000 + b"1" + b"}" * 50_000, secret=SECRET, content_type=None)
        @example(body=b"\xff\xfe\x00{}", secret=SECRET, content_type="application/json")
        @example(body=b"NaN", secret=SECRET, content_type=None)
        @example(body=b"[" * 100_000, secret=None, content_type=None)
        def check(body: bytes, secret: str | None, content_type: str | None) -> None:
            headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
            status = lab.post("/telegram/webhook", body, with_type(headers, content_type))
            if secret != SECRET:
                assert status == 403

        check()


# --- WhatsApp ------------------------------------------------------------------------------
def test_whatsapp_webhook_survives_any_signed_form(tmp_path: Path) -> None:
    seen: set[int] = set()
    with Lab(tmp_path) as lab:

        @FUZZ
        @given(form=twilio_forms(), path=st.sampled_from(["/twilio/whatsapp", "/twilio/status"]))
        def check(form: dict[str, str], path: str) -> None:
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sign(path, form),
            }
            body = urlencode(form, encoding="utf-8", errors="surrogatepass").encode()
            seen.add(lab.post(path, body, headers))

        check()
    assert {200, 400} <= seen


def test_whatsapp_webhook_refuses_unsigned_and_malformed(tmp_path: Path) -> None:
    with Lab(tmp_path) as lab:

        @FUZZ
        @given(
            form=twilio_forms(),
            raw=st.none() | raw_bodies(),
            signature=st.sampled_from(["none", "garbage", "other-url", "other-form", "valid"]),
            content_type=content_types,
            path=st.sampled_from(["/twilio/whatsapp", "/twilio/status"]),
        )
        def check(
            form: dict[str, str],
            raw: bytes | None,
            signature: str,
            content_type: str | None,
            path: str,
        ) -> None:
            body = raw if raw is not None else urlencode(form).encode()
            headers: dict[str, str] = {}
            if signature == "garbage":
                headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
            elif signature == "other-url":
                headers["X-Twilio-Signature"] = sign("/twilio/other", form)
            elif signature == "other-form":
                headers["X-Twilio-Signature"] = sign(path, {**form, "Body": "LAPOR"})
            elif signature == "valid":
                headers["X-Twilio-Signature"] = sign(path, form)
            status = lab.post(path, body, with_type(headers, content_type))
            form_type = (content_type or "").startswith("application/x-www-form-urlencoded")
            if not form_type:
                assert status == 415
            elif signature != "valid" and raw is None and form.get("Body") != "LAPOR":
                assert status == 403

        check()


# --- 413 over a real socket ----------------------------------------------------------------
async def test_bodies_over_one_megabyte_get_413_before_parsing(tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "big.db")
    async with running(seeded) as (service, _fake):
        app = service.asgi_app()
        async with serve(app) as base, httpx.AsyncClient(base_url=base) as http:
            assert service.db is not None
            before = await dump(service.db)
            big = b"{" + b" " * MAX_BODY_BYTES + b"}"
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            r = await http.post("/telegram/webhook", content=big, headers=headers)
            assert r.status_code == 413

            async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as read
                for _ in range(20):
                    yield b"Body=" + b"x" * 100_000

            form_headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sign("/twilio/whatsapp", {}),
            }
            r = await http.post("/twilio/whatsapp", content=chunks(), headers=form_headers)
            assert r.status_code == 413
            # Just under the limit is read (and refused for what it is, not for its size).
            r = await http.post(
                "/telegram/webhook", content=b" " * (MAX_BODY_BYTES - 10), headers=headers
            )
            assert r.status_code == 400
            assert await dump(service.db) == before
