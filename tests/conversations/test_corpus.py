"""Issue 23: everyday answers (tests/conversations/corpus/answers.tsv, made by make_corpus.py
from domain.md "How kader write") through the real step function: no number is stored in a
field it was not meant for, every clear answer is understood, every unsure one asked back.

``python -m tests.conversations.test_corpus`` prints the rates and every answer missed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conversations.session import Session, Stage
from tests.conversations.world import World

CORPUS = Path(__file__).parent / "corpus" / "answers.tsv"

#: The answers given before each question (tests/conversations/corpus/make_corpus.py FIELDS).
BEFORE = {
    "kader": 7,
    "s": 50,
    "k": 44,
    "d": 41,
    "n": 29,
    "bgm": 2,
    "t2": 1,
    "bumil": 6,
    "bumil_periksa": 5,
    "rujukan": 2,
    "pus": 82,
    "kb_aktif": 52,
    "bayi": 12,
    "bayi_imunisasi": 2,
}
#: Last month's values that "Masih sama?" offers in the test world.
KEPT = {"kader": 6, "s": 48, "bumil": 6, "pus": 80, "bayi": 12}


@dataclass(frozen=True)
class Case:
    context: str
    answer: str
    expect: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    #: What changed in the report's values (field -> value).
    stored: dict[str, int | None]
    #: The same question is still asked.
    asked_back: bool
    stage: Stage | None
    current: str | None


def cases() -> list[Case]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return [Case(**row) for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


@cache
def _world_at(context: str) -> tuple[World, Session]:
    world = World.demo()
    world.send("kader", "LAPOR")
    if context == "same":
        return world, world.sessions["kader"]
    world.send("kader", "TIDAK")  # the head counts asked one by one
    field = "d" if context == "soft" else context.removeprefix("field:")
    while True:
        draft = world.sessions["kader"].draft
        assert draft is not None and draft.stage is Stage.FIELD
        if draft.current == field:
            break
        assert draft.current is not None, context
        world.send("kader", str(BEFORE[draft.current]))
    if context == "soft":
        world.send("kader", "46")  # more than K (44)
        assert world.sessions["kader"].draft.stage is Stage.SOFT  # type: ignore[union-attr]
    return world, world.sessions["kader"]


def run(case: Case) -> Outcome:
    world, session = _world_at(case.context)
    world.sessions["kader"] = session
    before = session.draft
    assert before is not None
    world.send("kader", case.answer)
    after = world.sessions["kader"].draft
    assert after is not None, case
    stored = {
        f: v for f, v in after.counts.items() if f not in before.counts or before.counts[f] != v
    }
    asked_back = after.stage is before.stage and after.current == before.current and not stored
    return Outcome(case, stored, asked_back, after.stage, after.current)


def expected(case: Case) -> dict[str, int | None] | None:
    """The values the answer must store; None when it must store nothing."""
    if case.expect in ("ask", "no"):
        return None
    if case.expect == "skip":
        return {case.context.removeprefix("field:"): None}
    if case.expect == "yes":
        return dict(KEPT) if case.context == "same" else {"d": 46}
    values: dict[str, int | None] = {}
    for pair in case.expect.split():
        field, value = pair.split("=")
        values[field] = int(value)
    return {**KEPT, **values} if case.context == "same" else values


def wrong(outcome: Outcome) -> bool:
    """A number stored that was not meant: in another field, or another value."""
    want = expected(outcome.case) or {}
    return any(f not in want or want[f] != v for f, v in outcome.stored.items())


def understood(outcome: Outcome) -> bool:
    case = outcome.case
    want = expected(case)
    if want is not None:
        return outcome.stored == want
    if case.expect == "no":
        return outcome.stage is Stage.FIELD and not outcome.stored
    return outcome.asked_back


@dataclass(frozen=True)
class Rates:
    total: int
    wrong: list[Outcome]
    clear: int
    clear_missed: list[Outcome]
    unsure: int
    unsure_missed: list[Outcome]


def measure() -> Rates:
    outcomes = [run(case) for case in cases()]
    clear = [o for o in outcomes if o.case.expect != "ask"]
    unsure = [o for o in outcomes if o.case.expect == "ask"]
    return Rates(
        total=len(outcomes),
        wrong=[o for o in outcomes if wrong(o)],
        clear=len(clear),
        clear_missed=[o for o in clear if not understood(o)],
        unsure=len(unsure),
        unsure_missed=[o for o in unsure if not understood(o)],
    )


@cache
def _rates() -> Rates:
    return measure()


def test_the_corpus_is_broad() -> None:
    rates = _rates()
    assert rates.total >= 2000 and rates.unsure >= 500


def test_no_number_is_stored_where_it_was_not_meant() -> None:
    assert [(o.case, o.stored) for o in _rates().wrong] == []


def test_every_unsure_answer_is_asked_back() -> None:
    assert [o.case for o in _rates().unsure_missed] == []


def test_clear_answers_are_understood() -> None:
    rates = _rates()
    assert len(rates.clear_missed) <= 0.01 * rates.clear, [o.case for o in rates.clear_missed]


def _lines(rates: Rates) -> Iterator[str]:
    yield f"answers: {rates.total} ({rates.clear} clear, {rates.unsure} unsure)"
    yield f"numbers stored where not meant: {len(rates.wrong)}"
    got = rates.clear - len(rates.clear_missed)
    yield f"clear understood: {got}/{rates.clear} ({got / rates.clear:.1%})"
    asked = rates.unsure - len(rates.unsure_missed)
    yield f"unsure asked back: {asked}/{rates.unsure} ({asked / rates.unsure:.1%})"
    for o in (*rates.wrong, *rates.clear_missed, *rates.unsure_missed):
        case, where = o.case, f"{o.stage} {o.current}"
        yield f"  {case.context}\t{case.answer!r}\t{case.expect}\tgot {o.stored} {where}"


if __name__ == "__main__":
    print("\n".join(_lines(measure())))
