"""``posyandu import reports`` of 200,000 rows: peak memory and time of the importing process.

The file has the columns ``posyandu export`` writes (names, desa, every service column, a
stratum, programme names): 1,000 posyandu x 200 months (2010-05 to 2026-12), 200,000 rows,
about 17 MB. The areas and posyandu are imported first with ``posyandu import areas`` and
``posyandu import posyandu`` (not measured). Then ``posyandu import reports`` runs as its own
process, exactly as an operator runs it, and its peak resident memory is read from the
kernel (``ru_maxrss`` of that process, ``os.wait4``), its time from the clock around it. It is
started by a small Python process of its own (:mod:`bench.process`), not by the bench: Linux
starts a child's ``ru_maxrss`` at the resident size its parent had when it spawned it (the
memory it runs in until its ``exec``), so a child of ``make bench``'s process, grown by the
benchmarks run before this one, was reported at that process's size (222.1 MB for all four
runs, against 112 MB for ``python -m bench import`` alone):

- into an empty SQLite database (every month added, one transaction);
- the same file again (every month unchanged: nothing written);
- the file with its last row bad (every row checked and written in the transaction, which is
  then rolled back: all or nothing while streaming, nothing left in the database);
- into an empty PostgreSQL database (the server the bench starts: tests/postgres.py).

The file is streamed: read a line at a time, checked and written 500 rows at a time in the
caller's one transaction; from the first bad row on nothing more is written and the
transaction is rolled back at the end. Memory is bounded by a chunk, the posyandu looked up
and one small int per (posyandu, month) seen (to find a month given twice), not by the file.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.process import Measured, measured_run
from scoring import Period
from storage.report_columns import FILE_COLUMNS

__all__ = ["run"]

POSYANDU = 1_000
MONTHS = 200
ROWS = POSYANDU * MONTHS
#: The file's last month: it must have begun when the bench runs (the command reads the clock).
LAST = Period(2026, 12)
#: The issue's 14 MB file took 545 MB.
MEMORY_TARGET_MB = 200.0
_DESAS = 50


def _areas() -> str:
    lines = ["code,name,level,parent_code", "91,Provinsi Impor,provinsi,", "91.01,Kab,kabupaten,91"]
    lines.append("91.01.01,Kecamatan Impor,kecamatan,91.01")
    lines += [f"91.01.01.{1001 + d},Desa {d},desa,91.01.01" for d in range(_DESAS)]
    return "\n".join(lines) + "\n"


def _posyandu() -> str:
    lines = ["code,name,desa_code,timezone,schedule,active"]
    lines += [
        f"IMP{i:04d},Posyandu {i},{_desa(i)},Asia/Jakarta,tanggal {1 + i % 28},1"
        for i in range(POSYANDU)
    ]
    return "\n".join(lines) + "\n"


def _desa(i: int) -> str:
    return f"91.01.01.{1001 + i % _DESAS}"


def _row(i: int, period: Period) -> dict[str, str]:
    s = 40 + i % 30
    vitamin_a = period.month in (2, 8)
    return {
        "posyandu_code": f"IMP{i:04d}",
        "posyandu_name": f"Posyandu {i}",
        "desa_code": _desa(i),
        "period": str(period),
        "buka": "1",
        "cara": "posyandu" if period.month % 4 else "kunjungan_rumah",
        "kader": "5",
        "s": str(s),
        "k": str(s - 2),
        "d": str(s - 5),
        "n": str(s - 12),
        "bgm": "1",
        "t2": "0",
        "vit_a": str(s - 6) if vitamin_a else "",
        "pmt": "",
        "bumil": "7",
        "bumil_periksa": "5",
        "bumil_fe": "",
        "bumil_kek": "",
        "rujukan": "1",
        "pus": "90",
        "kb_aktif": "60",
        "bayi": "12",
        "bayi_imunisasi": "2",
        "bayi_0_6": "",
        "asi_eksklusif": "",
        "kk": "130",
        "kk_dana_sehat": "70",
        "program_tambahan": "BKB; TOGA",
        "stratum": "purnama",
        "provisional": "",  # written by the export, ignored by the import
        "months_known": "",
    }


def _write_file(path: Path, bad_last: bool) -> None:
    first = LAST.shift(1 - MONTHS)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(FILE_COLUMNS) + "\n")
        for i in range(POSYANDU):
            for m in range(MONTHS):
                row = _row(i, first.shift(m))
                if bad_last and i == POSYANDU - 1 and m == MONTHS - 1:
                    row["k"] = str(int(row["s"]) + 1)  # K above S: a hard rule broken
                # A column this month does not fill (T, O, B: the register's) stays empty.
                out.write(",".join(row.get(c, "") for c in FILE_COLUMNS) + "\n")


def _posyandu_cli(db: str, *argv: str, cwd: Path) -> Measured:
    """``posyandu *argv`` as its own process: its time and its own peak resident memory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSYANDU_")}
    env["POSYANDU_DB"] = db
    return measured_run([sys.executable, "-m", "bot.cli", *argv], cwd=cwd, env=env)


def _seed(db: str, folder: Path) -> None:
    for kind, text in (("areas", _areas()), ("posyandu", _posyandu())):
        (folder / f"{kind}.csv").write_text(text, "utf-8")
        done = _posyandu_cli(db, "import", kind, f"{kind}.csv", cwd=folder)
        if done.status != 0:
            raise RuntimeError(f"import {kind}: {done.stderr}")


def _reports_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
    finally:
        conn.close()


def _row_of(figure: str, done: Measured, ok: bool, target: str = "") -> list[dict[str, Any]]:
    return [
        {
            "figure": f"{figure}: peak memory of the process",
            "value": round(done.peak_mb, 1),
            "unit": "MB",
            "target": f"< {MEMORY_TARGET_MB:.0f} MB",
            "passed": ok and done.peak_mb < MEMORY_TARGET_MB,
        },
        {
            "figure": f"{figure}: time",
            "value": round(done.seconds, 1),
            "unit": "s",
            "target": target,
            "passed": ok,
        },
    ]


def _postgres(folder: Path, good: Path) -> list[dict[str, Any]]:
    from tests.postgres import start

    server = start(settings=())
    try:
        url = server.create_database()
        _seed(url, folder)
        done = _posyandu_cli(url, "import", "reports", str(good), cwd=folder)
    finally:
        server.stop()
    ok = done.status == 0 and f"{ROWS} added" in done.stderr
    return _row_of(f"import reports, {ROWS:,} rows on PostgreSQL", done, ok)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good, bad = folder / "register.csv", folder / "register-bad.csv"
        _write_file(good, bad_last=False)
        _write_file(bad, bad_last=True)
        size_mb = good.stat().st_size / 2**20
        db = folder / "import.db"
        _seed(str(db), folder)
        rolled_back = _posyandu_cli(str(db), "import", "reports", str(bad), cwd=folder)
        left = _reports_in(db)
        first = _posyandu_cli(str(db), "import", "reports", str(good), cwd=folder)
        again = _posyandu_cli(str(db), "import", "reports", str(good), cwd=folder)
        print(rolled_back.stderr, first.stderr, again.stderr, file=sys.stderr)
        rows = [
            *_row_of(
                f"import reports, {ROWS:,} rows ({size_mb:.0f} MB) into an empty SQLite file",
                first,
                first.status == 0 and f"{ROWS} added" in first.stderr,
            ),
            *_row_of(
                "import reports, the same file again (every month unchanged)",
                again,
                again.status == 0 and f"{ROWS} unchanged" in again.stderr,
            ),
            *_row_of(
                f"import reports, the file with its last row bad ({ROWS - 1:,} rows written, "
                f"then rolled back; {left} left in the database)",
                rolled_back,
                rolled_back.status == 2 and left == 0,
                "exit 2, 0 rows left",
            ),
        ]
        return rows + _postgres(folder, good)


if __name__ == "__main__":
    for found in run():
        print(found)
