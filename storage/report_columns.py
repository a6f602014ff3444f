"""The ``reports`` table's value columns, derived from the field registry: one column per
field, how a value is written and read, and the revision triggers that record every change.

A field's role (:class:`scoring.fields.FieldRole`) decides its column: a flag is an INTEGER
0/1, a count an INTEGER (NULL: unknown), a list JSON text (NULL: unknown).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from scoring import MonthReport, Period
from scoring.fields import (
    DERIVED_FIELDS,
    FIELDS,
    REPORT_FIELDS,
    SERVICE_FIELDS,
    Field,
    FieldRole,
)
from storage.sql import Row, TwoDialects

__all__ = [
    "COLUMNS",
    "FILE_COLUMNS",
    "FORMULA_STARTS",
    "LATER_FIELDS",
    "NAME_SEPARATOR",
    "NO_NAMES",
    "from_row",
    "from_values",
    "history_triggers",
    "to_row",
]

#: The value columns, in registry order.
COLUMNS: tuple[str, ...] = REPORT_FIELDS

#: The value columns added to the file after its first form (the optional service fields,
#: then T, O and B): a file may leave them out (an export made before them).
LATER_FIELDS: tuple[str, ...] = (*SERVICE_FIELDS, *DERIVED_FIELDS)
#: A report as one row of a file, the same both ways (``posyandu export`` writes it,
#: ``posyandu import reports`` reads it): the posyandu, its name and desa, the month, the value
#: columns, the 12-month stratum (written by the export, ignored by the import), then the
#: optional service fields, whatever the deployment asks (so a file re-imports unchanged), then
#: whether the stratum is provisional and the months it rests on (written by the export,
#: ignored by the import), then T, O and B; each added last so that every column of an earlier
#: export keeps its place.
FILE_COLUMNS: tuple[str, ...] = (
    "posyandu_code",
    "posyandu_name",
    "desa_code",
    "period",
    *(name for name in COLUMNS if name not in LATER_FIELDS),
    "stratum",
    *SERVICE_FIELDS,
    "provisional",
    "months_known",
    *DERIVED_FIELDS,
)
#: How a file cell writes a list: the names joined by this ...
NAME_SEPARATOR = "; "
#: ... and an empty list (no programme); an empty cell means unknown.
NO_NAMES = "none"
#: What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): a text cell
#: beginning with one is written after a single quote, and read back without it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _to_db(f: Field, value: Any) -> object:
    if f.role is FieldRole.FLAG:
        return int(value)
    if f.role is FieldRole.LIST:
        return None if value is None else json.dumps(list(value), ensure_ascii=False)
    return value


def _from_db(f: Field, value: Any) -> object:
    if f.role is FieldRole.FLAG:
        return bool(value)
    if f.role is FieldRole.LIST:
        return None if value is None else tuple(json.loads(value))
    return value


def to_row(report: MonthReport) -> list[object]:
    """The report's values for :data:`COLUMNS`, in order."""
    return [_to_db(f, getattr(report, f.id)) for f in FIELDS]


def from_row(period: Period, row: Row) -> MonthReport:
    """The report a row with :data:`COLUMNS` holds."""
    values: dict[str, Any] = {f.id: _from_db(f, row[f.id]) for f in FIELDS}
    return MonthReport(period, **values)


#: The columns whose stored value is not the report's value as it is (:func:`_from_db`), by
#: their place in :data:`COLUMNS`.
_FLAGS = tuple(i for i, f in enumerate(FIELDS) if f.role is FieldRole.FLAG)
_LISTS = tuple(i for i, f in enumerate(FIELDS) if f.role is FieldRole.LIST)
#: :func:`from_values` passes the columns to MonthReport by position (half the time of by
#: name): its fields must be the period, then the columns in this order.
if tuple(f.name for f in dataclass_fields(MonthReport)) != ("period", *COLUMNS):
    raise RuntimeError("MonthReport's fields are not the period then storage's COLUMNS")


def from_values(period: Period, values: Sequence[Any]) -> MonthReport:
    """As :func:`from_row`, from the values of :data:`COLUMNS` in order (a row's tail): the
    decoding of many rows at once (an area's year of reports), converting only the flag and
    list columns."""
    if len(values) != len(COLUMNS):
        raise ValueError(f"{len(values)} values for {len(COLUMNS)} columns")
    out = list(values)
    for at in _FLAGS:
        out[at] = bool(out[at])
    for at in _LISTS:
        text = out[at]
        if text is not None:
            out[at] = tuple(json.loads(text))
    return MonthReport(period, *out)


def _json_value(f: Field, row: str) -> str:
    column = f"{row}.{f.id}"
    if f.role is FieldRole.FLAG:
        return f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"
    if f.role is FieldRole.LIST:
        return f"json({column})"
    return column


def _json_object(fields: Sequence[Field], row: str) -> str:
    pairs = ",\n                ".join(f"'{f.id}', {_json_value(f, row)}" for f in fields)
    return f"json_object(\n                {pairs}\n            )"


def _pg_json_value(f: Field, row: str) -> str:
    column = f"{row}.{f.id}"
    if f.role is FieldRole.FLAG:
        return f"({column} <> 0)"
    if f.role is FieldRole.LIST:
        return f"{column}::json"
    return column


def _pg_json_object(fields: Sequence[Field], row: str) -> str:
    pairs = ",\n                ".join(f"'{f.id}', {_pg_json_value(f, row)}" for f in fields)
    return f"json_build_object(\n                {pairs}\n            )::text"


def _pg_history_trigger(name: str, event: str, old: str) -> str:
    """PostgreSQL's form of a revision trigger: a plpgsql function and the trigger calling it
    (created again by a later migration: the function is replaced, the trigger dropped first)."""
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO report_revisions
            (report_id, revision, changed_by, changed_at, channel, old, new)
        VALUES (NEW.id, NEW.revision, NEW.submitted_by, NEW.submitted_at, NEW.channel,
            {old},
            {{new}}
        );
        RETURN NULL;
    END $$;
    CREATE TRIGGER {name} AFTER {event} ON reports FOR EACH ROW EXECUTE FUNCTION {name}()
    """


def history_triggers(fields: Sequence[Field]) -> tuple[str, str]:
    """The two triggers that write a report's revision rows (insert: revision 1 with no old
    values; update: old and new values as JSON), over ``fields`` (those of the schema version
    that creates them); each carries its PostgreSQL form (:class:`TwoDialects`)."""
    new = _pg_json_object(fields, "NEW")
    pg_insert = _pg_history_trigger("reports_history_insert", "INSERT", "NULL")
    old = _pg_json_object(fields, "OLD")
    pg_update = _pg_history_trigger("reports_history_update", "UPDATE", old)
    insert = f"""
    CREATE TRIGGER reports_history_insert AFTER INSERT ON reports
    BEGIN
        INSERT INTO report_revisions
            (report_id, revision, changed_by, changed_at, channel, old, new)
        VALUES (NEW.id, NEW.revision, NEW.submitted_by, NEW.submitted_at, NEW.channel, NULL,
            {_json_object(fields, "NEW")}
        );
    END
    """
    update = f"""
    CREATE TRIGGER reports_history_update AFTER UPDATE ON reports
    BEGIN
        INSERT INTO report_revisions
            (report_id, revision, changed_by, changed_at, channel, old, new)
        VALUES (NEW.id, NEW.revision, NEW.submitted_by, NEW.submitted_at, NEW.channel,
            {_json_object(fields, "OLD")},
            {_json_object(fields, "NEW")}
        );
    END
    """
    return (
        TwoDialects(insert, pg_insert.replace("{new}", new)),
        TwoDialects(update, pg_update.replace("{new}", new)),
    )
