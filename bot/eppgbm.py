"""The per-child file for e-PPGBM (``posyandu export weighings --format eppgbm-xlsx``): one row
per weighing with what e-PPGBM asks, in the columns of a column map, a data file the operator
can replace since puskesmas templates differ (``EPPGBM_COLUMNS``; the built-in
``bot/data/eppgbm_columns_v1.csv``).

A column map is CSV: ``heading,source[,words]`` (a header line first; ``#`` lines are
comments), one line per column in order. ``source`` is one of :data:`SOURCES`; ``words``
(for ``sex`` and ``measured``) the template's word for each value, ``key=word`` separated by
``;``. An unknown source, a heading twice or a word for an unknown value is refused with its
line. The workbook is ``bot.forms.eppgbm_workbook``'s.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass

from bot.data_files import load_data_file
from scoring.growth import Method, Sex

__all__ = [
    "BUILTIN_COLUMNS",
    "SOURCES",
    "WORDED",
    "ColumnMapError",
    "EppgbmColumn",
    "load_columns",
    "parse_columns",
]

#: The built-in column map's file name (versioned: a change is a new file).
BUILTIN_COLUMNS = "eppgbm_columns_v1.csv"
#: What a column may hold.
SOURCES: tuple[str, ...] = (
    "nik", "name", "sex", "birth_date", "mother_name", "date", "weight_kg", "height_cm",
    "measured", "posyandu_code", "posyandu_name", "dusun", "rt", "age_months", "child_id",
)  # fmt: skip
#: The values a source's words name.
WORDED: dict[str, frozenset[str]] = {
    "sex": frozenset(s.value for s in Sex),
    "measured": frozenset(m.value for m in Method),
}


class ColumnMapError(ValueError):
    """A column map that cannot be used; the message names the line."""


@dataclass(frozen=True, slots=True)
class EppgbmColumn:
    heading: str
    source: str
    #: A value's word in the template (``sex``, ``measured``); a value without one is as stored.
    words: Mapping[str, str]


def _words(text: str, source: str, line: int) -> dict[str, str]:
    words: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, word = part.partition("=")
        if not sep or key.strip() not in WORDED.get(source, frozenset()):
            raise ColumnMapError(f"line {line}: {part!r} is no word for a value of {source}")
        words[key.strip()] = word.strip()
    return words


def parse_columns(text: str) -> tuple[EppgbmColumn, ...]:
    """The columns of a column map's text (:class:`ColumnMapError` naming the line)."""
    lines = [(i, t) for i, t in enumerate(text.splitlines(), 1) if not t.startswith("#")]
    rows = [(i, r) for (i, _), r in zip(lines, csv.reader(t for _, t in lines), strict=True)]
    rows = [(i, r) for i, r in rows if any(c.strip() for c in r)]
    if not rows or [c.strip() for c in rows[0][1][:2]] != ["heading", "source"]:
        raise ColumnMapError("the first line must be the header heading,source[,words]")
    columns: list[EppgbmColumn] = []
    for i, row in rows[1:]:
        heading, source, *rest = (c.strip() for c in [*row, "", ""])
        if not heading or source not in SOURCES:
            raise ColumnMapError(f"line {i}: {source!r} is not one of {', '.join(SOURCES)}")
        if heading in {c.heading for c in columns}:
            raise ColumnMapError(f"line {i}: the heading {heading!r} is there twice")
        words = _words(rest[0], source, i)
        columns.append(EppgbmColumn(heading, source, words))
    if not columns:
        raise ColumnMapError("no column")
    return tuple(columns)


def load_columns(path: str = "") -> tuple[EppgbmColumn, ...]:
    """The column map at ``path`` (empty: the built-in one)."""
    return load_data_file(path, "bot", BUILTIN_COLUMNS, parse_columns, ColumnMapError)
