"""A fake Twilio REST API (Messages create), for the real twilio client to speak HTTP to.

``POST /2010-04-01/Accounts/<sid>/Messages.json`` with HTTP basic auth, answering like Twilio
(201 with the message resource, or an error body ``{"code", "message", "more_info",
"status"}``); records each message; can be told to fail (429, 5xx, a 4xx with a Twilio error
code) or to answer slowly; or be down (every create fails) or hang (no create answered) until
told to recover.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["FakeTwilio", "TwilioFault"]


@dataclass
class TwilioFault:
    status: int = 500
    code: int = 20500
    message: str = "Internal Server Error"
    delay: float = 0.0


class FakeTwilio:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict[str, Any]] = []
        self.faults: deque[TwilioFault] = deque()
        #: Every create fails with this status until :meth:`recover` (None: up).
        self.outage: int | None = None
        #: Creates get no answer while this is set, until :meth:`recover` (then they are served).
        self._hang: asyncio.Event | None = None
        #: Creates answered by an outage, and creates waiting in a hang right now.
        self.refused = 0
        self.hanging = 0
        self._sids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{sid}/Messages.json",
                    self._create,
                    methods=["POST"],
                )
            ]
        )

    def fail(self, *faults: TwilioFault) -> None:
        self.faults.extend(faults)

    def go_down(self, status: int = 500) -> None:
        """Every create fails with ``status`` until :meth:`recover`."""
        self.outage = status

    def hang(self) -> None:
        """Creates get no answer at all until :meth:`recover`."""
        if self._hang is None:
            self._hang = asyncio.Event()

    def recover(self) -> None:
        """End an outage or a hang: creates waiting in a hang are served now."""
        self.outage = None
        gate, self._hang = self._hang, None
        if gate is not None:
            gate.set()

    def to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["To"] == f"whatsapp:{number}"]

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.account_sid and password == self.auth_token

    @staticmethod
    def _error(status: int, code: int, message: str) -> JSONResponse:
        return JSONResponse(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status_code=status,
        )

    async def _create(self, request: Request) -> JSONResponse:
        if request.path_params["sid"] != self.account_sid or not self._authorised(request):
            return self._error(401, 20003, "Authenticate")
        form = await request.form()
        gate = self._hang
        if gate is not None:
            self.hanging += 1
            try:
                await gate.wait()
            finally:
                self.hanging -= 1
        if self.outage is not None:
            self.refused += 1
            return self._error(self.outage, 20500, "Internal Server Error")
        fields: dict[str, Any] = {}
        for key, value in form.multi_items():
            if key == "MediaUrl":
                fields.setdefault("MediaUrl", []).append(str(value))
            else:
                fields[key] = str(value)
        if self.faults:
            fault = self.faults.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status >= 300:
                return self._error(fault.status, fault.code, fault.message)
        if "To" not in fields or not ({"From", "MessagingServiceSid"} & set(fields)):
            return self._error(
                400, 21604, "A 'To' and a 'From' or 'MessagingServiceSid' are required"
            )
        if not ({"Body", "MediaUrl", "ContentSid"} & set(fields)):
            return self._error(400, 21602, "Message body is required")
        sid = f"SM{next(self._sids):032x}"
        fields["Sid"] = sid
        self.messages.append(fields)
        return JSONResponse(
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": fields["To"],
                "from": fields.get("From"),
                "messaging_service_sid": fields.get("MessagingServiceSid"),
                "body": fields.get("Body", ""),
                "status": "queued",
                "num_media": str(len(fields.get("MediaUrl", []))),
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "date_created": "Sun, 22 Nov 2026 10:00:00 +0000",
                "date_updated": "Sun, 22 Nov 2026 10:00:00 +0000",
                "date_sent": None,
                "error_code": None,
                "error_message": None,
                "price": None,
                "price_unit": "USD",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
                "subresource_uris": {},
            },
            status_code=201,
        )
