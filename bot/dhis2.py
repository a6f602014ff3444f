"""DHIS2 (docs/dhis2.md): the data values of the stored reports, and pushing them to an
instance's ``/api/dataValueSets`` in batches, each push recorded.

Only what DHIS2 does not hold yet is sent: a value it accepted before (``dhis2_values``, kept
per data value) is left out, so a second push of the same months sends nothing, and a
revision made after a push is sent by the next one. A batch with conflicts is not remembered:
its values go again next time (sending a value DHIS2 already holds changes nothing there).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.settings import Settings
from scoring import Period
from scoring.dhis2 import (
    DataValue,
    ImportSummary,
    MappedField,
    child_counts,
    data_values,
    json_document,
    mapping_digest,
    parse_summary,
    values_digest,
)
from scoring.growth import GrowthRules
from scoring.prevalence import month_prevalence
from storage.areas import area_by_code
from storage.children import Measured
from storage.db import Connection, Database
from storage.dhis2 import (
    Push,
    PushRecord,
    accepted_values,
    month_weighings,
    record_push,
    remember_accepted,
)
from storage.posyandu import Posyandu, all_posyandu, org_units, posyandu_under
from storage.reports import reports_for_posyandu_ids

__all__ = [
    "Dhis2Client",
    "Dhis2Error",
    "Selection",
    "UnknownAreaError",
    "collect",
    "push",
]

_CHUNK = 500  # posyandu read at a time
_EARLIEST = Period(1900, 1)
_LATEST = Period(9999, 12)


class Dhis2Error(Exception):
    """DHIS2 could not be reached or did not answer with an import summary."""


class UnknownAreaError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Selection:
    """Which posyandu-months: an area (None: all) and a span of months (None: any)."""

    area_code: str | None = None
    first: Period | None = None
    last: Period | None = None


async def _posyandu(conn: Connection, area_code: str | None) -> list[Posyandu]:
    if area_code is None:
        return await all_posyandu(conn, active_only=False)
    area = await area_by_code(conn, area_code)
    if area is None:
        raise UnknownAreaError(f"unknown area {area_code}")
    return await posyandu_under(conn, area, active_only=False)


async def collect(
    conn: Connection,
    mapping: Sequence[MappedField],
    selection: Selection,
    rules: GrowthRules,
) -> list[DataValue]:
    """The data values of the selected posyandu-months, by posyandu code and month: one per
    mapped field with a value (a per-child count: where the register has weighings that
    month). Call on one read snapshot."""
    posyandu = await _posyandu(conn, selection.area_code)
    first, last = selection.first or _EARLIEST, selection.last or _LATEST
    per_child = [m.field for m in mapping if m.per_child]
    out: list[DataValue] = []
    for start in range(0, len(posyandu), _CHUNK):
        chunk = posyandu[start : start + _CHUNK]
        ids = [p.id for p in chunk]
        units = await org_units(conn, chunk)
        reports = await reports_for_posyandu_ids(conn, ids, first, last)
        weighed = await month_weighings(conn, ids, first, last) if per_child else {}
        months: dict[int, dict[Period, dict[str, Any]]] = {
            p.id: {r.period: r.values() for r in reports[p.id]} for p in chunk
        }
        # The z-scores are CPU work: not on the event loop (the monthly job runs in the
        # service, beside the webhooks).
        counted = await asyncio.to_thread(_per_child, weighed, rules, per_child)
        for (posyandu_id, period), found in counted.items():
            months[posyandu_id].setdefault(period, {}).update(found)
        for p in chunk:
            for period in sorted(months[p.id]):
                out.extend(data_values(units[p.id], period, months[p.id][period], mapping))
    return out


def _per_child(
    weighed: dict[tuple[int, Period], list[Measured]], rules: GrowthRules, names: list[str]
) -> dict[tuple[int, Period], dict[str, int]]:
    return {
        key: child_counts(month_prevalence((m.as_prevalence(rules) for m in rows), rules), names)
        for key, rows in weighed.items()
    }


class Dhis2Client:
    """``POST /api/dataValueSets`` with codes for every identifier (``idScheme=CODE``)."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        if settings.dhis2_url is None:
            raise Dhis2Error("DHIS2_URL is not set")
        headers = {"Accept": "application/json"}
        auth: httpx.BasicAuth | None = None
        if settings.dhis2_token is not None:
            headers["Authorization"] = "ApiToken " + settings.dhis2_token.get_secret_value()
        elif settings.dhis2_username is not None and settings.dhis2_password is not None:
            password = settings.dhis2_password.get_secret_value()
            auth = httpx.BasicAuth(settings.dhis2_username, password)
        else:
            raise Dhis2Error("set DHIS2_TOKEN or DHIS2_USERNAME/DHIS2_PASSWORD")
        self.url = settings.dhis2_url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            auth=auth,
            timeout=settings.dhis2_timeout_seconds,
            transport=transport,
        )

    async def __aenter__(self) -> Dhis2Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def post(self, values: Sequence[DataValue], dry_run: bool) -> ImportSummary:
        """Send one batch; DHIS2's import summary (a 409 carries one too, with conflicts)."""
        params = {
            "idScheme": "CODE",
            "dryRun": "true" if dry_run else "false",
            "importStrategy": "CREATE_AND_UPDATE",
        }
        try:
            answer = await self._client.post(
                "/api/dataValueSets",
                params=params,
                content=json_document(values).encode(),
                headers={"Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise Dhis2Error(f"DHIS2 at {self.url} could not be reached: {exc!r}") from None
        return _summary(answer)


def _summary(answer: httpx.Response) -> ImportSummary:
    document: Any = None
    with contextlib.suppress(ValueError):
        document = answer.json()
    if isinstance(document, dict) and answer.status_code in (200, 201, 409):
        try:
            return parse_summary(document)
        except ValueError:
            pass
    message = document.get("message") if isinstance(document, dict) else None
    said = message or answer.text[:200]
    raise Dhis2Error(f"DHIS2 answered HTTP {answer.status_code}: {said}")


@dataclass(frozen=True, slots=True)
class Outcome:
    record: PushRecord
    push_id: int
    error: str | None
    #: Data values DHIS2 accepted from an earlier push that the reports no longer give (a
    #: revision emptied the field): never deleted by the bot, said to the operator.
    stale: tuple[tuple[str, str, str, str, str], ...] = ()


async def push(
    db: Database,
    client: Dhis2Client,
    mapping: Sequence[MappedField],
    selection: Selection,
    request: Push,
    settings: Settings,
) -> Outcome:
    """Send what DHIS2 does not hold yet of the selection, in batches, and record the push
    (one row, whatever happened) and the values DHIS2 took without conflict."""
    rules, batch_size = settings.growth(), settings.dhis2_batch_size
    async with db.read() as conn:
        await conn.execute("BEGIN")  # one snapshot
        values = await collect(conn, mapping, selection, rules)
        held = await accepted_values(conn, {v.org_unit for v in values}, {v.period for v in values})
        await conn.execute("COMMIT")
    to_send = [v for v in values if held.get(v.key) != v.value]
    stale = _stale(held, values, mapping)
    summary, error, batches = ImportSummary(), None, 0
    taken: list[DataValue] = []
    for start in range(0, len(to_send), batch_size):
        batch = to_send[start : start + batch_size]
        batches += 1
        try:
            answer = await client.post(batch, request.dry_run)
        except Dhis2Error as exc:
            error = str(exc)
            summary += ImportSummary(status="ERROR", description=error)
            break
        summary += answer
        if not request.dry_run and answer.status != "ERROR" and not answer.conflicts:
            taken.extend(batch)
    record = PushRecord(
        request,
        values_digest(to_send),
        len(to_send),
        len(values) - len(to_send),
        batches,
        summary,
    )
    async with db.transaction() as tx:
        push_id = await record_push(tx, record)
        await remember_accepted(tx, push_id, taken)
    return Outcome(record, push_id, error, stale)


def _stale(
    held: dict[tuple[str, str, str, str, str], str],
    values: Sequence[DataValue],
    mapping: Sequence[MappedField],
) -> tuple[tuple[str, str, str, str, str], ...]:
    """What DHIS2 holds from earlier pushes, under a target the mapping still maps, that the
    same posyandu-months no longer give: a value emptied by a revision after its push. The
    bot does not delete it in DHIS2 (a person decides whether the old figure stands)."""
    now = {v.key for v in values}
    targets = {m.target for m in mapping}
    return tuple(sorted(k for k in held if k not in now and (k[0], k[3], k[4]) in targets))


def request_for(
    settings: Settings,
    operator: str,
    at: datetime,
    mapping: Sequence[MappedField],
    selection: Selection,
    dry_run: bool,
) -> Push:
    return Push(
        at,
        operator,
        settings.dhis2_url or "",
        dry_run,
        None if selection.first is None else str(selection.first),
        None if selection.last is None else str(selection.last),
        selection.area_code,
        mapping_digest(mapping),
    )


#: How many stale data values a summary names (the rest counted).
_STALE_SHOWN = 20


def summary_lines(outcome: Outcome) -> list[str]:
    """The push as the operator reads it (English)."""
    r, s = outcome.record, outcome.record.summary
    lines = [
        f"push {outcome.push_id}{' (dry run)' if r.push.dry_run else ''}: sent {r.sent} "
        f"value(s) in {r.batches} batch(es), {r.unchanged} already in DHIS2 left out",
        f"DHIS2: {s.status}, imported {s.imported}, updated {s.updated}, ignored {s.ignored}, "
        f"deleted {s.deleted}, conflicts {len(s.conflicts)}",
    ]
    lines += [f"  conflict: {c.object}: {c.value}" for c in s.conflicts]
    if outcome.stale:
        lines.append(
            f"{len(outcome.stale)} value(s) DHIS2 holds from an earlier push are no longer in "
            "the reports (emptied by a revision); not deleted: check them in DHIS2"
        )
        lines += [
            f"  held: dataElement {de} period {pe} orgUnit {ou}"
            + (f" categoryOptionCombo {coc}" if coc else "")
            + (f" attributeOptionCombo {aoc}" if aoc else "")
            for de, pe, ou, coc, aoc in outcome.stale[:_STALE_SHOWN]
        ]
        if len(outcome.stale) > _STALE_SHOWN:
            lines.append(f"  ... and {len(outcome.stale) - _STALE_SHOWN} more")
    if outcome.error:
        lines.append(f"stopped: {outcome.error}")
    return lines


def summary_json(outcome: Outcome) -> str:
    return json.dumps(outcome.record.summary.as_json(), ensure_ascii=False)
