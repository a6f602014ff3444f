"""UBAH <field> <value> [month]: change one value, of the report in progress or of a saved
report (which keeps the old one as a revision)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from conversations.catalogue import say
from conversations.choices import parse_choice
from conversations.commands import normalise
from conversations.effects import SaveReport, StepResult
from conversations.figure_words import count
from conversations.flows import report
from conversations.flows.common import Call, done, posyandu_of, text
from conversations.flows.start import allowed_periods, allowed_text
from conversations.flows.summary import ratio_line
from conversations.format import field_names, problem_text
from conversations.model import Context, PosyanduData, SentReport
from conversations.numbers import NumberProblem, parse_count
from conversations.periods import format_period, format_period_short, parse_period_prefix
from conversations.programmes import ProgrammeProblem, parse_programmes
from conversations.replies import Text
from conversations.reports import rule_context
from conversations.session import AwaitChange, Draft, Session, Stage
from conversations.understand import Meaning, read_named
from scoring import Period, check_report
from scoring.fields import CHOICE_FIELDS, FIELD_BY_ID, LIST_FIELD, Field, FieldRole, field_by_alias
from scoring.lexicon import EDIT_SKIP_WORDS

__all__ = ["ubah"]

Value = int | str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class _Request:
    spec: Field
    value: Value
    period: Period | None


@dataclass(frozen=True, slots=True)
class _Many:
    """UBAH D 41 N 29: several counts at once, all changed or none."""

    values: dict[str, int]
    period: Period | None


def _many(ctx: Context, words: list[str]) -> _Many | str | None:
    """Several fields named with their counts (a trailing month allowed), the reason they
    cannot be read, or None when one field at most is named."""
    value_words, period = _split_value(words, ctx.current_period)
    named = [spec for w in value_words if (spec := field_by_alias(w)) is not None]
    if len(named) < 2:
        return None
    reading = read_named(" ".join(value_words), None, ctx.limits.service_fields)
    if reading is None or reading.meaning is not Meaning.NAMED or len(reading.values) < 2:
        if reading is not None and reading.problem is not None:
            return report.number_reason(reading.problem, named[0].id)
        return say("edit.usage")
    return _Many(dict(reading.values), period)


def _split_value(words: list[str], current: Period) -> tuple[list[str], Period | None]:
    """The value words and a trailing period ("UBAH S 50 NOV")."""
    for cut in range(1, len(words)):
        parsed = parse_period_prefix(words[cut:], current)
        if parsed is not None and parsed[1] == len(words) - cut:
            return words[:cut], parsed[0]
    return words, None


def _parse(ctx: Context, args: Sequence[str]) -> _Request | _Many | str:
    """The request, or the message explaining why it cannot be read."""
    words = normalise(" ".join(args).replace("=", " ").replace(":", " ")).split()
    if len(words) < 2:
        return say("edit.usage")
    many = _many(ctx, words)
    if many is not None:
        return many
    spec = field_by_alias(words[0])
    if spec is not None and spec.service and spec.id not in ctx.limits.service_fields:
        spec = None  # a service field this deployment does not ask is not taken
    if spec is None:
        return "\n".join(
            (
                say("edit.unknown_field", name=words[0][:20]),
                say("help.quick", names=field_names(ctx.limits.service_fields)),
            )
        )
    value_words, period = _split_value(words[1:], ctx.current_period)
    raw = " ".join(value_words)
    value: Value
    if spec.id == LIST_FIELD:
        parsed = parse_programmes(raw)
        if isinstance(parsed, ProgrammeProblem):
            return report.programme_reason(parsed)
        value = parsed
    elif spec.optional and raw.upper() in EDIT_SKIP_WORDS:
        value = None
    elif spec.role is FieldRole.CHOICE:
        value = parse_choice(spec, raw)
        if value is None:
            return say("answer.choice", example=say(f"example.{spec.id}"))
    else:
        number = parse_count(raw)
        if isinstance(number, NumberProblem):
            return report.number_reason(number, spec.id)
        value = number
    return _Request(spec, value, period)


def _show(value: Value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or say("value.none")
    if isinstance(value, str):
        return say(f"choice.{value}")
    return count(value)


def ubah(call: Call) -> StepResult:
    """UBAH <field> <value> [month]."""
    ctx, session = call.ctx, call.session
    request = _parse(ctx, call.args)
    if isinstance(request, str):
        return done(session, Text(request))
    draft = session.draft
    if draft is not None and request.period in (None, draft.period):
        if isinstance(request, _Many):
            return report.change_values(ctx, session, request.values)
        return report.change_value(ctx, session, request.spec.id, request.value)
    data = posyandu_of(ctx)
    period = request.period or _month(call, data)
    if period not in allowed_periods(ctx):
        return done(session, text("period.out_of_range", allowed=allowed_text(ctx)))
    stored = data.reports.get(period)
    name = format_period(period)
    if stored is None:
        return done(session, text("edit.no_report", period=name))
    if not stored.report.buka:
        month = format_period_short(period).split()[0].upper()
        return done(session, text("edit.closed", period=name, month=month))
    return _change(ctx, session, data, request, stored)


def _month(call: Call, data: PosyanduData) -> Period:
    """The month when none is typed: the one in question (the month the bot just said was
    already reported), else the latest reported one that may still change."""
    waiting = call.before.awaiting
    if isinstance(waiting, AwaitChange):
        return waiting.period
    saved = [p for p in allowed_periods(call.ctx) if p in data.reports]
    return max(saved) if saved else call.ctx.current_period


def _change(
    ctx: Context,
    session: Session,
    data: PosyanduData,
    request: _Request | _Many,
    stored: SentReport,
) -> StepResult:
    """The saved report with the values changed (all or none): saved, or confirmed first when
    a soft rule asks (refused when a hard one does)."""
    period = stored.report.period
    changes: dict[str, Value] = (
        dict(request.values) if isinstance(request, _Many) else {request.spec.id: request.value}
    )
    olds: dict[str, Value] = {f: getattr(stored.report, f) for f in changes}
    if all(olds[f] == v for f, v in changes.items()):
        if isinstance(request, _Request):
            return done(
                session,
                text("edit.same", label=request.spec.code, value=_show(olds[request.spec.id])),
            )
        said = ", ".join(f"{FIELD_BY_ID[f].code} {_show(v)}" for f, v in changes.items())
        return done(session, text("edit.same_many", values=said))
    changed = stored.report.with_values(**changes)
    problems = check_report(changed, rule_context(ctx, data, period))
    hard = [p for p in problems if p.hard]
    if hard:
        return done(session, text("edit.refused", reason=problem_text(hard[0])))
    if problems:
        values = changed.values()
        confirm = Draft(
            posyandu_id=data.info.id,
            period=period,
            counts={
                k: v for k, v in values.items() if k not in ("buka", LIST_FIELD, *CHOICE_FIELDS)
            },
            programmes=changed.programmes,
            choices={k: values[k] for k in CHOICE_FIELDS},
            stage=Stage.SUMMARY,
            base_revision=stored.revision,
        )
        return done(replace(session, draft=confirm), *report.prompts(ctx, confirm))
    body = "\n".join(
        (
            say(
                "edit.saved",
                period=format_period(period),
                changes=", ".join(
                    say("edit.change", code=FIELD_BY_ID[f].code, old=_show(olds[f]), new=_show(v))
                    for f, v in changes.items()
                ),
            ),
            ratio_line(changed, ctx.scoring),
        )
    )
    effect = SaveReport(data.info.id, changed, stored.revision)
    return done(session, Text(body, ("PDF",)), effects=(effect,))
