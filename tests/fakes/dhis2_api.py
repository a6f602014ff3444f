"""A fake DHIS2 Web API: ``POST /api/dataValueSets`` as DHIS2 2.38+ answers it, for the real
``posyandu dhis2 push`` to speak HTTP to (tests.fakes.server.serve).

It checks what DHIS2 checks: authentication (``Authorization: ApiToken <token>`` or HTTP basic;
401 otherwise), the identifier scheme (codes are resolved only with ``idScheme=CODE``, any
case), and each data value: the period a monthly ``YYYYMM``, the data element, organisation
unit, category option combo and attribute option combo known codes (an empty combo is the
default), the value an integer (the data elements are INTEGER). A bad value is a conflict
(``{"object", "value", "errorCode", "property", "indexes"}``) and is ignored; the rest is
imported (new), updated (a different value) or ignored (the same value). A document with
conflicts is answered 409, one without 200, both wrapped in a web message
(``{"httpStatus", "httpStatusCode", "status", "message", "response": {ImportSummary}}``), as
DHIS2 answers since 2.38; ``bare=True`` answers the summary alone, as up to 2.37. A dry run
checks and counts but stores nothing. ``fail_next`` answers the next requests with a 500.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["FakeDhis2"]

_PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
_INTEGER = re.compile(r"^-?\d+$")

Key = tuple[str, str, str, str, str]


@dataclass
class FakeDhis2:
    data_elements: set[str]
    org_units: set[str]
    category_option_combos: set[str] = field(default_factory=lambda: {"default"})
    token: str = "d2pat_fake_token_0123456789abcdef"
    username: str = "admin"
    password: str = "district"
    bare: bool = False
    fail_next: int = 0
    #: What DHIS2 holds: the value of each data value.
    values: dict[Key, str] = field(default_factory=dict)
    #: Each request's query parameters and number of data values, in order.
    requests: list[tuple[dict[str, str], int]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/api/dataValueSets", self._post, methods=["POST"])])

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header == f"ApiToken {self.token}":
            return True
        if header.startswith("Basic "):
            given = base64.b64decode(header[6:]).decode()
            return given == f"{self.username}:{self.password}"
        return False

    async def _post(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse(
                {
                    "httpStatus": "Unauthorized",
                    "httpStatusCode": 401,
                    "status": "ERROR",
                    "message": "Unauthorized",
                },
                status_code=401,
            )
        params = dict(request.query_params)
        body = await request.json()
        values = body.get("dataValues", [])
        self.requests.append((params, len(values)))
        if self.fail_next:
            self.fail_next -= 1
            return JSONResponse(
                {
                    "httpStatus": "Internal Server Error",
                    "httpStatusCode": 500,
                    "status": "ERROR",
                    "message": "An unexpected error occurred",
                },
                status_code=500,
            )
        dry = params.get("dryRun", "false").lower() == "true"
        by_code = params.get("idScheme", "UID").upper() == "CODE"
        summary = self._import(values, dry, by_code)
        return self._answer(summary)

    def _import(self, values: list[dict[str, Any]], dry: bool, by_code: bool) -> dict[str, Any]:
        counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
        conflicts: list[dict[str, Any]] = []
        for index, dv in enumerate(values):
            problem = self._problem(dv, by_code)
            if problem is not None:
                obj, message, code, prop = problem
                conflicts.append(
                    {
                        "object": obj,
                        "value": message,
                        "errorCode": code,
                        "property": prop,
                        "indexes": [index],
                    }
                )
                counts["ignored"] += 1
                continue
            key: Key = (
                dv["dataElement"],
                dv["period"],
                dv["orgUnit"],
                dv.get("categoryOptionCombo") or "default",
                dv.get("attributeOptionCombo") or "default",
            )
            held = self.values.get(key)
            if held == str(dv["value"]):
                counts["ignored"] += 1
                continue
            counts["imported" if held is None else "updated"] += 1
            if not dry:
                self.values[key] = str(dv["value"])
        return {
            "responseType": "ImportSummary",
            "status": "WARNING" if conflicts else "SUCCESS",
            "importOptions": {"idSchemes": {}, "dryRun": dry},
            "description": "Import process completed successfully",
            "importCount": counts,
            "conflicts": conflicts,
            "rejectedIndexes": [c["indexes"][0] for c in conflicts],
            "dataSetComplete": "false",
        }

    def _problem(self, dv: dict[str, Any], by_code: bool) -> tuple[str, str, str, str] | None:
        known = self.data_elements if by_code else set()
        element = str(dv.get("dataElement", ""))
        if element not in known:
            return (
                element,
                f"Data element not found or not accessible: `{element}`",
                "E7610",
                ("dataElement"),
            )
        period = str(dv.get("period", ""))
        if not _PERIOD.fullmatch(period):
            return period, f"Period not valid: `{period}`", "E7611", "period"
        unit = str(dv.get("orgUnit", ""))
        if unit not in (self.org_units if by_code else set()):
            return (
                unit,
                f"Organisation unit not found or not accessible: `{unit}`",
                "E7612",
                ("orgUnit"),
            )
        for name, code in (("categoryOptionCombo", "E7613"), ("attributeOptionCombo", "E7615")):
            combo = str(dv.get(name) or "default")
            if combo not in self.category_option_combos:
                return combo, f"{name} not found or not accessible: `{combo}`", code, name
        value = str(dv.get("value", ""))
        if not _INTEGER.fullmatch(value):
            message = f"Value must match data element's `{element}` type constraints: "
            return value, message + "Value is not an integer", "E7619", "value"
        return None

    def _answer(self, summary: dict[str, Any]) -> JSONResponse:
        conflicted = bool(summary["conflicts"])
        if self.bare:
            return JSONResponse(summary)
        return JSONResponse(
            {
                "httpStatus": "Conflict" if conflicted else "OK",
                "httpStatusCode": 409 if conflicted else 200,
                "status": "WARNING" if conflicted else "OK",
                "message": "One more conflicts encountered, please check import summary."
                if conflicted
                else "Import was successful.",
                "response": summary,
            },
            status_code=409 if conflicted else 200,
        )
