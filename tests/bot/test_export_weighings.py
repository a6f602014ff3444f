"""``posyandu export weighings``: the register's weighings through the real command line, on an
SQLite file and on the PostgreSQL test server. Statuses worked by hand from domain.md (B, N, T,
2T, O), z-scores the same as ``posyandu growth`` gives for the same rows; anonymous without
--with-names (no audit row); with it the names, formula-safe, and one audit row naming the
operator and the ids; without REGISTER_KEY, --with-names exits 2 with one line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.commands.export_weighings import BASE_COLUMNS
from bot.register import NOT_SET_UP
from bot.settings import Settings
from scoring import Period
from scoring.growth import Method, Sex, Status
from storage import Database
from storage.children import (
    Actor,
    LeaveReason,
    NewChild,
    Weighing,
    add_child,
    audit_entries,
    correct_status,
    leave,
    record_weighing,
)
from storage.cipher import RegisterCipher, new_key
from tests.clock import moment
from tests.fast_layer import ENGINES
from tests.storage.helpers import seed_world

KEY = new_key()
KADER = Actor(operator="test")
# Andi: B in September, N in October (+300 g >= KBM 200 at 20 months), T in November (-100 g),
# T again in December: 2T. Citra (P2): weighed in September and November only: B then O.
ANDI = NewChild("Andi Saputra", Sex.MALE, date(2025, 1, 10), "=Siti", dusun="Krajan")
CITRA = NewChild("Citra", Sex.FEMALE, date(2024, 6, 1), "Dewi")
ANDI_WEIGHINGS = [
    (date(2026, 9, 12), 10_000, 800, Method.LYING),
    (date(2026, 10, 12), 10_300, 810, None),
    (date(2026, 11, 12), 10_200, None, None),
    (date(2026, 12, 12), 10_200, 825, None),
]
CITRA_WEIGHINGS = [(date(2026, 9, 13), 11_000, 850, None), (date(2026, 11, 13), 11_400, 860, None)]


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """POSYANDU_DB on a seeded database (two children, their weighings; Citra has left)."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
        monkeypatch.delenv(name.upper(), raising=False)
    url = str(tmp_path / "p.db")
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("POSYANDU_DB", url)
    monkeypatch.setenv("REGISTER_KEY", KEY)
    monkeypatch.setenv("REGISTER_FIELDS", "dusun")
    asyncio.run(_seed(url))
    return url


async def _seed(url: str) -> None:
    cipher = RegisterCipher(KEY)
    async with await Database.open(url) as db:
        world = await seed_world(db)
        async with db.transaction() as tx:
            p1, p2 = world.posyandu[0].id, world.posyandu[1].id
            at = moment()
            andi = await add_child(tx, cipher, p1, ANDI, consent_by=KADER, at=at)
            citra = await add_child(tx, cipher, p2, CITRA, consent_by=KADER, at=at)
            for child, rows in ((andi, ANDI_WEIGHINGS), (citra, CITRA_WEIGHINGS)):
                for day, grams, mm, measured in rows:
                    await record_weighing(tx, Weighing(child, day, grams, mm, measured), at=at)
            await leave(tx, citra, LeaveReason.MOVED, who=KADER, at=at)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["export", "weighings", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def _audit(url: str) -> list[Any]:
    async with await Database.open(url) as db, db.read() as conn:
        return [e for e in await audit_entries(conn) if e.action.startswith("children.")]


def test_anonymous_rows_with_statuses_and_no_audit_row(
    capsys: pytest.CaptureFixture[str], target: str
) -> None:
    code, out, err = _run(capsys)
    assert (code, err) == (0, "exported 6 weighings\n")
    assert out.splitlines()[0] == ",".join(BASE_COLUMNS)
    rows = _csv(out)
    got = [(r["posyandu_code"], r["date"], r["status"], r["t2"], r["bgm"]) for r in rows]
    assert got == [
        ("P1", "2026-09-12", "B", "0", "0"),
        ("P1", "2026-10-12", "N", "0", "0"),
        ("P1", "2026-11-12", "T", "0", "0"),
        ("P1", "2026-12-12", "T", "1", "0"),
        ("P2", "2026-09-13", "B", "0", "0"),
        ("P2", "2026-11-13", "O", "0", "0"),
    ]
    first = rows[0]
    assert (first["weight_kg"], first["height_cm"], first["measured"]) == ("10", "80", "lying")
    assert (first["age_months"], rows[2]["height_cm"], rows[2]["whz"]) == ("20", "", "")
    assert "Andi" not in out and "Siti" not in out
    assert asyncio.run(_audit(target)) == []


def test_the_same_figures_as_posyandu_growth(
    capsys: pytest.CaptureFixture[str], target: str, tmp_path: Path
) -> None:
    exported = _csv(_run(capsys, "--posyandu", "P1")[1])
    lines = ["child,sex,birth_date,date,weight_kg,height_cm,measured"] + [
        f"andi,L,{ANDI.birth_date},{r['date']},{r['weight_kg']},{r['height_cm']},{r['measured']}"
        for r in exported
    ]
    path = tmp_path / "andi.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["growth", str(path)]) == 0
    grown = _csv(capsys.readouterr().out)
    same = ("age_months", "status", "t2", "bgm", "waz", "haz", "whz", "baz", "flags")
    assert [{c: r[c] for c in same} for r in exported] == [{c: r[c] for c in same} for r in grown]
    assert exported[1]["waz"].count(".") == 1 and len(exported[1]["waz"].split(".")[1]) == 2


def test_a_month_and_json(capsys: pytest.CaptureFixture[str], target: str) -> None:
    code, out, _ = _run(capsys, "--period", "2026-11", "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert [(i["posyandu_code"], i["status"], i["t2"]) for i in items] == [
        ("P1", "T", 0),
        ("P2", "O", 0),
    ]
    assert items[0]["height_cm"] is None and items[0]["flags"] == []
    assert isinstance(items[1]["waz"], float)
    assert _run(capsys, "--posyandu", "P9")[:2] == (2, "")


def test_names_are_audited_and_formula_safe(
    capsys: pytest.CaptureFixture[str], target: str
) -> None:
    code, out, _ = _run(capsys, "--with-names", "--operator", "dinkes", "--period", "2026-10")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[:6] == ["posyandu_code", "child_id", "name", "mother_name", "dusun", "date"]
    (row,) = _csv(out)
    assert (row["name"], row["mother_name"], row["dusun"]) == ("Andi Saputra", "'=Siti", "Krajan")
    (entry,) = asyncio.run(_audit(target))
    assert (entry.action, entry.who.operator) == ("children.export", "dinkes")
    assert entry.child_ids == (int(row["child_id"]),)


def test_names_need_the_key(
    capsys: pytest.CaptureFixture[str], target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REGISTER_KEY")
    assert _run(capsys, "--with-names") == (2, "", NOT_SET_UP + "\n")
    assert _run(capsys)[0] == 0  # anonymous: no key needed
    assert asyncio.run(_audit(target)) == []


def test_a_corrected_status_is_exported_and_said(
    capsys: pytest.CaptureFixture[str], target: str
) -> None:
    andi = int(_csv(_run(capsys, "--posyandu", "P1")[1])[0]["child_id"])

    async def correct() -> None:
        async with await Database.open(target) as db, db.transaction() as tx:
            kader = Actor(person_id=7)
            nov = Period(2026, 11)
            assert await correct_status(tx, andi, nov, Status.N, Status.T, who=kader, at=moment())

    asyncio.run(correct())
    rows = _csv(_run(capsys, "--posyandu", "P1")[1])
    got = [(r["date"], r["status"], r["t2"], r["computed_status"]) for r in rows]
    assert got == [
        ("2026-09-12", "B", "0", ""),
        ("2026-10-12", "N", "0", ""),
        ("2026-11-12", "N", "0", "T"),  # corrected by the kader, the rules' status beside it
        ("2026-12-12", "T", "0", ""),  # after an N: no 2T
    ]


def test_read_a_chunk_at_a_time_the_same_rows(
    capsys: pytest.CaptureFixture[str], target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _run(capsys)[1]
    monkeypatch.setattr("bot.commands.export_weighings._CHUNK", 1)
    assert _run(capsys)[1] == whole
