"""Reading a message, once: the text normalised and the command it starts with.

Case-insensitive, "STATUS" and "/status" alike, Telegram's "/status@PosyanduBot" and
"/tidak_buka" too; a two-word command ("STOP PENGINGAT") before the one-word ones ("STOP"
is BATAL); an everyday form (:data:`scoring.lexicon.COMMAND_PHRASES`: "mau lapor", "gak
jadi") only as the whole message. The words are the lexicon's
(:data:`scoring.lexicon.COMMAND_WORDS`); the commands for a chat group itself
(:data:`scoring.lexicon.GROUP_COMMAND_WORDS`) only in a group. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from conversations.understand import read_yes_no
from scoring.lexicon import (
    COMMAND_PHRASES,
    COMMAND_WORDS,
    GROUP_COMMAND_WORDS,
    NO_WORDS,
    POLITE_PARTICLES,
    YES_WORDS,
)

__all__ = [
    "Command",
    "ParsedMessage",
    "bare_answer",
    "normalise",
    "parse_command",
    "parse_message",
    "parse_yes_no",
]

_SPACE_RE = re.compile(r"\s+")
_TRAILING_PUNCT = ".,!:;"
#: Skin tones and the emoji variation selector ("👍🏽" is "👍").
_EMOJI_MODIFIERS_RE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


@dataclass(frozen=True, slots=True)
class Command:
    #: The command's name (a key of the lexicon's command words, as replies name it).
    name: str
    #: The words after the command, as typed (original case).
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """A message as read once (by the engine), for both :func:`conversations.plan.plan` and
    :func:`conversations.step.step`."""

    #: The whole text, normalised (:func:`normalise`).
    text: str
    #: The command it starts with, or None.
    command: Command | None = None
    #: Sent in a chat group (where the group commands are understood too).
    in_group: bool = False
    #: The text's lines, each normalised, blank ones left out (TIMBANG: one child a line).
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Index:
    #: One-word name -> command.
    words: Mapping[str, str]
    #: (first word, second word) -> command.
    pairs: Mapping[tuple[str, str], str]


def _index(*vocabularies: Mapping[str, tuple[str, ...]]) -> _Index:
    words: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for vocabulary in vocabularies:
        for name, phrases in vocabulary.items():
            for phrase in phrases:
                first, _, second = phrase.partition(" ")
                if second:
                    known = pairs.setdefault((first, second), name)
                else:
                    known = words.setdefault(first, name)
                if known != name:
                    raise ValueError(f"{phrase!r} names two commands")
    return _Index(words, pairs)


_PHRASES: Mapping[str, str] = {p: name for name, ps in COMMAND_PHRASES.items() for p in ps}
_CHAT = _index(COMMAND_WORDS)
_GROUP = _index(COMMAND_WORDS, GROUP_COMMAND_WORDS)


def normalise(text: str) -> str:
    """NFKC, trimmed, single spaces."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _keyword(word: str) -> str:
    word = word.lstrip("/")
    if "@" in word:
        word = word.split("@", 1)[0]
    if word != "?":
        word = word.rstrip(_TRAILING_PUNCT + "?")
    return word.upper()


def parse_command(text: str, *, in_group: bool = False) -> Command | None:
    """The command ``text`` starts with, or None when it is not a command."""
    index = _GROUP if in_group else _CHAT
    words = normalise(text).split(" ")
    if not words or not words[0]:
        return None
    phrase = _PHRASES.get(bare_answer(text).lstrip("/"))
    if phrase is not None:  # "mau lapor", "gak jadi", "lapor bu", "pdfnya"
        return Command(phrase, ())
    first = _keyword(words[0])
    if len(words) > 1:
        paired = index.pairs.get((first, _keyword(words[1])))
        if paired is not None:
            return Command(paired, tuple(words[2:]))
    name = index.words.get(first)
    if name is None:
        return None
    return Command(name, tuple(words[1:]))


def parse_message(text: str, *, in_group: bool = False) -> ParsedMessage:
    """Read ``text`` once: normalised, and the command it starts with."""
    norm = normalise(text)
    lines = tuple(n for n in (normalise(line) for line in text.splitlines()) if n)
    return ParsedMessage(norm, parse_command(norm, in_group=in_group), in_group, lines)


def bare_answer(text: str) -> str:
    """A short answer as compared with the lexicon's answer words: normalised, upper case,
    without closing punctuation or one trailing polite particle ("Gak ada bu." -> "GAK ADA")."""
    plain = _EMOJI_MODIFIERS_RE.sub("", normalise(text))
    words = plain.upper().rstrip(_TRAILING_PUNCT).split(" ")
    if len(words) > 1 and words[-1].rstrip(_TRAILING_PUNCT) in POLITE_PARTICLES:
        words = words[:-1]
    return " ".join(words).rstrip(_TRAILING_PUNCT)


def parse_yes_no(text: str) -> bool | None:
    """True for "ya" and its friends, False for "tidak" and its friends, else None."""
    word = bare_answer(text).strip("/?")
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return read_yes_no(text)  # "yaa", "👌", "iya betul", "gak kak"
