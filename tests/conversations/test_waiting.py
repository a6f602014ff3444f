"""Every session state maps to one word of ``posyandu chat --jsonl``'s ``awaiting`` vocabulary."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from conversations.commands import parse_message
from conversations.plan import plan
from conversations.session import (
    AwaitChange,
    Awaiting,
    AwaitPeriod,
    Draft,
    Prefill,
    Session,
    Stage,
)
from conversations.waiting import WORDS, draft_values, waiting_for
from scoring import Period
from scoring.fields import LIST_FIELD, QUESTION_FIELDS
from storage.people import Person, Role

PERIOD = Period(2026, 5)


def _example(cls: type) -> typing.Any:
    values: dict[str, typing.Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            continue
        kind = str(f.type)
        if "tuple" in kind:
            values[f.name] = (PERIOD,)
        elif "Period" in kind:
            values[f.name] = PERIOD
        elif "int" in kind:
            values[f.name] = 1
        else:
            values[f.name] = "ABC123"
    return cls(**values)


def _in_vocabulary(word: str | None) -> bool:
    assert word is not None
    return word.split(":", 1)[0] in WORDS


@pytest.mark.parametrize("cls", typing.get_args(Awaiting))
def test_every_awaiting_class_has_a_word(cls: type) -> None:
    word = waiting_for(Session(awaiting=_example(cls)))
    assert _in_vocabulary(word) and not word.startswith("field")  # type: ignore[union-attr]


@pytest.mark.parametrize("stage", list(Stage))
def test_every_draft_stage_has_a_word(stage: Stage) -> None:
    queue = tuple(f.id for f in QUESTION_FIELDS)
    for position in range(len(queue) + 1):
        draft = Draft(posyandu_id=1, period=PERIOD, queue=queue, position=position, stage=stage)
        assert _in_vocabulary(waiting_for(Session(draft=draft)))


def test_field_words() -> None:
    queue = tuple(f.id for f in QUESTION_FIELDS)
    words = [
        waiting_for(Session(draft=Draft(1, PERIOD, queue=queue, position=i)))
        for i in range(len(queue))
    ]
    assert words == [
        "programme_names" if field == LIST_FIELD else f"field:{field}" for field in queue
    ]
    assert waiting_for(Session(draft=Draft(1, PERIOD, stage=Stage.SUMMARY))) == "confirm"


def test_a_pending_question_comes_before_the_draft() -> None:
    session = Session(draft=Draft(1, PERIOD, queue=("s",)), awaiting=AwaitPeriod((PERIOD,)))
    assert waiting_for(session) == "month"
    assert waiting_for(Session()) is None
    assert waiting_for(Session(pages=("more",))) is None


def test_draft_values() -> None:
    assert draft_values(Session()) == {}
    assert draft_values(Session(awaiting=AwaitPeriod((PERIOD,)))) == {}
    draft = Draft(1, PERIOD, counts={"s": 40, "t2": None}, programmes=("PMT",))
    assert draft_values(Session(draft=draft)) == {
        "buka": True,
        "s": 40,
        "t2": None,
        LIST_FIELD: ["PMT"],
    }


def test_still_the_same_is_its_own_word() -> None:
    """ "Masih sama dengan bulan lalu?" is answered YA, TIDAK or by the values that changed."""
    assert waiting_for(Session(draft=Draft(1, PERIOD, stage=Stage.SAME))) == "same"
    assert waiting_for(Session(draft=Draft(1, PERIOD, stage=Stage.SOFT))) == "yes_no"


def test_isi_ulang_or_batal_is_a_choice_not_a_yes_no() -> None:
    """ "Already reported: ISI ULANG or BATAL" has no yes; with a quick report's values it is
    YA or BATAL."""
    assert waiting_for(Session(awaiting=AwaitChange(PERIOD, 1))) == "choice"
    prefilled = AwaitChange(PERIOD, 1, Prefill(counts={"s": 40}))
    assert waiting_for(Session(awaiting=prefilled)) == "yes_no"


def test_lapor_and_its_month_answer_read_the_register_months() -> None:
    """LAPOR (and the answer naming its month, as LAPOR <month>) reads the register's
    anonymous counts of the months to report; other commands and answers do not."""
    kader = Person(1, "Sari", Role.KADER, posyandu_id=1)
    asked = Session(awaiting=AwaitPeriod((PERIOD, PERIOD.shift(-1))))
    assert plan(Session(), parse_message("LAPOR"), kader, PERIOD).register_months
    assert plan(asked, parse_message("November"), kader, PERIOD).register_months
    assert not plan(Session(), parse_message("RIWAYAT"), kader, PERIOD).register_months
    assert not plan(Session(), parse_message("40"), kader, PERIOD).register_months
