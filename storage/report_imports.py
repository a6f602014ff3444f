"""Past months from a file (``posyandu import reports``): all or nothing, one row per
posyandu-month, the columns ``posyandu export`` writes (:data:`FILE_COLUMNS`).

Every row is checked first, against the file, the database and the hard rules the chat
applies, and every bad row is reported with its line number and the rule it breaks; only a
file without a single problem is written, in the caller's transaction. Each month is saved like
any report (:func:`storage.reports.save_report`): a new one is revision 1, a changed one the
next revision, one with the same values writes nothing, so importing a file again changes
nothing. ``posyandu_name`` and ``stratum`` are what the export adds for people and are not
read; ``desa_code``, when given, must be the posyandu's desa.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from scoring import MonthReport, Period, PeriodError
from scoring.fields import FIELDS, Field, FieldRole
from scoring.lexicon import ACTIVE_WORDS
from scoring.rules import english, hard_problems
from storage.areas import areas_by_ids
from storage.db import Connection
from storage.imports import CsvRow, ImportProblem, ImportRejected, ImportSummary
from storage.posyandu import Posyandu, posyandu_by_codes
from storage.report_columns import (
    COLUMNS,
    FILE_COLUMNS,
    FORMULA_STARTS,
    NAME_SEPARATOR,
    NO_NAMES,
)
from storage.reports import save_report

__all__ = ["REPORT_COLUMNS", "import_reports"]

_CODE, _NAME, _DESA, _PERIOD = FILE_COLUMNS[:4]
#: The columns a file must have: the export's, but for the name and stratum it adds for people
#: and the desa it may leave out.
REPORT_COLUMNS: tuple[str, ...] = (_CODE, _PERIOD, *COLUMNS)
_FLAG = next(f for f in FIELDS if f.role is FieldRole.FLAG)
_VALUES = tuple(f for f in FIELDS if f.role is not FieldRole.FLAG)

#: A row that passed every check: its line, posyandu and month.
_Good = tuple[int, Posyandu, MonthReport]


def _count(f: Field, text: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        rule = "non_negative" if text.startswith("-") and text[1:].isdigit() else "whole_number"
        problems.append(f"{f.id}: {text!r} is not a whole number of 0 or more (rule {rule})")
        return None
    return int(text)


def _names(text: str) -> tuple[str, ...] | None:
    """A list cell: empty unknown, ``none`` none, else names (a leading single quote that the
    export put before a formula-like name taken off again)."""
    if not text:
        return None
    if text.lower() == NO_NAMES:
        return ()
    names = (_unquote(n.strip()) for n in text.split(NAME_SEPARATOR.strip()))
    return tuple(n for n in names if n)


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _month(row: CsvRow, period: Period, problems: list[str]) -> MonthReport | None:
    """The row's month from its value cells, or None with its problems added."""
    v = row.values
    before = len(problems)
    flag = v.get(_FLAG.id, "").lower()
    opened = ACTIVE_WORDS.get(flag) if flag else None
    if opened is None:
        problems.append(f"{_FLAG.id}: {v.get(_FLAG.id, '')!r} must be 1 (opened) or 0 (closed)")
    values: dict[str, Any] = {}
    for f in _VALUES:
        text = v.get(f.id, "")
        values[f.id] = _names(text) if f.role is FieldRole.LIST else _count(f, text, problems)
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
    report = MonthReport(period).with_values(**values)
    problems.extend(f"{p.field}: {english(p.rule, report)}" for p in hard_problems(report))
    return None if len(problems) > before else report


def _where(
    row: CsvRow,
    posyandu: Mapping[str, Posyandu],
    desa_codes: Mapping[int, str],
    now: datetime,
    problems: list[str],
) -> tuple[Posyandu, Period] | None:
    """The row's posyandu and month, checked: a known posyandu (in its desa, when the row
    names one) and a month that has begun there."""
    v = row.values
    found = posyandu.get(v.get(_CODE, ""))
    if not v.get(_CODE):
        problems.append(f"missing value for {_CODE}")
    elif found is None:
        problems.append(f"unknown posyandu {v[_CODE]} (import it first: posyandu import posyandu)")
    elif v.get(_DESA) and v[_DESA] != desa_codes.get(found.id):
        problems.append(
            f"{_DESA} {v[_DESA]} is not the desa of posyandu {found.code} "
            f"({desa_codes.get(found.id, 'none')})"
        )
    period: Period | None = None
    try:
        period = Period.parse(v.get(_PERIOD, ""))
    except PeriodError as exc:
        problems.append(f"{_PERIOD}: {exc}")
    if found is not None and period is not None:
        local = now.astimezone(found.tz)
        if period > Period(local.year, local.month):
            problems.append(f"{_PERIOD} {period} has not begun at posyandu {found.code}")
    return (found, period) if found is not None and period is not None and not problems else None


async def import_reports(
    tx: Connection, rows: Sequence[CsvRow], *, now: datetime, channel: str
) -> ImportSummary:
    """Check every row, then save every month (``by`` nobody, ``at`` ``now``, through
    ``channel``: see :func:`storage.reports.import_channel`); :class:`ImportRejected` with
    every problem otherwise. Call inside ``db.transaction()``."""
    problems: list[ImportProblem] = []
    known = await posyandu_by_codes(tx, {r.values.get(_CODE, "") for r in rows} - {""})
    desas = await areas_by_ids(tx, {p.desa_id for p in known.values()})
    desa_codes = {p.id: desas[p.desa_id].code for p in known.values() if p.desa_id in desas}
    good: list[_Good] = []
    first: dict[tuple[str, Period], int] = {}
    for row in rows:
        found: list[str] = [row.problem] if row.problem else []
        where = _where(row, known, desa_codes, now, found) if not found else None
        month = _month(row, where[1], found) if where is not None else None
        if where is not None:
            key = (where[0].code, where[1])
            if key in first:
                found.append(f"given twice (first on line {first[key]})")
            first.setdefault(key, row.line)
        problems.extend(ImportProblem(row.line, _prefixed(row, m)) for m in found)
        if where is not None and month is not None and not found:
            good.append((row.line, where[0], month))
    if problems:
        raise ImportRejected(problems)
    return await _write(tx, good, now, channel)


def _prefixed(row: CsvRow, message: str) -> str:
    """A problem named with the row's posyandu and month when it has them."""
    code, period = row.values.get(_CODE, ""), row.values.get(_PERIOD, "")
    return f"{code} {period}: {message}" if code and period else message


async def _write(
    tx: Connection, good: Sequence[_Good], now: datetime, channel: str
) -> ImportSummary:
    added = updated = unchanged = 0
    for _line, posyandu, month in good:
        saved = await save_report(tx, posyandu.id, month, by=None, at=now, channel=channel)
        if saved.created:
            added += 1
        elif saved.changed:
            updated += 1
        else:
            unchanged += 1
    return ImportSummary(added, updated, unchanged)
