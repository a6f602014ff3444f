"""A fake SMS Gateway for Android API (the phone's local server, or the cloud server's
``/3rdparty/v1``), for the real ``android-sms-gateway`` client to speak HTTP to, and the app's
signed webhooks towards the service.

``POST /messages`` with HTTP basic auth takes ``{"phoneNumbers", "textMessage": {"text"}, ...}``
and answers 202 with the message state (``{"id", "state": "Pending", "recipients": [...]}``);
each message is recorded. ``GET`` / ``POST /webhooks`` and ``DELETE /webhooks/<id>`` keep the
registered webhooks (one event each, as the app does). It can be told to fail the next sends
(a status each) or be down until told to recover.

The app's side of the webhooks: :func:`signed` signs a body as the app does (``X-Signature``:
hex HMAC-SHA256 of the raw body followed by ``X-Timestamp``); :meth:`FakeGateway.post_event`
posts an event to the URL registered for it (its path under the service's address), as the
phone would.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections import deque
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import basic_auth_is

__all__ = ["FakeGateway", "signed"]

_EVENTS = frozenset(
    {
        "sms:received", "sms:data-received", "sms:sent", "sms:delivered", "sms:failed",
        "sms:cancelled", "system:ping", "mms:received", "mms:downloaded", "app:started",
    }
)  # fmt: skip


def signed(
    key: str, event: str, payload: dict[str, Any], at: datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of the app's webhook call for ``event`` at ``at``."""
    event_id = hashlib.sha256(json.dumps([event, payload], sort_keys=True).encode()).hexdigest()
    body = json.dumps(
        {
            "deviceId": "ffffffffceb0b1db0000018e937c815b",
            "event": event,
            "id": event_id[:21],
            "payload": payload,
            "webhookId": "wh-1",
        }
    ).encode()
    timestamp = str(int(at.timestamp()))
    signature = hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Signature": signature,
        "X-Timestamp": timestamp,
    }
    return body, headers


class FakeGateway:
    def __init__(self, username: str, password: str, signing_key: str) -> None:
        self.username = username
        self.password = password
        self.signing_key = signing_key
        self.messages: list[dict[str, Any]] = []
        self.webhooks: dict[str, dict[str, str]] = {}
        #: Statuses the next sends fail with, one each.
        self.faults: deque[int] = deque()
        #: Every send fails with this status until :meth:`recover` (None: up).
        self.outage: int | None = None
        self._ids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route("/messages", self._send, methods=["POST"]),
                Route("/webhooks", self._list, methods=["GET"]),
                Route("/webhooks", self._register, methods=["POST"]),
                Route("/webhooks/{id}", self._delete, methods=["DELETE"]),
            ]
        )

    def fail(self, *statuses: int) -> None:
        self.faults.extend(statuses)

    def go_down(self, status: int = 503) -> None:
        self.outage = status

    def recover(self) -> None:
        self.outage = None

    def to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["phoneNumbers"] == [number]]

    def texts(self, number: str) -> list[str]:
        return [m["textMessage"]["text"] for m in self.to(number)]

    def registered(self, event: str) -> str | None:
        """The URL registered for ``event``, if any."""
        return next((w["url"] for w in self.webhooks.values() if w["event"] == event), None)

    async def post_event(
        self, service_url: str, event: str, payload: dict[str, Any], at: datetime
    ) -> httpx.Response:
        """Post ``event`` to the path registered for it, at ``service_url``, signed."""
        url = self.registered(event)
        assert url is not None, f"no webhook registered for {event}"
        body, headers = signed(self.signing_key, event, payload, at)
        async with httpx.AsyncClient() as client:
            return await client.post(
                service_url + urlsplit(url).path, content=body, headers=headers
            )

    def _authorised(self, request: Request) -> bool:
        return basic_auth_is(request, self.username, self.password)

    @staticmethod
    def _error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"message": message}, status_code=status)

    async def _send(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._error(401, "Unauthorized")
        if self.outage is not None:
            return self._error(self.outage, "Service Unavailable")
        if self.faults:
            return self._error(self.faults.popleft(), "fault")
        body = await request.json()
        numbers, text = body.get("phoneNumbers"), body.get("textMessage")
        if not isinstance(numbers, list) or not numbers or not isinstance(text, dict):
            return self._error(400, "phoneNumbers and textMessage needed")
        if not isinstance(text.get("text"), str) or not text["text"]:
            return self._error(400, "textMessage.text needed")
        message_id = f"msg{next(self._ids):06d}"
        self.messages.append({"id": message_id, **body})
        recipients = [{"phoneNumber": n, "state": "Pending"} for n in numbers]
        state = {
            "id": message_id,
            "state": "Pending",
            "recipients": recipients,
            "isHashed": False,
            "isEncrypted": False,
        }
        return JSONResponse(state, status_code=202)

    async def _list(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._error(401, "Unauthorized")
        return JSONResponse(list(self.webhooks.values()))

    async def _register(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._error(401, "Unauthorized")
        body = await request.json()
        if body.get("event") not in _EVENTS or not str(body.get("url", "")).startswith("http"):
            return self._error(400, "url and a known event needed")
        webhook_id = body.get("id") or f"wh{len(self.webhooks) + 1}"
        self.webhooks[webhook_id] = {"id": webhook_id, "url": body["url"], "event": body["event"]}
        return JSONResponse(self.webhooks[webhook_id], status_code=201)

    async def _delete(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._error(401, "Unauthorized")
        self.webhooks.pop(request.path_params["id"], None)
        return Response(status_code=204)
