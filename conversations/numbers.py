"""Counts as kader type them: digits inside text ("ada 42 anak"), thousand separators
("1.250"), Indonesian number words ("empat puluh dua", "seratus dua belas", "seribu") and
plain zero phrases ("tidak ada", "nihil"). Larger scales ("satu juta", "2 juta", "semiliar")
are read too, so they are refused as too large instead of being misread as 1 or 2.

Pure. :func:`parse_count` returns the count or the reason it is not one; it never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from scoring.fields import MAX_COUNT
from scoring.lexicon import (
    APPROXIMATE_SIGNS,
    APPROXIMATE_WORDS,
    BIG_SCALES,
    DECIMAL_WORDS,
    DIGIT_MULTIPLIERS,
    HUNDREDS,
    NEGATIVE_WORDS,
    NONE_CORES,
    SE_WORDS,
    TEENS,
    TENS,
    UNITS,
    WORD_FORMS,
    ZERO_WORDS,
)

__all__ = ["MAX_COUNT", "NumberProblem", "is_number_word", "parse_count"]


class NumberProblem(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    DECIMAL = "decimal"
    SEVERAL = "several"
    TOO_LARGE = "too_large"
    #: Not sure what was meant: a letter glued to digits ("l2", "O5", "1O", "20an") or an
    #: approximate count ("sekitar 15", "± 12"). Asked again, never guessed.
    UNSURE = "unsure"


_SUB_SCALES = frozenset({TEENS, TENS, HUNDREDS})
_SCALES = frozenset({*_SUB_SCALES, *(name for name, _se, _v in BIG_SCALES)})
_SE_BIG = frozenset(se for _n, se, _v in BIG_SCALES if se is not None)
_NUMBER_WORDS = frozenset({*UNITS, *SE_WORDS, *_SCALES, *_SE_BIG, *ZERO_WORDS})
#: Morphemes a joined word ("duapuluh", "limabelas") may be split into, longest first.
_MORPHEMES: tuple[str, ...] = tuple(
    sorted({*UNITS, *SE_WORDS, *_SCALES, *_SE_BIG}, key=len, reverse=True)
)

_TOKEN_RE = re.compile(
    r"(?P<num>[-\u2212]?[0-9]+(?:[.,][0-9]+)*)|(?P<word>[a-z]+)|(?P<other>\S)",
)
#: A letter glued to a digit, either way round ("l2", "20an").
_GLUED_RE = re.compile(r"(?P<letters>[^\W\d_]+)[0-9]|[0-9](?P<after>[^\W\d_]+)")
_THOUSANDS_RE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "word" or "other"
    text: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    value: int | None
    problem: NumberProblem | None


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        out.append(_Token(kind, match.group()))
    return out


def is_number_word(word: str) -> bool:
    """Whether ``word`` is (a part of) a number in words ("dua", "puluh", "duapuluh")."""
    return _split_joined(word.casefold()) is not None


def _split_joined(word: str) -> list[str] | None:
    """Split "duapuluh" into ["dua", "puluh"]; None when the word is not all number parts."""
    if word in _NUMBER_WORDS:
        return [word]
    parts: list[str] = []
    rest = word
    while rest:
        for morpheme in _MORPHEMES:
            if rest.startswith(morpheme):
                parts.append(morpheme)
                rest = rest[len(morpheme) :]
                break
        else:
            return None
    return parts if len(parts) > 1 else None


def _below_thousand(words: Sequence[str], i: int) -> tuple[int, int]:
    """Parse a number under 1000 from ``words[i:]``; returns (value, next index)."""
    value = 0
    n = len(words)

    def unit_then(j: int, scale: str) -> bool:
        return j + 1 < n and words[j] in UNITS and words[j + 1] == scale

    if i < n and SE_WORDS.get(words[i]) == 100:
        value, i = 100, i + 1
    elif unit_then(i, HUNDREDS):
        value, i = UNITS[words[i]] * 100, i + 2
    if i < n and SE_WORDS.get(words[i]) in (10, 11):
        return value + SE_WORDS[words[i]], i + 1
    if unit_then(i, TEENS):
        return value + 10 + UNITS[words[i]], i + 2
    if unit_then(i, TENS):
        value, i = value + UNITS[words[i]] * 10, i + 2
        if i < n and words[i] in UNITS and not (i + 1 < n and words[i + 1] in _SUB_SCALES):
            value, i = value + UNITS[words[i]], i + 1
        return value, i
    if i < n and words[i] in UNITS and not (i + 1 < n and words[i + 1] in _SUB_SCALES):
        return value + UNITS[words[i]], i + 1
    return value, i


def _words_value(words: Sequence[str]) -> int | None:
    """The value of a run of number words, or None when they do not form one number."""
    if len(words) == 1 and words[0] in ZERO_WORDS:
        return 0
    if any(w in ZERO_WORDS for w in words):
        return None
    i, total, n = 0, 0, len(words)
    for name, se, scale in BIG_SCALES:
        if i < n and words[i] == se:
            total, i = total + scale, i + 1
            continue
        head, j = _below_thousand(words, i)
        if j < n and words[j] == name and head > 0:
            total, i = total + head * scale, j + 1
    rest, j = _below_thousand(words, i)
    if j != n or j == 0:
        return None
    return total + rest


def _number_token(text: str) -> _Candidate:
    negative = text[0] in "-\u2212"
    digits = text[1:] if negative else text
    if "," in digits:
        return _Candidate(None, NumberProblem.DECIMAL)
    if "." in digits:
        if not _THOUSANDS_RE.match(digits):
            return _Candidate(None, NumberProblem.DECIMAL)
        digits = digits.replace(".", "")
    if len(digits) > 12:
        return _Candidate(None, NumberProblem.TOO_LARGE)
    value = int(digits)
    if negative and value:
        return _Candidate(None, NumberProblem.NEGATIVE)
    return _Candidate(value, None)


def _candidates(tokens: Sequence[_Token]) -> list[_Candidate] | None:
    """Every number in the tokens; None when a number-like run makes no sense."""
    out: list[_Candidate] = []
    i, n = 0, len(tokens)
    negative_next = False
    while i < n:
        tok = tokens[i]
        if tok.kind == "word" and tok.text in NEGATIVE_WORDS:
            negative_next = True
            i += 1
            continue
        if tok.kind == "word" and tok.text in DECIMAL_WORDS:
            out.append(_Candidate(None, NumberProblem.DECIMAL))
            i += 1
            continue
        if tok.kind == "num":
            cand = _number_token(tok.text)
            if i + 1 < n and tokens[i + 1].kind == "word":
                factor = DIGIT_MULTIPLIERS.get(tokens[i + 1].text)
                if factor is not None:
                    i += 1
                    if cand.value is not None:
                        cand = _Candidate(cand.value * factor, None)
            out.append(_negate(cand) if negative_next else cand)
            negative_next = False
            i += 1
            continue
        if tok.kind == "word":
            words: list[str] = []
            j = i
            while j < n and tokens[j].kind == "word":
                parts = _split_joined(tokens[j].text)
                if parts is None:
                    break
                words.extend(parts)
                j += 1
            if words:
                value = _words_value(words)
                if value is None:
                    return None
                cand = _Candidate(value, None)
                out.append(_negate(cand) if negative_next else cand)
                negative_next = False
                i = j
                continue
        i += 1
    return out


def _negate(cand: _Candidate) -> _Candidate:
    if cand.value:
        return _Candidate(None, NumberProblem.NEGATIVE)
    return cand


#: "None" in two words ("tidak ada", "belum ada"), canonical: the lexicon's NONE_CORES.
_NONE_PAIRS = frozenset(core for core in NONE_CORES if len(core) == 2)


def _says_none(tokens: Sequence[_Token]) -> bool:
    """Whether "tidak ada" / "belum ada" (as kader spell them: "gak ada", "tdk ada") stands in
    the words."""
    words = tuple(WORD_FORMS.get(t.text, t.text) for t in tokens if t.kind == "word")
    return any(pair in _NONE_PAIRS for pair in pairwise(words))


def _unsure(norm: str, tokens: Sequence[_Token]) -> bool:
    """A letter glued to digits (a digit multiplier such as "2rb" aside) or an approximate
    count."""
    for match in _GLUED_RE.finditer(norm):
        after = match.group("after")
        if after is None or after not in DIGIT_MULTIPLIERS:
            return True
    if any(sign in norm for sign in APPROXIMATE_SIGNS):
        return True
    words = tuple(t.text for t in tokens if t.kind == "word")
    return any(
        words[i : i + len(phrase)] == phrase
        for phrase in APPROXIMATE_WORDS
        for i in range(len(words) - len(phrase) + 1)
    )


def parse_count(text: str) -> int | NumberProblem:
    """The whole, non-negative count in ``text``, or why there is none."""
    norm = unicodedata.normalize("NFKC", text).casefold().strip()
    if not norm:
        return NumberProblem.EMPTY
    tokens = _tokens(norm)
    if _unsure(norm, tokens):
        return NumberProblem.UNSURE
    cands = _candidates(tokens)
    if cands is None:
        return NumberProblem.NOT_A_NUMBER
    if not cands:
        return 0 if _says_none(tokens) else NumberProblem.NOT_A_NUMBER
    problems = [c.problem for c in cands if c.problem is not None]
    values = {c.value for c in cands if c.value is not None}
    if len(values) + len(problems) > 1:
        if len(problems) == len(cands) and len(set(problems)) == 1:
            return problems[0]
        decimal = NumberProblem.DECIMAL
        if decimal in problems and len(values) <= 2 and len(cands) <= 3:
            return decimal
        return NumberProblem.SEVERAL
    if problems:
        return problems[0]
    value = values.pop()
    if value > MAX_COUNT:
        return NumberProblem.TOO_LARGE
    return value
