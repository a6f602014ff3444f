"""``posyandu import children``: the child register from a file, through the real CLI on a
real SQLite file. Dates as people write them; a bad file refused whole, every bad line named
(exit 2, nothing written, not even an audit row); importing again changes nothing; the
optional columns only where the deployment records them; no key, no import; consent and the
audit log recorded."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.register import NOT_SET_UP
from bot.settings import Settings
from storage import Database
from storage.children import Actor, Child, audit_entries, children_of_posyandu
from storage.cipher import RegisterCipher, new_key
from tests.clock import moment
from tests.storage.helpers import seed_world

KEY = new_key()
GOOD = """posyandu_code,name,sex,birth_date,mother_name,has_kms
P1,Andi Saputra,L,2025-03-14,Siti Rahmawati,1
P1,Citra,p,5/1/2024,Dewi Lestari,0
P2,Budi,L,12 Agustus 2023,Rina,
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Default settings (no .env) but the register's key."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "p.db"))
    monkeypatch.setenv("REGISTER_KEY", KEY)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    async def make() -> None:
        async with await Database.open(tmp_path / "p.db") as db:
            await seed_world(db)

    asyncio.run(make())
    return tmp_path / "p.db"


def _import(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, text: str, *more: str
) -> tuple[int, str]:
    path = tmp_path / "anak.csv"
    path.write_text(text, "utf-8")
    code = main(["import", "children", str(path), "--consent-recorded-by", "Bu Ani", *more])
    _out, err = capsys.readouterr()
    return code, err


def _children(path: Path, code: str) -> list[Child]:
    async def read() -> list[Child]:
        async with await Database.open(path) as db, db.transaction() as tx:
            rows = await tx.execute_fetchall("SELECT id FROM posyandu WHERE code = ?", (code,))
            (pid,) = [r[0] for r in rows]
            return await children_of_posyandu(
                tx, RegisterCipher(KEY), pid, who=Actor(operator="test"), at=moment()
            )

    return asyncio.run(read())


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_a_file_imports_with_dates_as_people_write_them(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    code, err = _import(capsys, tmp_path, GOOD, "--operator", "dinkes")
    assert (code, err) == (0, "children: 3 added, 0 updated, 0 unchanged\n")
    andi, citra = _children(db_file, "P1")
    assert (andi.name, andi.sex, andi.birth_date, andi.mother_name, andi.has_kms) == (
        "Andi Saputra",
        "L",
        date(2025, 3, 14),
        "Siti Rahmawati",
        True,
    )
    assert (citra.sex, citra.birth_date, citra.has_kms) == ("P", date(2024, 1, 5), False)
    (budi,) = _children(db_file, "P2")
    assert (budi.birth_date, budi.has_kms) == (date(2023, 8, 12), None)
    assert andi.consent_by == Actor(operator="Bu Ani")
    assert b"Andi" not in db_file.read_bytes()

    async def log() -> list[tuple[str, Actor]]:
        async with await Database.open(db_file) as db, db.read() as conn:
            return [(e.action, e.who) for e in await audit_entries(conn)]

    entries = asyncio.run(log())
    dinkes = Actor(operator="dinkes")
    assert entries[:5] == [
        ("children.import", dinkes),
        ("children.import", dinkes),
        ("child.add", dinkes),
        ("child.add", dinkes),
        ("child.add", dinkes),
    ]


def test_importing_again_changes_nothing_and_a_change_updates(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    assert _import(capsys, tmp_path, GOOD)[0] == 0
    code, err = _import(capsys, tmp_path, GOOD.replace("Andi Saputra", "andi  SAPUTRA"))
    assert (code, err) == (0, "children: 0 added, 1 updated, 2 unchanged\n")
    code, err = _import(capsys, tmp_path, GOOD.replace("Andi Saputra", "andi  SAPUTRA"))
    assert (code, err) == (0, "children: 0 added, 0 updated, 3 unchanged\n")
    assert [c.name for c in _children(db_file, "P1")] == ["andi SAPUTRA", "Citra"]
    assert _count(db_file, "children") == 3


BAD = """posyandu_code,name,sex,birth_date,mother_name,has_kms,nik
P1,Andi,L,2025-03-14,Siti,1,
P9,Budi,L,2025-03-14,Rina,,
P1,Citra,X,2025-02-30,,,
P1,Dodi,L,2019-05-01,Ani,ya,
P1,Eka,P,1 Smarch 2025,Ani,2,
P1,Andi,L,14/3/2025,Siti,1,
P2,Fajar,L,2025-01-01,Tuti,1,3171234567890123
,Gita,P,2099-01-01,Nur,1,
"""


def test_a_bad_file_is_refused_whole_with_every_bad_line(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    code, err = _import(capsys, tmp_path, BAD)
    path = tmp_path / "anak.csv"
    assert code == 2
    assert err.splitlines() == [
        f"{path} line 3: unknown posyandu P9 (import it first: posyandu import posyandu)",
        f"{path} line 4: P1: missing value for mother_name",
        f"{path} line 4: P1: sex 'X' must be L (laki-laki) or P (perempuan)",
        f"{path} line 4: P1: birth_date: no such date '2025-02-30'",
        f"{path} line 5: P1: born 2019-05-01: five years old or more on 2026-11-20; the "
        "register holds children under five",
        f"{path} line 6: P1: birth_date: cannot read the date '1 Smarch 2025': write it as "
        "2024-03-05, 5/3/2024 or 5 Maret 2024 (day, month, year in full)",
        f"{path} line 6: P1: has_kms '2' must be 1 (has a KMS / buku KIA) or 0",
        f"{path} line 7: P1: the same child (name and birth date) is given twice at P1 "
        "(first on line 2)",
        f"{path} line 8: P2: nik given, but this deployment does not record it (REGISTER_NIK)",
        f"{path} line 9: missing value for posyandu_code",
        f"{path} line 9: birth_date 2099-01-01 is after today (2026-11-20)",
        f"nothing was imported: 11 problems in {path}",
    ]
    assert (_count(db_file, "children"), _count(db_file, "audit_log")) == (0, 0)


def test_the_nik_column_when_the_deployment_records_it(
    capsys: pytest.CaptureFixture[Any],
    tmp_path: Path,
    db_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGISTER_NIK", "true")
    text = "posyandu_code,name,sex,birth_date,mother_name,nik\nP2,Fajar,L,2025-01-01,Tuti,%s\n"
    code, err = _import(capsys, tmp_path, text % "31712345")
    assert (code, err.splitlines()[0]) == (
        2,
        f"{tmp_path / 'anak.csv'} line 2: P2: nik '31712345' must be 16 digits",
    )
    assert _import(capsys, tmp_path, text % "3171234567890123")[0] == 0
    (fajar,) = _children(db_file, "P2")
    assert fajar.nik == "3171234567890123"
    assert b"3171234567890123" not in db_file.read_bytes()


def test_without_a_key_nothing_is_imported(
    capsys: pytest.CaptureFixture[Any],
    tmp_path: Path,
    db_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REGISTER_KEY")
    assert _import(capsys, tmp_path, GOOD) == (2, NOT_SET_UP + "\n")
    assert _count(db_file, "children") == 0


def test_another_key_than_the_databases_imports_nothing(
    capsys: pytest.CaptureFixture[Any],
    tmp_path: Path,
    db_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(capsys, tmp_path, GOOD)[0] == 0
    monkeypatch.setenv("REGISTER_KEY", new_key())
    code, err = _import(capsys, tmp_path, GOOD.replace("Budi", "Bima"))
    assert (code, err) == (
        2,
        "REGISTER_KEY is not the key this database's child register was written with\n",
    )
    assert _count(db_file, "children") == 3


def test_consent_must_be_named(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    path = tmp_path / "anak.csv"
    path.write_text(GOOD, "utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["import", "children", str(path)])
    assert stopped.value.code == 2
    assert "--consent-recorded-by" in capsys.readouterr().err
    assert _count(db_file, "children") == 0


def test_an_operator_withdraws_a_child_and_reads_the_audit_log(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    assert _import(capsys, tmp_path, GOOD, "--operator", "dinkes")[0] == 0
    andi = _children(db_file, "P1")[0]
    assert main(["register", "withdraw", str(andi.id), "--operator", "dinkes"]) == 0
    assert capsys.readouterr().out == (
        f"child {andi.id}: identity deleted; the anonymous record is kept\n"
    )
    assert [c.name for c in _children(db_file, "P1")] == ["Citra"]
    assert main(["register", "withdraw", str(andi.id)]) == 2
    assert capsys.readouterr().err == f"no child {andi.id} with an identity to delete\n"
    assert main(["register", "audit"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"action": "child.withdraw", "operator": "dinkes", "child_ids": [andi.id]}.items() <= (
        next(line for line in lines if line["action"] == "child.withdraw").items()
    )
    assert all("Andi" not in json.dumps(line) for line in lines)
    assert _count(db_file, "children") == 3


def test_a_new_key_is_printed_and_works(capsys: pytest.CaptureFixture[Any]) -> None:
    assert main(["register", "new-key"]) == 0
    key = capsys.readouterr().out.strip()
    cipher = RegisterCipher(key)
    assert cipher.decrypt(cipher.encrypt("Andi", "name_enc"), "name_enc") == "Andi"


def test_a_key_rotation_from_stdin(
    capsys: pytest.CaptureFixture[Any],
    tmp_path: Path,
    db_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(capsys, tmp_path, GOOD)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("not a key\n"))
    assert main(["register", "rotate-key"]) == 2
    assert "the new key on stdin must be 32 random bytes" in capsys.readouterr().err
    fresh = new_key()
    monkeypatch.setattr("sys.stdin", io.StringIO(fresh + "\n"))
    assert main(["register", "rotate-key", "--operator", "dinkes"]) == 0
    assert capsys.readouterr().out == (
        "3 children re-encrypted: set REGISTER_KEY to the new key before starting\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(new_key() + "\n"))
    assert main(["register", "rotate-key"]) == 2  # REGISTER_KEY is the old key now
    assert "REGISTER_KEY is not the key" in capsys.readouterr().err

    async def names() -> list[str]:
        async with await Database.open(db_file) as db, db.transaction() as tx:
            found = await children_of_posyandu(
                tx, RegisterCipher(fresh), 1, who=Actor(operator="t"), at=moment()
            )
            return [c.name for c in found]

    assert asyncio.run(names()) == ["Andi Saputra", "Citra"]


def test_an_operator_takes_a_child_off_the_register(
    capsys: pytest.CaptureFixture[Any], tmp_path: Path, db_file: Path
) -> None:
    assert _import(capsys, tmp_path, GOOD, "--operator", "dinkes")[0] == 0
    andi = _children(db_file, "P1")[0]
    argv = ["register", "leave", str(andi.id), "--reason", "moved", "--operator", "dinkes"]
    assert main(argv) == 0
    assert capsys.readouterr().out == (
        f"child {andi.id}: left the register (moved); kept for the counts\n"
    )
    assert [c.name for c in _children(db_file, "P1")] == ["Citra"]  # not on TIMBANG's list
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"no child {andi.id} on the register (unknown, or left already)\n"
    )
    with pytest.raises(SystemExit):
        main(["register", "leave", str(andi.id), "--reason", "withdrawn"])
    capsys.readouterr()
    assert main(["register", "audit"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (left,) = [line for line in lines if line["action"].startswith("child.leave")]
    assert (left["action"], left["operator"], left["child_ids"]) == (
        "child.leave.moved",
        "dinkes",
        [andi.id],
    )
    assert _count(db_file, "children") == 3
