"""The lexicon: one home per understood word, in the case its parser compares it in."""

from __future__ import annotations

from scoring import lexicon


def test_command_words_are_upper_case_and_name_one_command_each() -> None:
    seen: dict[str, str] = {}
    for vocabulary in (lexicon.COMMAND_WORDS, lexicon.GROUP_COMMAND_WORDS):
        for name, phrases in vocabulary.items():
            assert phrases[0] == name, name
            for phrase in phrases:
                assert phrase == phrase.upper() and len(phrase.split(" ")) <= 2, phrase
                assert seen.setdefault(phrase, name) == name, phrase
    assert not set(lexicon.COMMAND_WORDS) & set(lexicon.GROUP_COMMAND_WORDS)


def test_answers_do_not_contradict_each_other() -> None:
    assert not lexicon.YES_WORDS & lexicon.NO_WORDS
    assert not lexicon.NONE_ANSWERS & lexicon.SOME_ANSWERS
    assert lexicon.EDIT_SKIP_WORDS <= lexicon.SKIP_WORDS
    for words in (lexicon.YES_WORDS, lexicon.NO_WORDS, lexicon.NONE_ANSWERS, lexicon.SKIP_WORDS):
        assert all(w == w.upper() for w in words)


def test_words_read_inside_a_phrase_are_lower_case() -> None:
    words = [
        *lexicon.MONTHS,
        *lexicon.UNITS,
        *lexicon.SE_WORDS,
        *lexicon.ZERO_WORDS,
        *lexicon.DIGIT_MULTIPLIERS,
        *lexicon.WEEKDAYS,
        *lexicon.WEEKDAY_ALIASES,
        *lexicon.ORDINALS,
        *lexicon.DATE_WORDS,
        *lexicon.MOVE_WORDS,
        *(w for core in lexicon.NONE_CORES for w in core),
    ]
    assert all(w == w.casefold() for w in words)
    assert set(lexicon.MONTHS.values()) == set(range(1, 13))
    assert set(lexicon.WEEKDAY_ALIASES.values()) <= set(lexicon.WEEKDAYS)


def test_the_answer_readers_words_are_lower_case_and_do_not_contradict() -> None:
    """Issue 23: the words conversations/understand.py reads an answer with."""
    phrases = [*lexicon.SAME_PHRASES, *lexicon.CHANGED_PHRASES, *lexicon.SAME_TAILS]
    words = [
        *lexicon.WORD_FORMS,
        *lexicon.WORD_FORMS.values(),
        *(w for phrase in phrases for w in phrase),
        *(w for core in lexicon.NONE_CORES for w in core),
        *lexicon.UNIT_WORDS,
        *lexicon.FILLER_WORDS,
        *lexicon.CORRECTION_WORDS,
        *lexicon.HEDGE_WORDS,
        *lexicon.EARLIER_WORDS,
        *lexicon.CHANGE_WORDS,
        *lexicon.OTHER_COUNT_WORDS,
    ]
    assert all(w == w.casefold() for w in words)
    assert not lexicon.SAME_PHRASES & lexicon.CHANGED_PHRASES
    assert not lexicon.HEDGE_WORDS & (lexicon.FILLER_WORDS | lexicon.UNIT_WORDS)
    yes = {w.casefold() for w in lexicon.YES_WORDS}
    no = {w.casefold() for w in lexicon.NO_WORDS}
    # A spelling never turns a yes into a no, or the other way round.
    assert not any(
        (k in yes and v in no) or (k in no and v in yes) for k, v in lexicon.WORD_FORMS.items()
    )
