"""The extra-programme answer: "BKB, PAUD, kelas ibu hamil" or "tidak". Pure."""

from __future__ import annotations

import re
from enum import StrEnum

from conversations.commands import bare_answer, normalise, parse_yes_no
from conversations.understand import says_none
from scoring.lexicon import NONE_ANSWERS, PROGRAMME_JOINS, PROGRAMME_WORDS, SOME_ANSWERS

__all__ = ["MAX_PROGRAMMES", "MAX_PROGRAMME_CHARS", "ProgrammeProblem", "parse_programmes"]

MAX_PROGRAMMES = 8
MAX_PROGRAMME_CHARS = 40

_SPLIT_RE = re.compile(
    r"\s*(?:[,;/+&]|" + "|".join(rf"\b{w}\b" for w in PROGRAMME_JOINS) + r")\s*", re.IGNORECASE
)
#: "ada BKB", "ya ada BKB dan PAUD": the names after "there were".
_SOME_PREFIXES = tuple(sorted((f"{s} " for s in SOME_ANSWERS), key=len, reverse=True))
_NAME_RE = re.compile(r"^[\w .()'-]+$")


class ProgrammeProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"
    #: "ya" / "ada": which ones?
    WHICH = "which"


def _tidy(name: str) -> str:
    return name.upper() if len(name) <= 5 else name


def parse_programmes(text: str) -> tuple[str, ...] | ProgrammeProblem:
    """The programme names (``()`` for "none"), or why the answer is not usable ("ya" alone
    is :attr:`ProgrammeProblem.WHICH`: the names are still to come)."""
    norm = normalise(text)
    if not norm:
        return ProgrammeProblem.EMPTY
    if bare_answer(norm) in NONE_ANSWERS or parse_yes_no(norm) is False:
        return ()
    none = says_none(norm, PROGRAMME_WORDS)
    if none is not None:  # "tidak ada kegiatan tambahan": none; "tidak ada BKB": asked back
        return () if none else ProgrammeProblem.NOT_A_NAME
    upper = norm.upper()
    some = next((p for p in _SOME_PREFIXES if upper.startswith(p)), None)
    if some is not None and len(norm) > len(some):
        norm = norm[len(some) :].strip()
    # "Yes, there were some" without saying which: the names are asked for, never stored
    # as a programme called "YA".
    if norm.upper().strip(" .!") in SOME_ANSWERS or parse_yes_no(norm) is True:
        return ProgrammeProblem.WHICH
    if len(norm) > MAX_PROGRAMMES * (MAX_PROGRAMME_CHARS + 2):
        return ProgrammeProblem.TOO_LONG
    names = [part.strip(" .") for part in _SPLIT_RE.split(norm)]
    names = [n for n in names if n]
    if not names:
        return ProgrammeProblem.NOT_A_NAME
    if len(names) > MAX_PROGRAMMES or any(len(n) > MAX_PROGRAMME_CHARS for n in names):
        return ProgrammeProblem.TOO_LONG
    if any(not _NAME_RE.match(n) or not any(c.isalpha() for c in n) for n in names):
        return ProgrammeProblem.NOT_A_NAME
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), _tidy(name))
    return tuple(seen.values())
