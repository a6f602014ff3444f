"""A fake Twilio REST API (Messages create), for the real twilio client to speak HTTP to.

``POST /2010-04-01/Accounts/<sid>/Messages.json`` with HTTP basic auth, answering like Twilio
(201 with the message resource, or an error body ``{"code", "message", "more_info",
"status"}``); records each message; can be told to fail (429, 5xx, a 4xx with a Twilio error
code) or to answer slowly; or be down (every create fails) or hang (no create answered) until
told to recover.

Content Templates are checked as Twilio documents them: a ``ContentSid`` must match
``^HX[0-9a-fA-F]{32}$`` (else error 21655), ``ContentVariables`` need a ``ContentSid`` (21654)
and must be a JSON object of non-empty strings (21656). A quick-reply template registered with
:meth:`FakeTwilio.add_quick_reply` is rendered on the recorded message (``Rendered``: the body
and button titles as WhatsApp would show them); a variable it uses and the send lacks is 21656.
Parameters that Messages create does not document are refused (code 21600 here), so a
misspelt parameter fails a test rather than being silently dropped.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import basic_auth_is

__all__ = ["MESSAGE_PARAMS", "FakeTwilio", "TwilioFault"]

#: The parameters of Messages create (Twilio's API reference).
MESSAGE_PARAMS = frozenset(
    {
        "To", "From", "MessagingServiceSid", "Body", "MediaUrl", "ContentSid",
        "ContentVariables", "StatusCallback", "ApplicationSid", "MaxPrice", "ProvideFeedback",
        "Attempt", "ValidityPeriod", "ForceDelivery", "ContentRetention", "AddressRetention",
        "SmartEncoded", "PersistentAction", "TrafficType", "ShortenUrls", "ScheduleType",
        "SendAt", "SendAsMms", "RiskCheck",
    }
)  # fmt: skip
_CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
_VARIABLE = re.compile(r"\{\{(\w+)\}\}")


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
        #: Registered quick-reply templates: Content SID -> (body, button titles, ids), with
        #: ``{{n}}`` variables.
        self.quick_replies: dict[str, tuple[str, list[str], list[str]]] = {}
        self.app = Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{sid}/Messages.json",
                    self._create,
                    methods=["POST"],
                )
            ]
        )

    def add_quick_reply(self, sid: str, buttons: int) -> None:
        """A ``twilio/quick-reply`` template as docs/whatsapp.md asks the operator to create:
        body ``{{1}}``, buttons ``{{2}}`` .. ``{{buttons+1}}`` (title and id alike)."""
        names = [f"{{{{{i}}}}}" for i in range(2, buttons + 2)]
        self.quick_replies[sid] = ("{{1}}", names, list(names))

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
        return basic_auth_is(request, self.account_sid, self.auth_token)

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

    def _check_content(self, fields: dict[str, Any]) -> JSONResponse | None:
        """Refuse what Twilio refuses in the parameters; render a registered quick reply."""
        unknown = sorted(set(fields) - MESSAGE_PARAMS)
        if unknown:
            return self._error(400, 21600, f"Unknown parameter(s): {', '.join(unknown)}")
        sid = fields.get("ContentSid")
        if "ContentVariables" in fields and sid is None:
            return self._error(400, 21654, "ContentSid Required")
        if sid is None:
            return None
        if not _CONTENT_SID.fullmatch(sid):
            return self._error(400, 21655, "The ContentSid is Invalid")
        try:
            variables = json.loads(fields.get("ContentVariables", "{}"))
        except ValueError:
            variables = None
        if not isinstance(variables, dict) or not all(
            isinstance(v, str) and v for v in variables.values()
        ):
            return self._error(400, 21656, "The ContentVariables Parameter is invalid")
        template = self.quick_replies.get(sid)
        if template is None:
            return None
        body, titles, ids = template
        used = {name for text in (body, *titles, *ids) for name in _VARIABLE.findall(text)}
        if used - set(variables):
            return self._error(400, 21656, "The ContentVariables Parameter is invalid")

        def fill(text: str) -> str:
            return _VARIABLE.sub(lambda m: str(variables[m.group(1)]), text)

        fields["Rendered"] = {
            "body": fill(body),
            "buttons": [fill(t) for t in titles],
            "ids": [fill(i) for i in ids],
        }
        return None

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
        refused = self._check_content(fields)
        if refused is not None:
            return refused
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
