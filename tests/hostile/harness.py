"""A small world for the hostile-input and fault tests, and the real service around it.

Areas: provinsi > kabupaten > two kecamatan; kecamatan Batu Aji has two desa (Bukit Tempayan
with posyandu Mawar and Melati, Kibing with Anggrek), kecamatan Sagulung has one (Sungai Lekop
with Kenanga). Every posyandu has its own kader (with a WhatsApp number and a Telegram chat)
and reports with figures no other posyandu has, so a reply that shows another posyandu's name
or figures is easy to spot. Supervisors sit on each desa, each kecamatan and the kabupaten.

:func:`running` opens the real :class:`bot.app.Service` (engine, Telegram intake against the
fake Bot API, WhatsApp webhook) without the dispatcher, so the outbox only changes when a
message is handled; :func:`client` drives its real Starlette app in-process (httpx's ASGI
transport), :func:`dump` snapshots every table.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.app import Service, limits_from
from conversations.catalogue import say
from conversations.engine import Engine, HandleResult
from conversations.inbound import Inbound
from scoring import MonthReport, Period, hard_problems
from scoring.clock import FixedClock
from scoring.schedule import Schedule
from storage import Database
from storage.areas import Area, Level, upsert_area
from storage.invitations import create_invitation
from storage.people import Role, add_identity, create_person
from storage.posyandu import upsert_posyandu
from storage.reports import list_stored_reports, save_report
from storage.sql import fetch_one
from tests.e2e.conftest import SECRET, TOKEN, settings_for
from tests.fakes.server import serve
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.helpers import STEADY
from tests.storage.helpers import month as steady_month

__all__ = [
    "AUTH",
    "MEDIA_KEY",
    "NOW",
    "PUBLIC",
    "SID",
    "Actor",
    "Chat",
    "PosyanduFixture",
    "Seeded",
    "client",
    "dump",
    "running",
    "seed",
]

SID = "AC" + "0123456789abcdef" * 2
AUTH = "twilio-auth-token-for-hostile-tests"
MEDIA_KEY = "media-signing-key-for-hostile-tests"
PUBLIC = "https://posyandu.example.test"
#: 2026-11-20 10:00 in Jakarta: after every hari buka of November.
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
CURRENT = Period(2026, 11)


@dataclass(frozen=True)
class PosyanduFixture:
    code: str
    name: str
    desa: str
    kader: str
    #: S, K, D, N of every report (distinct across posyandu).
    skdn: tuple[int, int, int, int]
    telegram: str
    whatsapp: str
    #: Reported the current month too.
    reported_now: bool
    id: int = 0

    @property
    def figures(self) -> tuple[str, ...]:
        return tuple(str(v) for v in self.skdn)


POSYANDU = (
    PosyanduFixture(
        "MWR01", "Mawar", "Bukit Tempayan", "Bu Sari", (613, 603, 593, 583), "5001",
        "+6281300000011", True,
    ),
    PosyanduFixture(
        "MLT02", "Melati", "Bukit Tempayan", "Bu Wati", (727, 717, 707, 697), "5002",
        "+6281300000012", False,
    ),
    PosyanduFixture(
        "AGR03", "Anggrek", "Kibing", "Bu Yanti", (839, 829, 819, 809), "5003",
        "+6281300000013", True,
    ),
    PosyanduFixture(
        "KNG04", "Kenanga", "Sungai Lekop", "Bu Lina", (947, 937, 927, 917), "5004",
        "+6281300000014", False,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """Someone who types: a kader or a supervisor (or nobody registered)."""

    key: str
    name: str
    telegram: str
    #: Codes of the posyandu the actor may see.
    sees: frozenset[str]
    kader_of: str | None = None
    area_code: str | None = None


@dataclass
class Seeded:
    #: An SQLite file, or a PostgreSQL URL.
    path: Path | str
    posyandu: dict[str, PosyanduFixture]
    actors: dict[str, Actor]
    areas: dict[str, Area] = field(default_factory=dict)
    kader_code: str = ""
    supervisor_code: str = ""


SUPERVISORS = (
    # key, name, telegram chat, area code, the posyandu under it
    ("spv_desa_a1", "Bidan Rina", "6001", "21.71.05.1004", {"MWR01", "MLT02"}),
    ("spv_desa_a2", "Bidan Tuti", "6002", "21.71.05.1005", {"AGR03"}),
    ("spv_kec_a", "Bidan Eka", "6003", "21.71.05", {"MWR01", "MLT02", "AGR03"}),
    ("spv_kec_b", "Bidan Nur", "6004", "21.71.06", {"KNG04"}),
    ("spv_kab", "Dokter Ani", "6005", "21.71", {"MWR01", "MLT02", "AGR03", "KNG04"}),
)


def month(period: Period, skdn: tuple[int, int, int, int]) -> MonthReport:
    s, k, d, n = skdn
    return steady_month(period, **{**STEADY, "bayi_imunisasi": 2, "s": s, "k": k, "d": d, "n": n})


async def seed(path: Path | str, now: datetime = NOW) -> Seeded:
    posyandu: dict[str, PosyanduFixture] = {}
    actors: dict[str, Actor] = {}
    areas: dict[str, Area] = {}
    async with await Database.open(path) as db, db.transaction() as tx:
        prov = await upsert_area(tx, "21", "Kepulauan Riau", Level.PROVINSI, None)
        kab = await upsert_area(tx, "21.71", "Kota Batam", Level.KABUPATEN, prov)
        kec_a = await upsert_area(tx, "21.71.05", "Batu Aji", Level.KECAMATAN, kab)
        kec_b = await upsert_area(tx, "21.71.06", "Sagulung", Level.KECAMATAN, kab)
        desa = {
            "Bukit Tempayan": await upsert_area(
                tx, "21.71.05.1004", "Bukit Tempayan", Level.DESA, kec_a
            ),
            "Kibing": await upsert_area(tx, "21.71.05.1005", "Kibing", Level.DESA, kec_a),
            "Sungai Lekop": await upsert_area(
                tx, "21.71.06.1001", "Sungai Lekop", Level.DESA, kec_b
            ),
        }
        for area in (prov, kab, kec_a, kec_b, *desa.values()):
            areas[area.code] = area
        for fixture in POSYANDU:
            p = await upsert_posyandu(
                tx, fixture.code, fixture.name, desa[fixture.desa], "Asia/Jakarta",
                Schedule.parse("tanggal 12"),
            )  # fmt: skip
            kader = await create_person(tx, fixture.kader, Role.KADER, now, posyandu_id=p.id)
            await add_identity(tx, kader.id, "telegram", fixture.telegram)
            await add_identity(tx, kader.id, "whatsapp", fixture.whatsapp)
            back = (0, 1, 2) if fixture.reported_now else (1, 2)
            for b in back:
                await save_report(
                    tx, p.id, month(CURRENT.shift(-b), fixture.skdn), by=kader.id, at=now,
                    channel="import",
                )  # fmt: skip
            posyandu[fixture.code] = PosyanduFixture(**{**fixture.__dict__, "id": p.id})
            actors[f"kader_{fixture.code}"] = Actor(
                f"kader_{fixture.code}",
                fixture.kader,
                fixture.telegram,
                frozenset({fixture.code}),
                kader_of=fixture.code,
            )
        for key, name, chat, code, sees in SUPERVISORS:
            person = await create_person(tx, name, Role.SUPERVISOR, now, area_id=areas[code].id)
            await add_identity(tx, person.id, "telegram", chat)
            actors[key] = Actor(key, name, chat, frozenset(sees), area_code=code)
        actors["stranger"] = Actor("stranger", "", "7001", frozenset())
        kader_inv = await create_invitation(
            tx, Role.KADER, now, posyandu_id=posyandu["MWR01"].id, uses=2
        )
        sup_inv = await create_invitation(
            tx, Role.SUPERVISOR, now, area_id=areas["21.71.05.1004"].id, uses=1
        )
    return Seeded(path, posyandu, actors, areas, kader_inv.code, sup_inv.code)


@asynccontextmanager
async def running(
    seeded: Seeded,
    *,
    clock: FixedClock | None = None,
    folder: Path | None = None,
    **extra: Any,
) -> AsyncIterator[tuple[Service, FakeTelegram]]:
    """The real service with Telegram (webhook mode) and WhatsApp, without the dispatcher or
    the scheduler: the outbox is only written by handling messages. ``folder``: for its files
    when the database is a PostgreSQL URL."""
    fake = FakeTelegram(TOKEN)
    async with serve(fake.app) as url:
        settings = settings_for(
            seeded.path,
            folder,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=f"{url}/bot",
            telegram_webhook_secret=SECRET,
            public_base_url=PUBLIC,
            twilio_account_sid=SID,
            twilio_auth_token=AUTH,
            twilio_whatsapp_from="+14155238886",
            twilio_api_base_url="http://127.0.0.1:9",
            media_signing_key=MEDIA_KEY,
            **extra,
        )
        service = Service(settings, clock or FixedClock(NOW), run_scheduler=False)
        await service.open()
        try:
            await service.channels["telegram"].start()
            yield service, fake
        finally:
            await service.stop()


def client(service: Service) -> httpx.AsyncClient:
    """An HTTP client speaking to the service's real ASGI app in-process."""
    return httpx.AsyncClient(
        # Starlette re-raises after answering 503; the status is what a client would see.
        transport=httpx.ASGITransport(app=service.asgi_app(), raise_app_exceptions=False),
        base_url="http://testserver",
    )


async def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (a snapshot to compare before and after)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with db.read() as conn:
        await conn.execute("BEGIN")
        names = [
            str(r[0])
            for r in await conn.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for name in sorted(names):
            rows = await conn.execute_fetchall(f'SELECT * FROM "{name}" ORDER BY rowid')
            out[name] = [tuple(r) for r in rows]
        await conn.execute("COMMIT")
    return out


APOLOGY = say("error.apology")


def rendered(payload: dict[str, Any]) -> str:
    """An outbox payload as one string (text and choices, or the document and its params)."""
    if payload.get("type") == "text":
        return "\n".join([str(payload.get("body", "")), *map(str, payload.get("choices", []))])
    return f"[document {payload.get('kind')} {json.dumps(payload.get('params'), sort_keys=True)}]"


class Chat:
    """The real engine on a database: say something as someone, get the replies queued for
    exactly that message."""

    def __init__(self, db: Database, clock: FixedClock, **limits: Any) -> None:
        self.db = db
        self.clock = clock
        settings = settings_for(db.path, **limits)
        self.engine = Engine(db, clock, limits=limits_from(settings))
        self._ids = itertools.count(1)
        self.last: HandleResult | None = None

    async def send(self, address: str, text: str, channel: str = "telegram") -> list[str]:
        external = f"m{next(self._ids)}"
        self.last = await self.engine.handle(
            Inbound(channel, address, text, external, self.clock.now())
        )
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT payload FROM outbox WHERE dedupe_key LIKE ? OR dedupe_key = ? ORDER BY id",
                (f"reply:{channel}:{external}:%", f"apology:{channel}:{external}"),
            )
        return [rendered(json.loads(r[0])) for r in rows]

    async def say(self, address: str, text: str, channel: str = "telegram") -> str:
        return "\n".join(await self.send(address, text, channel))

    async def apologies(self) -> int:
        async with self.db.read() as conn:
            row = await fetch_one(
                conn,
                "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'apology:%' OR payload LIKE ?",
                (f"%{APOLOGY[:40]}%",),
            )
        return int(row[0])

    async def broken_reports(self) -> list[str]:
        """Every saved report (and revision) that breaks a hard rule."""
        async with self.db.read() as conn:
            ids = [int(r[0]) for r in await conn.execute_fetchall("SELECT id FROM posyandu")]
            bad: list[str] = []
            for pid in ids:
                for stored in await list_stored_reports(
                    conn, pid, Period(2000, 1), Period(2100, 12)
                ):
                    problems = hard_problems(stored.report)
                    if problems:
                        bad.append(f"{pid} {stored.report.period}: {problems}")
        return bad
