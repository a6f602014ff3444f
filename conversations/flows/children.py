"""The child register by chat: ANAK BARU (a kader enters a child of their posyandu).

One question at a time: the child's name, L or P, the birth date as people write it
(:func:`scoring.dates.parse_written_date`), the mother's name; then the read-back and the
parents' consent. Only a YA to the consent adds the child (:class:`AddChild`, the consent
taken by the kader). Without the register's key the command says so in one sentence. The
names pending in the session are stored encrypted (:mod:`conversations.session`); nothing
here logs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from conversations.catalogue import say
from conversations.commands import bare_answer, normalise, parse_yes_no
from conversations.effects import AddChild, StepResult
from conversations.flows.common import Call, done, posyandu_of
from conversations.format import day_date
from conversations.model import Context
from conversations.replies import Text
from conversations.session import AwaitChild, ChildStage, Session
from scoring.dates import WrittenDateError, parse_written_date
from scoring.growth import Sex, age_months
from scoring.lexicon import SEX_WORDS
from storage.children import NewChild

__all__ = ["anak_baru", "answer_child"]

#: The longest name taken (the register's names are short; a longer text is not a name).
MAX_NAME = 60
#: A child of this age (months) or older is not a balita, not on the register.
MAX_AGE_MONTHS = 60
_NAME = re.compile(r"[^\W\d_][^\W\d_ .'-]*(?:[ .'-]+[^\W\d_]+)*\.?")


def text(key: str, **values: object) -> Text:
    """A reply of this flow: it may show a child's names, so its outbox row forgets them once
    delivered (``private``)."""
    return Text(say(key, **values), private=True)


def read_name(answer: str) -> str | None:
    """A person's name as typed ("andi  saputra" -> "Andi Saputra"), or None."""
    name = " ".join(normalise(answer).split())
    if not name or len(name) > MAX_NAME or _NAME.fullmatch(name) is None:
        return None
    return " ".join(w[:1].upper() + w[1:] for w in name.split(" "))


def anak_baru(call: Call) -> StepResult:
    """ANAK BARU [name]: start entering a child (the name may come with the command)."""
    if not call.ctx.register:
        return done(call.session, text("child.off"))
    posyandu_of(call.ctx)
    start = AwaitChild()
    if call.args:
        name = read_name(" ".join(call.args))
        if name is not None:
            start = AwaitChild(ChildStage.SEX, name=name)
    return _ask(call.session, start)


def _ask(session: Session, child: AwaitChild) -> StepResult:
    """Ask what ``child``'s stage asks."""
    stage = child.stage
    if stage is ChildStage.NAME:
        reply = text("child.ask_name")
    elif stage is ChildStage.SEX:
        reply = text("child.ask_sex", name=child.name)
    elif stage is ChildStage.BIRTH:
        reply = text("child.ask_birth", name=child.name)
    elif stage is ChildStage.MOTHER:
        reply = text("child.ask_mother", name=child.name)
    elif stage is ChildStage.CHECK:
        reply = text("child.check", **_shown(child))
    else:
        reply = text("child.consent")
    return done(replace(session, awaiting=child), reply)


def _shown(child: AwaitChild) -> dict[str, str]:
    assert child.birth is not None
    return {
        "name": child.name or "",
        "sex": say(f"child.sex.{child.sex}"),
        "birth": day_date(date.fromisoformat(child.birth)),
        "mother": child.mother or "",
    }


def answer_child(ctx: Context, session: Session, answer: str, child: AwaitChild) -> StepResult:
    """The answer to ANAK BARU's pending question."""
    stage = child.stage
    if stage is ChildStage.NAME:
        name = read_name(answer)
        if name is None:
            return done(session, text("child.bad_name"))
        return _ask(session, replace(child, stage=ChildStage.SEX, name=name))
    if stage is ChildStage.SEX:
        sex = SEX_WORDS.get(bare_answer(answer))
        if sex is None:
            return done(session, text("child.bad_sex"))
        return _ask(session, replace(child, stage=ChildStage.BIRTH, sex=sex))
    if stage is ChildStage.BIRTH:
        return _birth(ctx, session, answer, child)
    if stage is ChildStage.MOTHER:
        mother = read_name(answer)
        if mother is None:
            return done(session, text("child.bad_name"))
        return _ask(session, replace(child, stage=ChildStage.CHECK, mother=mother))
    return _yes_no(ctx, session, answer, child)


def _birth(ctx: Context, session: Session, answer: str, child: AwaitChild) -> StepResult:
    try:
        born = parse_written_date(answer)
    except WrittenDateError:
        return done(session, text("child.bad_birth"))
    if born > ctx.today:
        return done(session, text("child.future_birth", date=day_date(born)))
    if age_months(born, ctx.today) >= MAX_AGE_MONTHS:
        return done(session, text("child.too_old", date=day_date(born)))
    return _ask(session, replace(child, stage=ChildStage.MOTHER, birth=born.isoformat()))


def _yes_no(ctx: Context, session: Session, answer: str, child: AwaitChild) -> StepResult:
    """The read-back (TIDAK: enter again) and the consent (TIDAK: nothing is recorded)."""
    said = parse_yes_no(answer)
    if said is None:
        return done(session, text("child.yes_no"))
    if child.stage is ChildStage.CHECK:
        if not said:
            return _ask(session, AwaitChild())
        return _ask(session, replace(child, stage=ChildStage.CONSENT))
    cleared = replace(session, awaiting=None)
    if not said:
        return done(cleared, text("child.no_consent", name=child.name))
    assert child.name and child.mother and child.birth and child.sex
    new = NewChild(
        name=child.name,
        sex=Sex(child.sex),
        birth_date=date.fromisoformat(child.birth),
        mother_name=child.mother,
    )
    effect = AddChild(posyandu_of(ctx).info.id, new)
    return done(cleared, text("child.saved", name=child.name), effects=(effect,))
