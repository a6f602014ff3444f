"""How a figure reads in Indonesian, the same in the chat, the PDFs and the dasbor: a share as
a percent ("80%", "99,9%"), a decimal with a comma ("4,1"), a count with a thousands dot
("1.250"), a part of a whole ("3 dari 5"), a figure against its target never rounded into
reaching it ("49,6% → 50%"), what an indicator needs, a ratio and a stratum in words (a
provisional one included).

The one module that writes a figure's digits (``tests/test_code_shape.py``): the digits are
chosen by scoring.figures (the same as ``posyandu score``'s); the words around them are the
catalogue's (``say``). An unknown figure reads "-" in the chat and the dasbor and the
catalogue's dash in the PDFs (``pdf_blank``). Pure."""

from __future__ import annotations

from collections.abc import Iterable

from conversations.catalogue import say
from conversations.format import field_label
from scoring import IndicatorId, MonthReport, Need, Period, Standing, StrataResult
from scoring.fields import in_vitamin_a_month
from scoring.figures import Figure, apart, as_set, percent_apart, share
from scoring.growth import Sex
from scoring.prevalence import AGE_BANDS, AgeBand, Indicator, Prevalence
from scoring.ratios import service_totals

__all__ = [
    "BLANK",
    "SHEET_COUNT",
    "SHEET_SHARE",
    "category_words",
    "count",
    "decimal",
    "indicator_words",
    "line_key",
    "need_words",
    "part_of",
    "pdf_blank",
    "percent",
    "percent_of_target",
    "percent_pair",
    "percent_vs",
    "prevalence_labels",
    "prevalence_rows",
    "ratio_label",
    "ratio_words",
    "service_lines",
    "stratum_cell",
    "stratum_sentence",
    "vs",
    "weight_words",
]

#: How a figure that is not known (not computable) reads in the chat and the dasbor.
BLANK = "-"

#: A spreadsheet cell's number formats (the F1/F2 workbooks, ``bot/sheets.py``): the cell
#: holds the number itself, and the spreadsheet writes the marks of its reader's locale (a
#: thousands dot and a decimal comma in an Indonesian one). A share keeps one decimal.
SHEET_COUNT = "#,##0"
SHEET_SHARE = "0.0%"


def pdf_blank() -> str:
    """How a figure that is not known reads in the PDFs ("—")."""
    return say("pdf.no_value")


def _indonesian(figure: Figure) -> str:
    """The Indonesian marks: a decimal comma and a thousands dot ("1.234,5")."""
    return figure.text(",", ".")


# --- numbers --------------------------------------------------------------------------------
def count(value: int | None, blank: str = BLANK) -> str:
    """A count: "1.250"; ``blank`` when unknown."""
    return blank if value is None else f"{value:,}".replace(",", ".")


def decimal(v: float, places: int) -> str:
    """``v`` with ``places`` decimals, Indonesian style: "4,1", "1.234,5"."""
    return _indonesian(Figure(v, places))


def weight_words(grams: int) -> str:
    """A weight in kilograms from whole grams, as few decimals as it needs: "12,4", "9,85"."""
    places = 1 if grams % 100 == 0 else 2 if grams % 10 == 0 else 3
    return decimal(grams / 1000, places)


def part_of(part: int | None, whole: int | None, blank: str = BLANK) -> str:
    """A part of a whole: "3 dari 5", "1.427 dari 1.428"."""
    return say("figure.part_of", part=count(part, blank), whole=count(whole, blank))


def vs(actual: float, target: float, places: int = 0) -> tuple[str, str]:
    """``actual`` and ``target`` written so that they compare as the real numbers do: whole
    numbers, or one (then two) decimals where rounding would make 4,96 look like a target of 5
    or 84,6% like 85%; at the last resort rounded away from the target, so a shortfall is
    never written as reached. ``places``: the fewest decimals for ``actual`` ("4,1" orang)."""
    return _indonesian(apart(actual, (target,), places)), _indonesian(as_set(target))


# --- shares ---------------------------------------------------------------------------------
def percent(value: float | None, blank: str = BLANK) -> str:
    """A share (a fraction) as a percent: "80%", whole unless that would read as 0% or 100%
    when it is not (1,427 of 1,428 is "99,9%", 1 of 1,428 "0,1%"), with the Indonesian decimal
    comma; ``blank`` when not computable."""
    if value is None:
        return blank
    return _indonesian(share(value)) + "%"


def percent_of_target(value: float | None, target: float | None) -> str:
    """Like :func:`percent`, but a value below its target never reads as reaching it: 79.5%
    against a target of 80% shows "79,5%"."""
    if value is None or target is None or value >= target:
        return percent(value)
    shown, _target = percent_apart(value, target)
    return _indonesian(shown) + "%"


def percent_vs(actual: float, target: float) -> tuple[str, str]:
    """As :func:`vs` for fractions written as percents, ("84,6%", "85%") for (0.846, 0.85);
    never 0% or 100% either unless it is exactly that."""
    a, t = percent_apart(actual, target)
    return _indonesian(a) + "%", _indonesian(t) + "%"


def percent_pair(actual: float | None, target: float | None, blank: str = BLANK) -> tuple[str, str]:
    """:func:`percent_vs` when both are known, else each written on its own."""
    if actual is not None and target is not None:
        return percent_vs(actual, target)
    return percent(actual, blank), percent(target, blank)


# --- what a figure measures, and what it needs ----------------------------------------------
def ratio_words(name: str) -> str:
    """One of the month's ratios with what it measures ("D/S (partisipasi)")."""
    return say(f"pdf.ratio.{name}")


def category_words(name: str | None) -> str:
    """A gap category in words ("Tercapai"; colour is never the only signal)."""
    return say(f"pdf.category.{name or 'none'}")


def ratio_label(name: str) -> str:
    """One of the month's ratios by its short name alone ("D/S")."""
    return ratio_words(name).split()[0]


def indicator_words(indicator: IndicatorId) -> str:
    """One of the eight strata indicators, named ("Cakupan KB")."""
    return say(f"pdf.indicator.{indicator.value}")


def need_words(n: Need) -> str:
    """What one indicator needs, in Indonesian ("2 kali buka lagi (6 → 8)", "D/S 49,6% →
    50%", "4,1 → 5 orang"): decimals with a comma, and never rounded up to the
    requirement."""
    name = indicator_words(n.indicator)
    if n.actual is None:
        fields = ", ".join(field_label(f) for f in n.missing)
        return say("pdf.need.missing", name=name, fields=fields)
    if n.indicator is IndicatorId.FREKUENSI_PENIMBANGAN:
        # The openings so far may be a ratio estimate over the known months ("7,6").
        actual, required = vs(float(n.actual), float(n.required))
        return say(
            "pdf.need.times",
            name=name,
            times=int(n.shortfall or 0),
            actual=actual,
            required=required,
        )
    if n.indicator is IndicatorId.PROGRAM_TAMBAHAN or isinstance(n.actual, bool):
        return say("pdf.need.programme", name=name)
    if n.indicator is IndicatorId.RERATA_KADER:
        actual, required = vs(float(n.actual), float(n.required), places=1)
        return say("pdf.need.people", name=name, actual=actual, required=required)
    actual, required = percent_vs(float(n.actual), float(n.required))
    return say("pdf.need.percent", name=name, actual=actual, required=required)


def service_lines(period: Period, reports: Iterable[MonthReport]) -> list[str]:
    """An area's month of the optional services, for the chat and the area PDF: vitamin A
    coverage in February and August, and people referred to the puskesmas; a line only where
    some report of the month knows it."""
    totals = service_totals(reports)
    lines = []
    if in_vitamin_a_month(period, {}) and totals.vitamin_a is not None:
        lines.append(
            say(
                "area.vitamin_a",
                given=part_of(totals.vitamin_a, totals.vitamin_a_s),
                share=percent(totals.vitamin_a_coverage),
            )
        )
    if totals.referrals is not None:
        lines.append(say("area.referrals", count=count(totals.referrals)))
    return lines


# --- strata ---------------------------------------------------------------------------------
def line_key(key: str, result: StrataResult) -> str:
    """The catalogue key of a stratum line: ``key`` for a whole window, ``key_provisional``
    for a provisional stratum, ``key_too_few`` when there is none yet."""
    if result.stratum is None:
        return f"{key}_too_few"
    return f"{key}_provisional" if result.provisional else key


def stratum_sentence(key: str, result: StrataResult) -> str:
    """A stratum line, the same in the chat, the supervisor's answers and the dasbor:
    "Strata sementara (4 bulan data): Purnama" (``saved.stratum``, ``saved.aktif``,
    ``dasbor.stratum`` and their provisional and too-few forms)."""
    label = result.stratum.label if result.stratum is not None else ""
    return say(line_key(key, result), stratum=label, months=result.months_known)


def stratum_cell(result: StrataResult | Standing | None, has_data: bool = True) -> str:
    """A stratum in a list or table: "Purnama", "Purnama sementara (4 bln)", "belum cukup
    data", or "belum ada data" (no report at all)."""
    if not has_data or result is None:
        return say("strata.no_data")
    if result.stratum is None:
        return say("strata.too_few")
    if result.provisional:
        return say(
            "strata.cell_provisional", stratum=result.stratum.label, months=result.months_known
        )
    return result.stratum.label


def _prevalence_cell(
    p: Prevalence, indicator: Indicator, band: AgeBand | None, sex: Sex | None, blank: str
) -> str:
    cell = p.cell(indicator, band, sex)
    if not cell.measured:
        return blank
    return say(
        "prevalence.cell", part=part_of(cell.cases, cell.measured), share=percent(cell.share)
    )


def prevalence_rows(p: Prevalence, blank: str = BLANK) -> list[tuple[str, str, list[str]]]:
    """The prevalence table's rows, worded (the dasbor's and the area PDF's): each age band
    (all ages first) by sex (both first; a band nobody was measured in, one row), and each
    indicator's cell "3 dari 25 (12%)"."""
    rows = []
    for band in (None, *AGE_BANDS):
        age = (
            say("prevalence.band", low=band.low, high=band.high)
            if band is not None
            else say("prevalence.all_ages")
        )
        # A band nobody was measured in: one row (of blanks), not three.
        measured = any(p.cell(i, band).measured for i in Indicator)
        for sex in (None, Sex.MALE, Sex.FEMALE) if measured else (None,):
            label = say(f"prevalence.sex.{sex.value if sex else 'all'}")
            cells = [_prevalence_cell(p, i, band, sex, blank) for i in Indicator]
            rows.append((age, label, cells))
    return rows


def prevalence_labels() -> list[str]:
    """The indicators' names, in the order of :func:`prevalence_rows`' cells."""
    return [say(f"prevalence.{i.value}") for i in Indicator]
