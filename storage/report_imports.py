"""Past months from a file (``posyandu import reports``): all or nothing, one row per
posyandu-month, the columns ``posyandu export`` writes (:data:`FILE_COLUMNS`).

The rows are streamed (a file of any length takes bounded memory): read once, a chunk at a
time, each row checked against the file, the database and the hard rules the chat applies, and
saved in the caller's transaction while no row before it had a problem. From the first bad row
on nothing more is written, the rest is still checked, and every bad row is reported with its
line number and the rule it breaks; the caller's transaction is then rolled back, so a file
with a single problem writes nothing. Months run from :data:`scoring.FIRST_REPORT_PERIOD` to
the current month in the posyandu's time zone; counts up to :data:`scoring.fields.MAX_COUNT`.
The columns added after the file's first form (the optional service fields, T, O and B:
:data:`OPTIONAL_REPORT_COLUMNS`) may be left out, and then keep
what the month holds. Each month is saved like
any report (:func:`storage.reports.save_report`): a new one is revision 1, a changed one the
next revision, one with the same values writes nothing, so importing a file again changes
nothing. ``posyandu_name``, ``stratum``, ``provisional`` and ``months_known`` are what the
export adds for people and are not read (a file with or without them imports alike; any other
column is not read either); ``desa_code``, when given, must be the posyandu's desa.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scoring import FIRST_REPORT_PERIOD, MonthReport, Period, PeriodError
from scoring.fields import FIELDS, MAX_COUNT, Field, FieldRole
from scoring.lexicon import ACTIVE_WORDS
from scoring.rules import english, hard_problems
from storage.areas import areas_by_ids
from storage.db import Connection
from storage.imports import CsvRow, ImportProblem, ImportRejected, ImportSummary, name_problem
from storage.posyandu import Posyandu, posyandu_by_codes
from storage.report_columns import (
    COLUMNS,
    FILE_COLUMNS,
    FORMULA_STARTS,
    LATER_FIELDS,
    NAME_SEPARATOR,
    NO_NAMES,
)
from storage.reports import reports_at, save_report

__all__ = ["LISTED_PROBLEMS", "OPTIONAL_REPORT_COLUMNS", "REPORT_COLUMNS", "import_reports"]

_CODE, _NAME, _DESA, _PERIOD = FILE_COLUMNS[:4]
#: The columns a file must have: the export's, but for the name and stratum it adds for people,
#: the desa it may leave out and the later fields (:data:`OPTIONAL_REPORT_COLUMNS`).
REPORT_COLUMNS: tuple[str, ...] = (
    _CODE,
    _PERIOD,
    *(name for name in COLUMNS if name not in LATER_FIELDS),
)
#: The columns added later (the service fields, T, O and B), which exports made before them do
#: not have: a column left out keeps what the month holds (a new month: unknown); a column
#: given empty means unknown.
OPTIONAL_REPORT_COLUMNS: tuple[str, ...] = LATER_FIELDS
_FLAG = next(f for f in FIELDS if f.role is FieldRole.FLAG)
_VALUES = tuple(f for f in FIELDS if f.role is not FieldRole.FLAG)
_LATER = tuple(f for f in _VALUES if f.id in LATER_FIELDS)
#: Rows read, checked and written at a time (one look-up of their posyandu).
_CHUNK = 500
#: The problems kept to be listed; past them, only counted (a file wrong throughout stays
#: within bounded memory).
LISTED_PROBLEMS = 1000


def _count(f: Field, text: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        rule = "non_negative" if text.startswith("-") and text[1:].isdigit() else "whole_number"
        problems.append(f"{f.id}: {text!r} is not a whole number of 0 or more (rule {rule})")
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        problems.append(f"{f.id}: {text} is more than {MAX_COUNT}, the largest count accepted")
        return None
    return int(digits)


def _choice(f: Field, text: str, problems: list[str]) -> str | None:
    if not text:
        return None
    if text.lower() not in f.choices:
        choices = ", ".join(f.choices)
        problems.append(f"{f.id}: {text!r} is not one of {choices} (rule known_choice)")
        return None
    return text.lower()


def _names(f: Field, text: str, problems: list[str]) -> tuple[str, ...] | None:
    """A list cell: empty unknown, ``none`` none, else names (a leading single quote that the
    export put before a formula-like name taken off again)."""
    if not text:
        return None
    if text.lower() == NO_NAMES:
        return ()
    names = (_unquote(n.strip()) for n in text.split(NAME_SEPARATOR.strip()))
    found = tuple(n for n in names if n)
    for name in found:
        problem = name_problem(f.id, name)
        if problem is not None:
            problems.append(problem)
            return None
    return found


def _value(f: Field, text: str, problems: list[str]) -> Any:
    if f.role is FieldRole.LIST:
        return _names(f, text, problems)
    if f.role is FieldRole.CHOICE:
        return _choice(f, text, problems)
    return _count(f, text, problems)


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _month(row: CsvRow, period: Period, problems: list[str]) -> MonthReport | None:
    """The row's month from its value cells (hard rules not yet checked: a service column
    left out is filled in first), or None with its problems added."""
    v = row.values
    before = len(problems)
    flag = v.get(_FLAG.id, "").lower()
    opened = ACTIVE_WORDS.get(flag) if flag else None
    if opened is None:
        problems.append(f"{_FLAG.id}: {v.get(_FLAG.id, '')!r} must be 1 (opened) or 0 (closed)")
    values = {f.id: _value(f, v.get(f.id, ""), problems) for f in _VALUES}
    if len(problems) > before or opened is None:
        return None
    if not opened:
        given = [name for name, value in values.items() if value is not None]
        if given:
            problems.append(
                f"{_FLAG.id} is 0 (closed) but {', '.join(given)} given: a closed month has "
                "no values"
            )
            return None
        return MonthReport(period, buka=False)
    return MonthReport(period).with_values(**values)


def _period(text: str, problems: list[str]) -> Period | None:
    """The row's month, from :data:`FIRST_REPORT_PERIOD` on (whether it has begun is checked
    with its posyandu)."""
    try:
        period = Period.parse(text)
    except PeriodError as exc:
        problems.append(f"{_PERIOD}: {exc}")
        return None
    if period < FIRST_REPORT_PERIOD:
        problems.append(
            f"{_PERIOD} {period} is before {FIRST_REPORT_PERIOD}, the earliest month accepted"
        )
        return None
    return period


@dataclass
class _Import:
    """One file's import, a chunk of rows at a time: each row checked, and written while no
    row before it had a problem; the caller's transaction is rolled back when any had."""

    tx: Connection
    now: datetime
    channel: str
    #: Posyandu by code, as looked up (None: unknown), and their desa codes.
    posyandu: dict[str, Posyandu | None] = field(default_factory=dict)
    desa_codes: dict[int, str] = field(default_factory=dict)
    #: The first line of each (posyandu, month) in the file, by :func:`_key`.
    first: dict[int, int] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    unlisted: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def report(self, line: int, message: str) -> None:
        if len(self.problems) < LISTED_PROBLEMS:
            self.problems.append(ImportProblem(line, message))
        else:
            self.unlisted += 1

    async def chunk(self, rows: list[CsvRow]) -> None:
        """Check a chunk of rows, then (while nothing was wrong) write the months that differ
        from what is stored: the stored months are read in one query for the chunk."""
        codes = {r.values.get(_CODE, "") for r in rows} - {""} - self.posyandu.keys()
        if codes:
            found = await posyandu_by_codes(self.tx, codes)
            self.posyandu.update({code: found.get(code) for code in codes})
            desas = await areas_by_ids(self.tx, {p.desa_id for p in found.values()})
            self.desa_codes.update(
                (p.id, desas[p.desa_id].code) for p in found.values() if p.desa_id in desas
            )
        checked = [c for c in map(self.row, rows) if c is not None]
        stored = await reports_at(self.tx, [(p.id, month.period) for _r, p, month in checked])
        for row, posyandu, month in checked:
            before = stored.get((posyandu.id, month.period))
            month = _kept(row, month, before)
            broken = [f"{p.field}: {english(p.rule, month)}" for p in hard_problems(month)]
            for message in broken:
                self.report(row.line, _prefixed(row, message))
            if broken or self.failed:
                continue
            if month == before:
                self.unchanged += 1
            else:
                await self.write(posyandu, month)

    def row(self, row: CsvRow) -> tuple[CsvRow, Posyandu, MonthReport] | None:
        """One row checked on its own and against the rows before it (its problems reported);
        the month it gives, the hard rules not yet checked (:func:`_kept` first)."""
        found: list[str] = [row.problem] if row.problem else []
        where = self.where(row, found) if not found else None
        month = _month(row, where[1], found) if where is not None else None
        if where is not None:
            key = _key(where[0], where[1])
            if key in self.first:
                found.append(f"given twice (first on line {self.first[key]})")
            self.first.setdefault(key, row.line)
        for message in found:
            self.report(row.line, _prefixed(row, message))
        if where is None or month is None or found:
            return None
        return row, where[0], month

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.unlisted)

    def where(self, row: CsvRow, problems: list[str]) -> tuple[Posyandu, Period] | None:
        """The row's posyandu and month, checked: a known posyandu (in its desa, when the
        row names one) and a month from :data:`FIRST_REPORT_PERIOD` that has begun there."""
        v = row.values
        code = v.get(_CODE, "")
        found = self.posyandu.get(code)
        if not code:
            problems.append(f"missing value for {_CODE}")
        elif found is None:
            problems.append(f"unknown posyandu {code} (import it first: posyandu import posyandu)")
        elif v.get(_DESA) and v[_DESA] != self.desa_codes.get(found.id):
            problems.append(
                f"{_DESA} {v[_DESA]} is not the desa of posyandu {found.code} "
                f"({self.desa_codes.get(found.id, 'none')})"
            )
        period = _period(v.get(_PERIOD, ""), problems)
        if found is not None and period is not None:
            local = self.now.astimezone(found.tz)
            if period > Period(local.year, local.month):
                problems.append(f"{_PERIOD} {period} has not begun at posyandu {found.code}")
        if found is None or period is None or problems:
            return None
        return found, period

    async def write(self, posyandu: Posyandu, month: MonthReport) -> None:
        tx, now, channel = self.tx, self.now, self.channel
        saved = await save_report(tx, posyandu.id, month, by=None, at=now, channel=channel)
        if saved.created:
            self.added += 1
        elif saved.changed:
            self.updated += 1
        else:
            self.unchanged += 1


def _kept(row: CsvRow, month: MonthReport, stored: MonthReport | None) -> MonthReport:
    """The month with the stored values of the later columns the file leaves out (an export
    made before them blanks nothing)."""
    absent = [f.id for f in _LATER if f.id not in row.values]
    if not absent or not month.buka or stored is None or not stored.buka:
        return month
    return month.with_values(**{name: getattr(stored, name) for name in absent})


def _key(posyandu: Posyandu, period: Period) -> int:
    """A (posyandu, month) pair as one small int (a file of 200,000 rows keeps 200,000)."""
    return posyandu.id * 1_000_000 + period.index


def _chunks(rows: Iterable[CsvRow]) -> Iterator[tuple[list[CsvRow], ImportRejected | None]]:
    """The rows :data:`_CHUNK` at a time; a file that cannot be read on ends with the rows
    read before it and the reason."""
    it = iter(rows)
    while True:
        chunk: list[CsvRow] = []
        try:
            for row in it:
                chunk.append(row)
                if len(chunk) == _CHUNK:
                    break
        except ImportRejected as exc:
            yield chunk, exc
            return
        if chunk:
            yield chunk, None
        if len(chunk) < _CHUNK:
            return


async def import_reports(
    tx: Connection, rows: Iterable[CsvRow], *, now: datetime, channel: str
) -> ImportSummary:
    """Check every row and save its month (``by`` nobody, ``at`` ``now``, through ``channel``:
    see :func:`storage.reports.import_channel`), reading ``rows`` once, a chunk at a time, so
    that a file of any length takes bounded memory. All or nothing: from the first bad row on
    nothing more is written, every row is still checked, and :class:`ImportRejected` lists
    every problem; the caller's transaction (``db.transaction()``) is then rolled back."""
    state = _Import(tx, now, channel)
    for chunk, broken in _chunks(rows):
        await state.chunk(chunk)
        if broken is not None:
            for problem in broken.problems:
                state.report(problem.line, problem.message)
    if state.failed:
        raise ImportRejected(state.problems, state.unlisted)
    return ImportSummary(state.added, state.updated, state.unchanged)


def _prefixed(row: CsvRow, message: str) -> str:
    """A problem named with the row's posyandu and month when it has them."""
    code, period = row.values.get(_CODE, ""), row.values.get(_PERIOD, "")
    return f"{code} {period}: {message}" if code and period else message
