"""The numbered migrations (storage.migrations, written for SQLite) as PostgreSQL runs them.

One history for both engines: migration N here is migration N there. Most statements carry
over with mechanical changes: an ``INTEGER PRIMARY KEY`` becomes an identity column, integers
are ``BIGINT``, and text is ``COLLATE "C"`` (compared and ordered byte by byte, as SQLite
does: the area-path ranges of storage.areas depend on it). What cannot carry over is written
here: triggers (plpgsql functions; the revision triggers come with their PostgreSQL form,
:class:`storage.sql.TwoDialects`) and ``DROP TRIGGER`` (PostgreSQL names the table); a
statement written for each engine is a :class:`storage.sql.TwoDialects`. The schema version
lives in the table ``schema_version`` (SQLite's ``PRAGMA user_version``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.migrations import MIGRATIONS

__all__ = ["VERSION_TABLE", "postgres_migrations", "to_postgres"]

#: PostgreSQL's counterpart of ``PRAGMA user_version``: one row.
VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version "
    "(one INTEGER PRIMARY KEY DEFAULT 1 CHECK (one = 1), version INTEGER NOT NULL)"
)


def _raise_before(name: str, table: str, event: str, message: str, when: str = "TRUE") -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {when} THEN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()
    """


def _assessments_stale(name: str, event: str) -> str:
    """A report written drops the assessments of its month and every later month of its
    posyandu (storage.migrations, version 12)."""
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM report_assessments
            WHERE posyandu_id = OLD.posyandu_id AND period >= OLD.period;
        END IF;
        DELETE FROM report_assessments
        WHERE posyandu_id = NEW.posyandu_id AND period >= NEW.period;
        RETURN NULL;
    END $$;
    CREATE TRIGGER {name} AFTER {event} ON reports FOR EACH ROW EXECUTE FUNCTION {name}()
    """


_DROP_KEPT = (
    "UPDATE weighings SET kept_rules = NULL, kept_status = NULL, kept_waz = NULL, "
    "kept_haz = NULL, kept_whz = NULL, kept_baz = NULL WHERE kept_rules IS NOT NULL AND "
)


def _kept_stale(name: str, table: str, event: str, body: str) -> str:
    """A weighing (or its child's sex or birth date) written drops the kept scores its
    later weighings' depend on (storage.migrations, ``_KEPT_SCORES``)."""
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$;
    CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()
    """


#: The triggers written for SQLite by name, as PostgreSQL creates them.
TRIGGERS: dict[str, str] = {
    "weighings_kept_insert": _kept_stale(
        "weighings_kept_insert",
        "weighings",
        "INSERT",
        _DROP_KEPT + "child_id = NEW.child_id AND period > NEW.period;",
    ),
    "weighings_kept_update": _kept_stale(
        "weighings_kept_update",
        "weighings",
        "UPDATE OF child_id, date, period, weight_g, height_mm, measured",
        _DROP_KEPT
        + "child_id = OLD.child_id AND period >= OLD.period;\n"
        + _DROP_KEPT
        + "child_id = NEW.child_id AND period >= NEW.period;",
    ),
    "weighings_kept_delete": _kept_stale(
        "weighings_kept_delete",
        "weighings",
        "DELETE",
        _DROP_KEPT + "child_id = OLD.child_id AND period > OLD.period;",
    ),
    "children_kept_update": _kept_stale(
        "children_kept_update",
        "children",
        "UPDATE OF sex, birth_date",
        "IF OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_date IS DISTINCT FROM "
        "NEW.birth_date THEN " + _DROP_KEPT + "child_id = NEW.id; END IF;",
    ),
    "reports_assessments_insert": _assessments_stale("reports_assessments_insert", "INSERT"),
    "reports_assessments_update": _assessments_stale("reports_assessments_update", "UPDATE"),
    "reports_revision_step": _raise_before(
        "reports_revision_step",
        "reports",
        "UPDATE",
        "a report update must move it to its next revision",
        "NEW.revision IS DISTINCT FROM OLD.revision + 1",
    ),
    "report_revisions_no_update": _raise_before(
        "report_revisions_no_update",
        "report_revisions",
        "UPDATE",
        "report revisions are append-only",
    ),
    "report_revisions_no_delete": _raise_before(
        "report_revisions_no_delete",
        "report_revisions",
        "DELETE",
        "report revisions are append-only",
    ),
}

_CREATE_TRIGGER = re.compile(r"^\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_DROP_TRIGGER = re.compile(r"^\s*DROP\s+TRIGGER\s+(IF\s+EXISTS\s+)?(\w+)\s*;?\s*$", re.I)
_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)


def _tables() -> list[str]:
    """Every table the migrations create, longest name first."""
    found = {m.group(1) for v in MIGRATIONS for s in v for m in _CREATE_TABLE.finditer(s)}
    return sorted(found, key=len, reverse=True)


def _trigger_table(trigger: str) -> str:
    """A trigger's table, from its name (``reports_history_insert``: reports)."""
    for table in _tables():
        if trigger.startswith(table + "_"):
            return table
    raise ValueError(f"trigger {trigger}: its name does not start with its table's")


def _types(statement: str) -> str:
    statement = re.sub(
        r"\bINTEGER\s+PRIMARY\s+KEY\b",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        statement,
        flags=re.I,
    )
    statement = re.sub(r"\bINTEGER\b", "BIGINT", statement, flags=re.I)
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', statement)


def to_postgres(number: int, index: int, statement: str) -> str:
    """Statement ``index`` of migration ``number`` as PostgreSQL runs it."""
    postgres = getattr(statement, "postgres", None)
    if isinstance(postgres, str):
        return postgres
    created = _CREATE_TRIGGER.match(statement)
    if created:
        name = created.group(1)
        if name not in TRIGGERS:
            raise ValueError(f"trigger {name} has no PostgreSQL form (storage/postgres_schema.py)")
        return TRIGGERS[name]
    dropped = _DROP_TRIGGER.match(statement)
    if dropped:
        name = dropped.group(2)
        return f"DROP TRIGGER {dropped.group(1) or ''}{name} ON {_trigger_table(name)}"
    return _types(statement)


def postgres_migrations(
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> tuple[tuple[str, ...], ...]:
    """Every migration, numbered as in storage.migrations, in PostgreSQL's words."""
    return tuple(
        tuple(to_postgres(number, i, s) for i, s in enumerate(statements))
        for number, statements in enumerate(migrations, start=1)
    )
