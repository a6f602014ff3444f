"""The dasbor's templates hold markup only: every word a page shows comes from the catalogue
(``t("dasbor....")``, as tests/conversations/test_catalogue.py holds the Python code to it),
every key they or the pages name exists, and the templates escape everything."""

from __future__ import annotations

import re
from pathlib import Path

from bot.dasbor import pages, render
from bot.dasbor.access import LinkRefused
from conversations.catalogue import MESSAGES
from tests.dasbor.helpers import TABLE_SCRIPT

TEMPLATES = Path(pages.__file__).parent / "templates"
_KEY = re.compile(r"""\bt\(\s*["']([a-z_.]+)["']""")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)


def _sources() -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(TEMPLATES.glob("*.html"))}


def test_templates_show_no_words_of_their_own() -> None:
    offences = []
    for name, source in _sources().items():
        text = _TAG.sub(" ", _JINJA.sub(" ", source))
        words = re.findall(r"[^\W\d_]{2,}", text)
        if words:
            offences.append(f"{name}: {words[:8]}")
    assert offences == []


def test_every_key_the_pages_use_exists() -> None:
    keys = {k for source in _sources().values() for k in _KEY.findall(source)}
    assert len(keys) > 30
    keys |= {label for _k, label in render.COLUMNS}
    keys |= {f"dasbor.filter.{k}" for k in render.FILTERS}
    keys |= {f"dasbor.skdn.{f}" for f in ("s", "k", "d", "n")}
    page_source = Path(pages.__file__).read_text("utf-8")
    messages = set(re.findall(r'self\.message\(\s*\d+,\s*"([a-z_.]+)"', page_source))
    messages |= {f"link.{r.value}" for r in LinkRefused}
    assert {"signed_out", "csrf", "error", "link.used", "method", "month_out_of_range"} <= messages
    for message in messages:
        keys |= {f"dasbor.{message}.title", f"dasbor.{message}.body"}
    for base in ("dasbor.stratum", "dasbor.stratum_provisional", "dasbor.stratum_too_few"):
        keys.add(base)
    assert sorted(keys - MESSAGES.keys()) == []


def test_autoescape_is_on_and_nothing_is_marked_safe() -> None:
    env = pages._environment()
    assert env.autoescape is True
    for name, source in _sources().items():
        assert "|safe" not in source.replace(" ", ""), name
        assert "autoescape false" not in source, name
        assert " style=" not in source and "javascript:" not in source, name
        # No inline script: the one script tag is the table's, a file of static/.
        assert re.findall(r"<script[^>]*>", source) == (
            [TABLE_SCRIPT] if name == "table.html" else []
        ), name
    shown = env.from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt;"
