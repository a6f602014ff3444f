"""``posyandu import posyandu``'s optional org_unit column (docs/dhis2.md): a DHIS2 code per
posyandu, its own code by default; a bad one refused with its line; a file without the column
leaves the imported ones as they are."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from storage import Database
from storage.posyandu import all_posyandu, org_units
from tests.storage.helpers import AREAS, POSYANDU


def cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, text: str
) -> tuple[int, str]:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, "utf-8")
    code = main(["import", kind, str(path)])
    return code, capsys.readouterr().err


def units(path: Path) -> dict[str, str]:
    async def read() -> dict[str, str]:
        async with await Database.open(path) as db, db.read() as conn:
            posyandu = await all_posyandu(conn, active_only=False)
            by_id = await org_units(conn, posyandu)
            return {p.code: by_id[p.id] for p in posyandu}

    return asyncio.run(read())


def test_org_units(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    monkeypatch.setenv("POSYANDU_DB", str(db))
    assert cli(capsys, tmp_path, "areas", AREAS)[0] == 0
    with_units = POSYANDU.replace("active\n", "active,org_unit\n", 1)
    lines = with_units.splitlines()
    lines[1] += ",DiszpKrYNg8"
    lines[2] += ","
    lines[3] += ",OU 3"
    code, err = cli(capsys, tmp_path, "posyandu", "\n".join(lines) + "\n")
    assert code != 0
    assert "line 4: bad org_unit 'OU 3'" in err
    lines[3] = lines[3].removesuffix(",OU 3") + ",OU_3"
    code, err = cli(capsys, tmp_path, "posyandu", "\n".join(lines) + "\n")
    assert code == 0, err
    assert units(db) == {"P1": "DiszpKrYNg8", "P2": "P2", "P3": "OU_3"}
    # The same file again changes nothing; a file without the column keeps them.
    code, err = cli(capsys, tmp_path, "posyandu", "\n".join(lines) + "\n")
    assert code == 0 and "3 unchanged" in err, err
    assert cli(capsys, tmp_path, "posyandu", POSYANDU)[0] == 0
    assert units(db)["P1"] == "DiszpKrYNg8"
    # An org_unit changed counts as an update; emptied, the posyandu's code again.
    lines[1] = lines[1].removesuffix(",DiszpKrYNg8") + ","
    code, err = cli(capsys, tmp_path, "posyandu", "\n".join(lines) + "\n")
    assert code == 0 and "1 updated" in err, err
    assert units(db)["P1"] == "P1"
