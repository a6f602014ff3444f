"""``posyandu export --format dhis2-*`` and ``posyandu dhis2 push``, the real commands against a
real SQLite file and a fake DHIS2 on 127.0.0.1 (tests/fakes/dhis2_api.py): org units from the
posyandu import, one value per mapped field with a value, batches, the import summary, a
second push that sends nothing, a revision sent again, conflicts, a 500, basic auth, a dry run,
and every push recorded."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.dhis2 import Dhis2Client
from bot.dhis2_monthly import MonthlyPush, closed_months
from bot.settings import SettingsError, load_settings
from conversations.catalogue import say
from scoring import Period
from scoring.dhis2 import CSV_COLUMNS, DataValue
from scoring.growth import Method, Sex
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, new_key
from storage.people import Role, add_identity, create_person
from storage.reports import save_report
from tests.fakes.dhis2_api import FakeDhis2
from tests.fakes.server import serve
from tests.storage.helpers import month, seed_world

OCT, NOV = Period(2026, 10), Period(2026, 11)
AT = datetime(2026, 11, 20, tzinfo=UTC)
MAPPING = """field,dataElement,categoryOptionCombo
s,PSY_S,default
d,PSY_D,default
n,PSY_N,default
"""
POSYANDU = """code,name,desa_code,timezone,schedule,active,org_unit
P1,Mawar,21.71.01.1001,Asia/Jakarta,tanggal 12,1,OU_MAWAR
P2,Melati,21.71.01.1001,Asia/Jakarta,selasa minggu ke-2,1,
P3,Anggrek,21.71.02.1001,Asia/Makassar,jumat terakhir,1,OU_ANGGREK
"""


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """P1..P3 reporting October (N skipped at P2) and P1 November; P1 and P3 with an org unit
    from the import, P2 without (its code)."""
    path = tmp_path / "dhis2.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))
    for name in ("DHIS2_URL", "DHIS2_TOKEN", "DHIS2_USERNAME", "DHIS2_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DHIS2_BATCH_SIZE", "2")

    async def make() -> None:
        async with await Database.open(path) as db:
            w = await seed_world(db)
            async with db.transaction() as tx:
                for p in w.posyandu:
                    report = month(OCT, n=None) if p.code == "P2" else month(OCT)
                    await save_report(tx, p.id, report, by=None, at=AT, channel="console")
                await save_report(
                    tx, w.posyandu[0].id, month(NOV), by=None, at=AT, channel="console"
                )

    asyncio.run(make())
    (tmp_path / "posyandu.csv").write_text(POSYANDU, "utf-8")
    (tmp_path / "mapping.csv").write_text(MAPPING, "utf-8")
    assert main(["import", "posyandu", str(tmp_path / "posyandu.csv")]) == 0
    return tmp_path


@pytest.fixture
async def dhis2(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDhis2]:
    fake = FakeDhis2(
        data_elements={"PSY_S", "PSY_D", "PSY_N"},
        org_units={"OU_MAWAR", "P2", "OU_ANGGREK"},
    )
    async with serve(fake.app()) as url:
        monkeypatch.setenv("DHIS2_URL", url)
        monkeypatch.setenv("DHIS2_TOKEN", fake.token)
        yield fake


async def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def pushes(path: Path) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with await Database.open(path) as db, db.read() as conn:
            rows = await conn.execute_fetchall("SELECT * FROM dhis2_pushes ORDER BY id")
            return [dict(zip(r.keys(), tuple(r), strict=True)) for r in rows]

    return asyncio.run(read())


async def test_export_as_data_value_sets(capsys: pytest.CaptureFixture[str], world: Path) -> None:
    mapping = str(world / "mapping.csv")
    code, out, err = await cli(
        capsys, "export", "--format", "dhis2-json", "--mapping", mapping, "--period", "2026-10"
    )
    assert code == 0, err
    values = json.loads(out)["dataValues"]
    # Three posyandu, three fields, but N skipped at P2: eight values; P2 under its own code.
    assert len(values) == 8
    assert {(v["orgUnit"], v["dataElement"]) for v in values} >= {
        ("P2", "PSY_S"),
        ("OU_MAWAR", "PSY_N"),
    }
    assert ("P2", "PSY_N") not in {(v["orgUnit"], v["dataElement"]) for v in values}
    assert {v["period"] for v in values} == {"202610"}
    assert all(v["value"].isdigit() for v in values)
    code, out, err = await cli(
        capsys, "export", "--format", "dhis2-csv", "--mapping", mapping, "--area", "21.71.01"
    )
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {(r[0], r[1], r[2]) for r in rows[1:]} >= {("PSY_S", "202611", "OU_MAWAR")}
    assert "OU_ANGGREK" not in out  # P3 is in another kecamatan
    code, _, err = await cli(capsys, "export", "--format", "dhis2-json")
    assert code == 2 and "--mapping" in err
    (world / "bad.csv").write_text("field,dataElement,categoryOptionCombo\ns,X,\ns,Y,\n")
    code, _, err = await cli(
        capsys, "export", "--format", "dhis2-json", "--mapping", str(world / "bad.csv")
    )
    assert code == 2 and "line 3: duplicate field s (first on line 2)" in err


async def test_push_twice_then_a_revision(
    capsys: pytest.CaptureFixture[str], world: Path, dhis2: FakeDhis2
) -> None:
    mapping = str(world / "mapping.csv")
    code, out, err = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--operator", "ops")
    assert code == 0, out + err
    # Eleven values (eight of October, three of November), two a request.
    assert len(dhis2.values) == 11
    assert [n for _, n in dhis2.requests] == [2, 2, 2, 2, 2, 1]
    assert all(
        p["idScheme"].upper() == "CODE" and p["dryRun"] == "false" for p, _ in dhis2.requests
    )
    assert "imported 11, updated 0, ignored 0, deleted 0, conflicts 0" in out
    # Again: nothing to send, nothing changes.
    code, out, err = await cli(capsys, "dhis2", "push", "--mapping", mapping)
    assert code == 0, out + err
    assert len(dhis2.requests) == 6
    assert "sent 0 value(s) in 0 batch(es), 11 already in DHIS2 left out" in out

    # A revision of P1's October: its S goes again, alone.
    async def revise() -> None:
        async with await Database.open(world / "dhis2.db") as db, db.transaction() as tx:
            rows = await tx.execute_fetchall("SELECT id FROM posyandu WHERE code = 'P1'")
            p1 = next(iter(rows))[0]
            await save_report(tx, p1, month(OCT, s=60), by=None, at=AT, channel="console")

    await revise()
    code, out, err = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 0, out + err
    assert dhis2.requests[-1][1] == 1
    assert dhis2.values[("PSY_S", "202610", "OU_MAWAR", "default", "default")] == "60"
    assert "imported 0, updated 1" in out
    records = await asyncio.to_thread(pushes, world / "dhis2.db")
    assert [(r["operator"], r["sent"], r["unchanged"], r["status"]) for r in records] == [
        ("ops", 11, 0, "SUCCESS"),
        (records[1]["operator"], 0, 11, "SUCCESS"),
        (records[2]["operator"], 1, 7, "SUCCESS"),
    ]
    assert records[2]["first_period"] == "2026-10" and len(records[2]["values_digest"]) == 64
    code, _, err = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--area", "99")
    assert code == 2 and "unknown area 99" in err
    assert len(await asyncio.to_thread(pushes, world / "dhis2.db")) == 3


async def test_conflicts_and_a_500_exit_1_and_are_sent_again(
    capsys: pytest.CaptureFixture[str], world: Path, dhis2: FakeDhis2
) -> None:
    mapping = str(world / "mapping.csv")
    dhis2.org_units.discard("OU_ANGGREK")
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 1
    assert "conflicts 3" in out
    assert "conflict: OU_ANGGREK: Organisation unit not found or not accessible" in out
    # The batches with a conflict are not remembered: fixed in DHIS2, the next push sends them.
    dhis2.org_units.add("OU_ANGGREK")
    dhis2.fail_next = 1
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 1
    assert "stopped: DHIS2 answered HTTP 500: An unexpected error occurred" in out
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 0, out
    assert len(dhis2.values) == 8
    records = await asyncio.to_thread(pushes, world / "dhis2.db")
    assert [(r["status"], r["conflicts"]) for r in records] == [
        ("WARNING", 3),
        ("ERROR", 0),
        ("SUCCESS", 0),
    ]
    assert json.loads(records[0]["summary"])["conflicts"][0]["object"] == "OU_ANGGREK"


async def test_basic_auth_dry_run_and_bare_summaries(
    capsys: pytest.CaptureFixture[str],
    world: Path,
    dhis2: FakeDhis2,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapping = str(world / "mapping.csv")
    monkeypatch.delenv("DHIS2_TOKEN")
    url = os.environ["DHIS2_URL"]
    monkeypatch.delenv("DHIS2_URL")
    code, _, err = await cli(capsys, "dhis2", "push", "--mapping", mapping)
    assert code == 2 and "DHIS2_URL is not set" in err
    monkeypatch.setenv("DHIS2_URL", url)
    monkeypatch.setenv("DHIS2_USERNAME", dhis2.username)
    monkeypatch.setenv("DHIS2_PASSWORD", "wrong")
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping)
    assert code == 1 and "HTTP 401" in out
    monkeypatch.setenv("DHIS2_PASSWORD", dhis2.password)
    dhis2.bare = True  # DHIS2 up to 2.37: the summary alone
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--dry-run")
    assert code == 0, out
    assert "(dry run)" in out and "imported 11" in out
    assert dhis2.values == {}  # DHIS2's dry run stores nothing, and nothing is remembered
    code, out, _ = await cli(capsys, "dhis2", "push", "--mapping", mapping)
    assert code == 0 and "imported 11" in out and len(dhis2.values) == 11


def test_a_half_set_pair_stops_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, dhis2_username="admin")
    assert str(caught.value).splitlines()[1:] == [
        "  DHIS2_PASSWORD: must be set with DHIS2_USERNAME (or unset both)"
    ]
    with pytest.raises(SettingsError, match="DHIS2_USERNAME: must be set with DHIS2_PASSWORD"):
        load_settings(_env_file=None, dhis2_password="district")
    with pytest.raises(SettingsError, match="DHIS2_TOKEN: set either it or DHIS2_USERNAME"):
        load_settings(
            _env_file=None,
            dhis2_url="https://dhis2.example.org",
            dhis2_token="d2pat_0123456789abcdef",
            dhis2_username="admin",
            dhis2_password="district",
        )
    with pytest.raises(SettingsError, match="DHIS2_URL: needs DHIS2_TOKEN or DHIS2_USERNAME"):
        load_settings(_env_file=None, dhis2_url="https://dhis2.example.org")
    with pytest.raises(
        SettingsError, match="DHIS2_MONTHLY_PUSH: needs DHIS2_URL and DHIS2_MAPPING"
    ):
        load_settings(_env_file=None, dhis2_monthly_push=True)
    with pytest.raises(SettingsError, match="DHIS2_TOKEN: a secret must have at least 16"):
        load_settings(_env_file=None, dhis2_token="short")


async def test_the_monthly_push_tells_the_kabupaten_supervisors(
    world: Path, dhis2: FakeDhis2, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On its day the job pushes the closed months of each kabupaten (the months before
    included, so a late revision goes too) and queues one line for the kabupaten's
    supervisors; run again, it sends nothing and queues nothing new."""
    monkeypatch.setenv("DHIS2_MAPPING", str(world / "mapping.csv"))
    monkeypatch.setenv("DHIS2_MONTHLY_PUSH", "true")
    settings = load_settings(_env_file=None)
    now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta
    async with await Database.open(world / "dhis2.db") as db:
        async with db.transaction() as tx:
            rows = await tx.execute_fetchall("SELECT id FROM areas WHERE code = '21.71'")
            kota = int(next(iter(rows))[0])
            sup = await create_person(tx, "Pak Budi", Role.SUPERVISOR, now, area_id=kota)
            await add_identity(tx, sup.id, "console", "budi")
        job = MonthlyPush(db, settings)
        outcomes = await job(now)
        assert [o.record.sent for o in outcomes] == [11]
        assert outcomes[0].record.push.first_period is not None
        assert outcomes[0].record.push.last_period == "2026-11"
        outcomes = await job(now)
        assert [o.record.sent for o in outcomes] == [0]
        async with db.read() as conn:
            queued = await conn.execute_fetchall("SELECT address, payload FROM outbox")
    assert len(dhis2.values) == 11
    line = say(
        "dhis2.pushed", area="Kota Batam", month="November 2026", sent="11", imported="11",
        updated="0",
    )  # fmt: skip
    assert [(a, json.loads(p)["body"]) for a, p in queued] == [("budi", line)]


def test_the_closed_months() -> None:
    assert closed_months(datetime(2026, 12, 6, 2, tzinfo=UTC), ZoneInfo("Asia/Jakarta"), 3) == (
        Period(2026, 8),
        Period(2026, 11),
    )


async def test_per_child_counts_from_the_register(
    capsys: pytest.CaptureFixture[str], world: Path
) -> None:
    """A per-child count (``stunting_l_0_5`` ...) is the posyandu-month's children below -2,
    from the register's weighings; none where nobody of the cell was measured."""
    born_boy, born_girl = date(2026, 7, 1), date(2025, 10, 1)
    async with await Database.open(world / "dhis2.db") as db, db.transaction() as tx:
        rows = await tx.execute_fetchall("SELECT id FROM posyandu WHERE code = 'P1'")
        p1 = int(next(iter(rows))[0])
        cipher = RegisterCipher(new_key())
        by = reg.Actor(operator="test")
        boy = reg.NewChild("Adi", Sex.MALE, born_boy, "Ibu A")
        girl = reg.NewChild("Sari", Sex.FEMALE, born_girl, "Ibu S")
        for child, grams, mm in ((boy, 4_600, 555), (girl, 9_000, 740)):
            child_id = await reg.add_child(tx, cipher, p1, child, consent_by=by, at=AT)
            weighing = reg.Weighing(child_id, date(2026, 10, 12), grams, mm, Method.LYING)
            await reg.record_weighing(tx, weighing, at=AT)
    mapping = world / "children.csv"
    mapping.write_text(
        "field,dataElement,categoryOptionCombo\n"
        "stunting_l_0_5,STUNT,L_0_5\nstunting_p,STUNT,P\nunderweight,UW,default\n"
        "wasting_24_59,WAST,U_24_59\ns,PSY_S,default\n"
    )
    code, out, err = await cli(
        capsys, "export", "--format", "dhis2-json", "--mapping", str(mapping), "--period", "2026-10"
    )
    assert code == 0, err
    got = {
        (v["orgUnit"], v["dataElement"], v["categoryOptionCombo"]): v["value"]
        for v in json.loads(out)["dataValues"]
    }
    p1 = {k[1:]: v for k, v in got.items() if k[0] == "OU_MAWAR"}
    assert p1 == {
        ("STUNT", "L_0_5"): "1",
        ("STUNT", "P"): "0",
        ("UW", "default"): "1",
        ("PSY_S", "default"): p1[("PSY_S", "default")],
    }
    # The other posyandu weighed nobody: their report's S only.
    assert {k[1] for k in got if k[0] != "OU_MAWAR"} == {"PSY_S"}


async def test_the_client_reads_each_conflict_dhis2_makes(dhis2: FakeDhis2) -> None:
    """What DHIS2 refuses comes back as one conflict each, the rest imported: a period not
    YYYYMM, an unknown data element, org unit or combo, a value that is not an integer."""
    good = DataValue("PSY_S", "202610", "P2", "default", "", "48")
    wrong = [
        DataValue("PSY_S", "2026-10", "P2", "default", "", "1"),
        DataValue("NOPE", "202610", "P2", "default", "", "1"),
        DataValue("PSY_S", "202610", "NOPE", "default", "", "1"),
        DataValue("PSY_S", "202610", "P2", "L_0_5", "", "1"),
        DataValue("PSY_D", "202610", "P2", "default", "", "4.5"),
    ]
    async with Dhis2Client(load_settings(_env_file=None)) as client:
        summary = await client.post([good, *wrong], dry_run=False)
        again = await client.post([good], dry_run=False)
    assert (summary.status, summary.imported, summary.ignored) == ("WARNING", 1, 5)
    assert [c.object for c in summary.conflicts] == ["2026-10", "NOPE", "NOPE", "L_0_5", "4.5"]
    assert "not an integer" in summary.conflicts[-1].value
    assert (again.status, again.imported, again.ignored) == ("SUCCESS", 0, 1)


async def test_a_value_emptied_after_its_push_is_said_not_deleted(
    capsys: pytest.CaptureFixture[str], world: Path, dhis2: FakeDhis2
) -> None:
    """A revision that empties a field DHIS2 already holds: the push sends nothing for it,
    deletes nothing, and names the value for the operator to check in DHIS2."""
    mapping = str(world / "mapping.csv")
    code, out, err = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 0 and "1 value(s) DHIS2 holds" not in out, out + err
    n_key = ("PSY_N", "202610", "OU_MAWAR", "default", "default")  # as the fake holds it
    assert dhis2.values[n_key] == str(month(OCT).values()["n"])

    async def revise() -> None:
        async with await Database.open(world / "dhis2.db") as db, db.transaction() as tx:
            rows = await tx.execute_fetchall("SELECT id FROM posyandu WHERE code = 'P1'")
            p1 = next(iter(rows))[0]
            await save_report(tx, p1, month(OCT, n=None), by=None, at=AT, channel="console")

    await revise()
    sent = len(dhis2.requests)
    code, out, err = await cli(capsys, "dhis2", "push", "--mapping", mapping, "--period", "2026-10")
    assert code == 0, out + err
    assert len(dhis2.requests) == sent  # nothing else changed: nothing sent
    assert n_key in dhis2.values  # not deleted by the bot
    assert "1 value(s) DHIS2 holds from an earlier push are no longer in the reports" in out
    assert (
        "  held: dataElement PSY_N period 202610 orgUnit OU_MAWAR categoryOptionCombo default\n"
        in out
    )
