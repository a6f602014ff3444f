"""TIMBANG: the hari buka's weighing by chat, child by child, until SELESAI.

TIMBANG sends the posyandu's list (children under five, numbered). The kader then sends
lines as written on the register, several per message, in any order, over several
messages: ``Andi 12,4``, ``budi 10.1 78`` (kg, then cm), ``3 9,8`` (a number of the list),
``Citra tdk datang``. A name is matched within the posyandu: the whole name or a first name
only one child has; a close spelling is read back with its weight and recorded on YA (never
guessed between two children alike); an unknown name is asked whether it is a new child
(ANAK BARU: YA asks its questions with the name given, records the child and its weight, and
the weighing goes on; TIDAK drops the line). Each message is answered in one: each
line's child with its status (N, T, O, B, and BGM, 2T; :func:`scoring.growth.assess`), what
is implausible (asked back: resend with "benar"), a second different weight of the month
(asked back: resend with "ganti"), and how many are still to weigh. SELESAI: D, N, T, O, B,
BGM, 2T and the children to refer, privately to the kader. Every reply shows names, so each
is ``private`` (its outbox row forgets them once delivered); nothing here logs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from conversations.catalogue import say
from conversations.commands import bare_answer, normalise, parse_yes_no
from conversations.effects import AddChild, CorrectStatus, Effect, KeepScores, StepResult, Weigh
from conversations.figure_words import count, weight_words
from conversations.flows import children, weighed
from conversations.flows.children import read_name
from conversations.flows.common import Call, done, posyandu_of
from conversations.format import day_date
from conversations.model import Context
from conversations.replies import Text
from conversations.session import AwaitChild, AwaitWeighing, ChildStage, Session
from scoring import growth
from scoring.growth import (
    Assessed,
    GrowthError,
    GrowthRules,
    Previous,
    Referral,
    Status,
    age_months,
)
from scoring.lexicon import (
    ABSENT_WORDS,
    CONFIRM_WORDS,
    DONE_WORDS,
    MEASURE_UNITS,
    REPLACE_WORDS,
    STATUS_WORDS,
)
from scoring.tally import ChildMonth, MonthTally, month_tally, previous_weighing
from storage.children import Child, Keep, Scored, StatusCorrection, Weighing, rules_digest

__all__ = [
    "Line",
    "answer_new_child",
    "answer_weighing",
    "match",
    "roster",
    "status_kader",
    "timbang",
]

#: A child of this age (months) or older is not weighed here (no longer a balita).
MAX_AGE_MONTHS = 60
#: The longest weighing message read (a register page of 60 lines; a chat message's limit).
MAX_MESSAGE_CHARS = 4000
#: Children listed in one message of TIMBANG's list.
LIST_LINES = 30
#: How alike a written name and a child's name must be to be read back as meant.
CLOSE = 0.75
#: What a weighing by chat may say, before any plausibility check (a typo, not a child).
WEIGHT_G = (500, 40_000)
HEIGHT_MM = (300, 1_300)
_WITH_UNIT = re.compile(r"(\d[\d.,]*)([a-zA-Z]+)")
_NUMBER = re.compile(r"(\d{1,3})(?:[.,](\d{1,3}))?")


def _text(key: str, **values: object) -> Text:
    return Text(say(key, **values), private=True)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _roster(ctx: Context, day: date) -> list[Child]:
    """The children weighed here on ``day``: on the register, born, not yet five."""
    return [
        c
        for c in ctx.children or ()
        if c.birth_date <= day and age_months(c.birth_date, day) < MAX_AGE_MONTHS
    ]


def roster(ctx: Context, day: date) -> list[Child]:
    """TIMBANG's list of ``day``, in its order (KMS <number> names a child by it)."""
    return _roster(ctx, day)


def _month_of(ctx: Context, child_id: int, day: date) -> Weighing | None:
    return next(
        (
            w
            for w in ctx.weighings.get(child_id, ())
            if (w.date.year, w.date.month) == (day.year, day.month)
        ),
        None,
    )


def timbang(call: Call) -> StepResult:
    """TIMBANG: the list, numbered, and how to send the weights."""
    ctx, session = call.ctx, call.session
    if not ctx.register or ctx.growth is None or ctx.children is None:
        return done(session, _text("child.off"))
    day = ctx.today
    roster = _roster(ctx, day)
    if not roster:
        return done(session, _text("weigh.empty"))
    lines = []
    for number, child in enumerate(roster, start=1):
        stored = _month_of(ctx, child.id, day)
        key = "weigh.list_done" if stored else "weigh.list"
        kg = weight_words(stored.weight_g) if stored else ""
        lines.append(say(key, number=number, name=child.name, sex=child.sex, kg=kg))
    # A long list goes in a few messages (a phone's screen, a channel's message limit).
    parts = [lines[i : i + LIST_LINES] for i in range(0, len(lines), LIST_LINES)]
    parts[0].insert(0, say("weigh.title", date=day_date(day), count=len(roster)))
    parts[-1].append(say("weigh.how"))
    opened = AwaitWeighing(day.isoformat(), tuple(c.id for c in roster))
    replies = [Text("\n".join(part), private=True) for part in parts]
    effects = _keep_latest(ctx, ctx.growth, roster, day)
    return done(replace(session, awaiting=opened), *replies, effects=effects)


def _keep_latest(
    ctx: Context, rules: GrowthRules, roster: Sequence[Child], day: date
) -> list[Effect]:
    """The scores of each child's last weighing before ``day``'s month (and of the month's,
    when stored) not kept yet, worked out once, here, to be kept: each line of weights then
    works out the z-scores of its own weighing only."""
    batch = Batch(ctx, AwaitWeighing(day.isoformat()), day, rules, [], [], set(), set())
    for child in roster:
        stored = _month_of(ctx, child.id, day)
        try:
            if stored is not None:
                _assess(batch, child, stored.weight_g, stored.height_mm, stored)
            else:
                _previous(batch, child)
        except GrowthError:
            continue
    return _kept(batch)


def _kept(batch: Batch) -> list[Effect]:
    return [KeepScores(tuple(batch.keeps))] if batch.keeps else []


# --- one line ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A line as written: who (a name, or a number of the list) and what."""

    ref: str
    number: int | None
    weight_g: int | None = None
    height_mm: int | None = None
    absent: bool = False
    confirmed: bool = False
    replaces: bool = False


def _measure(token: str, scale: int) -> int | None:
    """ "12,4" or "12.4" at ``scale`` (1000: grams of a kg figure; 10: mm of a cm figure)."""
    found = _NUMBER.fullmatch(token)
    if found is None:
        return None
    whole: str = found.group(1)
    part: str = found.group(2) or "0"
    denominator: int = 10 ** len(part)
    return int(whole) * scale + round(int(part) * scale / denominator)


def _unit_split(text: str) -> list[str]:
    """The words, a unit written onto its number apart ("12,4kg" -> "12,4", "kg")."""
    out: list[str] = []
    for word in text.split():
        found = _WITH_UNIT.fullmatch(word)
        out += [found.group(1), found.group(2)] if found else [word]
    return out


def read_line(raw: str) -> Line | None:
    """One line of a weighing message, or None when it cannot be read."""
    words = [w for w in _unit_split(normalise(raw).strip(" .")) if w.upper() not in MEASURE_UNITS]
    confirmed = replaces = absent = False
    while words and words[-1].upper() in CONFIRM_WORDS | REPLACE_WORDS:
        confirmed |= words[-1].upper() in CONFIRM_WORDS
        replaces |= words[-1].upper() in REPLACE_WORDS
        words.pop()
    for size in (2, 1):
        if len(words) > size and " ".join(words[-size:]).upper() in ABSENT_WORDS:
            absent, words = True, words[:-size]
            break
    numbers: list[str] = []
    while words and _NUMBER.fullmatch(words[-1]) and len(numbers) < 3:
        numbers.insert(0, words.pop())
    number = None
    if not words and numbers and numbers[0].isdigit() and (absent or len(numbers) > 1):
        number = int(numbers.pop(0))
    if (not words and number is None) or (absent and numbers) or len(numbers) > 2:
        return None
    if not absent and not numbers:
        return None
    weight = _measure(numbers[0], 1000) if numbers else None
    height = _measure(numbers[1], 10) if len(numbers) > 1 else None
    return Line(" ".join(words), number, weight, height, absent, confirmed, replaces)


def _sane(line: Line) -> bool:
    if line.absent:
        return True
    ok = line.weight_g is not None and WEIGHT_G[0] <= line.weight_g <= WEIGHT_G[1]
    if line.height_mm is not None:
        ok = ok and HEIGHT_MM[0] <= line.height_mm <= HEIGHT_MM[1]
    return ok


# --- which child ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    child: Child | None = None
    #: A close spelling (read back, not recorded) or several children (never guessed).
    close: tuple[Child, ...] = ()


def match(line: Line, roster: Sequence[Child], order: Sequence[int]) -> Match:
    """The child a line means: by number, by the whole name, by a first name only one child
    has; else the children whose names are close (none, one to read back, or several)."""
    if line.number is not None:
        by_id = {c.id: c for c in roster}
        ok = 1 <= line.number <= len(order)
        return Match(by_id.get(order[line.number - 1]) if ok else None)
    key = _key(line.ref)
    whole = [c for c in roster if _key(c.name) == key]
    first = [c for c in roster if _key(c.name).split(" ")[0] == key]
    for found in (whole, first):
        if len(found) == 1:
            return Match(found[0])
        if len(found) > 1:
            return Match(close=tuple(found))
    close = [c for c in roster if _alike(key, _key(c.name)) >= CLOSE]
    return Match(close=tuple(close))


def _alike(written: str, name: str) -> float:
    whole = difflib.SequenceMatcher(None, written, name).ratio()
    first = difflib.SequenceMatcher(None, written, name.split(" ")[0]).ratio()
    return max(whole, first)


# --- a message of lines --------------------------------------------------------------------


@dataclass
class Batch:
    """What one message did: its reply lines, its effects, who was weighed or absent."""

    ctx: Context
    waiting: AwaitWeighing
    day: date
    rules: GrowthRules
    lines: list[str]
    effects: list[Weigh]
    weighed: set[int]
    absent: set[int]
    #: Close spellings read back, for YA: (child id, grams, millimetres).
    proposed: list[tuple[int, int, int | None]] = field(default_factory=list)
    #: The first name not on the register, asked "Anak baru?" (its weight waits).
    new: AwaitChild | None = None
    #: Scores worked out here, to keep with their weighings (after the ``Weigh`` effects).
    keeps: list[Keep] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return rules_digest(self.rules)


def answer_weighing(
    ctx: Context, session: Session, lines: Sequence[str], waiting: AwaitWeighing
) -> StepResult:
    """A message while the weighing is open (its lines): SELESAI, or lines of weights."""
    answer = " ".join(lines)
    if ctx.growth is None or ctx.children is None:
        return done(replace(session, awaiting=None), _text("child.off"))
    day = date.fromisoformat(waiting.day)
    if bare_answer(answer) in DONE_WORDS:
        return finish(ctx, replace(session, awaiting=None), day)
    roster = _roster(ctx, day)
    batch = Batch(ctx, waiting, day, ctx.growth, [], [], set(), set(waiting.absent))
    said = parse_yes_no(answer) if waiting.proposed else None
    if said is not None:
        _read_back(batch, roster, said)
    for raw in [] if said is not None else [r for x in lines for r in x.split(";")]:
        if not raw.strip():
            continue
        if bare_answer(raw) in DONE_WORDS:
            batch.lines.append(say("weigh.done_alone"))
        else:
            _one(batch, raw.strip(), roster)
    if batch.new is None:  # else the question comes last, and what is left after its answer
        batch.lines.append(_left(batch, roster))
    proposed = tuple(batch.proposed)
    after = replace(waiting, absent=tuple(sorted(batch.absent)), proposed=proposed)
    awaiting: AwaitWeighing | AwaitChild = after
    if batch.new is not None:  # asked last: YA enters the child, then back to ``after``
        awaiting = replace(batch.new, resume=after)
        kg = weight_words(batch.new.weight_g or 0)
        batch.lines.append(say("weigh.new_ask", name=batch.new.name, kg=kg))
    reply = Text("\n".join(batch.lines), private=True)
    effects = [*batch.effects, *_kept(batch)]
    return done(replace(session, awaiting=awaiting), reply, effects=effects)


def _read_back(batch: Batch, roster: Sequence[Child], said: bool) -> None:
    """YA or TIDAK to the close spellings read back: their weights recorded, or not."""
    if not said:
        batch.lines.append(say("weigh.not_meant"))
        return
    by_id = {c.id: c for c in roster}
    for child_id, grams, mm in batch.waiting.proposed:
        child = by_id.get(child_id)
        if child is not None:
            batch.lines.append(_weigh(batch, Line(child.name, None, grams, mm), child))


def _one(batch: Batch, raw: str, roster: Sequence[Child]) -> None:
    line = read_line(raw)
    if line is None or not _sane(line):
        batch.lines.append(say("weigh.unreadable", line=raw))
        return
    found = match(line, roster, batch.waiting.order)
    child = found.child
    if child is None:
        if len(found.close) == 1 and line.weight_g is not None and line.number is None:
            meant = found.close[0]
            batch.proposed.append((meant.id, line.weight_g, line.height_mm))
            kg = weight_words(line.weight_g)
            batch.lines.append(say("weigh.meant", written=line.ref, name=meant.name, kg=kg))
            return
        if not found.close and _new_child(batch, line):
            return
        if not found.close and batch.new is not None and line.number is None:
            batch.lines.append(say("weigh.unknown_later", written=line.ref))
            return
        batch.lines.append(_not_found(line, found.close))
        return
    if line.absent:
        batch.absent.add(child.id)
        batch.lines.append(say("weigh.absent", name=child.name))
        return
    if child.id in batch.weighed:
        batch.lines.append(say("weigh.twice", name=child.name))
        return
    batch.lines.append(_weigh(batch, line, child))


def _new_child(batch: Batch, line: Line) -> bool:
    """A weight for a name not on the register: asked whether it is a new child (one a
    message, and not while a close spelling waits for its YA)."""
    name = read_name(line.ref) if line.number is None else None
    if name is None or line.weight_g is None or batch.new is not None or batch.proposed:
        return False
    batch.new = AwaitChild(
        ChildStage.IS_NEW,
        name=name,
        weight_g=line.weight_g,
        height_mm=line.height_mm,
        confirmed=line.confirmed,
    )
    return True


def _not_found(line: Line, close: tuple[Child, ...]) -> str:
    if line.number is not None:
        return say("weigh.no_number", number=line.number)
    if len(close) == 1:
        return say("weigh.meant_absent", written=line.ref, name=close[0].name)
    if close:
        names = ", ".join(c.name for c in close)
        return say("weigh.several", written=line.ref, names=names)
    return say("weigh.unknown", written=line.ref)


def _weigh(batch: Batch, line: Line, child: Child) -> str:
    assert line.weight_g is not None
    kg = weight_words(line.weight_g)
    stored = _month_of(batch.ctx, child.id, batch.day)
    if stored is not None and (stored.weight_g, stored.height_mm) == (
        line.weight_g,
        line.height_mm,
    ):
        batch.weighed.add(child.id)
        return say("weigh.already", name=child.name, kg=kg)
    if stored is not None and not line.replaces:
        return say("weigh.conflict", name=child.name, stored=weight_words(stored.weight_g), kg=kg)
    written = Weighing(child.id, batch.day, line.weight_g, line.height_mm)
    try:
        assessed, previous = _assess(batch, child, line.weight_g, line.height_mm)
    except GrowthError:
        return say("weigh.unreadable", line=f"{child.name} {kg}")
    if assessed.flags and not line.confirmed:
        why = ", ".join(say(f"weigh.flag.{f.value}") for f in assessed.flags)
        return say("weigh.implausible", name=child.name, kg=kg, why=why)
    batch.weighed.add(child.id)
    batch.absent.discard(child.id)
    batch.effects.append(
        Weigh(child.id, batch.day, line.weight_g, line.height_mm, child.name, line.replaces)
    )
    _keep(batch, child, written, assessed)
    status = _status_words(assessed, assessed.referrals(previous))
    return say("weigh.read", name=child.name, kg=kg, status=status)


def _earlier(batch: Batch, child: Child) -> list[Weighing]:
    """A child's stored weighings of the months before the weighing day's."""
    month = (batch.day.year, batch.day.month)
    weighings = batch.ctx.weighings.get(child.id, ())
    return [w for w in weighings if (w.date.year, w.date.month) < month]


def _cm(height_mm: int | None) -> Decimal | None:
    return None if height_mm is None else Decimal(height_mm) / 10


def _keep(batch: Batch, child: Child, w: Weighing, assessed: Assessed) -> None:
    """Keep ``assessed``'s scores with ``w`` (after the child's last earlier weighing)."""
    earlier = _earlier(batch, child)
    after = earlier[-1] if earlier else None
    batch.keeps.append(Keep(w, after, Scored(batch.digest, assessed.status, assessed.z)))


def _previous(batch: Batch, child: Child) -> Previous | None:
    """What a weighing of the day needs of the child's last one of an earlier month
    (:func:`scoring.tally.previous_weighing`: its scores as kept, else worked out here and
    kept)."""
    earlier = _earlier(batch, child)
    marks = [w.as_mark(batch.digest) for w in earlier[-2:]]
    sex = growth.Sex(child.sex)
    previous, worked = previous_weighing(sex, child.birth_date, marks, batch.rules)
    if worked is not None:
        last, after = earlier[-1], earlier[-2] if len(earlier) > 1 else None
        batch.keeps.append(Keep(last, after, Scored(batch.digest, worked.status, worked.z)))
    return previous


def _assess(
    batch: Batch,
    child: Child,
    weight_g: int,
    height_mm: int | None,
    stored: Weighing | None = None,
) -> tuple[Assessed, Previous | None]:
    """This weighing assessed after the child's last one of an earlier month, whose status,
    weight and z-scores are all it reads (kept, or worked out: :func:`_previous`). ``stored``:
    this weighing as stored (SELESAI), its z-scores as kept when they are (else worked out
    and kept). TIMBANG's time is the z-scores': one weighing's each, when kept."""
    previous = _previous(batch, child)
    kept = stored.as_mark(batch.digest).kept if stored is not None else None
    if stored is not None:
        now = stored.as_growth()
    else:
        now = growth.Weighing(batch.day, Decimal(weight_g) / 1000, _cm(height_mm))
    sex = growth.Sex(child.sex)
    z = kept[1] if kept is not None else None
    assessed = growth.assess(sex, child.birth_date, now, previous, batch.rules, z=z)
    if stored is not None and kept is None:
        _keep(batch, child, stored, assessed)
    return assessed, previous


def _status_words(a: Assessed, referrals: Sequence[Referral]) -> str:
    """ "N (naik)"; "T (tidak naik), 2T: rujuk ke puskesmas" (2T and BGM are always referred,
    as a new "sangat pendek" or "gizi buruk")."""
    words = [say(f"weigh.status.{a.status.value}")]
    words += [_reasons(referrals)] if referrals else []
    return ", ".join(words) + (say("weigh.refer_now") if referrals else "")


def _left(batch: Batch, roster: Sequence[Child]) -> str:
    ctx, day = batch.ctx, batch.day
    left = [
        c
        for c in roster
        if c.id not in batch.weighed
        and c.id not in batch.absent
        and _month_of(ctx, c.id, day) is None
    ]
    if not left:
        return say("weigh.all_done")
    return say("weigh.left", count=len(left))


# --- SELESAI -------------------------------------------------------------------------------


def _month(ctx: Context, day: date) -> tuple[list[tuple[Child, Weighing]], MonthTally]:
    """The stored weighings of ``day``'s month (each child's, with its own), counted
    (:func:`scoring.tally.month_tally`: their scores as kept, TIMBANG's lines keep them)."""
    assert ctx.growth is not None
    digest = rules_digest(ctx.growth)
    month = (day.year, day.month)
    rows: list[tuple[Child, Weighing]] = []
    children: list[ChildMonth] = []
    for child in _roster(ctx, day):
        stored = _month_of(ctx, child.id, day)
        if stored is None:
            continue
        weighings = ctx.weighings.get(child.id, ())
        earlier = [w for w in weighings if (w.date.year, w.date.month) < month]
        marks = [w.as_mark(digest) for w in (*earlier[-2:], stored)]
        rows.append((child, stored))
        children.append(ChildMonth(growth.Sex(child.sex), child.birth_date, marks))
    return rows, month_tally(children, ctx.growth)


def finish(ctx: Context, session: Session, day: date) -> StepResult:
    """SELESAI: the summary, then the month's report opened with its counts (the kader
    confirms it as any report): D, BGM, 2T, and N, T, O, B when every weighing was assessed
    (a count the bot is unsure of is asked, never guessed)."""
    rows, found = _month(ctx, day)
    register = weighed.register_counts(_roster(ctx, day))
    summary = _summary(day, rows, found)
    return weighed.open_report(ctx, session, day, found.counts(), register, summary)


def _summary(day: date, rows: Sequence[tuple[Child, Weighing]], found: MonthTally) -> Text:
    """The month's D, N, T, O, B, BGM, 2T from the stored weighings, and whom to refer."""
    figures = {s.value.lower(): count(n) for s, n in found.statuses.items()}
    d, parts = found.weighed, found.assessed
    lines = [
        say(
            "weigh.summary",
            date=day_date(day),
            d=count(d),
            red_line=count(found.under_red_line),
            two_t=count(found.two_t),
            **figures,
        )
    ]
    # D = N + T + O + B: a weighing the rules could not assess is said, never hidden.
    key = "weigh.sum_ok" if d == parts else "weigh.sum_off"
    lines.append(say(key, d=count(d), sum=count(parts)))
    both = list(zip(rows, found.children, strict=True))
    corrected = [
        _corrected_line(child, stored.correction)
        for (child, stored), counted in both
        if stored.correction is not None and counted.assessed is not None
    ]
    if corrected:  # the kader's corrections are counted, and said
        lines += [say("weigh.corrected_title"), *corrected]
    refer = [
        say("weigh.refer_line", name=child.name, why=_reasons(counted.referrals))
        for (child, _), counted in both
        if counted.referrals
    ]
    lines.append(say("weigh.refer_title") if refer else say("weigh.refer_none"))
    lines += refer
    return Text("\n".join(lines), private=True)


def _reasons(referrals: Sequence[Referral]) -> str:
    return ", ".join(say(f"weigh.refer.{r.value}") for r in referrals)


# --- a new child met in the weighing ---------------------------------------------------------


def answer_new_child(
    ctx: Context, session: Session, lines: Sequence[str], child: AwaitChild
) -> StepResult:
    """The answers about a name TIMBANG did not know: "Anak baru?" (YA: ANAK BARU's
    questions from L/P; TIDAK: the line is dropped; weights: the weighing goes on without
    it), then ANAK BARU's own questions, and the consent: the child and its weight recorded
    (its first weighing: B), and back to the weighing."""
    assert child.resume is not None
    if ctx.growth is None or ctx.children is None:
        return done(replace(session, awaiting=None), _text("child.off"))
    answer = " ".join(lines)
    back = replace(session, awaiting=child.resume)
    if child.stage is ChildStage.IS_NEW:
        said = parse_yes_no(answer)
        if said is None:
            return answer_weighing(ctx, back, lines, child.resume)
        if said:
            return children.ask_child(session, replace(child, stage=ChildStage.SEX))
        return done(back, _text("weigh.new_dropped", name=child.name))
    said = parse_yes_no(answer) if child.stage is ChildStage.CONSENT else None
    if said is None:
        return children.answer_child(ctx, session, answer, child)
    if not said:
        reply = say("child.no_consent", name=child.name) + "\n" + say("weigh.new_back")
        return done(back, Text(reply, private=True))
    return _entered(ctx, back, child)


def _entered(ctx: Context, back: Session, child: AwaitChild) -> StepResult:
    """The consent given: the child, and its weight unless it looks implausible (asked back,
    as any weight)."""
    assert ctx.growth is not None and child.resume is not None and child.weight_g is not None
    new = children.new_child(child)
    day = date.fromisoformat(child.resume.day)
    posyandu_id = posyandu_of(ctx).info.id
    kg = weight_words(child.weight_g)
    lines = [say("child.saved", name=new.name)]
    now = growth.Weighing(day, Decimal(child.weight_g) / 1000, _cm(child.height_mm))
    try:
        assessed = growth.assess(new.sex, new.birth_date, now, None, ctx.growth)
    except GrowthError:
        assessed = None
    if assessed is None or (assessed.flags and not child.confirmed):
        why = ", ".join(say(f"weigh.flag.{f.value}") for f in assessed.flags) if assessed else ""
        lines.append(say("weigh.implausible", name=new.name, kg=kg, why=why))
        effect = AddChild(posyandu_id, new)
    else:
        status = _status_words(assessed, assessed.referrals(None))
        lines.append(say("weigh.read", name=new.name, kg=kg, status=status))
        effect = AddChild(posyandu_id, new, day, child.weight_g, child.height_mm)
    lines.append(say("weigh.new_back"))
    return done(back, Text("\n".join(lines), private=True), effects=(effect,))


# --- a status the kader corrects ---------------------------------------------------------------


def _corrected_line(child: Child, fixed: StatusCorrection) -> str:
    return say(
        "weigh.corrected_line", name=child.name, computed=fixed.computed, status=fixed.status
    )


def _read_correction(args: Sequence[str]) -> tuple[str, Status] | None:
    """ "Andi Saputra N", "budi tidak naik": the child (a name or a number) and the status."""
    for size in (2, 1):
        if len(args) > size:
            said = STATUS_WORDS.get(" ".join(args[-size:]).upper())
            if said is not None:
                return " ".join(args[:-size]), Status(said)
    return None


def status_kader(call: Call) -> StepResult:
    """STATUS <child> <N|T|O|B>: the kader corrects the status of a child's weighing of this
    month (domain.md: "the kader may correct a status (recorded)"); kept beside the rules'
    status, SELESAI and the exports count it. An open weighing stays open."""
    ctx = call.ctx
    kept = call.before.awaiting if isinstance(call.before.awaiting, AwaitWeighing) else None
    session = replace(call.session, awaiting=kept)
    if not ctx.register or ctx.growth is None or ctx.children is None:
        return done(session, _text("child.off"))
    read = _read_correction(call.args)
    if read is None:
        return done(session, _text("correct.how"))
    ref, status = read
    day = ctx.today
    roster = _roster(ctx, day)
    number = int(ref) if ref.isdigit() else None
    line = Line(ref, number)
    found = match(line, roster, kept.order if kept else [c.id for c in roster])
    if found.child is None:
        return done(session, Text(_not_found(line, found.close), private=True))
    return _correct(ctx, session, found.child, status)


#: The statuses a kader may correct: N or T is a reading of the curve (the KMS's "follows the
#: growth line" against our KBM rule); B (the first weighing) and O (not weighed last month)
#: follow from the weighings recorded.
_JUDGED = frozenset({Status.N, Status.T})


def _correct(ctx: Context, session: Session, child: Child, status: Status) -> StepResult:
    assert ctx.growth is not None
    day = ctx.today
    stored = _month_of(ctx, child.id, day)
    if stored is None:
        return done(session, _text("correct.not_weighed", name=child.name))
    batch = Batch(ctx, AwaitWeighing(day.isoformat()), day, ctx.growth, [], [], set(), set())
    try:
        computed = _assess(batch, child, stored.weight_g, stored.height_mm)[0].status
    except GrowthError:
        return done(session, _text("correct.not_weighed", name=child.name))
    words = {"name": child.name, "computed": computed, "status": status}
    if not {computed, status} <= _JUDGED:  # B and O are facts of attendance, not judgements
        return done(session, _text("correct.attendance", **words))
    if status is computed and stored.correction is None:
        return done(session, _text("correct.same", **words))
    key = "correct.undone" if status is computed else "correct.done"
    effect = CorrectStatus(child.id, stored.period, status, computed)
    return done(session, _text(key, **words), effects=(effect,))
