"""``posyandu import areas|posyandu FILE.csv``: load the area tree and the posyandu list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.commands._common import BAD_INPUT, OK, UsageError, open_database, run_with_settings, tell
from bot.settings import Settings
from storage.imports import (
    AREA_COLUMNS,
    POSYANDU_COLUMNS,
    ImportRejected,
    import_areas,
    import_posyandu,
    parse_csv,
)

__all__ = ["register"]

_COMMON = (
    "The first line is the header; columns may come in any order, separated by commas (or "
    "semicolons, as spreadsheets in Indonesian locale write them). Importing is all or "
    "nothing and idempotent: rows are matched by code and inserted or updated; if any row "
    "is bad, nothing is written and every bad row is listed on stderr with its line "
    "number and the reason (exit 2)."
)

_AREAS = (
    "Columns: code,name,level,parent_code. level is provinsi, kabupaten (or kota), "
    "kecamatan, or desa (or kelurahan). code is the Kemendagri code (21, 21.71, 21.71.01, "
    "21.71.01.1001) and extends its parent's code; parent_code is empty for a provinsi and "
    "otherwise names an area one level up, in the file (any order) or already imported."
)

_POSYANDU = (
    "Columns: code,name,desa_code,timezone,schedule,active. desa_code is an imported "
    "desa/kelurahan; timezone is an IANA zone (Asia/Jakarta, Asia/Pontianak, Asia/Makassar, "
    "Asia/Jayapura); schedule is the hari buka: 'tanggal 12', 'selasa ke-2' (or 'selasa "
    "minggu ke-2'), 'selasa terakhir', or the stored forms day:12, weekday:1:2, "
    "weekday:1:-1 (weekday 0 = Monday); active is 1 or 0 (empty: 1)."
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import areas or posyandu from a CSV file (all or nothing, by code)",
        description="Import the area tree or the posyandu list from CSV. " + _COMMON,
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    areas = kinds.add_parser(
        "areas",
        help="provinsi, kabupaten/kota, kecamatan and desa/kelurahan",
        description=_AREAS + " " + _COMMON,
    )
    areas.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    areas.set_defaults(handler=run, columns=AREA_COLUMNS)
    posyandu = kinds.add_parser(
        "posyandu",
        help="posyandu with their desa, time zone and hari-buka schedule",
        description=_POSYANDU + " " + _COMMON,
    )
    posyandu.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    posyandu.set_defaults(handler=run, columns=POSYANDU_COLUMNS)


def _read(name: str) -> str:
    try:
        if name == "-":
            return sys.stdin.read()
        return Path(name).read_text("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {name}: not UTF-8 text (save the CSV as UTF-8)") from None


def run(args: argparse.Namespace) -> int:
    name: str = args.file
    kind: str = args.kind
    label = "stdin" if name == "-" else name

    async def work(settings: Settings) -> int:
        text = _read(name)
        try:
            rows = parse_csv(text, args.columns)
            db = await open_database(settings)
            try:
                async with db.transaction() as tx:
                    if kind == "areas":
                        summary = await import_areas(tx, rows)
                    else:
                        summary = await import_posyandu(tx, rows)
            finally:
                await db.close()
        except ImportRejected as exc:
            for problem in exc.problems:
                tell(f"{label} {problem}")
            count = len(exc.problems)
            tell(f"nothing was imported: {count} problem{'s' if count != 1 else ''} in {label}")
            return BAD_INPUT
        tell(
            f"{kind}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
        return OK

    return run_with_settings(work)
