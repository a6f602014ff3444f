"""What an answer to one of the report's questions means, read word by word: a count for the
field asked, values for other fields it names ("d 41" at the N question), "the same as last
month", "none", yes or no, or not sure (asked back, never guessed).

The words are the lexicon's (:mod:`scoring.lexicon`); numbers are read by
:func:`conversations.numbers.parse_count`. Pure; never raises.

Decisions (domain.md, "How kader write"):

- A field name before a number names that field ("d 41", "maaf salah d nya 40", "s68"); after
  a number it is the count's unit ("6 hamil"). A name that is also the everyday word for
  whom the asked count is of ("hamil 6" at "how many pregnant women were served?") may mean
  either: asked back.
- "None" ("tidak ada", "gak ada anak", "nihil") is 0 only with nothing but units and
  particles after it; "tidak ada yang berubah" is "the same"; other words: asked back.
- A number said with doubt, by what it is not, or beside another month ("mungkin 40",
  "bukan 40", "kemarin 40") is asked back.
- At a warning (``strict``) only a bare number in digits (a unit, a particle or the asked
  field's name around it allowed) is a new count; every other answer is yes, no, another
  field named, or asked back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from conversations.catalogue import say
from conversations.numbers import NumberProblem, is_number_word, parse_count
from scoring.fields import FIELD_BY_ID, FIELDS, Field, field_by_alias
from scoring.lexicon import (
    CHANGE_WORDS,
    CHANGED_PHRASES,
    CORRECTION_WORDS,
    EARLIER_WORDS,
    FILLER_WORDS,
    HEDGE_WORDS,
    MONTHS,
    NO_WORDS,
    NONE_CORES,
    OTHER_COUNT_WORDS,
    POLITE_PARTICLES,
    SAME_PHRASES,
    SAME_TAILS,
    SKIP_WORDS,
    WORD_FORMS,
    YES_WORDS,
)
from scoring.lexicon import (
    UNIT_WORDS as LEXICON_UNITS,
)

__all__ = [
    "Meaning",
    "Reading",
    "read_answer",
    "read_named",
    "read_yes_no",
    "says_none",
    "split_names",
]


class Meaning(StrEnum):
    #: ``value`` for the field asked.
    COUNT = "count"
    #: ``values`` for the fields named (the field asked may be among them).
    NAMED = "named"
    #: The same as last month (or as the value offered).
    SAME = "same"
    YES = "yes"
    NO = "no"
    #: LEWATI, SKIP, "-".
    SKIP = "skip"
    #: Not sure what was meant (``problem`` says why when it is about the number): asked back.
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class Reading:
    meaning: Meaning
    value: int | None = None
    values: Mapping[str, int] = field(default_factory=dict)
    problem: NumberProblem | None = None


_UNCLEAR = Reading(Meaning.UNCLEAR)
#: Skin tones and the emoji variation selector ("👍🏽" is "👍").
_EMOJI_MODIFIERS_RE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")
#: Words end at spaces and at punctuation, but a number keeps its "." or "," ("1.250", "2,5")
#: and signs stay words of their own.
_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*[^\W_]*|[^\W_]+|[^\s\w.,!?;()\"'*]+")
_NUMBER_RE = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")
_PARTICLES = frozenset(p.casefold() for p in POLITE_PARTICLES)
#: The names of the fields that are everyday nouns ("hamil", "kader"): units too.
_NOUNS = frozenset(name.casefold() for f in FIELDS if f.noun for name in (f.code, *f.aliases))
_UNITS = frozenset({*LEXICON_UNITS, *_NOUNS})
_YES = frozenset(WORD_FORMS.get(w, w) for w in (y.casefold() for y in YES_WORDS) if " " not in w)
#: The words of a longer yes ("ya sudah benar", "iya betul").
_YES_PHRASE_WORDS = frozenset(w.casefold() for y in YES_WORDS if " " in y for w in y.split())
_NO = frozenset(WORD_FORMS.get(w, w) for w in (n.casefold() for n in NO_WORDS))
_SKIP = frozenset(w.casefold() for w in SKIP_WORDS)
#: "The same" in one word ("sama", "tetap"): beside a number, which is meant is not sure.
_SAME_WORDS = frozenset(p[0] for p in SAME_PHRASES if len(p) == 1 and p[0].isalpha())
#: Every word the reader knows: an unknown word typed with a letter twice ("yaa") is read
#: with it once when that is a known word.
_KNOWN = frozenset(
    {
        *WORD_FORMS.values(),
        *(w for phrase in SAME_PHRASES for w in phrase),
        *(w for tail in SAME_TAILS for w in tail),
        *(w for core in NONE_CORES for w in core),
        *_UNITS,
        *FILLER_WORDS,
        *CORRECTION_WORDS,
        *HEDGE_WORDS,
        *EARLIER_WORDS,
        *CHANGE_WORDS,
        *_PARTICLES,
        *_YES,
        *_NO,
    }
)


def _squeezed(word: str) -> str:
    """ "yaa" -> "ya", "samaaa" -> "sama", "okee" -> "oke", "👍👍" -> "👍": letters typed more
    than once read once, when that makes a known word."""
    if word in _KNOWN or word in WORD_FORMS:
        return word
    once = re.sub(r"(.)\1+", r"\1", word)
    return once if once in _KNOWN or once in WORD_FORMS else word


def _canonical(word: str) -> str:
    word = _squeezed(word)
    return WORD_FORMS.get(word, word)


def _tokens(text: str) -> list[str]:
    norm = _EMOJI_MODIFIERS_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return [match.group() for match in _TOKEN_RE.finditer(norm)]


def _is_number(token: str) -> bool:
    return bool(_NUMBER_RE.match(token))


def _field_named(token: str, services: frozenset[str] | None) -> Field | None:
    spec = field_by_alias(token)
    if spec is None:
        return None
    if services is not None and spec.service and spec.id not in services:
        return None
    return spec


def _split_token(token: str, services: frozenset[str] | None) -> list[str]:
    """ "d42" -> "d", "42"; "2t1" -> "2t", "1"; "dnya" -> "d", "nya": a field name glued to
    its number or to "nya" (the longest name that leaves only those)."""
    if _field_named(token, services) is not None:
        return [token]
    for cut in range(len(token) - 1, 0, -1):
        name, rest = token[:cut], token[cut:]
        nya = rest[:3].casefold() == "nya"
        number = rest[3:] if nya else rest
        glued = (nya or number) and (not number or number.isdigit())
        if glued and _field_named(name, services) is not None:
            return [name, *(["nya"] if nya else []), *([number] if number else [])]
    return [token]


def split_names(tokens: Sequence[str], services: frozenset[str] | None) -> list[str]:
    """The words with every field name glued to its number or to "nya" split off."""
    return [part for token in tokens for part in _split_token(token, services)]


#: Words that may come before the first field named: "maaf salah, d nya 40", "yg ditimbang 42".
_BEFORE_NAME = frozenset(
    {*CORRECTION_WORDS, *_PARTICLES, *_YES, *_UNITS, *FILLER_WORDS, *_NOUNS, *CHANGE_WORDS}
)


def _related(a: Field, b: Field) -> bool:
    return a.at_most == b.id or b.at_most == a.id


@dataclass(frozen=True, slots=True)
class _Name:
    index: int
    spec: Field


def _names(
    tokens: Sequence[str], asked: Field | None, services: frozenset[str] | None
) -> list[_Name] | None:
    """The field names typed before a value; None when a name is not sure (another field's
    code after a number)."""
    names: list[_Name] = []
    for i, token in enumerate(tokens):
        spec = _field_named(token, services)
        if spec is None or not spec.is_count:
            continue
        after_number = i > 0 and _is_number(tokens[i - 1])
        before_value = i + 1 < len(tokens) and (
            _is_number(tokens[i + 1]) or tokens[i + 1] in ("=", ":", "nya")
        )
        if after_number and not before_value:
            if not names and (spec is asked or token in _NOUNS):
                continue  # "6 hamil", "30 n": the count's unit
            return None  # "d 42 n": the count of N not given, or not finished?
        if token in WORD_FORMS and not any(_is_number(t) for t in tokens[i + 1 :]):
            continue  # "sama kek bulan lalu": a word, not KEK
        names.append(_Name(i, spec))
    # A name with no value after it is a word of the answer when it is the field asked or an
    # everyday noun ("ada 40 yang ditimbang", "imunisasi 1 anak"); another field's
    # name without a value is not sure.
    kept: list[_Name] = []
    dropped = False
    for k, name in enumerate(names):
        end = names[k + 1].index if k + 1 < len(names) else len(tokens)
        if _value(tokens[name.index + 1 : end], name.spec) is not None:
            kept.append(name)
        elif name.spec is asked or tokens[name.index] in _NOUNS:
            dropped = True
        else:
            return None
    if dropped and any(name.spec is not asked for name in kept):
        return None  # "d 42 n": the count of N not given, or not finished?
    return kept


def _value(tokens: Sequence[str], spec: Field) -> int | NumberProblem | None:
    """The count in the words after a field name ("41", "nya 40", "gak ada"); None when there
    is none, or the words hold doubt or another month."""
    tokens = list(tokens)
    while tokens and _canonical(tokens[-1]) in _PARTICLES | (CORRECTION_WORDS - {"salah"}):
        tokens.pop()  # "d 41 bu", "d 41 dan n 29"
    words = [_canonical(t) for t in tokens]
    if any(w in HEDGE_WORDS or w in EARLIER_WORDS for w in words):
        return None
    none = _none(words, spec)
    if none is not None:
        return none.value if none.meaning is Meaning.COUNT else None
    kept = [t for t, w in zip(tokens, words, strict=True) if w not in FILLER_WORDS]
    if not kept:
        return None
    value = parse_count(" ".join(kept))
    return None if value in (NumberProblem.NOT_A_NUMBER, NumberProblem.EMPTY) else value


def read_named(
    text: str, asked: str | None = None, services: frozenset[str] | None = None
) -> Reading | None:
    """The fields named in ``text`` with their values ("d 41", "s68 k58 d42", "d gak ada",
    "maaf salah d nya 40"), or None when it names none. ``asked``: the field being asked, whose
    everyday-noun relatives are not taken as names; ``services``: the service fields this
    deployment asks (others are not names)."""
    spec = FIELD_BY_ID[asked] if asked is not None else None
    tokens = split_names(_tokens(text), services)
    names = _names(tokens, spec, services)
    if names is None:
        return _UNCLEAR
    if not names:
        return None
    before = [_canonical(t) for t in tokens[: names[0].index]]
    if any(w not in _BEFORE_NAME for w in before):
        return _UNCLEAR
    values: dict[str, int] = {}
    for k, name in enumerate(names):
        end = names[k + 1].index if k + 1 < len(names) else len(tokens)
        value = _value(tokens[name.index + 1 : end], name.spec)
        if value is None or name.spec.id in values:
            return _UNCLEAR
        if isinstance(value, NumberProblem):
            return Reading(Meaning.UNCLEAR, problem=value)
        if (
            spec is not None
            and name.spec is not spec
            and tokens[name.index] in _NOUNS
            and _related(name.spec, spec)
        ):
            return _UNCLEAR  # "hamil 6" at the question of the pregnant women served
        values[name.spec.id] = value
    if spec is not None and set(values) == {spec.id}:
        return Reading(Meaning.COUNT, value=values[spec.id])
    return Reading(Meaning.NAMED, values=values)


def _without_particles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[-1] in _PARTICLES:
        words = words[:-1]
    return words


def _same(words: Sequence[str]) -> bool:
    """ "masih sama", "sama kayak bulan lalu", "tidak ada yang berubah", "ya sama", "betul bu
    sama" (a particle anywhere adds nothing)."""
    core = [w for w in words if w not in _PARTICLES or w in _YES]
    while core and core[0] in _YES and len(core) > 1:
        core = core[1:]
    for tail in SAME_TAILS:
        if len(core) > len(tail) and tuple(core[-len(tail) :]) == tail:
            core = core[: -len(tail)]
            break
    return tuple(core) in SAME_PHRASES


def _none(words: Sequence[str], asked: Field | None) -> Reading | None:
    """ "tidak ada" (and units, particles after it): 0; "tidak ada yang berubah": the same."""
    core = list(words)
    while core and core[0] in _YES and len(core) > 1:
        core = core[1:]
    for size in (2, 1):
        if tuple(core[:size]) in NONE_CORES:
            rest = core[size:]
            break
    else:
        return None
    names = _question_words(asked.id) if asked else frozenset()
    if all(w in _UNITS or w in _PARTICLES or w in FILLER_WORDS or w in names for w in rest):
        return Reading(Meaning.COUNT, value=0)
    if any(w in CHANGE_WORDS for w in rest):
        return Reading(Meaning.SAME)
    return _UNCLEAR


@cache
def _question_words(field_id: str) -> frozenset[str]:
    """The field's names and the words of its question: after "none" they add nothing
    ("tidak ada yang naik berat badannya" at the N question is 0)."""
    spec = FIELD_BY_ID[field_id]
    question = re.findall(r"[^\W\d_]+", say(f"ask.{field_id}").casefold())
    return frozenset({spec.code.casefold(), *(a.casefold() for a in spec.aliases), *question})


def says_none(text: str, extra: frozenset[str] = frozenset()) -> bool | None:
    """Whether ``text`` starts with "none" ("tidak ada", "belum ada", "nihil"): True when
    only particles, fillers or ``extra`` words follow, False when other words do, None when
    it does not start so."""
    words = _without_particles([_canonical(t) for t in _tokens(text)])
    for size in (2, 1):
        if tuple(words[:size]) in NONE_CORES:
            rest = words[size:]
            return all(w in _PARTICLES or w in FILLER_WORDS or w in extra for w in rest)
    return None


def read_yes_no(text: str) -> bool | None:
    """Yes or no as people write it ("yaa", "👌", "ya betul", "gak"), else None."""
    words = _without_particles([_canonical(t) for t in _tokens(text)])
    reading = _yes_no(words) if words else None
    return None if reading is None else reading.meaning is Meaning.YES


def _yes_no(words: Sequence[str]) -> Reading | None:
    if len(words) == 1 and words[0] in _YES:
        return Reading(Meaning.YES)
    if len(words) == 1 and words[0] in _NO:
        return Reading(Meaning.NO)
    if (
        len(words) >= 2
        and words[0] in _YES
        and all(w in _YES or w in _YES_PHRASE_WORDS for w in words[1:])
    ):
        return Reading(Meaning.YES)  # "ya sudah benar", "iya betul"
    return None


def read_answer(
    text: str,
    asked: str | None = None,
    *,
    strict: bool = False,
    services: frozenset[str] | None = None,
) -> Reading:
    """What ``text`` means as the answer to the question of field ``asked`` (``strict``: to a
    warning about the count just given, where only a bare number replaces it)."""
    stripped = text.strip()
    if stripped == "=":
        return Reading(Meaning.SAME)
    tokens = _tokens(stripped)
    if not tokens:
        return Reading(Meaning.UNCLEAR, problem=NumberProblem.EMPTY)
    spec = FIELD_BY_ID[asked] if asked is not None else None
    words = _without_particles([_canonical(t) for t in tokens])
    if len(words) == 1 and words[0] in _SKIP:
        return Reading(Meaning.SKIP)
    named = read_named(stripped, asked, services)
    if named is not None:
        return named
    if _same(words):
        return Reading(Meaning.SAME)
    if tuple(words) in CHANGED_PHRASES:
        return Reading(Meaning.NO)  # "ada yang berubah": which, is asked
    answer = _yes_no(words)
    if answer is not None:
        return answer
    if strict:
        return _at_warning(tokens, spec)
    return _as_count(stripped, tokens, words, spec)


def _at_warning(tokens: Sequence[str], spec: Field | None) -> Reading:
    """At a warning: a bare number in digits (a unit, a particle or the field's name around
    it), or yes said with a number ("ya 46": the caller compares it); else not sure."""
    numbers = [t for t in tokens if _is_number(t)]
    if len(numbers) != 1:
        return _UNCLEAR
    yes_words = _YES | _YES_PHRASE_WORDS
    if all(
        _is_number(t) or _canonical(t) in yes_words | _UNITS | _PARTICLES for t in tokens
    ) and any(_canonical(t) in yes_words for t in tokens):
        value = parse_count(numbers[0])
        return Reading(Meaning.YES, value=value if isinstance(value, int) else None)
    names = {spec.code.casefold(), *(a.casefold() for a in spec.aliases)} if spec else set()
    first = tokens.index(numbers[0])
    if all(
        _is_number(t)
        or t in names
        or (_canonical(t) in _UNITS | _PARTICLES and (i > first or t not in _YES))
        for i, t in enumerate(tokens)
    ):
        return _count(numbers[0])
    return _UNCLEAR


def _unknown_label(tokens: Sequence[str], spec: Field | None) -> bool:
    """A word the bot does not know before the number ("datang 41", "turun 5"): it may say
    whom the number counts, so which field is meant is not sure. After the number an unknown
    word is a unit or a remark ("41 ank", "41 yg dtg"), unless it counts someone else."""
    known = _question_words(spec.id) if spec is not None else frozenset()
    first = next((i for i, t in enumerate(tokens) if _is_number(t) or is_number_word(t)), 0)
    for i, token in enumerate(tokens):
        word = _canonical(token)
        if word in OTHER_COUNT_WORDS:
            return True
        if (
            i < first
            and word.isalpha()
            and not (word in _KNOWN or word in known or word in WORD_FORMS)
        ):
            return True
    return False


def _as_count(
    text: str, tokens: Sequence[str], words: Sequence[str], spec: Field | None
) -> Reading:
    """A count for the field asked: none, a number, or not sure (doubt, another month, a no,
    "the same" or an unknown label beside a number)."""
    none = _none(words, spec)
    if none is not None:
        return none
    if any(w in HEDGE_WORDS for w in words):
        return Reading(Meaning.UNCLEAR, problem=NumberProblem.UNSURE)
    if any(w in EARLIER_WORDS or w in _NO or w in CHANGE_WORDS or w in MONTHS for w in words):
        return _UNCLEAR  # "kemarin 40", "tidak 40", "berubah 40", "okt 40"
    if any(w in _SAME_WORDS for w in words):
        return _UNCLEAR  # "sama, 40": the same, or 40?
    counted = _count(text)
    if counted.meaning is Meaning.COUNT and _unknown_label(tokens, spec):
        return _UNCLEAR
    return counted


def _count(text: str) -> Reading:
    value = parse_count(text)
    if isinstance(value, NumberProblem):
        return Reading(Meaning.UNCLEAR, problem=value)
    return Reading(Meaning.COUNT, value=value)
