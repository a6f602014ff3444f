"""A fake Telegram Bot API server, for python-telegram-bot to speak real HTTP to.

Implements getMe, setWebhook, deleteWebhook, getWebhookInfo, getUpdates, sendMessage and
sendDocument at ``/bot<token>/<method>`` the way the Bot API answers (``{"ok": true,
"result": ...}``), records every call, and can be told to fail: answer 429 with
``retry_after``, 500, 403 (the user blocked the bot), or answer slowly; or be down (every call
fails) or hang (no call answered) until told to recover.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["Call", "FakeTelegram", "Fault"]

BOT_ID = 7000001
BOT_USERNAME = "posyandu_test_bot"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class Fault:
    """What the next matching call gets instead of success."""

    status: int = 500
    retry_after: int | None = None
    delay: float = 0.0
    description: str = "Internal Server Error"


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.faults: dict[str, deque[Fault]] = {}
        #: Methods that fail with this status on every call until :meth:`recover`.
        self.outages: dict[str, int] = {}
        #: Methods whose calls get no answer until :meth:`recover` (then they are served).
        self.hangs: dict[str, asyncio.Event] = {}
        #: Calls answered by an outage, and calls waiting in a hang right now.
        self.refused = 0
        self.hanging = 0
        self.webhook_url = ""
        self.webhook_secret = ""
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(50_000)
        self._new_update = asyncio.Event()
        self.app = Starlette(
            routes=[Route("/bot{token}/{method}", self._handle, methods=["POST", "GET"])]
        )

    # --- scripting ----------------------------------------------------------------------
    def fail(self, method: str, *faults: Fault) -> None:
        self.faults.setdefault(method, deque()).extend(faults)

    def go_down(self, method: str, status: int = 500) -> None:
        """Every call of ``method`` fails with ``status`` until :meth:`recover`."""
        self.outages[method] = status

    def hang(self, method: str) -> None:
        """Calls of ``method`` get no answer at all until :meth:`recover`."""
        self.hangs.setdefault(method, asyncio.Event()).clear()

    def recover(self, method: str) -> None:
        """End an outage or a hang of ``method``: calls in a hang are served now."""
        self.outages.pop(method, None)
        gate = self.hangs.pop(method, None)
        if gate is not None:
            gate.set()

    def push_text(
        self, chat_id: int, text: str, *, chat_type: str = "private", user_id: int | None = None
    ) -> dict[str, Any]:
        """Queue an update carrying a text message, for getUpdates; return it (for webhooks)."""
        update = self.text_update(chat_id, text, chat_type=chat_type, user_id=user_id)
        self.updates.append(update)
        self._new_update.set()
        return update

    def text_update(
        self, chat_id: int, text: str, *, chat_type: str = "private", user_id: int | None = None
    ) -> dict[str, Any]:
        uid = user_id if user_id is not None else chat_id
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"Kader {uid}"
        else:
            chat["title"] = f"Grup {chat_id}"
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": 1_790_000_000,
                "chat": chat,
                "from": {"id": uid, "is_bot": False, "first_name": f"Kader {uid}"},
                "text": text,
            },
        }

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if (method is None or c.method == method)
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [str(c.params.get("text")) for c in self.sent("sendMessage", chat_id)]

    # --- the API ------------------------------------------------------------------------
    async def _handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        method = request.path_params["method"]
        params, files = await self._params(request)
        gate = self.hangs.get(method)
        if gate is not None:
            self.hanging += 1
            try:
                await gate.wait()
            finally:
                self.hanging -= 1
        if method in self.outages:
            self.refused += 1
            status = self.outages[method]
            return JSONResponse(
                {"ok": False, "error_code": status, "description": "Internal Server Error"},
                status_code=status,
            )
        queue = self.faults.get(method)
        if queue:
            fault = queue.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status != 200:
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description,
                }
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                    body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                return JSONResponse(body, status_code=fault.status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return JSONResponse(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404
            )
        if method not in ("getUpdates",):
            self.calls.append(Call(method, params, files))
        result = await handler(params)
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    async def _params(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            raw = await request.json()
            return (raw if isinstance(raw, dict) else {}), files
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = (str(value.filename), await value.read())
                continue
            text = str(value)
            try:
                params[key] = json.loads(text)
            except ValueError:
                params[key] = text
        return params, files

    def _message(self, chat_id: Any, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": 1_790_000_000,
            "chat": {"id": int(chat_id), "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Posyandu"},
            **extra,
        }

    async def _m_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Posyandu",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = str(params.get("secret_token", ""))
        return True

    async def _m_deleteWebhook(self, _params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    async def _m_getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()
        if not self.updates:
            self._new_update.clear()
            timeout = float(params.get("timeout") or 0)
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=min(timeout, 1.0))
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return [u for u in itertools.islice(self.updates, limit) if u["update_id"] >= offset]

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params["chat_id"], text=params.get("text", ""))

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self.calls[-1]
        name = next(iter(call.files.values()))[0] if call.files else "file"
        return self._message(
            params["chat_id"],
            document={
                "file_id": f"doc{len(self.calls)}",
                "file_unique_id": f"u{len(self.calls)}",
                "file_name": name,
                "mime_type": "application/pdf",
            },
            caption=params.get("caption"),
        )
