"""What the templates are given: the catalogue's words (``t``), the chat's and the PDFs'
formatters, and each page's context (sorting and paging of the posyandu table included).

Every word a page shows comes from the catalogue (``dasbor.*`` keys, and the PDFs' own where
the PDF says the same thing); the templates hold markup only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any
from urllib.parse import urlencode

from bot.colours import css_colour
from bot.dasbor.charts import bar_chart, line_chart
from bot.dasbor.children_view import ChildView, Counted, Row, WeighingList
from bot.dasbor.figures import AreaView, Member, Summary
from bot.dasbor.kms_chart import kms_svg
from bot.dasbor.posyandu_view import PosyanduView
from conversations.catalogue import MESSAGES, say
from conversations.figure_words import (
    BLANK,
    category_words,
    count,
    decimal,
    percent,
    percent_of_target,
    prevalence_labels,
    prevalence_rows,
    ratio_words,
    stratum_sentence,
    weight_words,
)
from conversations.format import (
    clock_time,
    day_date,
    day_name,
    imported_words,
    place_name,
    reporting_words,
)
from conversations.periods import format_period, format_period_short
from scoring import Gap, Period, ReportingState, ScoringSettings, Stratum, gap, month_ratios
from scoring.growth import (
    Assessed,
    Referral,
    grams,
    height_for_age,
    weight_for_age,
    weight_for_height,
)
from scoring.lexicon import DASBOR_SHOWN
from storage.reports import import_source

__all__ = [
    "GLOBALS",
    "PAGE_SIZE",
    "area_context",
    "child_context",
    "posyandu_context",
    "prevalence_context",
    "t",
    "table_context",
    "weighings_context",
]

#: Rows of the posyandu table per page.
PAGE_SIZE = 100
_RATIOS = ("k_s", "d_s", "d_k", "n_d")
_SKDN = ("s", "k", "d", "n")


def t(key: str, **values: object) -> str:
    """The catalogue's text; an optional part (a hint) may be absent: then empty."""
    if key.endswith(".hint") and key not in MESSAGES:
        return ""
    return say(key, **values)


def category(g: Gap) -> str:
    return category_words(g.category.value if g.category else None)


def _month_label(p: Period) -> str:
    return say(f"date.month_short.{p.month}")


GLOBALS: dict[str, Callable[..., Any]] = {
    "t": t,
    "pct": percent,
    "pct_target": percent_of_target,
    "num": count,
    "month": format_period,
    "month_short": format_period_short,
    "day": day_name,
    "category": category,
}


def gaps_of(s: Summary) -> dict[str, Gap]:
    return {g.indicator: g for g in s.totals.gaps}


def _counts(s: Summary) -> list[tuple[str, int, str]]:
    roll = s.roll
    rows = [(st.label, roll.counts[st], "") for st in Stratum]
    if roll.provisional:
        rows.append(
            (say("dasbor.provisional_label"), roll.provisional, say("dasbor.provisional_note"))
        )
    if roll.too_few:
        rows.append((say("strata.too_few"), roll.too_few, ""))
    if roll.no_data:
        rows.append((say("strata.no_data"), roll.no_data, ""))
    return rows


def _month_query(period: Period | None) -> str:
    return f"?periode={period}" if period is not None else ""


def _trend_chart(
    points: Sequence[tuple[Period, float | None, float | None]],
    targets: Mapping[str, float],
    current: Period,
) -> Any:
    """D/S and N/D of the 12 months; the month in progress (``current``: the month it is now)
    drawn apart, not joined to the line: its figures are what has come in so far."""
    periods = [p for p, _d, _n in points]
    return line_chart(
        [_month_label(p) for p in periods],
        [
            (ratio_words("d_s"), [d for _p, d, _n in points], targets.get("d_s")),
            (ratio_words("n_d"), [n for _p, _d, n in points], targets.get("n_d")),
        ],
        periods.index(current) if current in periods else None,
        [css_colour("d_s"), css_colour("n_d")],
    )


def area_context(view: AreaView, asked: Period | None) -> dict[str, Any]:
    s = view.summary
    targets = {g.indicator: g.target for g in s.totals.gaps}
    return {
        "view": view,
        "counts": _counts(s),
        "totals": say("pdf.area.totals.counts", **{f: count(v) for f, v in s.totals.counts.items()})
        + " · "
        + say("pdf.area.openings", opened=s.totals.opened, closed=s.totals.closed),
        "ratios": [(ratio_words(g.indicator), g) for g in s.totals.gaps],
        "trend": _trend_chart(
            [(p.period, p.d_s, p.n_d) for p in view.trend], targets, view.current
        ),
        "children": view.children,
        "gaps": gaps_of,
        "reported_text": _reported_text,
        "status_class": _status_class,
        "month_query": _month_query(asked),
    }


# --- the posyandu table ---------------------------------------------------------------------
def _ratio(name: str) -> Callable[[Member], tuple[Any, ...]]:
    def key(m: Member) -> tuple[Any, ...]:
        value = m.ratios.get(name) if m.ratios else None
        return (value is not None, value or 0.0, m.posyandu.name.casefold())

    return key


def _rank(m: Member) -> tuple[Any, ...]:
    s = m.strata.stratum if m.strata else None
    return (
        s.rank if s else -1,
        not (m.strata and m.strata.provisional),
        m.posyandu.name.casefold(),
    )


#: The table's columns: the sort key in the URL (None: not sortable), the label's key, how to
#: sort by it.
SORTS: dict[str, Callable[[Member], tuple[Any, ...]]] = {
    "nama": lambda m: (m.posyandu.name.casefold(), m.posyandu.code),
    "desa": lambda m: (m.desa.casefold(), m.posyandu.name.casefold()),
    "status": lambda m: (_status_rank(m), -m.reporting.days_late, m.posyandu.name.casefold()),
    "ds": _ratio("d_s"),
    "nd": _ratio("n_d"),
    "ks": _ratio("k_s"),
    "strata": _rank,
    "terakhir": lambda m: (
        m.last_period.index if m.last_period else -1,
        m.posyandu.name.casefold(),
    ),
}
COLUMNS = (
    ("nama", "dasbor.col.name"),
    ("desa", "dasbor.col.desa"),
    ("status", "dasbor.col.reported"),
    ("ds", "dasbor.col.ds"),
    ("nd", "dasbor.col.nd"),
    ("ks", "dasbor.col.ks"),
    ("strata", "dasbor.col.stratum"),
    (None, "dasbor.col.limiting"),
    ("terakhir", "dasbor.col.last"),
)
FILTERS = DASBOR_SHOWN


def _shown(members: Sequence[Member], which: str) -> list[Member]:
    """``DASBOR_SHOWN``: all, not reported, reported."""
    _everyone, missing, reported = DASBOR_SHOWN
    if which == missing:
        return [m for m in members if not m.reported]
    if which == reported:
        return [m for m in members if m.reported]
    return list(members)


def _page_number(text: str | None, pages: int) -> int:
    try:
        page = int(text or "1")
    except ValueError:
        page = 1
    return min(max(page, 1), pages)


def table_context(view: AreaView, asked: Period | None, query: dict[str, str]) -> dict[str, Any]:
    sort = query.get("urut") if query.get("urut") in SORTS else "nama"
    assert sort is not None
    descending = query.get("arah") == "turun"
    which = query.get("tampil") if query.get("tampil") in FILTERS else FILTERS[0]
    assert which is not None
    rows = sorted(_shown(view.members, which), key=SORTS[sort], reverse=descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = _page_number(query.get("hal"), pages)
    state = {
        "urut": sort,
        "arah": "turun" if descending else "naik",
        "tampil": which,
        "hal": str(page),
    }
    if asked is not None:
        state["periode"] = str(asked)

    def link(**changes: object) -> str:
        return "?" + urlencode({**state, **{k: str(v) for k, v in changes.items()}})

    return {
        "view": view,
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(rows),
        "sort": sort,
        "descending": descending,
        "shown": which,
        "page": page,
        "pages": pages,
        "link": link,
        "columns": [(k, say(label)) for k, label in COLUMNS],
        "filters": [(k, say(f"dasbor.filter.{k}")) for k in FILTERS],
        "reported_text": _reported_text,
        "status_class": _status_class,
        "month_query": _month_query(asked),
    }


def _reported_text(m: Member) -> str:
    """ "sudah", "TIDAK BUKA", or where it stands without a report: "belum waktunya (hari
    buka 12 Des)", "hari ini buka", "belum lapor, terlambat 4 hari"."""
    if m.closed:
        return say("pdf.area.closed")
    if m.reported:
        return say("dasbor.cell.reported")
    return reporting_words(m.reporting, m.hari_buka)


#: The class of a posyandu's "Lapor" cell (its colour: red only when late).
_CLASSES = {
    ReportingState.LATE: "todo",
    ReportingState.TODAY: "today",
    ReportingState.NOT_DUE: "notdue",
    ReportingState.BEFORE_START: "before",
    ReportingState.REPORTED: "done",
}
#: Sorting by the "Lapor" column: the most overdue first, reported last.
_STATUS_RANK = {"todo": 0, "today": 1, "notdue": 2, "before": 3, "closed": 4, "done": 5}


def _status_class(m: Member) -> str:
    return "closed" if m.closed else _CLASSES[m.reporting.state]


def _status_rank(m: Member) -> int:
    return _STATUS_RANK[_status_class(m)]


# --- a posyandu's page ----------------------------------------------------------------------
def posyandu_context(view: PosyanduView, scoring: ScoringSettings) -> dict[str, Any]:
    targets = scoring.targets
    shown = view.shown
    ratios = []
    if shown is not None and shown.report.buka:
        values = month_ratios(shown.report)
        ratios = [
            (ratio_words(name), gap(name, values.get(name), targets.get(name), scoring))
            for name in _RATIOS
        ]
    strata = view.assessment.strata
    has_data = shown is not None or bool(view.assessment.reports)
    labels = [say(f"dasbor.skdn.{f}") for f in _SKDN]
    return {
        "view": view,
        "place": place_name(view.desa.name, view.desa.kind) if view.desa else "",
        "stratum": stratum_sentence("dasbor.stratum", strata)
        if has_data
        else say("strata.no_data"),
        "shown_line": _shown_line(view),
        "skdn": bar_chart(
            [
                (label, shown.report.count(f) if shown else None)
                for label, f in zip(labels, _SKDN, strict=True)
            ],
            [css_colour(f) for f in _SKDN],
        ),
        "skdn_labels": labels,
        "skdn_fields": _SKDN,
        "ratios": ratios,
        "trend": _trend_chart(
            [
                (m.period, m.ratios.d_s if m.ratios else None, m.ratios.n_d if m.ratios else None)
                for m in view.months
            ],
            {"d_s": targets.d_s, "n_d": targets.n_d},
            view.current,
        ),
    }


def _shown_line(view: PosyanduView) -> str:
    """Whose report is shown: "dikirim oleh Bu Sari", or for an imported month "diimpor oleh
    Bidan Rina dari hist.csv, 7 Des 2026" (never "dikirim oleh -")."""
    shown = view.shown
    if shown is None:
        return ""
    source = import_source(shown.channel)
    if source is not None:
        imported = imported_words(*source, shown.submitted_at, view.posyandu.tz)
        return say(
            "dasbor.shown_line_imported",
            period=format_period(shown.report.period),
            imported=imported,
        )
    return say(
        "dasbor.shown_line",
        period=format_period(shown.report.period),
        who=view.shown_by or "-",
    )


# --- the child register: prevalence (counts), the weighing list and a child's page (names) ---
def prevalence_context(counted: Counted | None, zone: tzinfo) -> dict[str, Any]:
    """The area page's prevalence section: counts and shares only (None: being worked out)."""
    if counted is None:
        return {"pending": True, "children": 0}
    p = counted.prevalence
    return {
        "pending": False,
        "children": p.children,
        "intro": say("prevalence.intro", children=count(p.children)),
        "as_of": say("prevalence.as_of", time=clock_time(counted.at, zone)),
        "labels": prevalence_labels(),
        "rows": prevalence_rows(p),
    }


def _length(a: Assessed) -> str:
    if a.length is None:
        return BLANK
    return say("dasbor.weighings.cm", cm=decimal(float(a.length.raw_cm), 1))


def _categories(a: Assessed) -> list[str]:
    found = (
        ("bbu", weight_for_age(a.z.waz)),
        ("tbu", height_for_age(a.z.haz)),
        ("bbtb", weight_for_height(a.z.whz)),
    )
    return [
        say(
            "dasbor.weighings.category",
            label=say(f"dasbor.weighings.category.{key}"),
            words=say(f"growth.{key}.{category.value}"),
        )
        for key, category in found
        if category is not None
    ]


def _referrals(referrals: Sequence[Referral]) -> str:
    if not referrals:
        return say("dasbor.weighings.refer_none")
    return ", ".join(say(f"weigh.refer.{r.value}") for r in referrals)


@dataclass(frozen=True, slots=True)
class _Line:
    """One weighing as a row of the list or of a child's history, worded."""

    date: str
    age: str
    weight: str
    length: str
    status: str
    status_words: str
    marks: str
    marked: bool
    categories: list[str]
    referral: str
    referred: bool


def _line(a: Assessed, referrals: Sequence[Referral]) -> _Line:
    marks = [say(f"weigh.refer.{r.value}") for r, on in _MARKS if on(a)]
    return _Line(
        date=day_date(a.weighing.date),
        age=say("dasbor.weighings.age", months=a.age_months),
        weight=say("dasbor.weighings.kg", kg=weight_words(grams(a.weighing.weight_kg))),
        length=_length(a),
        status=a.status.value,
        status_words=say(f"weigh.status.{a.status.value}"),
        marks=", ".join(marks) or BLANK,
        marked=bool(marks),
        categories=_categories(a),
        referral=_referrals(referrals),
        referred=bool(referrals),
    )


#: BGM and 2T, as the KMS marks them.
_MARKS: tuple[tuple[Referral, Callable[[Assessed], bool]], ...] = (
    (Referral.UNDER_RED_LINE, lambda a: a.under_red_line),
    (Referral.TWO_T, lambda a: a.two_t),
)


def weighings_context(listed: WeighingList) -> dict[str, Any]:
    rows: list[tuple[Row, _Line]] = [(r, _line(r.assessed, r.referrals)) for r in listed.rows]
    return {
        "listed": listed,
        "rows": rows,
        "title": say("dasbor.weighings.title", period=format_period(listed.period)),
        "counted": say(
            "dasbor.weighings.count", weighed=len(listed.rows), missing=listed.not_weighed
        ),
        "month_query": _month_query(listed.period),
    }


def child_context(view: ChildView) -> dict[str, Any]:
    child = view.child
    lines = [_line(a, referrals) for a, referrals in view.history]
    last = view.history[-1][0].weighing.date if view.history else None
    return {
        "view": view,
        "about": say(
            "dasbor.child.about",
            sex=say(f"prevalence.sex.{child.sex.value}"),
            born=day_date(child.birth_date),
            mother=child.mother_name,
        ),
        "lines": lines[::-1],
        "kms_chart": kms_svg(view.chart),
        "back_query": _month_query(Period(last.year, last.month)) if last else "",
    }
