"""The domain rules the README calls authoritative live in the repository (docs/domain.md), and
name every field of the field registry and every rule the checks apply."""

from __future__ import annotations

import re
from pathlib import Path

from scoring.fields import FIELDS
from scoring.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "domain.md"


def test_the_readme_points_at_the_domain_rules_in_the_repository() -> None:
    readme = ROOT.joinpath("README.md").read_text("utf-8")
    assert "[docs/domain.md](docs/domain.md), the domain rules" in readme
    # Every mention of domain.md is the repository's own page, never a path outside it.
    for mention in re.finditer(r"[\w./-]*domain\.md", readme):
        assert mention.group(0) == "docs/domain.md", mention.group(0)
    assert DOMAIN.is_file()


def test_the_domain_page_names_every_field_and_rule() -> None:
    text = DOMAIN.read_text("utf-8")
    named = set(re.findall(r"`([a-z0-9_]+)`", text))
    missing_fields = {f.id for f in FIELDS} - named
    missing_rules = {r.id for r in RULES} - named
    assert not missing_fields and not missing_rules, (missing_fields, missing_rules)


def test_the_domain_page_says_where_the_product_differs() -> None:
    text = DOMAIN.read_text("utf-8")
    assert "Differs from the reference — immunisation is scaled like openings" in text
