"""The catalogue: every key the code uses exists, every field has its question, and no
Indonesian sentence hides in the product outside it (bot, conversations, scoring, storage,
scheduler; the words the bot understands belong to the lexicon)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.channels.registry import CHANNELS
from bot.documents import RATIOS
from bot.pdf.area import COLUMNS
from conversations.catalogue import MESSAGES, messages
from conversations.numbers import NumberProblem
from conversations.quick import QuickProblemKind
from scoring import COUNT_FIELDS, GapCategory, IndicatorId
from scoring.fields import CHOICE_FIELDS, FIELDS, TABLE_GROUPS, Asked

ROOT = Path(__file__).resolve().parents[2] / "conversations"
BOT = ROOT.parent / "bot"
#: Every product package; the guard reads all of them.
PRODUCT = ("bot", "conversations", "scoring", "storage", "scheduler")
_CALL_RE = re.compile(r"""\b(?:say|text)\(\s*"([a-z_.]+)"|"([a-z_]+\.[a-z_.]+)"\s*(?:if|else)""")
#: In ``bot/`` only calls count ("posyandu.log" if ... is a file name there).
_SAY_RE = re.compile(r'\bsay\(\s*"([a-z_.]+)"')


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for match in _CALL_RE.finditer(path.read_text("utf-8")):
            keys.add(match.group(1) or match.group(2))
    for path in BOT.rglob("*.py"):
        keys.update(_SAY_RE.findall(path.read_text("utf-8")))
    return keys


def test_every_literal_key_exists() -> None:
    used = _used_keys()
    assert len(used) > 50
    assert sorted(used - MESSAGES.keys()) == []


def test_every_field_and_reason_has_its_text() -> None:
    for spec in FIELDS:
        assert (spec.label_key in MESSAGES and f"pdf.value.{spec.id}" in MESSAGES) or not spec.group
        if spec.asked is not Asked.NEVER:
            for prefix in ("ask", "unit", "example"):
                assert f"{prefix}.{spec.id}" in MESSAGES
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


def test_every_key_the_pdfs_build_exists() -> None:
    """Keys the bot puts together at run time (``say(f"pdf.indicator.{id}")``)."""
    keys = [f"pdf.indicator.{i.value}" for i in IndicatorId]
    keys += [f"pdf.category.{c.value}" for c in GapCategory] + ["pdf.category.none"]
    keys += [f"pdf.ratio.{name}" for name in RATIOS] + [f"pdf.channel.{c.name}" for c in CHANNELS]
    keys += [f"pdf.ratio.col.{c}" for c in ("indicator", "actual", "target", "status")]
    for col in COLUMNS:
        keys.append(f"pdf.area.col.{col.key}")
        assert (f"pdf.area.col.{col.key}.sub" in MESSAGES) == col.sub, col.key
    for group, fields in TABLE_GROUPS:
        keys += [f"pdf.group.{group}", *(f"pdf.value.{f}" for f in fields)]
    keys += [f"date.weekday.{d}" for d in range(7)]
    keys += [f"date.month_short.{m}" for m in range(1, 13)]
    composed = messages()
    assert sorted(k for k in keys if k not in composed) == []
    shown = {f for _g, fields in TABLE_GROUPS for f in fields}
    assert shown == {*COUNT_FIELDS, *CHOICE_FIELDS, "program_tambahan"}


#: Words that give an Indonesian sentence away, matched whole, in lower case or capitalised:
#: command words in capitals (BELUM, TIDAK BUKA) are what people type, not what the bot says.
#: ("hari buka" is not among them: the operator's English uses it as the term it is.)
TELLTALE = [
    *("ada", "belum", "bisa", "bulan", "dan", "dari", "dengan", "dibuat", "ini", "kali"),
    *("ketik", "lagi", "laporan", "lapor", "lainnya", "maaf", "orang", "ringkasan", "semua"),
    *("silakan", "sudah", "terima", "tidak", "untuk", "yang"),
]
#: Area levels as people read them ("Kecamatan Batu Aji"), capitalised only: in lower case
#: they are the stored level names (``Level.DESA == "desa"``).
AREA_WORDS = ["Provinsi", "Kabupaten", "Kota", "Kecamatan", "Desa", "Kelurahan"]
_TELLTALE_RE = re.compile(
    r"\b(?:" + "|".join([*(f"{w}|{w.capitalize()}" for w in TELLTALE), *AREA_WORDS]) + r")\b"
)
#: Calls whose strings are for the operator: logging, and argparse's help and descriptions.
LOG_CALLS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
ARGPARSE_CALLS = {"ArgumentParser", "add_argument", "add_parser", "add_subparsers"}
OPERATOR_KEYWORDS = {"help", "description", "epilog", "usage"}
#: Files whose Indonesian is the point: the catalogue (what the bot says) and the lexicon (the
#: words it understands: yes/no, none, command words, month, number and weekday names). The
#: lexicon lives in the lowest layer, since storage parses import files with it too.
EXEMPT = {"conversations/catalogue.py", "scoring/lexicon.py"}
#: Literals that look Indonesian, by file (relative to the repository). Each entry is one
#: exact literal (an f-string's fixed parts count one by one). The list may only shrink: an
#: entry the code no longer has fails the test too, so it is removed when its hit is fixed.
ALLOWED: dict[str, set[str]] = {
    # --- not the bot's words (for good) ---
    # A file name of last resort: the grant always carries the document's own name.
    "bot/media.py": {"laporan.pdf"},
    # Demo data (an area's name) and the header `posyandu demo` prints for the operator.
    "bot/demo.py": {"Kota Batam"},
    "bot/commands/demo.py": {"== supervisor (Bidan Rina, Kecamatan Batu Aji) =="},
}


def _indonesian_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in ``source`` with a telltale word, but for
    docstrings and the operator's strings (logging, argparse)."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skip.update(id(sub) for sub in ast.walk(node.value))  # names, not text
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            operator = [*node.args, *(k.value for k in node.keywords)]
            if name not in LOG_CALLS | ARGPARSE_CALLS:
                operator = [k.value for k in node.keywords if k.arg in OPERATOR_KEYWORDS]
            skip.update(id(sub) for part in operator for sub in ast.walk(part))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and _TELLTALE_RE.search(node.value)
    ]


def test_the_detector_sees_bot_text_and_spares_the_operators() -> None:
    found = _indonesian_literals(
        'reply = "Laporan belum masuk."\n'
        'name = f"laporan-{code}.pdf"\n'
        'log.info("laporan belum dikirim")\n'
        'parser.add_argument("--period", help="bulan laporan")\n'
        'demo = "STATUS\\nBELUM\\nTIDAK BUKA"\n'
        'def f() -> None:\n    """Ketik LAPOR untuk laporan."""\n'
        '__all__ = ["lapor", "belum"]\n'
        'level = "desa"\n'
        'where = f"Kecamatan {name}"\n'
    )
    assert found == [(1, "Laporan belum masuk."), (2, "laporan-"), (10, "Kecamatan ")]


def test_the_product_keeps_its_indonesian_in_the_catalogue() -> None:
    repo = ROOT.parent
    offences = []
    seen: dict[str, set[str]] = {}
    for package in PRODUCT:
        for path in sorted((repo / package).rglob("*.py")):
            name = path.relative_to(repo).as_posix()
            if name in EXEMPT:
                continue
            allowed = ALLOWED.get(name, set())
            for line, text in _indonesian_literals(path.read_text("utf-8")):
                if text in allowed:
                    seen.setdefault(name, set()).add(text)
                else:
                    offences.append(f"{name}:{line}: {text!r}")
    assert not offences, "Indonesian outside the catalogue:\n" + "\n".join(offences)
    stale = [
        f"{name}: {text!r}"
        for name, texts in ALLOWED.items()
        for text in sorted(texts - seen.get(name, set()))
    ]
    assert not stale, "fixed, remove from ALLOWED:\n" + "\n".join(stale)
