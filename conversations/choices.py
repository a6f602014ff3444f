"""The answer to a choice field (how the month was served: ``CARA=rumah``), read with the
lexicon's words. Pure."""

from __future__ import annotations

from conversations.commands import bare_answer
from scoring.fields import Field
from scoring.lexicon import CHOICE_WORDS

__all__ = ["parse_choice"]


def parse_choice(spec: Field, text: str) -> str | None:
    """The value of ``spec`` that ``text`` names ("rumah", "di posyandu bu", "kunjungan_rumah"),
    or None when it names none of them."""
    words = bare_answer(text.replace("_", " ").replace("-", " "))
    value = CHOICE_WORDS.get(words)
    return value if value in spec.choices else None
