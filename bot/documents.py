"""Documents rendered at send time: load from storage, assess with scoring, word for people,
and render the PDF in a worker thread (never on the event loop)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import OutgoingDocument
from bot.channels.registry import find
from bot.dasbor.children_view import prevalence_of
from bot.document_params import area_of, posyandu_of
from bot.pdf import (
    AreaRow,
    AreaSummaryData,
    MonthlyReportData,
    RatioLine,
    render_area_summary,
    render_posyandu_report,
)
from bot.pdf.model import TrendPoint
from conversations.catalogue import say
from conversations.figure_words import (
    count,
    indicator_words,
    need_words,
    pdf_blank,
    ratio_label,
    ratio_words,
    service_lines,
    stratum_cell,
)
from conversations.format import (
    area_title,
    field_label,
    imported_words,
    place_name,
    reporting_counts,
    reporting_words,
    short_date,
)
from conversations.periods import format_period, format_period_short
from scoring import (
    AreaRollup,
    Assessment,
    Gap,
    KnownHistory,
    MemberStatus,
    MonthReport,
    Period,
    PeriodError,
    Reporting,
    ReportingState,
    ScoringSettings,
    Stratum,
    assess,
    count_states,
    month_ratios,
    reporting_state,
    rollup,
)
from scoring.carry import Carried, carried_rare_values
from scoring.fields import (
    FIELD_BY_ID,
    HOME_VISIT,
    LIST_FIELD,
    SERVED_FIELD,
    TABLE_GROUPS,
    FieldRole,
)
from scoring.growth import BGM_FIELD, GrowthRules
from scoring.tally import month_tally
from scoring.totals import area_totals
from storage import Database
from storage.areas import Area, Level, ancestors, area_by_id, areas_under
from storage.children import WeighedChild, measured_in_area, weighed_in
from storage.people import person_by_id
from storage.posyandu import (
    Posyandu,
    area_timezone,
    hari_buka,
    known_histories,
    moves_for,
    posyandu_under,
)
from storage.reports import (
    StoredReport,
    import_source,
    list_stored_reports,
    stored_reports_for_posyandu_ids,
)

__all__ = ["RATIOS", "DocumentNotFound", "month_now", "period_of", "render_document"]

#: The month's ratios, in the order of the PDF's table (``pdf.ratio.<name>``).
RATIOS = ("k_s", "d_s", "d_k", "n_d")
_SAFE = re.compile(r"[^A-Za-z0-9-]+")


class DocumentNotFound(LookupError):
    """An unknown posyandu or area, or a period with no data; the message says which.

    No data: for a posyandu's monthly report, no report of that posyandu for the month; for an
    area summary, no report of any posyandu under the area in the 12 months through the month,
    or a month that has not begun yet in any of its posyandu's time zones (nobody can have
    reported it: the summary would only say "0 of N")."""


def month_now(now: datetime, zones: set[ZoneInfo]) -> Period:
    """The latest month that has begun in any of ``zones`` at ``now``."""
    return max(Period(local.year, local.month) for local in (now.astimezone(z) for z in zones))


def period_of(params: Mapping[str, Any]) -> Period:
    """The month a document's ``period`` parameter names; :class:`DocumentNotFound` when it
    names none."""
    try:
        return Period.parse(str(params.get("period", "")))
    except PeriodError as exc:
        raise DocumentNotFound(f"bad period: {exc}") from None


async def render_document(
    db: Database,
    kind: str,
    params: Mapping[str, Any],
    now: datetime,
    scoring: ScoringSettings,
    growth: GrowthRules | None = None,
) -> OutgoingDocument:
    """The PDF of ``kind``. ``growth`` (the register's rules, ``Settings.growth()``): a
    month weighed on the register shows how many children are to be referred (never who), and
    the area summary gets its prevalence section (stunting, wasting, underweight: counts
    only)."""
    period = period_of(params)
    if kind == "monthly_report":
        data, name = await _monthly(db, params, period, now, scoring, growth)
        content = await asyncio.to_thread(render_posyandu_report, data)
        caption = say("pdf.caption.monthly_report", name=data.posyandu, period=data.period_label)
        filename = say("pdf.file.monthly_report", name=name, period=period)
        return OutgoingDocument(filename, content, caption)
    if kind == "area_summary":
        area_data, name = await _area(db, params, period, now, scoring, growth)
        content = await asyncio.to_thread(render_area_summary, area_data)
        caption = say(
            "pdf.caption.area_summary", name=area_data.area, period=area_data.period_label
        )
        filename = say("pdf.file.area_summary", name=name, period=period)
        return OutgoingDocument(filename, content, caption)
    raise DocumentNotFound(f"unknown document kind {kind!r}")


def _slug(text: str) -> str:
    return _SAFE.sub("-", text.lower()).strip("-") or "posyandu"


def channel_words(channel: str) -> str:
    """The channel a report came through, as the PDF names it ("Telegram", "terminal", "impor
    register.csv (budi)")."""
    imported = import_source(channel)
    if imported is not None:
        return say("pdf.channel.import", operator=imported[0], file=imported[1])
    return say(f"pdf.channel.{channel}") if find(channel) is not None else channel


def _category(gap: Gap | None) -> str | None:
    return gap.category.value if gap is not None and gap.category is not None else None


def _trend(a: Assessment, through: Period, current: Period) -> list[TrendPoint]:
    """The 12 months through ``through``; ``current`` (the month it is now) is in progress."""
    by_period = {r.period: r for r in a.months}
    points = []
    for i in range(11, -1, -1):
        p = through.shift(-i)
        r = by_period.get(p)
        points.append(
            TrendPoint(
                f"{say(f'date.month_short.{p.month}')} {p.year % 100:02d}",
                r.d_s if r else None,
                r.n_d if r else None,
                partial=p == current,
            )
        )
    return points


def _groups(m: MonthReport, carried: Carried | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The "Angka bulan ini" blocks; a service field (optional, asked only where it is on and
    applies) and T, O and B (given where the child register is used) have a row only when the
    month has their value, and a block with no row is left out."""
    groups = [
        (
            say(f"pdf.group.{group}"),
            [
                _field_row(m, field, carried)
                for field in fields
                if not (FIELD_BY_ID[field].service or FIELD_BY_ID[field].derived)
                or getattr(m, field) is not None
            ],
        )
        for group, fields in TABLE_GROUPS  # each field's label is ``pdf.value.<field>``
    ]
    return [(title, rows) for title, rows in groups if rows]


def _field_row(m: MonthReport, field: str, carried: Carried | None) -> tuple[str, str]:
    """A field's label and value; a rarely asked one the month did not ask shows the latest
    known value, its label saying the month it is from ("KK (data Okt 2026)")."""
    label = say(f"pdf.value.{field}")
    if carried is not None and field in carried.values:
        month = format_period_short(carried.period)
        shown = count(carried.values[field], pdf_blank())
        return say("pdf.value.carried", label=label, month=month), shown
    return label, _field_value(m, field)


def _field_value(m: MonthReport, field: str) -> str:
    if FIELD_BY_ID[field].role is FieldRole.CHOICE:
        choice = m.choice(field)
        return pdf_blank() if choice is None else say(f"choice.{choice}").capitalize()
    if field != LIST_FIELD:
        return count(m.count(field), pdf_blank())
    if m.programmes is None:
        return pdf_blank()
    return ", ".join(m.programmes) if m.programmes else say("pdf.value.no_programme")


def _ratio_lines(
    a: Assessment, m: MonthReport, period: Period, scoring: ScoringSettings
) -> list[RatioLine]:
    """The month's ratios against their targets, with the gap category when the month is the
    latest opened one."""
    ratios = month_ratios(m)
    gaps = {g.indicator: g for g in a.gaps} if a.latest_opened == period else {}
    return [
        RatioLine(
            ratio_words(name),
            ratios.get(name),
            scoring.targets.get(name),
            _category(gaps.get(name)),
        )
        for name in RATIOS
    ]


def _referred(children: list[WeighedChild], rules: GrowthRules) -> int:
    """How many of the month's weighed children are to be referred (2T, BGM, a new "sangat
    pendek" or "gizi buruk"), as SELESAI counts them (:func:`scoring.tally.month_tally`); a
    weighing the rules cannot assess is not counted."""
    return month_tally((c.as_month() for c in children), rules).referred


def _with_referrals(
    groups: list[tuple[str, list[tuple[str, str]]]], referred: int
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The count of children to refer, as a row of the balita block (with BGM and 2T)."""
    title = say(f"pdf.group.{FIELD_BY_ID[BGM_FIELD].group}")
    row = (say("pdf.value.referred"), count(referred))
    return [(t, [*rows, row] if t == title else rows) for t, rows in groups]


def _month_groups(
    m: MonthReport,
    window: list[MonthReport],
    weighed: list[WeighedChild],
    growth: GrowthRules | None,
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The month's value blocks, with the count to refer when the register weighed it."""
    groups = _groups(m, carried_rare_values(m, window))
    if weighed and growth is not None and m.buka:
        groups = _with_referrals(groups, _referred(weighed, growth))
    return groups


async def _monthly(
    db: Database,
    params: Mapping[str, Any],
    period: Period,
    now: datetime,
    scoring: ScoringSettings,
    growth: GrowthRules | None = None,
) -> tuple[MonthlyReportData, str]:
    async with db.read() as conn:
        posyandu = await posyandu_of(conn, params)
        if posyandu is None:
            raise DocumentNotFound("unknown posyandu")
        history = await list_stored_reports(
            conn, posyandu.id, period.shift(1 - scoring.window_months), period
        )
        stored = next((r for r in history if r.report.period == period), None)
        if stored is None:
            raise DocumentNotFound(f"posyandu {posyandu.code} has no report for {period}")
        window = [r.report for r in history]
        desa = await area_by_id(conn, posyandu.desa_id)
        above = await ancestors(conn, desa) if desa else []
        by_level = {a.level: a for a in [*above, *([desa] if desa else [])]}
        who = await person_by_id(conn, stored.submitted_by) if stored.submitted_by else None
        moves = await moves_for(conn, [posyandu.id], period, period)
        known = (await known_histories(conn, [posyandu.id]))[posyandu.id]
        weighed = await weighed_in(conn, posyandu.id, period) if growth is not None else []
    a = assess(window, period, scoring, known.since)
    m = stored.report
    s = a.strata
    local_sent = stored.submitted_at.astimezone(posyandu.tz)
    data = MonthlyReportData(
        posyandu=posyandu.name,
        posyandu_code=posyandu.code,
        desa=place_name(desa.name, desa.kind) if desa else "",
        kecamatan=by_level[Level.KECAMATAN].name if Level.KECAMATAN in by_level else "",
        kabupaten=_title(by_level.get(Level.KABUPATEN)),
        puskesmas=_title(by_level.get(Level.KECAMATAN)),
        period_label=format_period(period),
        hari_buka=short_date(hari_buka(posyandu, period, moves)),
        reported_by=who.name if who else "",
        reported_at=f"{local_sent:%d-%m-%Y %H.%M} {local_sent.tzname() or ''}".strip(),
        channel=channel_words(stored.channel),
        buka=m.buka,
        groups=_month_groups(m, window, weighed, growth),
        skdn={"S": m.s, "K": m.k, "D": m.d, "N": m.n},
        ratios=_ratio_lines(a, m, period, scoring),
        stratum=s.stratum.label if s.stratum is not None else "",
        months_known=s.months_known if s.provisional else None,
        aktif=s.posyandu_aktif,
        limiting=[indicator_words(i) for i in s.limiting],
        needs=[need_words(n) for n in s.needs],
        next_stratum=s.next_stratum.label if s.next_stratum else None,
        projected=_label(a.year_end.projected_stratum),
        trend=_trend(a, period, month_now(now, {posyandu.tz})),
        generated_at=now.astimezone(posyandu.tz),
        verification=f"R{stored.id}-{stored.revision}",
        missing=sorted({field_label(f) for fs in s.missing.values() for f in fs}),
        imported=_imported(stored, posyandu.tz),
    )
    return data, _slug(posyandu.code)


def _imported(stored: StoredReport, tz: ZoneInfo) -> str:
    """ "Diimpor oleh Bidan Rina dari hist.csv, 7 Des 2026" for a month an import saved."""
    source = import_source(stored.channel)
    if source is None:
        return ""
    return imported_words(*source, stored.submitted_at, tz)


def _title(area: Area | None) -> str:
    return area_title(area.level, area.name, area.kind) if area is not None else ""


async def _area(
    db: Database,
    params: Mapping[str, Any],
    period: Period,
    now: datetime,
    scoring: ScoringSettings,
    growth: GrowthRules | None = None,
) -> tuple[AreaSummaryData, str]:
    async with db.read() as conn:
        area = await area_of(conn, params)
        if area is None:
            raise DocumentNotFound("unknown area")
        members = await posyandu_under(conn, area)
        if not members:
            raise DocumentNotFound(f"area {area.code} has no posyandu")
        current = month_now(now, {p.tz for p in members})
        if period > current:
            raise DocumentNotFound(
                f"area {area.code} has no reports for {period}: that month has not begun "
                f"(it is {current} in the area)"
            )
        stored = await stored_reports_for_posyandu_ids(
            conn, [p.id for p in members], period.shift(1 - scoring.window_months), period
        )
        if not any(stored.values()):
            raise DocumentNotFound(
                f"area {area.code} has no reports in the {scoring.window_months} months to {period}"
            )
        desas = {a.id: a.name for a in await areas_under(conn, area, Level.DESA)}
        if area.level is Level.DESA:
            desas[area.id] = area.name
        above = await ancestors(conn, area)
        zone = await area_timezone(conn, area)  # the zone most of its posyandu use
        # Assessing every posyandu is CPU work (about 0.1 s for 1,500): not on the event loop.
        known = await known_histories(conn, [p.id for p in members])
        moves = await moves_for(conn, None, period, period)
        # The register's weighings of the month, anonymous (no name read: no audit row).
        measured = await measured_in_area(conn, area.path, period) if growth else None
    # A posyandu registered or imported from a later month owes nothing for this one.
    members = [p for p in members if known[p.id].started_by(period)]
    days = {p.id: hari_buka(p, period, moves) for p in members}
    data = await asyncio.to_thread(
        _area_data, area, members, stored, desas, above, zone, period, now, scoring, known, days
    )
    if growth is not None and measured:
        found = await asyncio.to_thread(prevalence_of, measured, growth)
        data = replace(data, prevalence=found)
    return data, _slug(area.code)


def _area_data(
    area: Area,
    members: list[Posyandu],
    stored: Mapping[int, list[StoredReport]],
    desas: Mapping[int, str],
    above: list[Area],
    zone: str | None,
    period: Period,
    now: datetime,
    scoring: ScoringSettings,
    known: Mapping[int, KnownHistory],
    days: Mapping[int, date],
) -> AreaSummaryData:
    statuses: list[MemberStatus] = []
    states: list[ReportingState] = []
    rows: list[tuple[tuple[int, int, float, str, str], AreaRow]] = []
    this_month: list[MonthReport] = []
    for p in members:
        history = known.get(p.id, KnownHistory())
        own = next((r.report for r in stored.get(p.id, []) if r.report.period == period), None)
        this_month += [own] if own is not None else []
        reporting = reporting_state(
            period, days.get(p.id), now.astimezone(p.tz).date(), own is not None, history.since
        )
        states.append(reporting.state)
        status, key, row = _area_row(p, stored.get(p.id, []), desas, period, scoring, history)
        if own is None:
            row = replace(row, status=_status_words(reporting), status_state=reporting.state.value)
        statuses.append(status)
        rows.append((key, row))
    # Worst first: lowest stratum (none yet first), then not reported, then lowest D/S; ties
    # by name and code.
    rows.sort(key=lambda pair: pair[0])
    roll = rollup(statuses)
    local = now.astimezone(ZoneInfo(zone) if zone else members[0].tz if members else UTC)
    return AreaSummaryData(
        area=area_title(area.level, area.name, area.kind),
        parents=", ".join(a.name for a in reversed(above)),
        period_label=format_period(period),
        expected=roll.expected,
        reported=roll.reported,
        states=reporting_counts(count_states(states)),
        counts=_counts(roll),
        share_purnama_mandiri=roll.share_purnama_mandiri,
        share_aktif=roll.share_aktif,
        rows=[r for _k, r in rows],
        generated_at=local,
        verification=f"A{area.id}-{period}-{roll.reported}-{_fingerprint(stored)}",
        ds_target=scoring.targets.d_s,
        nd_target=scoring.targets.n_d,
        **_totals(this_month, scoring),
        services=service_lines(
            period, [r.report for rs in stored.values() for r in rs if r.report.period == period]
        ),
    )


def _area_row(
    p: Posyandu,
    stored: list[StoredReport],
    desas: Mapping[int, str],
    period: Period,
    scoring: ScoringSettings,
    known: KnownHistory,
) -> tuple[MemberStatus, tuple[int, int, float, str, str], AreaRow]:
    """One posyandu of the area summary: its roll-up status, its sort key and its row; its
    stratum over its known history ("belum ada data" with no report at all)."""
    months = [r.report for r in stored]
    a = assess(months, period, scoring, known.since)
    has_data = known.has_data or bool(months)
    stratum = a.stratum if has_data else None
    own = next((m for m in months if m.period == period), None)
    reported = own is not None
    provisional = has_data and a.provisional
    status = MemberStatus(stratum, a.posyandu_aktif and has_data, reported, provisional)
    this = next((month_ratios(m) for m in months if m.period == period), None)
    gap = a.largest_gap() if a.latest_opened == period else None
    row = AreaRow(
        posyandu=p.name,
        code=p.code,
        desa=desas.get(p.desa_id, ""),
        reported=reported,
        d_s=this.d_s if this else None,
        n_d=this.n_d if this else None,
        stratum=stratum_cell(a.strata, has_data),
        gap=None
        if gap is None
        else RatioLine(ratio_label(gap.indicator), gap.actual, gap.target, _category(gap)),
        closed=own is not None and not own.buka,
    )
    d_s = this.d_s if this and this.d_s is not None else -1.0
    rank = stratum.rank if stratum is not None else -1
    return status, (rank, int(reported), d_s, p.name, p.code), row


def _status_words(reporting: Reporting) -> tuple[str, ...]:
    """A posyandu without a report in the area summary's narrow Lapor column: "BELUM" and
    its days past hari buka ("4 hari"), "belum waktunya", or "hari ini buka"."""
    if reporting.state is ReportingState.LATE:
        return say("pdf.area.no"), say("pdf.area.late_days", days=reporting.days_late)
    return (reporting_words(reporting),)


def _counts(roll: AreaRollup) -> dict[str, int]:
    """Posyandu per stratum, lowest first, then those without one (when there are any)."""
    counts = {s.label: roll.counts[s] for s in Stratum}
    if roll.too_few:
        counts[say("strata.too_few")] = roll.too_few
    if roll.no_data:
        counts[say("strata.no_data")] = roll.no_data
    return counts


def _label(stratum: Stratum | None) -> str:
    return stratum.label if stratum is not None else ""


def _totals(month: list[MonthReport], scoring: ScoringSettings) -> dict[str, Any]:
    """The area summary's totals part (AreaSummaryData's ``totals`` to ``home_visits``)."""
    t = area_totals(month, scoring)
    return {
        "totals": say(
            "pdf.area.totals.counts", **{f: count(v, pdf_blank()) for f, v in t.counts.items()}
        ),
        "ratios": [
            RatioLine(ratio_words(g.indicator), g.actual, g.target, _category(g)) for g in t.gaps
        ],
        "opened": t.opened,
        "closed": t.closed,
        "home_visits": _home_visits(month),
    }


def _home_visits(month: list[MonthReport]) -> int | None:
    """The month's reports served by home visits; None when no report says how its month
    was served (the optional field is off, or not answered)."""
    served = [m.choice(SERVED_FIELD) for m in month]
    if all(s is None for s in served):
        return None
    return sum(1 for s in served if s == HOME_VISIT)


def _fingerprint(stored: Mapping[int, list[StoredReport]]) -> str:
    """Six hex digits over every (report id, revision) the summary was computed from (the
    whole window: strata depend on it), so any new or revised report changes the code."""
    pairs = sorted((r.id, r.revision) for reports in stored.values() for r in reports)
    return hashlib.sha256(repr(pairs).encode()).hexdigest()[:6].upper()
