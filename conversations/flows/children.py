"""The child register by chat: ANAK BARU (a kader enters a child of their posyandu),
HAPUS ANAK <name> (a parent withdrew consent: the child's identity is deleted, confirmed) and
KELUAR ANAK <name> (the child leaves the register: moved, died, turned five or another
reason, asked as a choice and confirmed; kept for the counts, off the TIMBANG list).

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
from conversations.effects import AddChild, LeaveChild, StepResult, WithdrawChild
from conversations.flows.common import Call, done, match_choice, posyandu_of
from conversations.format import day_date
from conversations.model import Context
from conversations.replies import Text
from conversations.session import AwaitChild, AwaitLeave, AwaitWithdraw, ChildStage, Session
from scoring.dates import WrittenDateError, parse_written_date
from scoring.growth import Sex, age_months
from scoring.lexicon import LEAVE_WORDS, SEX_WORDS
from storage.children import HAS_KMS_FIELD, Child, LeaveReason, NewChild

__all__ = [
    "anak_baru",
    "answer_child",
    "answer_leave",
    "answer_withdraw",
    "ask_child",
    "hapus_anak",
    "keluar_anak",
    "new_child",
    "read_name",
]

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
    return " ".join(_capitalised(w) for w in name.split(" "))


def _capitalised(word: str) -> str:
    """ "andi" and "ANDI" -> "Andi"; a word written in mixed case stays as written."""
    if word.islower() or word.isupper():
        return word[:1].upper() + word[1:].lower()
    return word


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
    return ask_child(call.session, start)


def ask_child(session: Session, child: AwaitChild) -> StepResult:
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
    elif stage is ChildStage.KMS:
        reply = text("child.ask_kms", name=child.name)
    elif stage is ChildStage.CHECK:
        key = "child.check" if child.has_kms is None else "child.check_kms"
        reply = text(key, **_shown(child))
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
        "kms": say("child.kms.yes" if child.has_kms else "child.kms.no"),
    }


def answer_child(ctx: Context, session: Session, answer: str, child: AwaitChild) -> StepResult:
    """The answer to ANAK BARU's pending question."""
    stage = child.stage
    if stage is ChildStage.NAME:
        name = read_name(answer)
        if name is None:
            return done(session, text("child.bad_name"))
        return ask_child(session, replace(child, stage=ChildStage.SEX, name=name))
    if stage is ChildStage.SEX:
        sex = SEX_WORDS.get(bare_answer(answer))
        if sex is None:
            return done(session, text("child.bad_sex"))
        return ask_child(session, replace(child, stage=ChildStage.BIRTH, sex=sex))
    if stage is ChildStage.BIRTH:
        return _birth(ctx, session, answer, child)
    if stage is ChildStage.MOTHER:
        mother = read_name(answer)
        if mother is None:
            return done(session, text("child.bad_name"))
        asks_kms = HAS_KMS_FIELD in ctx.register_fields
        following = ChildStage.KMS if asks_kms else ChildStage.CHECK
        return ask_child(session, replace(child, stage=following, mother=mother))
    if stage is ChildStage.KMS:
        has_kms = parse_yes_no(answer)
        if has_kms is None:
            return done(session, text("child.yes_no"))
        return ask_child(session, replace(child, stage=ChildStage.CHECK, has_kms=has_kms))
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
    return ask_child(session, replace(child, stage=ChildStage.MOTHER, birth=born.isoformat()))


def new_child(child: AwaitChild) -> NewChild:
    """The child entered, once every answer is in."""
    assert child.name and child.mother and child.birth and child.sex
    return NewChild(
        name=child.name,
        sex=Sex(child.sex),
        birth_date=date.fromisoformat(child.birth),
        mother_name=child.mother,
        has_kms=child.has_kms,
    )


def _yes_no(ctx: Context, session: Session, answer: str, child: AwaitChild) -> StepResult:
    """The read-back (TIDAK: enter again) and the consent (TIDAK: nothing is recorded)."""
    said = parse_yes_no(answer)
    if said is None:
        return done(session, text("child.yes_no"))
    if child.stage is ChildStage.CHECK:
        if not said:  # enter again (a weight from TIMBANG waits on)
            again = replace(child, stage=ChildStage.NAME, name=None, sex=None, birth=None)
            return ask_child(session, replace(again, mother=None, has_kms=None))
        return ask_child(session, replace(child, stage=ChildStage.CONSENT))
    cleared = replace(session, awaiting=None)
    if not said:
        return done(cleared, text("child.no_consent", name=child.name))
    effect = AddChild(posyandu_of(ctx).info.id, new_child(child))
    return done(cleared, text("child.saved", name=child.name), effects=(effect,))


# --- HAPUS ANAK ----------------------------------------------------------------------------


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _about(child: Child) -> dict[str, str]:
    return {"name": child.name, "birth": day_date(child.birth_date), "mother": child.mother_name}


def hapus_anak(call: Call) -> StepResult:
    """HAPUS ANAK <name>: the children of that exact name (several: which one), then YA."""
    named = _named(call, "withdraw.ask_name")
    if not isinstance(named, tuple):
        return named
    name, found = named
    if len(found) == 1:
        return _confirm(call.session, found[0])
    asked = AwaitWithdraw(tuple(c.id for c in found))
    reply = text("withdraw.choose", count=len(found), name=name, lines=_lines(found))
    return done(replace(call.session, awaiting=asked), reply)


def _named(call: Call, ask_key: str) -> StepResult | tuple[str, list[Child]]:
    """The children of exactly the name the command gives (HAPUS ANAK, KELUAR ANAK), or the
    reply when the register is off, no name is given (``ask_key``) or none has it."""
    ctx, session = call.ctx, call.session
    if not ctx.register or ctx.children is None:
        return done(session, text("child.off"))
    name = read_name(" ".join(call.args)) if call.args else None
    if name is None:
        return done(session, text(ask_key))
    found = [c for c in ctx.children if _key(c.name) == _key(name)]
    if not found:
        return done(session, text("withdraw.unknown", name=name))
    return name, found


def _lines(found: list[Child]) -> str:
    """The children of one name, numbered, with what tells them apart."""
    return "\n".join(
        say("withdraw.line", number=i, **_about(c)) for i, c in enumerate(found, start=1)
    )


def _confirm(session: Session, child: Child) -> StepResult:
    asked = AwaitWithdraw((child.id,))
    return done(replace(session, awaiting=asked), text("withdraw.confirm", **_about(child)))


def answer_withdraw(
    ctx: Context, session: Session, answer: str, waiting: AwaitWithdraw
) -> StepResult:
    """The number of the child meant, or YA / TIDAK to deleting their identity."""
    by_id = {c.id: c for c in ctx.children or ()}
    candidates = [by_id[i] for i in waiting.child_ids if i in by_id]
    cleared = replace(session, awaiting=None)
    if not candidates:
        return done(cleared, text("withdraw.gone"))
    if len(waiting.child_ids) > 1:
        numbers = [str(i) for i in range(1, len(waiting.child_ids) + 1)]
        picked = match_choice(answer, numbers)
        chosen = by_id.get(waiting.child_ids[int(picked) - 1]) if picked else None
        if picked is None:
            return done(session, text("withdraw.pick"))
        if chosen is None:
            return done(cleared, text("withdraw.gone"))
        return _confirm(session, chosen)
    child = candidates[0]
    said = parse_yes_no(answer)
    if said is None:
        return done(session, text("child.yes_no"))
    if not said:
        return done(cleared, text("withdraw.kept", name=child.name))
    reply = text("withdraw.done", name=child.name)
    return done(cleared, reply, effects=(WithdrawChild(child.id),))


# --- KELUAR ANAK ---------------------------------------------------------------------------


def _reasons() -> list[str]:
    """The register's reasons offered, in the lexicon's order."""
    return list(dict.fromkeys(LEAVE_WORDS.values()))


def keluar_anak(call: Call) -> StepResult:
    """KELUAR ANAK <name>: the children of that exact name (several: which one), the reason
    (a choice), then YA: the child leaves the register, kept for the counts."""
    named = _named(call, "leave.ask_name")
    if not isinstance(named, tuple):
        return named
    name, found = named
    if len(found) == 1:
        return _ask_reason(call.session, found[0])
    asked = AwaitLeave(tuple(c.id for c in found))
    reply = text("leave.choose", count=len(found), name=name, lines=_lines(found))
    return done(replace(call.session, awaiting=asked), reply)


def _ask_reason(session: Session, child: Child) -> StepResult:
    choices = "\n".join(
        say("leave.choice", number=i, word=say(f"leave.reason.{r}"))
        for i, r in enumerate(_reasons(), start=1)
    )
    asked = AwaitLeave((child.id,))
    reply = text("leave.ask_reason", choices=choices, **_about(child))
    return done(replace(session, awaiting=asked), reply)


def _reason_of(answer: str) -> str | None:
    """The register reason an answer picks: its number, or a word of the lexicon."""
    reasons = _reasons()
    picked = match_choice(answer, [str(i) for i in range(1, len(reasons) + 1)])
    if picked is not None:
        return reasons[int(picked) - 1]
    return LEAVE_WORDS.get(bare_answer(answer))


def answer_leave(ctx: Context, session: Session, answer: str, waiting: AwaitLeave) -> StepResult:
    """The number of the child meant, the reason, or YA / TIDAK to the child leaving."""
    by_id = {c.id: c for c in ctx.children or ()}
    cleared = replace(session, awaiting=None)
    if len(waiting.child_ids) > 1:
        numbers = [str(i) for i in range(1, len(waiting.child_ids) + 1)]
        picked = match_choice(answer, numbers)
        if picked is None:
            return done(session, text("leave.pick"))
        chosen = by_id.get(waiting.child_ids[int(picked) - 1])
        return _ask_reason(session, chosen) if chosen else done(cleared, text("withdraw.gone"))
    child = by_id.get(waiting.child_ids[0])
    if child is None:
        return done(cleared, text("withdraw.gone"))
    if waiting.reason is None:
        reason = _reason_of(answer)
        if reason is None:
            return done(session, text("leave.bad_reason", count=len(_reasons())))
        asked = replace(waiting, reason=reason)
        why = say(f"leave.reason.{reason}")
        reply = text("leave.confirm", why=why, **_about(child))
        return done(replace(session, awaiting=asked), reply)
    said = parse_yes_no(answer)
    if said is None:
        return done(session, text("child.yes_no"))
    if not said:
        return done(cleared, text("leave.kept", name=child.name))
    effect = LeaveChild(child.id, LeaveReason(waiting.reason))
    return done(cleared, text("leave.done", name=child.name), effects=(effect,))
