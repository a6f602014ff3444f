"""Bulk import of areas and posyandu from CSV text: all or nothing, upsert by code.

Every row is checked first, against the file and the database, and every bad row is reported
with its line number and the reason; only a file without a single problem is written, in the
caller's transaction. Importing the same file again changes nothing.

Areas: ``code,name,level,parent_code`` (Kemendagri codes: ``21``, ``21.71``, ``21.71.01``,
``21.71.01.1001``; a child's code extends its parent's; ``parent_code`` empty for a
provinsi; rows may come in any order). Posyandu: ``code,name,desa_code,timezone,schedule,
active`` (an IANA time zone such as ``Asia/Jakarta``; a schedule such as ``tanggal 12``,
``selasa ke-2`` or ``selasa terakhir``; active ``1``/``0``, ``yes``/``no``, ``ya``/``tidak``,
empty for active).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scoring import Period
from scoring.lexicon import ACTIVE_WORDS
from scoring.schedule import Schedule, ScheduleError
from storage.areas import Area, Level, areas_by_codes, parse_kind, parse_level, upsert_area
from storage.db import Connection
from storage.posyandu import posyandu_by_codes, upsert_posyandu, valid_timezone

__all__ = [
    "AREA_COLUMNS",
    "POSYANDU_COLUMNS",
    "CsvRow",
    "ImportProblem",
    "ImportRejected",
    "ImportSummary",
    "import_areas",
    "import_posyandu",
    "parse_csv",
]

AREA_COLUMNS: tuple[str, ...] = ("code", "name", "level", "parent_code")
POSYANDU_COLUMNS: tuple[str, ...] = ("code", "name", "desa_code", "timezone", "schedule", "active")

_SEGMENT_WIDTHS = (2, 2, 2, 4)  # provinsi, kabupaten, kecamatan, desa
_POSYANDU_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: Mapping[str, str]
    #: Set when the row itself is malformed (wrong number of fields); its values are empty.
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRejected(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


def parse_csv(text: str, columns: Sequence[str]) -> list[CsvRow]:
    """Rows of CSV text (comma- or semicolon-separated, header first, a UTF-8 BOM ignored),
    each with its line number. A bad header raises :class:`ImportRejected`. Trailing empty
    fields may be left out; a row with more fields than the header comes back with its
    ``problem`` set, for the import to report along with every other bad row."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([ImportProblem(1, "the file is empty")]) from None
    except csv.Error as exc:
        raise ImportRejected([ImportProblem(1, f"not valid CSV: {exc}")]) from None
    problems: list[ImportProblem] = []
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(
            ImportProblem(
                1,
                f"missing column(s) {', '.join(missing)}; expected the header {','.join(columns)}",
            )
        )
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicated:
        problems.append(ImportProblem(1, f"column(s) repeated: {', '.join(duplicated)}"))
    if problems:
        raise ImportRejected(problems)
    rows: list[CsvRow] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue  # blank line
            if len(fields) > len(header):
                count = f"{len(fields)} fields, the header has {len(header)} (a comma in a name?"
                rows.append(CsvRow(line, {}, count + " put the name in double quotes)"))
                continue
            fields += [""] * (len(header) - len(fields))  # empty trailing fields left out
            rows.append(
                CsvRow(line, {h: f.strip() for h, f in zip(header, fields, strict=True) if h})
            )
    except csv.Error as exc:
        raise ImportRejected([ImportProblem(reader.line_num, f"not valid CSV: {exc}")]) from None
    return rows


def _required(row: CsvRow, names: Sequence[str], problems: list[ImportProblem]) -> bool:
    empty = [n for n in names if not row.values.get(n)]
    if empty:
        problems.append(ImportProblem(row.line, f"missing value for {', '.join(empty)}"))
    return not empty


def _skipped(rows: Sequence[CsvRow], problems: list[ImportProblem]) -> set[int]:
    """Lines not to check further: malformed rows and repeated codes (each reported)."""
    first: dict[str, int] = {}
    bad: set[int] = set()
    for row in rows:
        if row.problem is not None:
            problems.append(ImportProblem(row.line, row.problem))
            bad.add(row.line)
            continue
        code = row.values.get("code", "")
        if not code:
            continue
        if code in first:
            problems.append(
                ImportProblem(row.line, f"duplicate code {code} (first on line {first[code]})")
            )
            bad.add(row.line)
        else:
            first[code] = row.line
    return bad


def _code_shape(code: str, level: Level) -> str | None:
    widths = _SEGMENT_WIDTHS[: level.depth + 1]
    parts = code.split(".")
    if len(parts) == len(widths) and all(
        p.isascii() and p.isdigit() and len(p) == w for p, w in zip(parts, widths, strict=True)
    ):
        return None
    example = ".".join(("21", "71", "01", "1001")[: level.depth + 1])
    return f"code {code} is not a {level.value} code like {example}"


async def import_areas(tx: Connection, rows: Sequence[CsvRow]) -> ImportSummary:
    """Check every row, then upsert them all (parents first); :class:`ImportRejected` with
    every problem otherwise. Call inside ``db.transaction()``."""
    problems: list[ImportProblem] = []
    skipped = _skipped(rows, problems)
    in_file = _areas_in_file(rows, skipped, problems)
    parent_codes = {r.values.get("parent_code", "") for r in rows} - {""}
    known = await areas_by_codes(tx, set(in_file) | parent_codes)
    good: list[tuple[CsvRow, Level]] = []
    for code, (row, level) in in_file.items():
        if not _required(row, ("name", "level"), problems) or level is None:
            continue
        found = _area_problems(row, code, level, in_file, known)
        problems.extend(found)
        if not found:
            good.append((row, level))
    if problems:
        raise ImportRejected(problems)
    return await _write_areas(tx, good, known)


def _areas_in_file(
    rows: Sequence[CsvRow], skipped: set[int], problems: list[ImportProblem]
) -> dict[str, tuple[CsvRow, Level | None]]:
    """The rows to check, by code, each with its level (None when missing or unreadable)."""
    in_file: dict[str, tuple[CsvRow, Level | None]] = {}
    for row in rows:
        code = row.values.get("code", "")
        if row.line in skipped or not _required(row, ("code",), problems):
            continue
        level: Level | None = None
        if row.values.get("level"):
            try:
                level = parse_level(row.values["level"])
            except ValueError as exc:
                problems.append(ImportProblem(row.line, f"wrong level: {exc}"))
        in_file[code] = (row, level)
    return in_file


def _area_problems(
    row: CsvRow,
    code: str,
    level: Level,
    in_file: Mapping[str, tuple[CsvRow, Level | None]],
    known: Mapping[str, Area],
) -> list[ImportProblem]:
    """What is wrong with one area row: its code, its parent, a change of level."""
    messages = [
        _code_shape(code, level),
        _parent_problem(code, level, row.values.get("parent_code", ""), in_file, known),
    ]
    existing = known.get(code)
    if existing is not None and existing.level is not level:
        messages.append(
            f"wrong level: {code} is already a {existing.level.value}; "
            "an area does not change level"
        )
    return [ImportProblem(row.line, m) for m in messages if m]


def _parent_problem(
    code: str,
    level: Level,
    parent_code: str,
    in_file: Mapping[str, tuple[CsvRow, Level | None]],
    known: Mapping[str, Area],
) -> str | None:
    if level is Level.PROVINSI:
        return "wrong level: a provinsi has no parent_code" if parent_code else None
    if not parent_code:
        return f"missing parent_code for a {level.value}"
    parent_level = _level_of(parent_code, in_file, known)
    if parent_code not in in_file and parent_code not in known:
        return f"unknown parent area {parent_code}"
    if parent_level is not None and parent_level.depth != level.depth - 1:
        above = list(Level)[level.depth - 1].value
        return (
            f"wrong level: a {level.value} must be under a {above}, "
            f"{parent_code} is a {parent_level.value}"
        )
    if not code.startswith(parent_code + "."):
        return f"code {code} does not extend its parent's code {parent_code}"
    return None


def _level_of(
    code: str, in_file: Mapping[str, tuple[CsvRow, Level | None]], known: Mapping[str, Area]
) -> Level | None:
    if code in in_file:
        return in_file[code][1]
    area = known.get(code)
    return area.level if area else None


async def _write_areas(
    tx: Connection, rows: list[tuple[CsvRow, Level]], known: Mapping[str, Area]
) -> ImportSummary:
    added = updated = unchanged = 0
    written: dict[str, Area] = dict(known)
    for row, level in sorted(rows, key=lambda pair: (pair[1].depth, pair[0].line)):
        code, name = row.values["code"], row.values["name"]
        parent = written.get(row.values.get("parent_code", ""))
        before = known.get(code)
        kind = parse_kind(row.values["level"])  # "kota", "kelurahan": kept for the titles
        area = await upsert_area(tx, code, name, level, parent, kind)
        written[code] = area
        if before is None:
            added += 1
        elif (before.name, before.level, before.parent_id, before.kind) == (
            name,
            level,
            area.parent_id,
            area.kind,
        ):
            unchanged += 1
        else:
            updated += 1
    return ImportSummary(added, updated, unchanged)


#: A posyandu row that passed every check: the row, its desa, its schedule, active or not.
_GoodPosyandu = tuple[CsvRow, Area, Schedule, bool]


async def import_posyandu(
    tx: Connection, rows: Sequence[CsvRow], now: datetime | None = None
) -> ImportSummary:
    """Check every row, then upsert them all; :class:`ImportRejected` with every problem
    otherwise. The desa areas must exist already. Call inside ``db.transaction()``. A new
    posyandu is registered in ``now``'s month in its time zone (where its known history
    starts, unless earlier months are imported); None: not recorded."""
    problems: list[ImportProblem] = []
    skipped = _skipped(rows, problems)
    desas = await areas_by_codes(tx, {r.values.get("desa_code", "") for r in rows} - {""})
    good: list[_GoodPosyandu] = []
    for row in rows:
        if row.line in skipped:
            continue
        if not _required(row, ("code", "name", "desa_code", "timezone", "schedule"), problems):
            continue
        checked = _check_posyandu(row, desas, problems)
        if checked is not None:
            good.append(checked)
    if problems:
        raise ImportRejected(problems)
    return await _write_posyandu(tx, good, now)


def _check_posyandu(
    row: CsvRow, desas: Mapping[str, Area], problems: list[ImportProblem]
) -> _GoodPosyandu | None:
    """One posyandu row checked: its problems added to ``problems``; the row ready to write
    when it has none."""
    before = len(problems)
    v = row.values
    if not _POSYANDU_CODE.fullmatch(v["code"]):
        problems.append(
            ImportProblem(
                row.line,
                f"bad code {v['code']!r}: letters, digits and . _ / - only, up to 40",
            )
        )
    desa = desas.get(v["desa_code"])
    if desa is None:
        problems.append(ImportProblem(row.line, f"unknown desa area {v['desa_code']}"))
    elif desa.level is not Level.DESA:
        problems.append(
            ImportProblem(
                row.line,
                f"wrong level: {v['desa_code']} is a {desa.level.value}, "
                "a posyandu belongs to a desa/kelurahan",
            )
        )
    if not valid_timezone(v["timezone"]):
        problems.append(
            ImportProblem(row.line, f"bad time zone {v['timezone']!r}: use e.g. Asia/Jakarta")
        )
    schedule: Schedule | None = None
    try:
        schedule = Schedule.parse(v["schedule"])
    except ScheduleError as exc:
        problems.append(ImportProblem(row.line, f"bad schedule: {exc}"))
    active = ACTIVE_WORDS.get(v.get("active", "").lower())
    if active is None:
        problems.append(ImportProblem(row.line, f"bad active value {v['active']!r}: use 1 or 0"))
    if len(problems) == before and desa is not None and schedule is not None:
        return row, desa, schedule, bool(active)
    return None


async def _write_posyandu(
    tx: Connection, rows: Sequence[_GoodPosyandu], now: datetime | None
) -> ImportSummary:
    existing = await posyandu_by_codes(tx, [r.values["code"] for r, *_ in rows])
    added = updated = unchanged = 0
    for row, desa, schedule, active in rows:
        v = row.values
        old = existing.get(v["code"])
        registered = None
        if now is not None:
            local = now.astimezone(ZoneInfo(v["timezone"]))
            registered = Period(local.year, local.month)
        after = await upsert_posyandu(
            tx, v["code"], v["name"], desa, v["timezone"], schedule, active, registered=registered
        )
        if old is None:
            added += 1
        elif old == after:
            unchanged += 1
        else:
            updated += 1
    return ImportSummary(added, updated, unchanged)
