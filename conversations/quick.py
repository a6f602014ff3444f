"""The quick one-line report: ``LAPOR [period] S=50 K=48 D=40 N=30 BGM=1 ...``.

Field names in any case (codes and aliases of :mod:`scoring.fields`), "=", ":" or a
space between name and value, any order; the period as ``YYYY-MM`` or an Indonesian month
name with an optional year. Pure: returns what was understood and every problem found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from conversations.choices import parse_choice
from conversations.numbers import NumberProblem, is_number_word, parse_count
from conversations.periods import parse_period_prefix
from conversations.programmes import ProgrammeProblem, parse_programmes
from conversations.understand import Meaning, read_answer, split_names
from scoring import Period
from scoring.fields import LIST_FIELD, Field, FieldRole, field_by_alias
from scoring.lexicon import POLITE_PARTICLES, UNIT_WORDS

__all__ = ["QuickProblem", "QuickProblemKind", "QuickReport", "looks_quick", "parse_quick"]

_ASSIGN_RE = re.compile(r"\s*[=:]\s*")
_PERIODISH_RE = re.compile(r"^\d{1,4}[-/.]\d{1,4}$")
_VALUE_RE = re.compile(r"^[-\u2212]?\d")


class QuickProblemKind(StrEnum):
    UNKNOWN_NAME = "unknown_name"
    MISSING_VALUE = "missing_value"
    BAD_VALUE = "bad_value"
    DUPLICATE = "duplicate"
    BAD_PERIOD = "bad_period"
    BAD_LIST_FIELD = "bad_programme"
    BAD_CHOICE = "bad_choice"


@dataclass(frozen=True, slots=True)
class QuickProblem:
    kind: QuickProblemKind
    #: The word typed (unknown name, bad period) or the field's code.
    token: str
    #: For BAD_VALUE: why the value is not a count.
    number: NumberProblem | None = None


@dataclass(frozen=True, slots=True)
class QuickReport:
    period: Period | None
    counts: dict[str, int]
    programmes: tuple[str, ...] | None
    problems: tuple[QuickProblem, ...]
    #: Choice fields given (``CARA=rumah``), by field id.
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def given(self) -> frozenset[str]:
        names = set(self.counts) | set(self.choices)
        if self.programmes is not None:
            names.add(LIST_FIELD)
        return frozenset(names)


def _tokens(text: str) -> list[str]:
    """The words, a field name glued to its number split off ("s68" -> "s", "68")."""
    return split_names([t for t in _ASSIGN_RE.sub(" ", text).split(" ") if t], None)


def looks_quick(args: Sequence[str]) -> bool:
    """Whether the words after LAPOR carry field values (rather than only a period)."""
    return any(field_by_alias(t) is not None for t in _tokens(" ".join(args)))


#: The most words a count may take ("gak ada", "tidak ada sama sekali").
_VALUE_WORDS = 4
#: Words after a count that say whom it counts ("BGM 2 anak"), skipped.
_AFTER_VALUE = frozenset({*UNIT_WORDS, *(p.casefold() for p in POLITE_PARTICLES)})


def _count_value(tokens: list[str], start: int, spec: Field) -> tuple[int | NumberProblem, int]:
    """The count after a field name and where the next name starts: a number's words
    together ("dua puluh"), else the fewest words that read as a count ("40", "gak ada"),
    then its unit words; else the first word's problem."""
    stop = start
    while (
        stop < len(tokens) and stop - start < _VALUE_WORDS and field_by_alias(tokens[stop]) is None
    ):
        stop += 1
    words = start
    while words < len(tokens) and is_number_word(tokens[words]):
        words += 1
    first = start + 1
    if words > first:  # "dua puluh": all the number's words at once
        first = stop = words
    for end in range(first, stop + 1):
        if end > start + 1 and any(c.isdigit() for t in tokens[start:end] for c in t):
            break  # several words are a count in words only ("gak ada", "dua puluh")
        reading = read_answer(" ".join(tokens[start:end]), spec.id)
        if reading.meaning is Meaning.COUNT and reading.value is not None:
            while (
                end < len(tokens)
                and tokens[end].casefold() in _AFTER_VALUE
                and field_by_alias(tokens[end]) is None  # "BGM 0 KADER 6": the next name
            ):
                end += 1
            return reading.value, end
    return parse_count(tokens[start]), start + 1


def _programme_value(tokens: list[str], start: int) -> tuple[list[str], int]:
    """The words of a TAMBAHAN value: up to the next field name that has a value after it."""
    j = start
    while j < len(tokens):
        if field_by_alias(tokens[j]) is not None and j + 1 < len(tokens) and j > start:
            break
        j += 1
    return tokens[start:j], j


def parse_quick(args_text: str, current: Period) -> QuickReport:
    """Parse the words after ``LAPOR``. ``current`` resolves month names without a year."""
    tokens = _tokens(args_text)
    problems: list[QuickProblem] = []
    period: Period | None = None
    i = 0
    parsed = parse_period_prefix(tokens, current)
    if parsed is not None:
        period, i = parsed
    elif tokens and _PERIODISH_RE.match(tokens[0]):
        problems.append(QuickProblem(QuickProblemKind.BAD_PERIOD, tokens[0]))
        i = 1
    counts: dict[str, int] = {}
    choices: dict[str, str] = {}
    programmes: tuple[str, ...] | None = None
    seen: set[str] = set()
    while i < len(tokens):
        spec = field_by_alias(tokens[i])
        if spec is None:
            problems.append(QuickProblem(QuickProblemKind.UNKNOWN_NAME, tokens[i][:20]))
            i += 1
            if i < len(tokens) and field_by_alias(tokens[i]) is None and _VALUE_RE.match(tokens[i]):
                i += 1
            continue
        if spec.id in seen:
            problems.append(QuickProblem(QuickProblemKind.DUPLICATE, spec.code))
        seen.add(spec.id)
        i += 1
        if spec.id == LIST_FIELD:
            words, i = _programme_value(tokens, i)
            programmes = _programme(spec, words, problems, programmes)
            continue
        if i >= len(tokens) or (field_by_alias(tokens[i]) is not None):
            problems.append(QuickProblem(QuickProblemKind.MISSING_VALUE, spec.code))
            continue
        if spec.role is FieldRole.CHOICE:
            _choice(spec, tokens[i], problems, choices)
            i += 1
            continue
        value, i = _count_value(tokens, i, spec)
        if isinstance(value, NumberProblem):
            problems.append(QuickProblem(QuickProblemKind.BAD_VALUE, spec.code, value))
        else:
            counts.setdefault(spec.id, value)
    return QuickReport(period, counts, programmes, tuple(problems), choices)


def _choice(spec: Field, word: str, problems: list[QuickProblem], choices: dict[str, str]) -> None:
    """``CARA=rumah``: one word naming one of the field's values."""
    value = parse_choice(spec, word)
    if value is None:
        problems.append(QuickProblem(QuickProblemKind.BAD_CHOICE, spec.code))
    else:
        choices.setdefault(spec.id, value)


def _programme(
    spec: Field,
    words: list[str],
    problems: list[QuickProblem],
    before: tuple[str, ...] | None,
) -> tuple[str, ...] | None:
    if not words:
        problems.append(QuickProblem(QuickProblemKind.MISSING_VALUE, spec.code))
        return before
    parsed = parse_programmes(" ".join(words))
    if isinstance(parsed, ProgrammeProblem):
        problems.append(QuickProblem(QuickProblemKind.BAD_LIST_FIELD, spec.code))
        return before
    return before if before is not None else parsed
