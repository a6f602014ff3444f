"""The guided monthly report: one question at a time, KEMBALI and BATAL, soft confirmations,
the summary, YA to save. Pure functions of (session, context, answer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations.catalogue import say
from conversations.choices import parse_choice
from conversations.commands import normalise, parse_yes_no
from conversations.effects import SaveReport, StepResult
from conversations.figure_words import count
from conversations.flows.common import cancelled, done, match_choice, posyandu_of, text
from conversations.flows.summary import saved_replies, summary_text, warning_text
from conversations.format import problem_text
from conversations.model import Context, PosyanduData
from conversations.numbers import NumberProblem
from conversations.periods import format_period
from conversations.programmes import ProgrammeProblem, parse_programmes
from conversations.replies import Text
from conversations.reports import Offer, draft_report, offer, rare_due, rule_context, same_value
from conversations.session import Draft, Prefill, Session, Stage
from conversations.understand import Meaning, Reading, read_answer, read_named
from scoring import MonthReport, Period, Problem, check_answer, check_report
from scoring.fields import (
    FIELD_BY_ID,
    FIELD_RANK,
    LIST_FIELD,
    QUESTION_FIELDS,
    RARE_FIELDS,
    SAME_FIELDS,
    Field,
    FieldRole,
    applies,
)
from scoring.lexicon import BACK_ANSWERS, SKIP_WORDS

__all__ = [
    "answer",
    "back",
    "begin",
    "change_value",
    "change_values",
    "noted",
    "number_reason",
    "programme_reason",
    "prompts",
    "soft_key",
]


def soft_key(problem: Problem) -> str:
    return f"{problem.rule}:{problem.field}"


def programme_reason(problem: ProgrammeProblem) -> str:
    if problem is ProgrammeProblem.TOO_LONG:
        return say("answer.programme_long")
    if problem is ProgrammeProblem.WHICH:
        return say("answer.programme_which")
    return say("answer.programme_bad")


def number_reason(problem: NumberProblem, field: str) -> str:
    example = say(f"example.{field}")
    key = "not_a_number" if problem is NumberProblem.EMPTY else problem.value
    return say(f"answer.{key}", example=example)


# --- what to ask -----------------------------------------------------------------------------


def _asked_here(ctx: Context, spec: Field) -> bool:
    """A core field, or a service field this deployment turned on (``SERVICE_FIELDS``)."""
    return not spec.service or spec.id in ctx.limits.service_fields


def _queue(ctx: Context, period: Period, given: set[str], redo: bool) -> tuple[str, ...]:
    """The questions asked whatever the answers; a field asked only when it applies waits
    (:func:`_waiting`) and joins the queue when it does (:func:`_next_stage`)."""
    data = posyandu_of(ctx)
    saved = data.reports.get(period)
    had_rare = saved is not None and any(saved.report.count(f) is not None for f in RARE_FIELDS)
    ask_rare = rare_due(data, period, ctx.limits.kk_refresh_months) or (redo and had_rare)
    return tuple(
        spec.id
        for spec in QUESTION_FIELDS
        if spec.id not in given
        and (ask_rare or spec.id not in RARE_FIELDS)
        and _asked_here(ctx, spec)
        and spec.when is None
    )


def _waiting(ctx: Context, given: set[str]) -> tuple[str, ...]:
    """The fields this deployment asks only when they apply (vitamin A in its months, referral
    after BGM, 2T or KEK > 0), not given up front."""
    return tuple(
        spec.id
        for spec in QUESTION_FIELDS
        if spec.id not in given and _asked_here(ctx, spec) and spec.when is not None
    )


def _period_problems(ctx: Context, data: PosyanduData, draft: Draft) -> list[Problem]:
    report = MonthReport(period=draft.period)
    problems = check_report(report, rule_context(ctx, data, draft.period, draft.register))
    return [p for p in problems if not p.hard and soft_key(p) not in draft.confirmed]


def _report_problems(ctx: Context, data: PosyanduData, draft: Draft) -> list[Problem]:
    return check_report(draft_report(draft), rule_context(ctx, data, draft.period, draft.register))


# --- prompts ---------------------------------------------------------------------------------


def _offer_line(data: PosyanduData, draft: Draft, field: str) -> str:
    found = offer(data, draft, field)
    if found is None:
        return ""
    value = (
        ", ".join(found.value) or say("value.none")
        if isinstance(found.value, tuple)
        else count(found.value)
    )
    if found.source == "current":
        return say("offer.current", value=value)
    if found.source == "previous" or found.period is None:
        return say("offer.previous", value=value)
    return say("offer.older", value=value, month=format_period(found.period))


#: The longest answer button: WhatsApp's quick-reply titles hold 20 characters.
_BUTTON_LIMIT = 20


def _buttons(data: PosyanduData, draft: Draft, field: str) -> tuple[str, ...]:
    """The answers a question's buttons offer: "= 56" (last month's value), LEWATI for an
    optional field, TIDAK for the programme names."""
    found = offer(data, draft, field)
    buttons: list[str] = []
    if field == LIST_FIELD:
        buttons.append(say("button.none"))
    if found is not None:
        value = found.value
        shown = (
            (", ".join(value) or say("value.none")) if isinstance(value, tuple) else count(value)
        )
        same = f"= {shown}"
        buttons.append(same if len(same) <= _BUTTON_LIMIT else "=")
    if FIELD_BY_ID[field].optional:
        buttons.append(say("button.skip"))
    return tuple(buttons)


def _question(ctx: Context, draft: Draft, header: bool) -> Text:
    data = posyandu_of(ctx)
    field = draft.current
    assert field is not None
    lines = [_offer_line(data, draft, field)]
    if FIELD_BY_ID[field].optional:
        lines.append(say("offer.skip"))
    extra = "".join(f"\n{line}" for line in lines if line)
    # How to answer ("Jawab angka, mis. 40 (anak).") is said once, at the first question; a
    # wrong answer is told the example again. The names question always says how to say none.
    explain = header or draft.position == 0 or field == LIST_FIELD
    body = say(
        "report.question",
        number=draft.position + 1,
        total=len(draft.queue),
        question=say(f"ask.{field}"),
        answer=f"\n{say(f'unit.{field}')}" if explain else "",
        extra=extra,
    )
    if header:
        started = draft.counts or draft.programmes is not None
        start = say(
            "report.start_rest" if started else "report.start",
            period=format_period(draft.period),
            posyandu=data.info.name,
            # Still to answer: the current question and the ones after it.
            total=len(draft.queue) - draft.position,
        )
        body = f"{start}\n\n{body}\n{say('report.way_out')}"
    return Text(body, _buttons(data, draft, field), numbered=False)


# --- last month's values, confirmed at once --------------------------------------------------


def _same_offers(ctx: Context, draft: Draft) -> dict[str, Offer]:
    """Earlier values of the fields usually the same (kader on duty, the denominators) still
    to ask in a new report: one YA confirms them all. Fewer than two: asked one by one."""
    if draft.base_revision is not None or draft.position > 0:
        return {}
    data = posyandu_of(ctx)
    # Values already given (UBAH S 50 typed here) are not asked again.
    ask = (
        f
        for f in draft.queue
        if (f in SAME_FIELDS or f in draft.register) and draft.counts.get(f) is None
    )
    found = {f: offer(data, draft, f) for f in ask}
    offers = {f: o for f, o in found.items() if o is not None and isinstance(o.value, int)}
    return offers if len(offers) >= 2 else {}


def _same_example(fields: Mapping[str, object]) -> str:
    """ "S 48": a change typed as a name and a number, shown on a head count of the area."""
    first = next((f for f in fields if FIELD_BY_ID[f].denominator), next(iter(fields)))
    return f"{FIELD_BY_ID[first].shown} {say(f'example.{first}')}"


def _values_line(offers: Mapping[str, Offer]) -> str:
    """ "Kader 5 · S 48 · Ibu hamil 8": the values offered, as names and numbers."""
    return " · ".join(
        f"{FIELD_BY_ID[f].shown} {o.value}" for f, o in offers.items() if isinstance(o.value, int)
    )


def _earlier_body(offers: Mapping[str, Offer], example: str) -> str:
    """ "Masih sama dengan bulan lalu?" (or with the report of an older month)."""
    values = _values_line(offers)
    periods = {o.period for o in offers.values() if o.source != "previous"}
    if periods:
        latest = max(p for p in periods if p is not None)
        return say("same.ask_older", month=format_period(latest), values=values, example=example)
    return say("same.ask", values=values, example=example)


def _same_body(offers: Mapping[str, Offer]) -> str:
    """The values to confirm at once; S and K counted from the child register (after
    SELESAI) on a line of their own, the others as last month's."""
    example = _same_example(offers)
    counted = {f: o for f, o in offers.items() if o.source == "register"}
    if not counted:
        return _earlier_body(offers, example)
    earlier = {f: o for f, o in offers.items() if o.source != "register"}
    lines = [say("same.register", values=_values_line(counted))]
    if earlier:
        periods = {o.period for o in earlier.values() if o.source != "previous"}
        month = max((p for p in periods if p is not None), default=None)
        key = "same.earlier" if month is None else "same.earlier_older"
        month_name = "" if month is None else format_period(month)
        lines.append(say(key, values=_values_line(earlier), month=month_name))
    return say("same.ask_register", values="\n".join(lines), example=example)


def _same_question(ctx: Context, draft: Draft, header: bool) -> Text:
    data = posyandu_of(ctx)
    body = _same_body(_same_offers(ctx, draft))
    if header:
        start = say(
            "report.start_same", period=format_period(draft.period), posyandu=data.info.name
        )
        body = f"{start}\n\n{body}\n{say('report.way_out')}"
    return Text(body, ("YA", "TIDAK"))


def _keep_same(
    ctx: Context, session: Session, draft: Draft, values: dict[str, int], header: bool
) -> StepResult:
    """The values kept (and those typed instead) fill the draft; their questions go."""
    queue = tuple(f for f in draft.queue if f not in values)
    draft = replace(draft, counts={**draft.counts, **values}, queue=queue, position=0)
    draft = _next_stage(draft)
    return done(replace(session, draft=draft), *prompts(ctx, draft, header=header))


def _answer_same(ctx: Context, session: Session, draft: Draft, reply: str) -> StepResult:
    """YA: all as before; TIDAK: ask them one by one; "S 70" (names and numbers): those
    change and the others stay."""
    offers = {f: o.value for f, o in _same_offers(ctx, draft).items()}
    kept = {f: v for f, v in offers.items() if isinstance(v, int)}
    if not kept:  # UBAH gave them: the questions go on
        return _answer_field(ctx, session, replace(draft, stage=Stage.FIELD), reply)
    picked = match_choice(reply, ("YA", "TIDAK"))
    reading = _read(ctx, picked or reply, None)
    if reading.meaning in (Meaning.YES, Meaning.SAME):
        return _keep_same(ctx, session, draft, kept, header=False)
    if reading.meaning is Meaning.NO:
        draft = replace(draft, stage=Stage.FIELD)
        return done(replace(session, draft=draft), *prompts(ctx, draft))
    counts = dict(reading.values) if reading.meaning is Meaning.NAMED else {}
    if not counts or any(f not in draft.queue for f in counts):
        example = _same_example(kept)
        return done(session, text("same.again", ("YA", "TIDAK"), example=example))
    return _keep_same(ctx, session, draft, {**kept, **counts}, header=False)


def noted(note: str, ctx: Context, draft: Draft, header: bool = False) -> tuple[Text, ...]:
    """``note`` ("Diubah: D 40 menjadi 41."), then what ``draft`` is waiting for."""
    first, *rest = prompts(ctx, draft, header)
    return (Text(f"{note}\n\n{first.body}", first.choices, first.numbered), *rest)


def prompts(ctx: Context, draft: Draft, header: bool = False) -> tuple[Text, ...]:
    """The messages that ask what ``draft`` is waiting for: one, or the summary's values and
    its warning."""
    if draft.stage is Stage.SUMMARY or (
        draft.stage is Stage.FIELD and draft.position >= len(draft.queue)
    ):
        data = posyandu_of(ctx)
        problems = _report_problems(ctx, data, draft)
        blocking = [p for p in problems if p.hard]
        warnings = [p for p in problems if not p.hard and soft_key(p) not in draft.confirmed]
        return summary_text(ctx, data, draft_report(draft), warnings, blocking)
    return (_ask(ctx, draft, header),)


def _ask(ctx: Context, draft: Draft, header: bool) -> Text:
    """The one message that asks a question of the report (not its summary)."""
    data = posyandu_of(ctx)
    if draft.stage is Stage.PERIOD_SOFT:
        problems = _period_problems(ctx, data, draft)
        message = problem_text(problems[0]) if problems else ""
        return text("period.soft", ("YA", "TIDAK"), message=message)
    if draft.stage is Stage.SAME:
        if _same_offers(ctx, draft):
            return _same_question(ctx, draft, header)
        draft = replace(draft, stage=Stage.FIELD)  # UBAH gave them: the questions go on
    if draft.stage is Stage.SOFT and draft.current is not None and draft.pending is not None:
        soft = _soft_problems(ctx, data, draft, draft.current, draft.pending)
        if soft:
            # One choice only: channels without buttons show no numbered list, so a typed
            # number is always the corrected value, never "choice 1" or "choice 2".
            return text("answer.soft", ("YA",), message=problem_text(soft[0]))
    return _question(ctx, draft, header)


# --- moving through the questions ------------------------------------------------------------


def _with_due(draft: Draft) -> Draft:
    """The waiting fields that apply now (to the period and the answers so far) join the queue
    at their registry place among the questions still to come: the referral question once BGM,
    2T or KEK is above zero. Decided when the next question comes up, so an answer given
    earlier in the same report counts."""
    due = [f for f in draft.waiting if applies(FIELD_BY_ID[f], draft.period, draft.counts)]
    if not due:
        return draft
    queue = list(draft.queue)
    for field in due:
        later = (
            i for i in range(draft.position, len(queue)) if FIELD_RANK[queue[i]] > FIELD_RANK[field]
        )
        queue.insert(next(later, len(queue)), field)
    waiting = tuple(f for f in draft.waiting if f not in due)
    return replace(draft, queue=tuple(queue), waiting=waiting)


def _next_stage(draft: Draft) -> Draft:
    draft = _with_due(draft)
    if draft.position >= len(draft.queue):
        return replace(draft, stage=Stage.SUMMARY, pending=None)
    return replace(draft, stage=Stage.FIELD, pending=None)


def _first_stage(ctx: Context, draft: Draft) -> Draft:
    """Where a new report starts once its period is settled: last month's values at once,
    else the first question."""
    draft = _next_stage(draft)
    if draft.stage is Stage.FIELD and _same_offers(ctx, draft):
        return replace(draft, stage=Stage.SAME)
    return draft


def begin(
    ctx: Context,
    session: Session,
    period: Period,
    prefill: Prefill | None = None,
    base_revision: int | None = None,
) -> StepResult:
    """Start a report for ``period`` (``base_revision``: it replaces the saved one)."""
    data = posyandu_of(ctx)
    counts = dict(prefill.counts) if prefill else {}
    programmes = prefill.programmes if prefill else None
    choices = dict(prefill.choices) if prefill else {}
    register = dict(prefill.register) if prefill else {}
    given = set(counts) | set(choices) | ({LIST_FIELD} if programmes is not None else set())
    draft = Draft(
        posyandu_id=data.info.id,
        period=period,
        counts=counts,
        programmes=programmes,
        queue=_queue(ctx, period, given, redo=base_revision is not None and prefill is None),
        base_revision=base_revision,
        choices=choices,
        waiting=_waiting(ctx, given),
        register=register,
    )
    if _period_problems(ctx, data, draft):
        draft = replace(draft, stage=Stage.PERIOD_SOFT)
    else:
        draft = _first_stage(ctx, draft)
    return done(replace(session, draft=draft, awaiting=None), *prompts(ctx, draft, header=True))


def _ask_again(ctx: Context, session: Session, draft: Draft, reason: str) -> StepResult:
    draft = replace(draft, stage=Stage.FIELD, pending=None)
    return done(replace(session, draft=draft), *noted(reason, ctx, draft))


def _accept(
    ctx: Context, session: Session, draft: Draft, field: str, value: object, confirm: set[str]
) -> StepResult:
    if field == LIST_FIELD:
        assert value is None or isinstance(value, tuple)
        draft = replace(draft, programmes=value)
    elif FIELD_BY_ID[field].role is FieldRole.CHOICE:
        assert value is None or isinstance(value, str)
        draft = replace(draft, choices={**draft.choices, field: value})
    else:
        assert value is None or isinstance(value, int)
        draft = replace(draft, counts={**draft.counts, field: value})
    draft = replace(draft, confirmed=draft.confirmed | confirm, position=draft.position + 1)
    draft = _next_stage(draft)
    return done(replace(session, draft=draft), *prompts(ctx, draft))


def _soft_problems(
    ctx: Context, data: PosyanduData, draft: Draft, field: str, value: int
) -> list[Problem]:
    problems = check_answer(
        field,
        value,
        draft.counts,
        rule_context(ctx, data, draft.period, draft.register),
        draft.period,
    )
    return [p for p in problems if not p.hard and soft_key(p) not in draft.confirmed]


def _says_same(answer: str) -> bool:
    """ "=" exactly, or a same-as-last-month phrase ("sama", "masih sama bu", "msh sm",
    "tidak ada yg berubah")."""
    return read_answer(answer).meaning is Meaning.SAME


def _tapped_value(answer: str) -> str:
    """ "= 56" (the button offering last month's value, or typed so): the value itself."""
    if answer.startswith("=") and answer[1:].strip():
        return answer[1:].strip()
    return answer


def _answer_programme(ctx: Context, session: Session, draft: Draft, answer: str) -> StepResult:
    data = posyandu_of(ctx)
    if _says_same(answer):
        found = offer(data, draft, LIST_FIELD)
        if found is None or not isinstance(found.value, tuple):
            return _ask_again(ctx, session, draft, say("answer.programme_bad"))
        return _accept(ctx, session, draft, LIST_FIELD, found.value, set())
    parsed = parse_programmes(answer)
    if isinstance(parsed, ProgrammeProblem):
        return _ask_again(ctx, session, draft, programme_reason(parsed))
    return _accept(ctx, session, draft, LIST_FIELD, parsed, set())


def _answer_choice(
    ctx: Context, session: Session, draft: Draft, spec: Field, answer: str
) -> StepResult:
    """How the month was served: a word of the lexicon for one of its values, or LEWATI."""
    if answer.upper() in SKIP_WORDS:
        return _accept(ctx, session, draft, spec.id, None, set())
    value = parse_choice(spec, answer)
    if value is None:
        return _ask_again(
            ctx, session, draft, say("answer.choice", example=say(f"example.{spec.id}"))
        )
    return _accept(ctx, session, draft, spec.id, value, set())


def _answer_field(ctx: Context, session: Session, draft: Draft, answer: str) -> StepResult:
    field = draft.current
    assert field is not None
    answer = _tapped_value(answer)
    if not FIELD_BY_ID[field].is_count:
        # "d 41" at the programme or the choice question is D's, never a programme's name.
        named = read_named(answer, None, ctx.limits.service_fields)
        if named is not None and named.meaning is Meaning.NAMED:
            return _named(ctx, session, draft, named.values)
    if field == LIST_FIELD:
        return _answer_programme(ctx, session, draft, answer)
    spec = FIELD_BY_ID[field]
    if spec.role is FieldRole.CHOICE:
        return _answer_choice(ctx, session, draft, spec, answer)
    reading = _read(ctx, answer, field)
    if reading.meaning is Meaning.NAMED:
        return _named(ctx, session, draft, reading.values)
    if reading.meaning is Meaning.SAME:
        return _answer_same_value(ctx, session, draft, field)
    if reading.meaning is Meaning.SKIP:
        if not spec.optional:
            example = say(f"example.{field}")
            return _ask_again(ctx, session, draft, say("answer.not_optional", example=example))
        return _accept(ctx, session, draft, field, None, set())
    if reading.meaning is not Meaning.COUNT or reading.value is None:
        return _ask_again(ctx, session, draft, _unclear_reason(reading, field))
    return _answer_value(ctx, session, draft, field, reading.value)


def _read(ctx: Context, answer: str, field: str | None, strict: bool = False) -> Reading:
    return read_answer(answer, field, strict=strict, services=ctx.limits.service_fields)


def _unclear_reason(reading: Reading, field: str) -> str:
    """Why an answer is asked back: its number, or what it means is not sure."""
    if reading.problem is not None:
        return number_reason(reading.problem, field)
    if reading.meaning in (Meaning.YES, Meaning.NO):
        return number_reason(NumberProblem.NOT_A_NUMBER, field)
    return say("answer.unclear", example=say(f"example.{field}"))


def _answer_same_value(ctx: Context, session: Session, draft: Draft, field: str) -> StepResult:
    """ "sama" at a question: the value offered, or a count's value last month (said back)."""
    data = posyandu_of(ctx)
    found = offer(data, draft, field)
    if found is not None and isinstance(found.value, int):
        return _answer_value(ctx, session, draft, field, found.value)
    earlier = same_value(data, draft, field)
    if earlier is None or earlier.period is None or not isinstance(earlier.value, int):
        example = say(f"example.{field}")
        return _ask_again(ctx, session, draft, say("answer.no_offer", example=example))
    note = say(
        "answer.same_as",
        code=FIELD_BY_ID[field].shown,
        value=count(earlier.value),
        month=format_period(earlier.period),
    )
    result = _answer_value(ctx, session, draft, field, earlier.value)
    after = result.session.draft
    if after is None or (after.position == draft.position and after.stage is not Stage.SOFT):
        return result  # refused: the reason says why
    return done(result.session, *noted(note, ctx, after))


def _answer_value(
    ctx: Context, session: Session, draft: Draft, field: str, value: int
) -> StepResult:
    """A count for the field asked: refused (hard rule), confirmed first (soft), or taken."""
    data = posyandu_of(ctx)
    problems = check_answer(
        field,
        value,
        draft.counts,
        rule_context(ctx, data, draft.period, draft.register),
        draft.period,
    )
    hard = [p for p in problems if p.hard]
    if hard:
        return _ask_again(ctx, session, draft, problem_text(hard[0]))
    soft = [p for p in problems if soft_key(p) not in draft.confirmed]
    if soft:
        draft = replace(draft, stage=Stage.SOFT, pending=value)
        return done(replace(session, draft=draft), *prompts(ctx, draft))
    return _accept(ctx, session, draft, field, value, set())


def _named(ctx: Context, session: Session, draft: Draft, values: Mapping[str, int]) -> StepResult:
    """Fields named in an answer ("d 41" at the N question): each applied as UBAH applies it,
    all or none, said back; the question asked stays open (answered when it is named)."""
    applied = _apply(ctx, draft, dict(values))
    if isinstance(applied, str):
        return done(session, *noted(applied, ctx, draft))
    new, note = applied
    current, pending = draft.current, draft.pending
    if (
        new.stage is Stage.SOFT
        and current is not None
        and pending is not None
        and not _soft_problems(ctx, posyandu_of(ctx), new, current, pending)
    ):
        # The change answered the warning ("K 45" at "D (45) more than K (40)"): D is taken.
        new = _next_stage(
            replace(new, counts={**new.counts, current: pending}, position=new.position + 1)
        )
    return done(replace(session, draft=new), *noted(note, ctx, new))


def _choice_text(value: str | None) -> str:
    return "-" if value is None else say(f"choice.{value}")


def _cancel(session: Session, draft: Draft) -> StepResult:
    """BATAL picked from the choices: a change to a saved month says the saved report stays."""
    return done(
        replace(session, draft=None), cancelled(draft.period, draft.base_revision is not None)
    )


def _save(ctx: Context, session: Session, draft: Draft) -> StepResult:
    data = posyandu_of(ctx)
    report = draft_report(draft)
    if any(p.hard for p in check_report(report)):
        return done(session, *prompts(ctx, draft))
    name = ctx.person.name if ctx.person else ""
    replies = saved_replies(ctx, data, report, name, replaces=draft.base_revision is not None)
    effect = SaveReport(data.info.id, report, draft.base_revision)
    return done(replace(session, draft=None), *replies, effects=(effect,))


def _confirm_or_save(ctx: Context, session: Session, draft: Draft) -> StepResult:
    """YA to the summary: it confirms the warning shown (the most important one left); the next
    one is shown alone, and the YA after the last one saves."""
    data = posyandu_of(ctx)
    problems = _report_problems(ctx, data, draft)
    warnings = [p for p in problems if not p.hard and soft_key(p) not in draft.confirmed]
    if any(p.hard for p in problems) or not warnings:
        return _save(ctx, session, draft)
    draft = replace(draft, confirmed=draft.confirmed | {soft_key(warnings[0])})
    if len(warnings) == 1:
        return _save(ctx, session, draft)
    return done(replace(session, draft=draft), warning_text(warnings[1]))


def _says_back(reply: str) -> bool:
    """ "salah", "eh salah, S nya 45", "ulang": the kader wants the previous question."""
    words = tuple(w.strip(".,!?:;") for w in reply.upper().split())
    return any(words[: len(phrase)] == phrase for phrase in BACK_ANSWERS)


def answer(ctx: Context, session: Session, raw: str) -> StepResult:
    """A free answer while a report is in progress."""
    draft = session.draft
    assert draft is not None
    data = posyandu_of(ctx)
    reply = normalise(raw)
    if draft.stage in (Stage.FIELD, Stage.SOFT) and _says_back(reply):
        named = _read(ctx, reply, draft.current)
        if named.meaning is not Meaning.NAMED:  # "eh salah, S nya 45" is about S
            return back(ctx, session)
    yes: bool | None = None
    if draft.stage is Stage.SOFT:
        return _answer_soft(ctx, session, draft, reply)
    if draft.stage is not Stage.FIELD:
        picked = match_choice(reply, prompts(ctx, draft)[-1].choices)
        if picked == "BATAL":
            return _cancel(session, draft)
        yes = parse_yes_no(picked or reply)
    if draft.stage is Stage.PERIOD_SOFT:
        if yes is None:
            return done(session, *prompts(ctx, draft))
        if not yes:
            return _cancel(session, draft)
        keys = {soft_key(p) for p in _period_problems(ctx, data, draft)}
        draft = _first_stage(ctx, replace(draft, confirmed=draft.confirmed | keys))
        return done(replace(session, draft=draft), *prompts(ctx, draft, header=True))
    if draft.stage is Stage.SAME:
        return _answer_same(ctx, session, draft, reply)
    if draft.stage is Stage.SUMMARY:
        if yes:
            return _confirm_or_save(ctx, session, draft)
        reading = _read(ctx, reply, None)
        if reading.meaning is Meaning.NAMED and draft.buka:  # "d 41": as UBAH D 41
            return _named(ctx, session, draft, reading.values)
        return done(session, text("summary.again", ("YA", "BATAL")))
    return _answer_field(ctx, session, draft, reply)


def _answer_soft(ctx: Context, session: Session, draft: Draft, reply: str) -> StepResult:
    """The answer to a warning about the count just given ("D (45) lebih dari K (40)"): yes,
    no, a bare number (or "D 44") replacing it, or another field named. Other words ("gak
    ada", "ada 5", "nol") answer the warning, they are not a count: asked again."""
    data = posyandu_of(ctx)
    field = draft.current
    if field is None or draft.pending is None:
        return done(session, *prompts(ctx, draft))
    reading = _read(ctx, reply, field, strict=True)
    if reading.meaning is Meaning.YES and reading.value not in (None, draft.pending):
        return done(session, *prompts(ctx, draft))  # "ya 44" at "is 46 right?": asked again
    if reading.meaning is Meaning.YES:
        keys = {soft_key(p) for p in _soft_problems(ctx, data, draft, field, draft.pending)}
        return _accept(ctx, session, draft, field, draft.pending, keys)
    if reading.meaning is Meaning.NO:
        draft = replace(draft, stage=Stage.FIELD, pending=None)
        return done(replace(session, draft=draft), *prompts(ctx, draft))
    if reading.meaning is Meaning.NAMED:
        return _named(ctx, session, draft, reading.values)
    if reading.meaning is Meaning.COUNT and reading.value is not None:
        return _answer_value(ctx, session, draft, field, reading.value)
    if reply.strip() == "=":  # the value offered, as at the question
        return _answer_field(ctx, session, replace(draft, stage=Stage.FIELD), reply)
    return done(session, *prompts(ctx, draft))  # "tetap", "gak ada", "ada 5": asked again


def back(ctx: Context, session: Session) -> StepResult:
    """KEMBALI: the previous question."""
    draft = session.draft
    assert draft is not None
    if draft.stage is Stage.SOFT:
        draft = replace(draft, stage=Stage.FIELD, pending=None)
    elif draft.stage is Stage.SUMMARY and draft.queue:
        draft = replace(draft, stage=Stage.FIELD, position=len(draft.queue) - 1)
    elif draft.stage is Stage.FIELD and draft.position > 0:
        draft = replace(draft, position=draft.position - 1)
    else:
        return done(session, *noted(say("answer.back_first"), ctx, draft))
    return done(replace(session, draft=draft), *prompts(ctx, draft))


Value = int | str | tuple[str, ...] | None


def change_value(ctx: Context, session: Session, field: str, value: Value) -> StepResult:
    """UBAH inside a report in progress: change one value, then ask what was being asked."""
    return change_values(ctx, session, {field: value})


def _changed(draft: Draft, field: str, value: Value) -> tuple[Draft, str, str]:
    """``draft`` with one value changed, and the old and new values as shown."""
    if field == LIST_FIELD:
        new = replace(draft, programmes=value if isinstance(value, tuple) else None)
        return new, ", ".join(draft.programmes or ()) or "-", ", ".join(new.programmes or ()) or "-"
    if FIELD_BY_ID[field].role is FieldRole.CHOICE:
        new = replace(
            draft, choices={**draft.choices, field: value if isinstance(value, str) else None}
        )
        return new, _choice_text(draft.choices.get(field)), _choice_text(new.choices.get(field))
    number = value if isinstance(value, int) else None
    new = replace(draft, counts={**draft.counts, field: number})
    return new, count(draft.counts.get(field)), count(number)


def _apply(ctx: Context, draft: Draft, changes: Mapping[str, Value]) -> tuple[Draft, str] | str:
    """``draft`` with ``changes`` made and the sentence saying them back, or why none is made
    (a hard rule one of them breaks)."""
    data = posyandu_of(ctx)
    new = draft
    said: list[str] = []
    for field, value in changes.items():
        new, old_text, new_text = _changed(new, field, value)
        said.append(say("edit.change", code=FIELD_BY_ID[field].shown, old=old_text, new=new_text))
    for field, value in changes.items():
        if isinstance(value, int):
            others = {f: v for f, v in new.counts.items() if f != field}
            problems = check_answer(
                field,
                value,
                others,
                rule_context(ctx, data, draft.period, draft.register),
                draft.period,
            )
            hard = [p for p in problems if p.hard]
            if hard:
                return problem_text(hard[0])
    confirmed = frozenset(k for k in new.confirmed if not any(k.endswith(f":{f}") for f in changes))
    new = replace(new, confirmed=confirmed)
    if new.current in changes:
        if new.stage is Stage.SOFT:
            new = replace(new, stage=Stage.FIELD, pending=None)
        if new.stage is Stage.FIELD:
            new = _next_stage(replace(new, position=new.position + 1))
    return new, say("edit.draft_done", changes=", ".join(said))


def change_values(ctx: Context, session: Session, changes: Mapping[str, Value]) -> StepResult:
    """UBAH inside a report in progress: change the values (all, or none when one breaks a
    hard rule), say them back, then ask what was being asked."""
    draft = session.draft
    assert draft is not None
    applied = _apply(ctx, draft, changes)
    if isinstance(applied, str):
        return done(session, *noted(applied, ctx, draft))
    new, note = applied
    return done(replace(session, draft=new), *noted(note, ctx, new))
