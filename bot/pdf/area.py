"""The area summary: completeness, strata, and every posyandu (worst first).

The table is made for a phone held upright: A4 portrait, seven columns, 10 pt type. Each
posyandu takes two lines (three when its name needs two): its full name, then its code and
desa, so 1,500 posyandu called "Posyandu Melati Indah Sejahtera 0001" and so on stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.pdf.base import COLOURS, ReportPDF
from bot.pdf.charts import bar_chart
from bot.pdf.model import AreaRow, AreaSummaryData
from bot.pdf.tables import ratio_table
from conversations.catalogue import say
from conversations.figure_words import (
    category_words,
    count,
    part_of,
    pdf_blank,
    percent,
    percent_pair,
    percent_vs,
    prevalence_labels,
    prevalence_rows,
)
from scoring.prevalence import Prevalence

__all__ = ["render_area_summary"]

STRATUM_COLOURS = {
    "Pratama": (198, 40, 40),
    "Madya": (230, 145, 0),
    "Purnama": (3, 155, 229),
    "Mandiri": (46, 125, 50),
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    width: float  # mm; the seven add up to the 182 mm between the margins
    align: str
    #: Whether the heading has a second line (``pdf.area.col.<key>.sub``).
    sub: bool = False


COLUMNS = (
    Column("no", 10, "R"),
    Column("posyandu", 62, "L", sub=True),
    Column("reported", 20, "C", sub=True),
    Column("ds", 14, "R"),
    Column("nd", 14, "R"),
    Column("stratum", 25, "C"),
    Column("gap", 37, "L", sub=True),
)
WIDTH = sum(c.width for c in COLUMNS)
#: The colour of a posyandu's Lapor cell without a report, by its state (scoring.ReportingState).
_STATUS_COLOURS = {"late": "off_track", "today": "on_track", "not_due": "muted"}
#: TIDAK BUKA is written across the D/S and N/D columns.
_CLOSED_WIDTH = sum(c.width for c in COLUMNS if c.key in ("ds", "nd"))
#: Type size (pt), line height and the padding above and below a row's lines (mm).
SIZE = 10.0
LINE = 4.6
PAD = 1.3
#: A name longer than this many lines keeps its first line and its distinctive tail.
NAME_LINES = 2


def render_area_summary(data: AreaSummaryData) -> bytes:
    title = say("pdf.area.title", area=data.area)
    pdf = ReportPDF(
        f"{title} - {data.period_label}",
        data.generated_at,
        data.verification,
        legend=say("pdf.area.code_note"),
    )
    pdf.add_page()
    pdf.para(title, size=17, bold=True)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(data.parents, size=10)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.para(say("pdf.area.period", period=data.period_label))
    share = data.reported / data.expected if data.expected else None
    pdf.para(
        say(
            "pdf.area.completeness",
            reported=part_of(data.reported, data.expected, pdf_blank()),
            share=percent(share, pdf_blank()),
        ),
        size=12,
        bold=True,
    )
    if data.states:
        pdf.para(data.states, size=11)
    _totals(pdf, data)
    pdf.heading(say("pdf.area.strata"))
    bar_chart(
        pdf,
        [(label, n, STRATUM_COLOURS.get(label, COLOURS["S"])) for label, n in data.counts.items()],
        height=34,
    )
    pdf.para(say("pdf.area.pm", share=percent(data.share_purnama_mandiri, pdf_blank())), size=12)
    pdf.para(say("pdf.area.aktif", share=percent(data.share_aktif, pdf_blank())), size=12)
    for line in data.services:
        pdf.para(line, size=12)
    if data.prevalence is not None:
        _prevalence(pdf, data.prevalence)
    pdf.heading(say("pdf.area.table"))
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(say("pdf.area.gap_note"), size=10)
    pdf.set_text_color(*COLOURS["ink"])
    pdf.ln(1)
    _table(pdf, data)
    return pdf.finish()


def _totals(pdf: ReportPDF, data: AreaSummaryData) -> None:
    """The area's month in totals: the counts, the area's ratios against their targets, and
    how many posyandu opened, did not (TIDAK BUKA) and served by home visits."""
    pdf.heading(say("pdf.area.totals"))
    if data.opened:
        pdf.para(data.totals, size=12, bold=True)
        pdf.ln(1)
        ratio_table(pdf, data.ratios)
        pdf.ln(1)
    opened, closed = count(data.opened, pdf_blank()), count(data.closed, pdf_blank())
    if data.home_visits is None:
        line = say("pdf.area.openings", opened=opened, closed=closed)
    else:
        home = count(data.home_visits, pdf_blank())
        line = say("pdf.area.openings.home_visits", opened=opened, home_visits=home, closed=closed)
    pdf.para(line, size=11)


#: The prevalence table's columns (mm): age and sex, then the three indicators.
_PREVALENCE_WIDTHS = (50, 44, 44, 44)


def _prevalence(pdf: ReportPDF, p: Prevalence) -> None:
    """Stunting, wasting and underweight of the month: counts and shares, never a name."""
    rows = prevalence_rows(p, pdf_blank())
    height = (len(rows) + 1) * 5.2 + 30
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.heading(say("prevalence.title"))
    pdf.para(say("prevalence.intro", children=count(p.children)), size=11)
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", 9.5)
    heads = [say("prevalence.col.age"), *prevalence_labels()]
    for width, head in zip(_PREVALENCE_WIDTHS, heads, strict=True):
        pdf.cell(width, 6, head, border="B", align="L" if width == 50 else "R")
    pdf.ln(6)
    for i, (age, sex, cells) in enumerate(rows):
        first = i == 0 or rows[i - 1][0] != age
        pdf.set_font("DejaVu", "B" if first else "", 9.5)
        if first and i:
            pdf.set_draw_color(*COLOURS["line"])
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(_PREVALENCE_WIDTHS), pdf.get_y())
        pdf.cell(_PREVALENCE_WIDTHS[0], 5.2, f"{age} · {sex}" if first else f"    {sex}")
        for width, cell in zip(_PREVALENCE_WIDTHS[1:], cells, strict=True):
            pdf.cell(width, 5.2, cell, align="R")
        pdf.ln(5.2)
    pdf.set_text_color(*COLOURS["muted"])
    pdf.para(say("prevalence.note"), size=8.5)
    pdf.set_text_color(*COLOURS["ink"])


def _table(pdf: ReportPDF, data: AreaSummaryData) -> None:
    """Every row, never split across pages; the headings again on top of every page."""
    _header(pdf)
    name_width = COLUMNS[1].width - 2 * pdf.c_margin
    stratum_width = next(c.width for c in COLUMNS if c.key == "stratum") - 2 * pdf.c_margin
    status_width = next(c.width for c in COLUMNS if c.key == "reported") - 2 * pdf.c_margin
    for i, r in enumerate(data.rows, start=1):
        pdf.set_font("DejaVu", "", SIZE)
        name = _wrap(pdf, r.posyandu, name_width)
        place = f"{r.code} · {r.desa}" if r.desa else r.code
        place = _fit(pdf, place, name_width)
        # "Purnama sementara (4 bln)", "belum ada data": on as many lines as it takes.
        stratum = _words_in_lines(pdf, r.stratum, stratum_width)
        # "BELUM" / "4 hari", "belum waktunya", "hari ini buka": on the lines they take.
        parts = r.status or (say("pdf.area.no"),)
        status = [w for part in parts for w in _words_in_lines(pdf, part, status_width)]
        height = max(len(name) + 1, len(stratum), len(status)) * LINE + 2 * PAD
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            _header(pdf)
            pdf.set_font("DejaVu", "", SIZE)
        top = pdf.get_y()
        if i % 2 == 0:
            pdf.set_fill_color(*COLOURS["band"])
            pdf.rect(pdf.l_margin, top, WIDTH, height, style="F")
        y = top + PAD
        first: dict[str, str] = {
            "no": str(i),
            "reported": say("pdf.area.yes") if r.reported else "\n".join(status),
            "ds": percent_pair(r.d_s, data.ds_target, pdf_blank())[0],
            "nd": percent_pair(r.n_d, data.nd_target, pdf_blank())[0],
            "stratum": "\n".join(stratum),
            "name": "\n".join(name),
            "place": place,
        }
        _cells(pdf, r, first, y)
        pdf.set_xy(pdf.l_margin, top + height)


def _cells(pdf: ReportPDF, r: AreaRow, first: dict[str, str], y: float) -> None:
    """One row's columns, from the left margin at height ``y``; a month the posyandu did
    not open reads TIDAK BUKA across D/S and N/D."""
    x = pdf.l_margin
    for col in COLUMNS:
        pdf.set_xy(x, y)
        if col.key == "posyandu":
            for line in first["name"].split("\n"):
                pdf.cell(col.width, LINE, line, new_x="LEFT", new_y="NEXT")
            pdf.set_text_color(*COLOURS["muted"])
            pdf.cell(col.width, LINE, first["place"])
            pdf.set_text_color(*COLOURS["ink"])
        elif col.key == "gap":
            _gap(pdf, r, col)
        elif col.key == "stratum":
            for line in first["stratum"].split("\n"):
                pdf.cell(col.width, LINE, line, align=col.align, new_x="LEFT", new_y="NEXT")
        elif r.closed and col.key in ("ds", "nd"):
            if col.key == "ds":
                pdf.set_font("DejaVu", "B", SIZE)
                pdf.cell(_CLOSED_WIDTH, LINE, say("pdf.area.closed"), align="C")
                pdf.set_font("DejaVu", "", SIZE)
        elif col.key == "reported" and not r.reported:
            # Red and bold only once hari buka has passed; grey before it.
            late = r.status_state == "late"
            pdf.set_font("DejaVu", "B" if late else "", SIZE)
            pdf.set_text_color(*COLOURS[_STATUS_COLOURS.get(r.status_state, "off_track")])
            for line in first[col.key].split("\n"):
                pdf.cell(col.width, LINE, line, align=col.align, new_x="LEFT", new_y="NEXT")
            pdf.set_text_color(*COLOURS["ink"])
            pdf.set_font("DejaVu", "", SIZE)
        else:
            pdf.cell(col.width, LINE, first[col.key], align=col.align)
        x += col.width


def _gap(pdf: ReportPDF, r: AreaRow, col: Column) -> None:
    """ "D/S 84,6% → 85%" and, under it, how far in words (and colour)."""
    g = r.gap
    if g is None or g.actual is None or g.target is None:
        pdf.cell(col.width, LINE, pdf_blank())
        return
    actual, target = percent_vs(g.actual, g.target)
    pdf.cell(col.width, LINE, f"{g.label} {actual} → {target}", new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(*COLOURS[g.category or "none"])
    pdf.cell(col.width, LINE, category_words(g.category).lower())
    pdf.set_text_color(*COLOURS["ink"])


def _header(pdf: ReportPDF) -> None:
    """The table's headings (two lines: what, and what the second line of a row holds)."""
    top = pdf.get_y()
    height = 2 * LINE + 2 * PAD
    pdf.set_fill_color(*COLOURS["line"])
    pdf.rect(pdf.l_margin, top, WIDTH, height, style="F")
    x = pdf.l_margin
    for col in COLUMNS:
        pdf.set_xy(x, top + PAD)
        pdf.set_font("DejaVu", "B", SIZE)
        pdf.cell(col.width, LINE, say(f"pdf.area.col.{col.key}"), align=col.align)
        if col.sub:
            pdf.set_xy(x, top + PAD + LINE)
            pdf.set_font("DejaVu", "", SIZE)
            pdf.cell(col.width, LINE, say(f"pdf.area.col.{col.key}.sub"), align=col.align)
        x += col.width
    pdf.set_xy(pdf.l_margin, top + height)


def _words_in_lines(pdf: ReportPDF, text: str, width: float) -> list[str]:
    """``text`` in lines of whole words, each at most ``width`` where a word allows."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _wrap(pdf: ReportPDF, text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width``; past :data:`NAME_LINES` lines, the last line
    keeps the end of the text (where names differ: "… Sejahtera 0001")."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines: list[str] = []
    words = text.split()
    current = ""
    for k, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if len(lines) == NAME_LINES - 1:
            return [*lines, _tail(pdf, " ".join(words[k:]), width)]
        current = word if pdf.get_string_width(word) <= width else _tail(pdf, word, width)
    return [*lines, current]


def _tail(pdf: ReportPDF, text: str, width: float) -> str:
    """The longest end of ``text`` that fits in ``width`` after an ellipsis."""
    if pdf.get_string_width(text) <= width:
        return text
    start = 0
    while start < len(text) and pdf.get_string_width("…" + text[start:]) > width:
        start += 1
    return "…" + text[start:].lstrip()


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    """``text``, shortened at its end with an ellipsis when it would not fit in ``width``."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
