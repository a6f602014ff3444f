"""``posyandu migrate --copy-to postgresql://...`` on the demo database: every table copied to
an empty database of the test server, counts and digests equal at both ends (checked again
here on fresh connections), the source file unchanged byte for byte, the copy usable (the same
export, new rows take new ids), and a non-empty target refused untouched."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage import Database
from storage.copying import TableCopy, source_tables, table_digest


@pytest.fixture
def demo_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "posyandu.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))
    monkeypatch.setenv("OUT_DIR", str(tmp_path / "out"))
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def digests(source_file: Path, target: Path | str) -> dict[str, TableCopy]:
    """Every table of ``target``: its count and digest (the tables as the SQLite file
    ``source_file`` declares them)."""
    async with await Database.open(source_file, migrate=False) as source, source.read() as conn:
        tables = await source_tables(conn)
    async with await Database.open(target, migrate=False) as db, db.read() as conn:
        return {t.name: await table_digest(conn, t) for t in tables}


def test_copy_to_an_empty_server_database(
    capsys: pytest.CaptureFixture[str],
    demo_file: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    capsys.readouterr()
    before = sha256(demo_file)
    password_url = postgres_url.replace("posyandu@", "posyandu:copy-secret-77@")
    code, out, err = run(capsys, "migrate", "--copy-to", password_url)
    assert code == 0, err
    assert "counts and digests equal" in err and "copy-secret-77" not in err
    assert sha256(demo_file) == before  # nothing changed at the source
    source = asyncio.run(digests(demo_file, demo_file))
    assert asyncio.run(digests(demo_file, postgres_url)) == source
    assert len(source) >= 14 and all(f"  {name}: " in err for name in source)
    with sqlite3.connect(demo_file) as conn:
        for name, table in source.items():
            assert conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == table.rows
    assert source["reports"].rows > 50 and source["report_revisions"].rows > 50

    # The copy runs the product: the same export, a new row gets a new id.
    exported = run(capsys, "export")[1]
    monkeypatch.setenv("POSYANDU_DB", postgres_url)
    assert run(capsys, "export")[1] == exported
    code, out, _ = run(capsys, "invite", "--posyandu", "MWR01", "--role", "kader")
    assert code == 0 and len(out.strip()) == 8

    # Again into the same (now non-empty) database: refused, nothing changed there.
    monkeypatch.setenv("POSYANDU_DB", str(demo_file))
    after_invite = asyncio.run(digests(demo_file, postgres_url))
    code, _, err = run(capsys, "migrate", "--copy-to", postgres_url)
    assert code == 2 and "is not empty (rows in areas" in err
    assert asyncio.run(digests(demo_file, postgres_url)) == after_invite
    assert sha256(demo_file) == before


def test_copy_to_refuses_a_server_source_and_a_file_target(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSYANDU_DB", postgres_url)
    code, _, err = run(capsys, "migrate", "--copy-to", postgres_url)
    assert code == 2 and "pg_dump" in err
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "missing.db"))
    code, _, err = run(capsys, "migrate", "--copy-to", str(tmp_path / "other.db"))
    assert code == 2 and "takes a postgresql:// URL" in err
    code, _, err = run(capsys, "migrate", "--copy-to", postgres_url)
    assert code == 2 and "no database at" in err
    assert not (tmp_path / "missing.db").exists()
