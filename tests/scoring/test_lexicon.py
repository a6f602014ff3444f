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
        *(w for phrase in lexicon.NONE_PHRASES for w in phrase),
    ]
    assert all(w == w.casefold() for w in words)
    assert set(lexicon.MONTHS.values()) == set(range(1, 13))
    assert set(lexicon.WEEKDAY_ALIASES.values()) <= set(lexicon.WEEKDAYS)
