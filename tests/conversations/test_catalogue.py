"""The catalogue: every key the code uses exists, every field has its question."""

from __future__ import annotations

import re
import string
from pathlib import Path

from conversations.catalogue import MESSAGES
from conversations.fields import FIELDS
from conversations.numbers import NumberProblem
from conversations.quick import QuickProblemKind

ROOT = Path(__file__).resolve().parents[2] / "conversations"
_CALL_RE = re.compile(r"""\b(?:say|text)\(\s*"([a-z_.]+)"|"([a-z_]+\.[a-z_.]+)"\s*(?:if|else)""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for match in _CALL_RE.finditer(path.read_text("utf-8")):
            keys.add(match.group(1) or match.group(2))
    return keys


def test_every_literal_key_exists() -> None:
    used = _used_keys()
    assert len(used) > 50
    assert sorted(used - MESSAGES.keys()) == []


def test_every_field_and_reason_has_its_text() -> None:
    for spec in FIELDS:
        for prefix in ("ask", "unit", "example"):
            assert f"{prefix}.{spec.name}" in MESSAGES
    for problem in NumberProblem:
        assert f"reason.{problem.value}" in MESSAGES
        if problem is not NumberProblem.EMPTY:
            assert f"answer.{problem.value}" in MESSAGES
    for kind in QuickProblemKind:
        if kind is not QuickProblemKind.BAD_VALUE:
            assert f"quick.{kind.value}" in MESSAGES


def test_templates_are_well_formed() -> None:
    for key, template in MESSAGES.items():
        names = [n for _t, n, _f, _c in string.Formatter().parse(template) if n]
        assert all(n.isidentifier() for n in names), key
        assert template == template.strip(), key
