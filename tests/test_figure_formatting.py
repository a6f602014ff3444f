"""One place writes a figure's digits for people (issue 25): a percent, a decimal with a comma,
a count with a thousands dot are conversations/figure_words.py's, which the chat, the PDFs and
the dasbor call. Anywhere else in the product code, formatting a figure is an error: an
Indonesian decimal mark or thousands dot swapped in (``.replace(".", ",")``,
``Figure.text(",", ...)``), a percent sign written after a figure (``f"{x}%"``, ``"%d%%"``), a
fixed-point or grouped format (``{x:.1f}``, ``{x:,}``, ``format(x, ".1f")``) or a share rounded
to a whole percent (``round(x * 100)``).

Exempt: scoring/figures.py (it chooses the digits; the decimal mark is its caller's). Text for
the operator, in English, writes figures the English way on purpose ("1,250 bytes", "12 KB",
``posyandu score``'s "49.6% -> 50%"): there only the Indonesian marks are forbidden."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "conversations", "scoring", "storage", "scheduler")
#: The module that writes figures, and the one that chooses their digits.
EXEMPT = frozenset({"conversations/figure_words.py", "scoring/figures.py"})
#: Operator English (point decimals, comma thousands): only the Indonesian marks are forbidden.
#: The CLI; what ``posyandu score`` says an indicator needs (``Need.text``: scoring may not
#: import the catalogue); the importer's problems.
OPERATOR = ("bot/commands/", "scoring/strata.py", "storage/imports.py")

#: A format spec that writes a fixed-point, exponent, percent or grouped number (not a date's
#: strftime spec such as "%H.%M", nor a width such as "02d").
_NUMBER_SPEC = re.compile(r"^[^%]*?(?:[,_]|\.\d+[eEfFgG%]?|[eEfF%])$")
#: A str.format field with such a spec ("{:.1f}", "{share:.0%}", "{:,}").
_FORMAT_FIELD = re.compile(r"\{[^{}:]*:(?:[^{}%]*?)(?:[,_]|\.\d+[eEfFgG%]?|[eEfF%])\}")
#: A printf-style number ("%.1f", "%d%%").
_PRINTF = re.compile(r"%[-+ #0]*\d*(?:\.\d+)?[dfFeEgG]|%%")
_MARKS = {(".", ","), (",", ".")}


def _const(node: ast.AST | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _spec_text(spec: ast.expr | None) -> str | None:
    if not isinstance(spec, ast.JoinedStr):
        return None
    return "".join(str(_const(v)) for v in spec.values if isinstance(v, ast.Constant))


def _call_offence(node: ast.Call, operator: bool) -> str | None:
    func = node.func
    args = [_const(a) for a in node.args]
    if isinstance(func, ast.Attribute):
        if func.attr == "replace" and tuple(args[:2]) in _MARKS:
            return f".replace({args[0]!r}, {args[1]!r}): a decimal mark or thousands dot"
        if func.attr == "text" and args[:1] == [","]:
            return 'Figure.text(","): the Indonesian decimal comma'
    if isinstance(func, ast.Name) and not operator:
        spec = args[1] if func.id == "format" and len(args) > 1 else None
        if isinstance(spec, str) and _NUMBER_SPEC.match(spec):
            return f"format(..., {spec!r})"
        if func.id == "round" and node.args and _times_100(node.args[0]):
            return "round(x * 100): a share as a whole percent"
    return None


def _times_100(node: ast.expr) -> bool:
    return any(
        isinstance(n, ast.BinOp)
        and isinstance(n.op, ast.Mult)
        and 100 in (_const(n.left), _const(n.right))
        for n in ast.walk(node)
    )


def _fstring_offences(node: ast.JoinedStr, operator: bool) -> list[str]:
    found: list[str] = []
    if operator:
        return found
    values = node.values
    for i, v in enumerate(values):
        if not isinstance(v, ast.FormattedValue):
            continue
        after = _const(values[i + 1]) if i + 1 < len(values) else None
        if isinstance(after, str) and after.startswith("%"):
            found.append("a percent sign after a figure")
        spec = _spec_text(v.format_spec)
        if spec and _NUMBER_SPEC.match(spec):
            found.append(f"the number format {spec!r}")
    return found


def _string_offence(node: ast.Constant, operator: bool) -> str | None:
    if not isinstance(node.value, str):
        return None
    if not operator and _FORMAT_FIELD.search(node.value):
        return f"a number format in {node.value!r}"
    return None


def _printf_offence(node: ast.BinOp) -> str | None:
    left = _const(node.left)
    if isinstance(node.op, ast.Mod) and isinstance(left, str) and _PRINTF.search(left):
        return f"printf-style number in {left!r}"
    return None


def figure_formatting(source: str, operator: bool = False) -> list[tuple[int, str]]:
    """(line, what) of every figure formatted in ``source``; ``operator``: English for the
    operator, where only the Indonesian marks count."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        what: list[str] = []
        if isinstance(node, ast.Call):
            what = [w for w in [_call_offence(node, operator)] if w]
        elif isinstance(node, ast.JoinedStr):
            what = _fstring_offences(node, operator)
        elif isinstance(node, ast.Constant):
            what = [w for w in [_string_offence(node, operator)] if w]
        elif isinstance(node, ast.BinOp):
            what = [w for w in [_printf_offence(node)] if w and not operator]
        found.extend((getattr(node, "lineno", 0), w) for w in what)
    return sorted(found)


def test_the_measure() -> None:
    offending = [
        'a = f"{v:,}".replace(",", ".")',
        'b = f"{v:.1f}"',
        'c = f"{round(v * 100)}%"',
        'd = share(v).text(",", ".")',
        'e = "%.1f%%" % v',
        'f = "{:.1f}".format(v)',
        'g = format(v, ".1f")',
        'h = f"{pct}%"',
        'i = str(v).replace(".", ",")',
    ]
    for line in offending:
        assert figure_formatting(line), line
    fine = [
        'a = f"{local:%H.%M}"',
        'b = f"{p.year % 100:02d}"',
        'c = f"{x},{y}"',
        'd = say("pdf.need.percent", actual=a)',
        'e = "{count} dari {expected}"',
        'f = text.replace("-", " ")',
        'g = f"{local:%d-%m-%Y %H.%M}"',
        "h = figure.text()",
    ]
    for line in fine:
        assert not figure_formatting(line), line
    # The operator's English may group thousands, write point decimals and percents, never
    # the Indonesian marks.
    assert not figure_formatting('a = f"{n:,} bytes ({k / 1024:.0f} KB, {s}%)"', operator=True)
    assert figure_formatting('a = f"{n:,}".replace(",", ".")', operator=True)
    assert figure_formatting('a = share(v).text(",", ".")', operator=True)


def test_figures_are_formatted_only_in_figure_words() -> None:
    offences = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in EXEMPT:
                continue
            operator = name.startswith(OPERATOR)
            for line, what in figure_formatting(path.read_text("utf-8"), operator):
                offences.append(f"{name}:{line}: {what}")
    assert not offences, (
        "a figure formatted outside conversations/figure_words.py (call it instead):\n"
        + "\n".join(offences)
    )


def test_figure_words_is_where_they_are() -> None:
    """The measure finds the formatting the module does, so an empty result elsewhere means
    something."""
    source = (ROOT / "conversations/figure_words.py").read_text("utf-8")
    assert figure_formatting(source)


#: A figure formatted in a dasbor template rather than through its ``pct``, ``pct_target`` and
#: ``num`` (figure_words): a percent sign after a value, Jinja's number filters, a share x 100.
_TEMPLATE_FIGURE = re.compile(
    r"\}\}\s*%|\|\s*(?:round|format|float|filesizeformat)\b|\*\s*100\b"
    r"|\"%[-+ #0]*\d*(?:\.\d+)?[dfeg]"
)


def test_the_template_measure() -> None:
    for bad in ("{{ (v * 100) }}%", "{{ v|round(1) }}", '{{ "%.1f"|format(v) }}', "{{ v }} %"):
        assert _TEMPLATE_FIGURE.search(bad), bad
    for good in ("{{ pct(v) }}", "{{ num(n) }}", '<td class="num">{{ n }}</td>', "{% if x %}"):
        assert not _TEMPLATE_FIGURE.search(good), good


def test_the_dasbor_templates_format_no_figure() -> None:
    offences = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted((ROOT / "bot/dasbor/templates").glob("*.html"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if _TEMPLATE_FIGURE.search(line)
    ]
    assert not offences, (
        "a figure formatted in a template (use pct, pct_target, num):\n" + "\n".join(offences)
    )
