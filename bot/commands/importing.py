"""``posyandu import areas|posyandu|reports|children FILE.csv``: load the area tree, the
posyandu list, past months from the paper register, and the child register."""

from __future__ import annotations

import argparse
import getpass
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bot.commands._common import (
    BAD_INPUT,
    OK,
    UsageError,
    now,
    open_database,
    run_with_settings,
    tell,
)
from bot.register import NOT_SET_UP, register_cipher
from bot.settings import Settings
from scoring import FIRST_REPORT_PERIOD
from scoring.fields import FIELD_BY_ID, LIST_FIELD, MAX_COUNT, SERVED_FIELD
from storage.child_imports import CHILD_COLUMNS, OPTIONAL_CHILD_COLUMNS, import_children
from storage.children import Actor, check_key
from storage.cipher import RegisterKeyError
from storage.db import Connection
from storage.imports import (
    AREA_COLUMNS,
    ORG_UNIT_COLUMN,
    POSYANDU_COLUMNS,
    CsvRows,
    ImportRejected,
    ImportSummary,
    import_areas,
    import_posyandu,
)
from storage.report_columns import FILE_COLUMNS, NO_NAMES
from storage.report_imports import (
    LISTED_PROBLEMS,
    OPTIONAL_REPORT_COLUMNS,
    REPORT_COLUMNS,
    import_reports,
)
from storage.reports import import_channel

__all__ = ["register"]

_COMMON = (
    "The first line is the header; columns may come in any order, separated by commas (or "
    "semicolons, as spreadsheets in Indonesian locale write them). Importing is all or "
    "nothing and idempotent: rows are matched by code and inserted or updated; if any row "
    "is bad, nothing is written and every bad row is listed on stderr with its line "
    f"number and the reason (exit 2; reports: the first {LISTED_PROBLEMS:,}, the rest "
    "counted). Every row has as many fields as the header (empty cells where there is no "
    "value); broken quoting (a quote never closed, text after a closing quote, a cell over "
    "several lines) is refused at the line where the quote opens; a name may not hold a "
    "control character; the file must be UTF-8."
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
    "weekday:1:-1 (weekday 0 = Monday); active is 1 or 0 (empty: 1). An optional column "
    "org_unit gives the posyandu's DHIS2 organisation unit code (docs/dhis2.md; empty: the "
    "posyandu's code; a file without the column leaves the imported ones as they are)."
)


_REPORTS = (
    "Past months from the paper register, one row per posyandu and month, with the columns "
    "posyandu export --format csv writes (" + ",".join(FILE_COLUMNS) + "), so an export "
    "imports again unchanged. " + ", ".join(REPORT_COLUMNS[:2]) + " and every value column "
    "are required but the later ones (" + ", ".join(OPTIONAL_REPORT_COLUMNS) + "): a "
    "column of these left out keeps what the month holds; posyandu_name and stratum are not "
    "read; desa_code, when given, must be the posyandu's desa. period is a month from "
    f"{FIRST_REPORT_PERIOD} that has begun at the posyandu; buka is 1 (opened) or 0 (closed, "
    f"no values); a count is a whole number up to {MAX_COUNT}, empty when unknown; "
    f"{SERVED_FIELD} is "
    f"{' or '.join(FIELD_BY_ID[SERVED_FIELD].choices)}; {LIST_FIELD} the names separated "
    f"by ';' (BKB; TOGA), {NO_NAMES} for none, empty when unknown. Each row must keep the "
    "hard rules the chat keeps (K, D <= S; N, BGM, 2T <= D ...). The file is read once, a "
    "chunk of rows at a time, in one transaction: from the first bad row on nothing more "
    "is written and the transaction is rolled back at the end. Each month is saved as a "
    "revision authored by the import (the operator and the file's name); a month already "
    "holding the same values is left as it is."
)


_CHILDREN = (
    "The child register (docs/privacy.md), one row per child under five: "
    + ",".join(CHILD_COLUMNS)
    + ", and the optional columns the deployment records ("
    + ",".join(OPTIONAL_CHILD_COLUMNS)
    + ": nik with REGISTER_NIK=true, the others as REGISTER_FIELDS lists them; a value in a "
    "column not recorded is refused). posyandu_code is an imported posyandu; sex is L or P; "
    "birth_date as people write it, the year in full (2024-03-05, 5/3/2024, 5-3-2024, 5 Maret "
    "2024), not in the future and under five years old; nik 16 digits; rt 1 to 3 digits; "
    "has_kms 1 or 0 (has a KMS / buku KIA). A child already registered at the posyandu with "
    "the same name (case and spacing aside) and birth date is updated, not added again. "
    "Children are recorded only with a parent's consent: --consent-recorded-by names who took "
    "it (recorded with every child added, at the import's time). Names are stored encrypted "
    "with REGISTER_KEY (the command refuses to run without it); the import is written to the "
    "audit log."
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import areas, posyandu or past reports from a CSV file (all or nothing)",
        description="Import the area tree, the posyandu list or past months from CSV. " + _COMMON,
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    areas = kinds.add_parser(
        "areas",
        help="provinsi, kabupaten/kota, kecamatan and desa/kelurahan",
        description=_AREAS + " " + _COMMON,
    )
    areas.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    areas.set_defaults(handler=run, columns=AREA_COLUMNS, optional=())
    posyandu = kinds.add_parser(
        "posyandu",
        help="posyandu with their desa, time zone and hari-buka schedule",
        description=_POSYANDU + " " + _COMMON,
    )
    posyandu.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    posyandu.set_defaults(handler=run, columns=POSYANDU_COLUMNS, optional=(ORG_UNIT_COLUMN,))
    reports = kinds.add_parser(
        "reports",
        help="past months from the paper register (the columns of posyandu export)",
        description=_REPORTS + " " + _COMMON.replace("by code", "by posyandu and month"),
    )
    reports.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    reports.add_argument(
        "--operator",
        metavar="NAME",
        help="who imports, recorded with every month saved (default: the login name)",
    )
    reports.set_defaults(handler=run, columns=REPORT_COLUMNS, optional=OPTIONAL_REPORT_COLUMNS)
    children = kinds.add_parser(
        "children",
        help="the child register: children under five with their mothers (names encrypted)",
        description=_CHILDREN
        + " "
        + _COMMON.replace("by code", "by posyandu, name and birth date"),
    )
    children.add_argument("file", metavar="FILE.csv", help="CSV file, or '-' for standard input")
    children.add_argument(
        "--consent-recorded-by",
        metavar="NAME",
        required=True,
        help="who took the parents' consent for the children of the file (a kader, a bidan)",
    )
    children.add_argument(
        "--operator",
        metavar="NAME",
        help="who imports, written to the audit log (default: the login name)",
    )
    children.set_defaults(handler=run, columns=CHILD_COLUMNS, optional=OPTIONAL_CHILD_COLUMNS)


@contextmanager
def _opened(name: str) -> Iterator[TextIO]:
    """The file (or standard input) as UTF-8 text read a line at a time, line ends kept as
    they are (the CSV reader needs them); bytes that are not UTF-8 are kept as surrogates, for
    the reader to name their line."""
    if name == "-":
        stdin = io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        try:
            yield stdin
        finally:
            stdin.detach()  # sys.stdin's buffer stays open
        return
    try:
        stream = Path(name).open(  # noqa: SIM115 (closed below)
            encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    with stream:
        yield stream


def run(args: argparse.Namespace) -> int:
    name: str = args.file
    kind: str = args.kind
    label = "stdin" if name == "-" else name

    async def work(settings: Settings) -> int:
        try:
            with _opened(name) as stream:
                rows = CsvRows(stream, args.columns, args.optional)
                db = await open_database(settings)
                try:
                    args.settings = settings
                    async with db.transaction() as tx:
                        summary = await _import(tx, kind, rows, args, label)
                finally:
                    await db.close()
        except ImportRejected as exc:
            for problem in exc.problems:
                tell(f"{label} {problem}")
            if exc.unlisted:
                tell(f"{label}: {exc.unlisted} more problems, not listed")
            count = exc.count
            tell(f"nothing was imported: {count} problem{'s' if count != 1 else ''} in {label}")
            return BAD_INPUT
        tell(
            f"{kind}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
        return OK

    return run_with_settings(work)


async def _import(
    tx: Connection, kind: str, rows: CsvRows, args: argparse.Namespace, label: str
) -> ImportSummary:
    """Areas and posyandu rows are checked against each other, so are read whole (a list of
    a country's desa fits in memory); reports are streamed, a chunk at a time."""
    if kind == "areas":
        return await import_areas(tx, list(rows))
    if kind == "posyandu":
        return await import_posyandu(tx, list(rows), now())
    if kind == "children":
        return await _children(tx, rows, args)
    channel = import_channel(args.operator or _login(), Path(label).name)
    return await import_reports(tx, rows, now=now(), channel=channel)


async def _children(tx: Connection, rows: CsvRows, args: argparse.Namespace) -> ImportSummary:
    settings: Settings = args.settings
    cipher = register_cipher(settings)
    if cipher is None:
        raise UsageError(NOT_SET_UP)
    at = now()
    try:
        await check_key(tx, cipher, at)
    except RegisterKeyError:
        raise UsageError(
            "REGISTER_KEY is not the key this database's child register was written with"
        ) from None
    consent = " ".join(str(args.consent_recorded_by).split())
    if not consent:
        raise UsageError("--consent-recorded-by: name who took the parents' consent")
    return await import_children(
        tx,
        cipher,
        rows,
        consent_by=Actor(operator=consent),
        who=Actor(operator=args.operator or _login()),
        at=at,
        recorded=settings.register_optional(),
    )


def _login() -> str:
    """Who runs the command, as the system knows them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
