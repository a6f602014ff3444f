"""``posyandu export``: every stored report, one row per posyandu-month, with its stratum."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TextIO

from bot.commands._common import OK, UsageError, open_database, run_with_settings, tell
from bot.commands.dhis2 import add_selection, read_mapping, selection_of
from bot.dhis2 import UnknownAreaError, collect
from bot.settings import Settings
from scoring import InvalidReportError, KnownHistory, MonthReport, Period, PeriodError
from scoring import assess_stratum as stratum_of
from scoring.dhis2 import csv_document, json_document
from scoring.fields import LIST_FIELD
from storage.areas import Area, area_by_code, areas_by_ids
from storage.db import Connection, Database
from storage.posyandu import Posyandu, all_posyandu, known_histories, posyandu_under
from storage.report_columns import FILE_COLUMNS, FORMULA_STARTS, NAME_SEPARATOR, NO_NAMES
from storage.reports import reports_for_posyandu_ids

__all__ = [
    "COLUMNS",
    "EXCEL",
    "FORMULA_STARTS",
    "NO_NAMES",
    "CsvStyle",
    "RowWriter",
    "area_csv",
    "register",
]

#: The file's columns, the same ones ``posyandu import reports`` reads.
COLUMNS: tuple[str, ...] = FILE_COLUMNS
_EARLIEST = Period(1900, 1)
_LATEST = Period(9999, 12)
_CHUNK = 500  # posyandu read at a time
DHIS2_FORMATS = ("dhis2-json", "dhis2-csv")


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="print every report (one row per posyandu-month) with its stratum, CSV or JSON",
        description=(
            "Print every stored monthly report on stdout, one row per posyandu and month, "
            "ordered by posyandu code and period, with the columns (JSON keys) "
            + ", ".join(COLUMNS)
            + ". stratum is the 12-month stratum at that month (pratama, madya, purnama, "
            "mandiri; empty when fewer months than needed are known, or when the reports break "
            "a hard rule — a warning goes to stderr), over the posyandu's known history as the "
            "PDFs give it: provisional is 1 when it rests on fewer months than the window, "
            "months_known how many. "
            f"CSV: a header line; unknown values empty; buka 1 or 0; {LIST_FIELD} as the "
            f"names joined by '; ' (BKB; TOGA), {NO_NAMES} for none; a text cell that "
            "begins with =, +, -, @, a tab or a carriage return is written quoted after a "
            "single quote ('=...), so that a spreadsheet shows it as text and never runs it "
            "as a formula (CSV injection); counts stay numbers. --excel writes what a "
            "spreadsheet in an Indonesian locale (Excel, LibreOffice) opens directly: cells "
            "separated by ';', UTF-8 with a byte order mark, CRLF line ends. JSON: one array "
            f"of objects, unknown values null, {LIST_FIELD} a list of names ([] for none). "
            "Inactive posyandu are included. 'posyandu export weighings' prints the child "
            "register's weighings instead (see its --help)."
        ),
    )
    parser.add_argument("--area", metavar="CODE", help="only posyandu under this area")
    parser.add_argument("--from", dest="first", metavar="YYYY-MM", type=_period, help="first month")
    parser.add_argument("--to", dest="last", metavar="YYYY-MM", type=_period, help="last month")
    parser.add_argument(
        "--format",
        choices=("csv", "json", *DHIS2_FORMATS),
        default="csv",
        help="default csv; dhis2-json and dhis2-csv: a DHIS2 data value set (docs/dhis2.md), "
        "one value per field of --mapping per posyandu-month with a value",
    )
    add_selection(parser, mapping_required=False)
    parser.add_argument(
        "--delimiter",
        choices=(",", ";"),
        metavar="SEP",
        help="CSV cell separator, ',' or ';' (default ',', with --excel ';')",
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help="CSV for a spreadsheet in an Indonesian locale: ';', UTF-8 with BOM, CRLF",
    )
    parser.set_defaults(handler=run)
    whats = parser.add_subparsers(dest="what", metavar="WHAT")
    from bot.commands import export_weighings  # it reuses this module's writer

    export_weighings.register(whats)


def _window_start(first: Period, months: int) -> Period:
    return Period.from_index(max(first.index - (months - 1), _EARLIEST.index))


def _rows(
    chunk: Sequence[Posyandu],
    desa_codes: dict[int, str],
    reports: dict[int, list[MonthReport]],
    first: Period,
    settings: Settings,
    known: dict[int, KnownHistory],
) -> Iterator[dict[str, Any]]:
    scoring = settings.scoring()
    window = scoring.window_months
    for posyandu in chunk:
        months = reports.get(posyandu.id, [])
        since = known.get(posyandu.id, KnownHistory()).since
        for i, report in enumerate(months):
            if report.period < first:
                continue
            start = report.period.shift(1 - window)
            inside = [m for m in months[: i + 1] if m.period >= start]
            stratum: str | None = None
            provisional: bool | None = None
            known_months: int | None = None
            try:
                # Over the posyandu's known history, as the PDFs, the dasbor and the chat
                # assess it: a stratum resting on fewer months than the window is provisional
                # (and says on how many), never the plain 12-month one with the unknown months
                # counted as closed (a provisional Mandiri read "pratama" here).
                found = stratum_of(inside, report.period, scoring, since)
                stratum = found.stratum.value if found.stratum is not None else None
                provisional, known_months = found.provisional, found.months_known
            except InvalidReportError as exc:
                tell(f"posyandu {posyandu.code} {report.period}: no stratum: {exc}")
            yield {
                "posyandu_code": posyandu.code,
                "posyandu_name": posyandu.name,
                "desa_code": desa_codes.get(posyandu.desa_id, ""),
                "period": str(report.period),
                **report.values(),
                "stratum": stratum,
                "provisional": provisional,
                "months_known": known_months,
            }


@dataclass(frozen=True, slots=True)
class CsvStyle:
    delimiter: str = ","
    line_end: str = "\n"
    #: A UTF-8 byte order mark first, so that Excel reads the file as UTF-8.
    bom: bool = False


EXCEL = CsvStyle(delimiter=";", line_end="\r\n", bom=True)


class RowWriter:
    """Rows out as CSV (``style``) or one JSON array, a row at a time: ``columns`` in order
    (a CSV cell through :func:`_cell`: no formula from user text)."""

    def __init__(
        self, out: TextIO, form: str, style: CsvStyle, columns: Sequence[str] = COLUMNS
    ) -> None:
        self.out, self.form, self.style, self.count = out, form, style, 0
        self.columns = tuple(columns)

    def start(self) -> None:
        if self.form == "csv":
            if self.style.bom:
                self.out.write("\ufeff")
            self._line([(c, False) for c in self.columns])
        else:
            self.out.write("[")

    def row(self, row: dict[str, Any]) -> None:
        if self.form == "csv":
            self._line([_cell(row[c]) for c in self.columns])
        else:
            self.out.write(",\n" if self.count else "\n")
            self.out.write(json.dumps(row, ensure_ascii=False, default=_json_number))
        self.count += 1

    def end(self) -> None:
        if self.form == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()

    def _line(self, cells: Sequence[tuple[str, bool]]) -> None:
        d = self.style.delimiter
        self.out.write(d.join(_field(t, quote, d) for t, quote in cells) + self.style.line_end)


def _json_number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not written as JSON")


def _cell(value: Any) -> tuple[str, bool]:
    """A value as CSV text, and whether it must be quoted whatever it holds: numbers as
    they are (a negative one too); text that a spreadsheet would take for a formula after a
    single quote."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("1" if value else "0"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, Decimal):
        return f"{value:f}", False
    text = (NAME_SEPARATOR.join(value) or NO_NAMES) if isinstance(value, list) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text, True
    return text, False


def _field(text: str, quote: bool, delimiter: str) -> str:
    """RFC 4180: quoted (inner quotes doubled) when asked or when it holds the delimiter, a
    quote or a line break."""
    if quote or delimiter in text or any(c in text for c in '"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


async def _posyandu(conn: Connection, area_code: str | None) -> list[Posyandu]:
    if area_code is None:
        return await all_posyandu(conn, active_only=False)
    area: Area | None = await area_by_code(conn, area_code)
    if area is None:
        raise UsageError(f"unknown area {area_code}")
    return await posyandu_under(conn, area, active_only=False)


async def _write(
    conn: Connection,
    writer: RowWriter,
    posyandu: list[Posyandu],
    first: Period,
    last: Period,
    settings: Settings,
) -> None:
    desas = await areas_by_ids(conn, {p.desa_id for p in posyandu})
    desa_codes = {i: a.code for i, a in desas.items()}
    since = _window_start(first, settings.stratum_window_months)
    writer.start()
    for start in range(0, len(posyandu), _CHUNK):
        chunk = posyandu[start : start + _CHUNK]
        ids = [p.id for p in chunk]
        reports = await reports_for_posyandu_ids(conn, ids, since, last)
        known = await known_histories(conn, ids)
        # Each month's stratum is assessed for every row: CPU work, not on the event loop
        # (the dasbor's download is served beside the webhooks).
        rows = _rows(chunk, desa_codes, reports, first, settings, known)
        await asyncio.to_thread(_write_rows, writer, rows)
    writer.end()


def _write_rows(writer: RowWriter, rows: Iterator[dict[str, Any]]) -> None:
    for row in rows:
        writer.row(row)


async def area_csv(
    db: Database, area: Area, first: Period, last: Period, settings: Settings
) -> str:
    """What ``posyandu export --area CODE --from FIRST --to LAST --excel`` writes, as text
    (the dasbor's download: a spreadsheet in an Indonesian locale opens it directly)."""
    out = io.StringIO(newline="")
    async with db.read() as conn:
        await conn.execute("BEGIN")  # one snapshot for the whole export
        posyandu = await posyandu_under(conn, area, active_only=False)
        await _write(conn, RowWriter(out, "csv", EXCEL), posyandu, first, last, settings)
        await conn.execute("COMMIT")
    return out.getvalue()


def run(args: argparse.Namespace) -> int:
    if args.format in DHIS2_FORMATS:
        return _dhis2(args)
    if args.mapping or args.period:
        tell("--mapping and --period apply to --format dhis2-json and dhis2-csv only")
        return 2
    first: Period = args.first or _EARLIEST
    last: Period = args.last or _LATEST
    if first > last:
        tell(f"--from {first} is after --to {last}")
        return 2
    if args.format != "csv" and (args.excel or args.delimiter):
        tell("--excel and --delimiter apply to --format csv only")
        return 2
    style = EXCEL if args.excel else CsvStyle()
    if args.delimiter:
        style = replace(style, delimiter=args.delimiter)

    async def work(settings: Settings) -> int:
        if not args.excel:
            return await _export(
                settings, RowWriter(sys.stdout, args.format, style), args, first, last
            )
        # Bytes exactly as written: UTF-8 whatever the locale, CRLF untranslated.
        sys.stdout.flush()
        raw = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            return await _export(settings, RowWriter(raw, args.format, style), args, first, last)
        finally:
            raw.flush()
            raw.detach()  # sys.stdout's buffer stays open

    return run_with_settings(work)


def _dhis2(args: argparse.Namespace) -> int:
    if not args.mapping:
        tell(f"--format {args.format} needs --mapping FILE (docs/dhis2.md)")
        return 2
    if args.excel or args.delimiter or args.first or args.last:
        tell("--excel, --delimiter, --from and --to do not apply to the DHIS2 formats")
        return 2
    try:
        mapping = read_mapping(args.mapping)
    except UsageError as exc:
        tell(str(exc))
        return 2
    selection = selection_of(args)

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.read() as conn:
                await conn.execute("BEGIN")  # one snapshot for the whole export
                values = await collect(conn, mapping, selection, settings.growth())
                await conn.execute("COMMIT")
        except UnknownAreaError as exc:
            raise UsageError(str(exc)) from None
        finally:
            await db.close()
        write = json_document if args.format == "dhis2-json" else csv_document
        sys.stdout.write(write(values))
        sys.stdout.flush()
        tell(f"exported {len(values)} data value{'s' if len(values) != 1 else ''}")
        return OK

    return run_with_settings(work)


async def _export(
    settings: Settings, writer: RowWriter, args: argparse.Namespace, first: Period, last: Period
) -> int:
    db = await open_database(settings)
    try:
        async with db.read() as conn:
            await conn.execute("BEGIN")  # one snapshot for the whole export
            posyandu = await _posyandu(conn, args.area)
            await _write(conn, writer, posyandu, first, last, settings)
            await conn.execute("COMMIT")
    finally:
        await db.close()
    tell(f"exported {writer.count} report{'s' if writer.count != 1 else ''}")
    return OK
