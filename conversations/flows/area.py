"""Supervisor commands, always over the supervisor's own area: STATUS, BELUM, STRATA,
POSYANDU <name or code>, REKAP. Long lists page with LAGI. STATUS, BELUM, STRATA and REKAP
are about a month (the current one by default); what each needs loaded is here too."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from conversations.catalogue import say
from conversations.commands import Command
from conversations.effects import StepResult
from conversations.figure_words import count, percent, service_lines, stratum_sentence
from conversations.flows.common import Call, area_of, done, text
from conversations.flows.summary import gap_line, ratio_line
from conversations.format import reporting_counts
from conversations.model import AreaData, AreaMember, Contact, Context
from conversations.needs import Needs
from conversations.periods import format_period, parse_period
from conversations.replies import Document, Reply, Text
from conversations.reports import largest_gap, since_for
from conversations.session import Session
from scoring import (
    AreaRollup,
    InvalidReportError,
    MemberStatus,
    MonthReport,
    Period,
    Reporting,
    ReportingState,
    StrataResult,
    Stratum,
    assess_stratum,
    count_states,
    reporting_state,
    rollup,
)
from scoring.fields import SUMMARY_LINES

__all__ = [
    "area_period",
    "belum",
    "find_members",
    "lagi",
    "month_needs",
    "paged",
    "period_refusal",
    "pick_one",
    "posyandu",
    "recent_needs",
    "rekap",
    "rekap_needs",
    "status",
    "strata",
]

_Monthly = Callable[[Context, Session, AreaData, Period], StepResult]


@dataclass(frozen=True, slots=True)
class _Member:
    member: AreaMember
    strata: StrataResult | None
    reporting: Reporting

    @property
    def reported(self) -> bool:
        return self.reporting.state is ReportingState.REPORTED


def area_period(args: Sequence[str], current: Period) -> Period | str:
    """The month a supervisor command is about: the current one by default; an error key
    when the words are not a month or the month has not come yet."""
    if not args:
        return current
    period = parse_period(" ".join(args), current)
    if period is None:
        return "area.period_unknown"
    if period > current:
        return "area.period_future"
    return period


def period_refusal(key: str, command: str, args: Sequence[str], current: Period) -> Text:
    """The answer to a month :func:`area_period` refused (``key``): the month by its name."""
    if key == "area.period_future":
        period = parse_period(" ".join(args), current)
        if period is not None:
            return text(key, period=format_period(period))
    return text(key, command=command, period=" ".join(args)[:20])


def _started(member: AreaMember, period: Period) -> bool:
    """Whether ``period`` is in the posyandu's known history (one registered or imported from
    November owes no report for October)."""
    since = since_for(member.posyandu)
    return since is None or since <= period


def member_reporting(ctx: Context, member: AreaMember, period: Period) -> Reporting:
    """Where ``member`` stands with ``period`` on its own local today (scoring's one rule)."""
    today = ctx.now.astimezone(member.tz).date() if member.tz is not None else ctx.today
    data = member.posyandu
    return reporting_state(period, member.hari_buka, today, period in data.reports, since_for(data))


def _has_data(member: AreaMember) -> bool:
    return member.posyandu.history.has_data or bool(member.posyandu.reports)


def _members(ctx: Context, area: AreaData, period: Period) -> list[_Member]:
    """The posyandu expected to report ``period``, each with its stratum over its known
    history (None: no data at all, or a history that breaks a hard rule)."""
    out: list[_Member] = []
    for member in area.members:
        if not _started(member, period):
            continue
        data = member.posyandu
        months = [r.report for p, r in data.reports.items() if p <= period]
        result: StrataResult | None = None
        if _has_data(member):
            with contextlib.suppress(InvalidReportError):
                result = assess_stratum(months, period, ctx.scoring, since_for(data))
        out.append(_Member(member, result, member_reporting(ctx, member, period)))
    return out


def _month_reports(area: AreaData, period: Period) -> list[MonthReport]:
    """The area's saved reports of ``period``."""
    found = (m.posyandu.reports.get(period) for m in area.members)
    return [sent.report for sent in found if sent is not None]


def _counts_text(members: Sequence[_Member]) -> str:
    """ "Pratama 1 · Madya 2 · Purnama 3 (1 di antaranya sementara) · Mandiri 0 · belum ada
    data 1": posyandu without a stratum are counted apart, never as Pratama."""
    roll = _rollup(members)
    counts = " · ".join(f"{s.label} {roll.counts[s]}" for s in Stratum)
    extra = []
    if roll.provisional:
        counts += f" ({say('area.count_provisional', count=roll.provisional)})"
    if roll.too_few:
        extra.append(say("area.count_too_few", count=roll.too_few))
    if roll.no_data:
        extra.append(say("area.count_no_data", count=roll.no_data))
    return " · ".join((counts, *extra))


def _rollup(members: Sequence[_Member]) -> AreaRollup:
    return rollup(
        MemberStatus(
            m.strata.stratum if m.strata else None,
            bool(m.strata and m.strata.posyandu_aktif),
            m.reported,
            provisional=bool(m.strata and m.strata.provisional),
        )
        for m in members
    )


def paged(
    session: Session, ctx: Context, head: str, items: Sequence[str], footer: str = ""
) -> tuple[Session, Reply]:
    """The first page of ``items`` under ``head`` (the rest kept for LAGI); ``footer`` closes
    the first page and is not counted as an item."""
    size = ctx.limits.page_size
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)] or [[]]
    pages = ["\n".join(chunk) for chunk in chunks]
    first = "\n".join(x for x in (head, pages[0], footer) if x)
    rest = tuple(pages[1:])
    if rest:
        first += "\n" + say("pages.more", left=len(items) - size)
        remaining = len(items) - size
        tails = []
        for i, page in enumerate(rest):
            remaining -= len(chunks[i + 1])
            tails.append(page + ("\n" + say("pages.more", left=remaining) if remaining else ""))
        rest = tuple(tails)
    choices = ("LAGI",) if rest else ()
    return replace(session, pages=rest), Text(first, choices)


def _window(command: Command, current: Period, monthly: bool = True) -> tuple[Period, Period]:
    """The 12 months through the month the command is about (for POSYANDU, this month)."""
    through = current
    if monthly:
        period = area_period(command.args, current)
        if isinstance(period, Period):
            through = period
    return through.shift(-11), through


def month_needs(command: Command, current: Period) -> Needs:
    """STATUS, BELUM, STRATA: every posyandu's reports of the 12 months through the month."""
    return Needs(area_window=_window(command, current))


def recent_needs(command: Command, current: Period) -> Needs:
    """POSYANDU: every posyandu's reports of the last 12 months."""
    return Needs(area_window=_window(command, current, monthly=False))


def rekap_needs(command: Command, current: Period) -> Needs:
    """REKAP: only whether the area has any report in the 12 months through the month."""
    return Needs(area_reports=_window(command, current))


def _for_month(call: Call, answer: _Monthly) -> StepResult:
    """A command about a month: the month, or why the words are not one."""
    current = call.ctx.current_period
    period = area_period(call.args, current)
    if isinstance(period, str):
        refusal = period_refusal(period, call.command.name, call.args, current)
        return done(call.session, refusal)
    return answer(call.ctx, call.session, area_of(call.ctx), period)


def status(call: Call) -> StepResult:
    """STATUS [month]."""
    return _for_month(call, _status)


def belum(call: Call) -> StepResult:
    """BELUM [month]."""
    return _for_month(call, _belum)


def strata(call: Call) -> StepResult:
    """STRATA [month]."""
    return _for_month(call, _strata)


def rekap(call: Call) -> StepResult:
    """REKAP [month]."""
    return _for_month(call, _rekap)


def lagi(call: Call) -> StepResult:
    """LAGI: the next page of the last long list."""
    session = replace(call.session, pages=call.before.pages)
    if not session.pages:
        return done(session, text("nothing.more"))
    page, rest = session.pages[0], session.pages[1:]
    return done(replace(session, pages=rest), Text(page, ("LAGI",) if rest else ()))


def _status(ctx: Context, session: Session, area: AreaData, period: Period) -> StepResult:
    members = _members(ctx, area, period)
    counts = count_states(m.reporting.state for m in members)
    head = [
        say(
            "area.status",
            period=format_period(period),
            area=area.name,
            counts=reporting_counts(counts),
            expected=counts.expected,
        ),
        say("area.strata_line", counts=_counts_text(members)),
        *service_lines(period, _month_reports(area, period)),
    ]
    owed = _owed(members)
    if not owed:
        head.append(say("area.all_reported" if not counts.missing else "area.none_late"))
        return done(session, Text("\n".join(head)))
    head.append(say("area.not_yet_title", count=len(owed)))
    items = [
        say("area.not_yet_item", number=i, posyandu=m.member.posyandu.info.name, state=_late(m))
        for i, m in enumerate(owed, start=1)
    ]
    new_session, reply = paged(session, ctx, "\n".join(head), items)
    return done(new_session, reply)


def _owed(members: Sequence[_Member]) -> list[_Member]:
    """The posyandu that owe the month's report now (hari buka passed or today, no report),
    the longest overdue first; those whose hari buka is still ahead owe nothing yet."""
    owed = [m for m in members if m.reporting.state.owed]
    return sorted(owed, key=lambda m: -m.reporting.days_late)


def _late(m: _Member) -> str:
    """ "terlambat 12 hari", or "hari ini buka"."""
    if m.reporting.state is ReportingState.TODAY:
        return say("reporting.today")
    return say("area.late_days", days=m.reporting.days_late)


def _belum(ctx: Context, session: Session, area: AreaData, period: Period) -> StepResult:
    expected = [
        _Member(m, None, member_reporting(ctx, m, period))
        for m in area.members
        if _started(m, period)
    ]
    counts = count_states(m.reporting.state for m in expected)
    owed = _owed(expected)
    footer = say("area.not_due_count", count=counts.not_due) if counts.not_due else ""
    if not owed:
        key = "area.all_reported" if not counts.missing else "area.none_late"
        body = "\n".join(x for x in (format_period(period), say(key), footer) if x)
        return done(session, Text(body))
    head = say(
        "area.belum_title", period=format_period(period), count=len(owed), expected=len(expected)
    )
    items = []
    for i, m in enumerate(owed, start=1):
        contacts = m.member.contacts
        contact = _contact(ctx, contacts[0]) if contacts else say("area.no_contact")
        name = m.member.posyandu.info.name
        items.append(
            say("area.belum_item", number=i, posyandu=name, state=_late(m), contact=contact)
        )
    new_session, reply = paged(session, ctx, head, items, footer)
    return done(new_session, reply)


def _strata(ctx: Context, session: Session, area: AreaData, period: Period) -> StepResult:
    members = _members(ctx, area, period)
    roll = _rollup(members)
    body = say(
        "area.strata",
        period=format_period(period),
        area=area.name,
        expected=roll.expected,
        counts=_counts_text(members),
        share_pm=percent(roll.share_purnama_mandiri),
        aktif=roll.aktif,
        share_aktif=percent(roll.share_aktif),
    )
    return done(session, Text(body))


def _fold(value: str) -> str:
    text_ = unicodedata.normalize("NFKD", value).casefold()
    return "".join(c for c in text_ if c.isalnum())


def find_members(area: AreaData, query: str) -> list[AreaMember]:
    """The area's posyandu a name or code names: the code, else the exact name, else every
    name or desa containing it (accents, case and spaces ignored)."""
    key = _fold(query)
    if not key:
        return []
    by_code = [m for m in area.members if _fold(m.posyandu.info.code) == key]
    if by_code:
        return by_code
    exact = [m for m in area.members if _fold(m.posyandu.info.name) == key]
    if exact:
        return exact
    return [
        m
        for m in area.members
        if key in _fold(m.posyandu.info.name) or key in _fold(m.posyandu.info.place)
    ]


def posyandu(call: Call) -> StepResult:
    """POSYANDU <name or code>: one posyandu of the area."""
    ctx, session, area = call.ctx, call.session, area_of(call.ctx)
    query = " ".join(call.args).strip()
    if not query:
        return done(session, text("area.posyandu_usage"))
    found = find_members(area, query)
    if not found:
        return done(session, text("area.posyandu_none", query=query[:40], area=area.name))
    if len(found) > 1:
        return pick_one(ctx, session, found, "area.posyandu_pick_hint")
    return done(session, _detail(ctx, found[0]))


def pick_one(
    ctx: Context, session: Session, found: Sequence[AreaMember], hint_key: str
) -> StepResult:
    """Several posyandu match: list them (paged), with ``hint_key`` saying how to name one."""
    head = say("area.posyandu_many", count=len(found))
    items = [
        say(
            "area.posyandu_pick",
            number=i,
            posyandu=m.posyandu.info.name,
            code=m.posyandu.info.code,
        )
        for i, m in enumerate(found, start=1)
    ]
    hint = say(hint_key, code=found[0].posyandu.info.code)
    new_session, reply = paged(session, ctx, head, items, hint)
    return done(new_session, reply)


def _detail(ctx: Context, member: AreaMember) -> Text:
    data = member.posyandu
    place = f", {data.info.place}" if data.info.place else ""
    lines = [say("area.posyandu_title", posyandu=data.info.name, place=place)]
    current = ctx.current_period
    recent = [p for p in data.reports if p <= current]
    if not recent:
        lines.append(say("area.posyandu_no_report"))
        if not _has_data(member):
            lines.append(say("area.posyandu_no_data"))
        return Text("\n".join(lines))
    latest = max(recent)
    stored = data.reports[latest]
    lines.append(say("area.posyandu_latest", period=format_period(latest)))
    report = stored.report
    if not report.buka:
        lines.append(say("history.closed", month=format_period(latest)))
    else:
        skdn = dict(SUMMARY_LINES)["skdn"]  # the chat summary's line: kader on duty and SKDN
        lines.append(say("summary.skdn", **{f: count(report.count(f)) for f in skdn}))
        lines.append(ratio_line(report, ctx.scoring))
        worst = largest_gap(ctx, report)
        if worst is not None:
            lines.append(gap_line(worst))
    months = [r.report for r in data.reports.values()]
    try:
        result = assess_stratum(months, current, ctx.scoring, since_for(data))
    except InvalidReportError:
        return Text("\n".join(lines))
    key = "saved.aktif" if result.posyandu_aktif else "saved.stratum"
    lines.append(stratum_sentence(key, result))
    contacts = [_contact(ctx, c) for c in member.contacts[:2]]
    if contacts:
        lines.append(say("area.kader", contacts=", ".join(contacts)))
    return Text("\n".join(lines))


def _rekap(ctx: Context, session: Session, area: AreaData, period: Period) -> StepResult:
    """The area summary PDF; when no posyandu of the area has any report in the 12 months
    through ``period`` there is nothing to summarise, and the supervisor is told so."""
    if not area.has_reports:
        return done(session, text("area.rekap_none", period=format_period(period), area=area.name))
    params = {"area_id": area.id, "period": str(period)}
    return done(session, Document("area_summary", params))


def _contact(ctx: Context, contact: Contact) -> str:
    """A kader to call: the name, and the phone number only in a private chat (a linked group
    is a wider audience than its supervisor)."""
    phone = "" if ctx.in_group else contact.phone or ""
    return say("area.contact", name=contact.name, phone=phone).strip()
