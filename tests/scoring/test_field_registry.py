"""The field registry is the one place a field is declared: everything else derives from it."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import fields as dataclass_fields
from pathlib import Path

import pytest

from conversations.catalogue import MESSAGES
from scoring import MonthReport, Period
from scoring.fields import (
    COUNT_FIELDS,
    FIELDS,
    ORDER_RULES,
    QUESTION_FIELDS,
    REPORT_FIELDS,
    SUMMARY_LINES,
    TABLE_GROUPS,
    FieldRole,
    field_by_alias,
)
from storage.migrations import MIGRATIONS
from storage.report_columns import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "conversations", "scoring", "storage", "scheduler")

#: Where a field id may be written besides the registry: its texts, the migration that adds
#: its column, and the formulas that use it.
ALLOWED = {
    "scoring/fields.py",  # the registry
    "conversations/catalogue.py",  # its texts
    "storage/migrations.py",  # its column
    "scoring/strata.py",  # formulas: the strata's coverages
    "scoring/ratios.py",  # formulas: SKDN, BGM/D, 2T/D
    # The demo's hand-tuned month (a realistic SKDN core, kept so the golden transcripts stay
    # as they are); a field it does not name is filled from the registry.
    "bot/demo.py",
}
#: Ids too short or too common to grep for (s, k, d, n, t, o, b are letters everywhere; "kader" is a
#: role and "buka" a word of the chat).
UNGREPPABLE = {"s", "k", "d", "n", "t", "o", "b", "kader", "buka"}


def _product_files() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text("utf-8")
        for pkg in PRODUCT
        for p in sorted((ROOT / pkg).rglob("*.py"))
    }


@pytest.mark.parametrize("field", [f.id for f in FIELDS if f.id not in UNGREPPABLE])
def test_a_field_id_is_written_only_where_it_must_be(field: str) -> None:
    word = re.compile(rf"\b{re.escape(field)}\b")
    found = {path for path, text in _product_files().items() if word.search(text)}
    assert found - ALLOWED == set(), f"{field} is written outside the registry"
    assert len(found) <= 5


def test_month_report_has_the_registry_fields_in_order() -> None:
    names = [f.name for f in dataclass_fields(MonthReport)]
    assert names == ["period", *REPORT_FIELDS]
    report = MonthReport(Period(2026, 11), **dict.fromkeys(COUNT_FIELDS, 3))
    assert all(report.count(name) == 3 for name in COUNT_FIELDS)


def test_every_field_has_its_texts() -> None:
    for f in FIELDS:
        if f.role is not FieldRole.FLAG:
            assert f.label_key in MESSAGES and f"pdf.value.{f.id}" in MESSAGES, f.id
    for f in QUESTION_FIELDS:
        for prefix in ("ask", "unit", "example"):
            assert f"{prefix}.{f.id}" in MESSAGES, f.id
    for rule in ORDER_RULES:
        assert f"rule.{rule.id}" in MESSAGES
    for line, names in SUMMARY_LINES:
        template = MESSAGES[f"summary.{line}"]
        counts = [n for n in names if n in COUNT_FIELDS]
        assert all(f"{{{n}}}" in template for n in counts), line
    assert {f for _g, names in TABLE_GROUPS for f in names} == {
        f.id for f in FIELDS if f.role is not FieldRole.FLAG
    }


def test_codes_and_aliases_find_their_field() -> None:
    for f in QUESTION_FIELDS:
        assert field_by_alias(f.code) is f
        assert field_by_alias(f.code.lower().replace("_", "-")) is f
        for alias in f.aliases:
            assert field_by_alias(alias) is f


def test_the_schema_has_a_column_and_a_history_entry_for_every_field() -> None:
    db = sqlite3.connect(":memory:")
    for migration in MIGRATIONS:
        for statement in migration:
            db.execute(statement)
    columns = [row[1] for row in db.execute("PRAGMA table_info(reports)")]
    assert set(COLUMNS) <= set(columns) and COLUMNS == REPORT_FIELDS
    (trigger,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'reports_history_update'"
    ).fetchone()
    for f in FIELDS:
        assert f"'{f.id}', " in trigger
