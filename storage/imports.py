"""Bulk import of areas and posyandu from CSV: all or nothing, upsert by code; and the CSV
reading every import shares (:class:`CsvRows`: a line at a time, every row the header's length,
broken quoting refused with its line).

Every row is checked first, against the file and the database, and every bad row is reported
with its line number and the reason; only a file without a single problem is written, in the
caller's transaction. Importing the same file again changes nothing. Names holding a control
character are refused.

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
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scoring import Period
from scoring.lexicon import ACTIVE_WORDS
from scoring.schedule import Schedule, ScheduleError
from storage.areas import Area, Level, areas_by_codes, parse_kind, parse_level, upsert_area
from storage.db import Connection
from storage.posyandu import posyandu_by_codes, set_org_unit, upsert_posyandu, valid_timezone

__all__ = [
    "AREA_COLUMNS",
    "ORG_UNIT_COLUMN",
    "POSYANDU_COLUMNS",
    "CsvRow",
    "CsvRows",
    "CsvSource",
    "ImportProblem",
    "ImportRejected",
    "ImportSummary",
    "import_areas",
    "import_posyandu",
    "name_problem",
    "parse_csv",
]

AREA_COLUMNS: tuple[str, ...] = ("code", "name", "level", "parent_code")
POSYANDU_COLUMNS: tuple[str, ...] = ("code", "name", "desa_code", "timezone", "schedule", "active")
#: The posyandu file's optional column: its DHIS2 organisation unit code (docs/dhis2.md; empty:
#: the posyandu's own code). A file without it leaves the imported ones as they are.
ORG_UNIT_COLUMN = "org_unit"

_SEGMENT_WIDTHS = (2, 2, 2, 4)  # provinsi, kabupaten, kecamatan, desa
_POSYANDU_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
#: A DHIS2 code (an organisation unit's): up to 50 characters, no space or control character.
_ORG_UNIT = re.compile(r"[^\s\x00-\x1f\x7f]{1,50}")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: Mapping[str, str]
    #: Set when the row itself is malformed (a field count other than the header's, a cell over
    #: several lines); its values are empty.
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRejected(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: Sequence[ImportProblem], unlisted: int = 0) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        #: Further problems found but not kept (a file wrong throughout: memory stays bounded).
        self.unlisted = unlisted
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def count(self) -> int:
        """Every problem found, listed or not."""
        return len(self.problems) + self.unlisted


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


#: A CSV source: an open text file (read a line at a time, never whole) or the text itself.
CsvSource = Iterable[str] | str


class CsvRows:
    """The rows of a CSV source, read one at a time (a file is never held whole): comma- or
    semicolon-separated, header first (read and checked on construction: a bad header raises
    :class:`ImportRejected`), a UTF-8 BOM ignored, blank lines skipped.

    Each row comes with the physical line it starts on. A row whose field count differs from
    the header's, or with a cell running over several lines (a quote left open and closed
    further down), comes back with its ``problem`` set, for the import to report along with
    every other bad row. Quoting so broken that the file cannot be read on (a quote never
    closed, text after a closing quote) raises :class:`ImportRejected` where it is met, and so
    does a line that is not UTF-8 (a file opened with ``errors="surrogateescape"``)."""

    def __init__(
        self, source: CsvSource, columns: Sequence[str], optional: Sequence[str] = ()
    ) -> None:
        lines = io.StringIO(source, newline="") if isinstance(source, str) else iter(source)
        self._line = 0  # the last physical line read
        self._lines = self._counted(lines)
        first = next(self._lines, "").removeprefix("\ufeff")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        self._reader = csv.reader(
            itertools.chain([first], self._lines), delimiter=delimiter, strict=True
        )
        self.header: tuple[str, ...] = tuple(h.strip().lower() for h in self._next_header())
        problems: list[ImportProblem] = []
        missing = [c for c in columns if c not in self.header]
        if missing:
            expected = ",".join(columns)
            extra = f" (optional: {','.join(optional)})" if optional else ""
            problems.append(
                ImportProblem(
                    1,
                    f"missing column(s) {', '.join(missing)}; expected the header {expected}"
                    + extra,
                )
            )
        duplicated = sorted({h for h in self.header if self.header.count(h) > 1 and h})
        if duplicated:
            problems.append(ImportProblem(1, f"column(s) repeated: {', '.join(duplicated)}"))
        if problems:
            raise ImportRejected(problems)

    def _counted(self, lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            self._line += 1
            if _UNDECODED.search(line):
                raise ImportRejected([ImportProblem(self._line, _NOT_UTF8)])
            yield line

    def _next_header(self) -> list[str]:
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError:
            raise ImportRejected([ImportProblem(1, _NOT_UTF8)]) from None
        except csv.Error as exc:
            raise ImportRejected([ImportProblem(1, f"not valid CSV: {exc}")]) from None
        if not header or not any(h.strip() for h in header):
            raise ImportRejected([ImportProblem(1, "the file is empty")])
        if self._line > 1:
            raise ImportRejected([ImportProblem(1, _broken(1, self._line))])
        return header

    def __iter__(self) -> Iterator[CsvRow]:
        width = len(self.header)
        while True:
            start = self._line + 1
            try:
                fields = next(self._reader, None)
            except UnicodeDecodeError:
                raise ImportRejected([ImportProblem(self._line + 1, _NOT_UTF8)]) from None
            except csv.Error as exc:
                problem = ImportProblem(start, _unreadable(exc, start, self._line))
                raise ImportRejected([problem]) from None
            if fields is None:
                return
            if not any(f.strip() for f in fields):
                continue  # a blank line
            if self._line > start:
                yield CsvRow(start, {}, _broken(start, self._line))
            elif len(fields) != width:
                yield CsvRow(start, {}, _count_problem(len(fields), width))
            else:
                cells = zip(self.header, fields, strict=True)
                yield CsvRow(start, {h: f.strip() for h, f in cells if h})


_NOT_UTF8 = "not UTF-8 text (save the CSV as UTF-8)"
#: What bytes that are not UTF-8 become when a file is read with ``errors="surrogateescape"``
#: (as the import opens it): found on the very line they are on.
_UNDECODED = re.compile("[\udc80-\udcff]")


def _broken(start: int, end: int) -> str:
    return (
        f"broken quoting: a quoted cell runs from line {start} to line {end} (a closing "
        "quote missing?)"
    )


def _unreadable(exc: csv.Error, start: int, end: int) -> str:
    """A row the CSV reader cannot read on: a quote never closed, text after a closing
    quote (the reader's own words kept for the rest)."""
    if "unexpected end of data" in str(exc):
        return (
            "broken quoting: a quote opened on this line is never closed (the rest of the "
            "file would be one cell)"
        )
    if "field larger than field limit" in str(exc):
        return (
            "broken quoting: a quote opened on this line is not closed within "
            f"{csv.field_size_limit():,} characters (the rest of the file would be one cell)"
        )
    where = f"the quoted cell opened on this line, at line {end}" if end > start else "a cell"
    if "expected after" in str(exc):
        return (
            f"broken quoting: text follows the closing quote of {where} (a quote inside a "
            'cell is written twice: "")'
        )
    return f"not valid CSV: {exc}"


def _count_problem(found: int, width: int) -> str:
    text = f"{found} field{'s' if found != 1 else ''}, the header has {width}"
    if found > width:
        return text + " (a comma in a name? put the name in double quotes)"
    return text + " (a row cut short? every row has every column, empty when unknown)"


def parse_csv(
    source: CsvSource, columns: Sequence[str], optional: Sequence[str] = ()
) -> list[CsvRow]:
    """Every row of a CSV source at once (:class:`CsvRows`): for the area and posyandu files,
    whose rows are checked against each other."""
    return list(CsvRows(source, columns, optional))


def name_problem(column: str, text: str) -> str | None:
    """Why a name cannot be stored (a control character, a line break), or None."""
    for i, char in enumerate(text):
        if unicodedata.category(char) in _CONTROL:
            return (
                f"{column} holds a control character (U+{ord(char):04X} at position {i + 1}): "
                "a name is plain text on one line"
            )
    return None


#: Unicode categories refused in a name: control characters (C0, DEL, C1), and the line and
#: paragraph separators.
_CONTROL = frozenset({"Cc", "Zl", "Zp"})


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
        name_problem("name", row.values["name"]),
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
    named = name_problem("name", v["name"])
    if named is not None:
        problems.append(ImportProblem(row.line, named))
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
    org_unit = v.get(ORG_UNIT_COLUMN, "")
    if org_unit and not _ORG_UNIT.fullmatch(org_unit):
        problems.append(
            ImportProblem(
                row.line,
                f"bad org_unit {org_unit!r}: a DHIS2 code, up to 50 characters, no spaces",
            )
        )
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
        moved = ORG_UNIT_COLUMN in v and await set_org_unit(
            tx, v["code"], v[ORG_UNIT_COLUMN] or None
        )
        if old is None:
            added += 1
        elif old == after and not moved:
            unchanged += 1
        else:
            updated += 1
    return ImportSummary(added, updated, unchanged)
