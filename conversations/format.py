"""Times, dates, places, field names and rule problems written the Indonesian way, short (a
figure's digits are conversations/figure_words.py's). Pure."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from conversations.catalogue import say
from scoring import Problem, Reporting, ReportingCounts, ReportingState
from scoring.fields import QUESTION_FIELDS
from scoring.lexicon import AREA_LEVEL_WORDS

__all__ = [
    "area_title",
    "choice_list",
    "clock_time",
    "day_date",
    "day_name",
    "field_label",
    "field_names",
    "imported_words",
    "moment",
    "place_name",
    "problem_text",
    "reporting_counts",
    "reporting_words",
    "short_date",
]


def _month_short(month: int) -> str:
    return say(f"date.month_short.{month}")


def _weekday(day: date) -> str:
    return say(f"date.weekday.{day.weekday()}")


def moment(when: datetime, tz: tzinfo, now: datetime) -> str:
    """ "12 Nov pukul 10.15" in the reader's zone; the year only when it is not this year."""
    local = when.astimezone(tz)
    year = "" if local.year == now.astimezone(tz).year else f" {local.year}"
    return f"{local.day} {_month_short(local.month)}{year} pukul {local:%H.%M}"


def day_name(day: date) -> str:
    """ "Sabtu 12 Des 2026"."""
    return f"{_weekday(day)} {day.day} {_month_short(day.month)} {day.year}"


def short_date(day: date) -> str:
    """ "Sabtu, 12 Des 2026" (a date standing alone; :func:`day_name` goes in lists)."""
    return say(
        "date.short",
        weekday=_weekday(day),
        day=day.day,
        month=_month_short(day.month),
        year=day.year,
    )


def day_date(day: date) -> str:
    """ "7 Des 2026"."""
    return say("date.day", day=day.day, month=_month_short(day.month), year=day.year)


def imported_words(operator: str, file_name: str, at: datetime, tz: tzinfo) -> str:
    """ "Diimpor oleh Bidan Rina dari hist.csv, 7 Des 2026": a month saved by an import."""
    return say(
        "pdf.monthly.imported",
        operator=operator,
        file=file_name,
        date=day_date(at.astimezone(tz).date()),
    )


def reporting_words(reporting: Reporting, hari_buka: date | None = None) -> str:
    """Where a posyandu stands with a month, in words: "sudah lapor", "belum waktunya
    (hari buka 12 Des)", "hari ini buka", "belum lapor, terlambat 3 hari"."""
    state = reporting.state
    if state is ReportingState.LATE and reporting.days_late:
        return say("reporting.late_days", days=reporting.days_late)
    if state is ReportingState.NOT_DUE and hari_buka is not None:
        return say("reporting.not_due_day", day=f"{hari_buka.day} {_month_short(hari_buka.month)}")
    return say(f"reporting.{state.value}")


def reporting_counts(counts: ReportingCounts) -> str:
    """ "Sudah lapor 1 · belum waktunya 4 · belum lapor 1" (and "hari ini buka N" when some
    open today)."""
    parts = [
        say("reporting.count.reported", count=counts.reported),
        say("reporting.count.not_due", count=counts.not_due),
        *([say("reporting.count.today", count=counts.today)] if counts.today else []),
        say("reporting.count.late", count=counts.late),
    ]
    line = " · ".join(parts)
    return line[:1].upper() + line[1:]


def clock_time(when: datetime, tz: tzinfo) -> str:
    """ "10.15" in the reader's zone."""
    return f"{when.astimezone(tz):%H.%M}"


def choice_list(choices: tuple[str, ...] | list[str]) -> str:
    """Choices numbered on one short line for channels without buttons ("Balas 1 = YA,
    2 = BATAL"); a typed number picks its choice (``match_choice``). A single choice is a
    suggested command the text already names (PDF, LAGI): no list."""
    if len(choices) < 2:
        return ""
    pairs = ", ".join(
        say("choices.pair", number=n, choice=choice) for n, choice in enumerate(choices, start=1)
    )
    return say("choices.line", pairs=pairs)


def field_names(services: frozenset[str]) -> str:
    """The names of the report's questions as kader type them ("KADER S K D N BGM 2T ..."):
    the optional service fields only where the deployment asks them (``services``)."""
    return " ".join(f.shown for f in QUESTION_FIELDS if not f.service or f.id in services)


def field_label(field: str) -> str:
    """A field's short name, as kader know it ("ibu hamil", "S (semua balita)")."""
    return say(f"label.{field}")


def problem_text(problem: Problem) -> str:
    """A broken data-quality rule as a sentence ("K (50) tidak boleh lebih dari S (48).")."""
    text = say(f"rule.{problem.rule}", label=field_label(problem.field), **problem.values)
    # A sentence: the label it may start with is lower case ("ibu hamil berubah ...").
    return text[:1].upper() + text[1:]


def _kinds(level: str) -> tuple[str, ...]:
    """What an area of ``level`` may be called ("kabupaten", "kota"), from the lexicon."""
    return tuple(w for w, lv in AREA_LEVEL_WORDS.items() if lv == level and "/" not in w)


def _named(name: str, kinds: tuple[str, ...]) -> bool:
    """Whether ``name`` already says what the area is ("Kota Batam")."""
    folded = name.casefold()
    return any(folded.startswith(say(f"area.kind.{k}").casefold() + " ") for k in kinds)


def area_title(level: str, name: str, kind: str | None = None) -> str:
    """An area as people name it: what it is and its name ("Kecamatan Batu Aji", "Kota
    Batam", "Kelurahan Sungai Harapan"); a name that already says it is not repeated ("Kota
    Batam" stays "Kota Batam"). ``kind`` None where a level has two (kabupaten or kota, desa
    or kelurahan) and the import did not say which: "Desa/Kelurahan Sukamaju"."""
    kinds = _kinds(level)
    if _named(name, kinds):
        return name
    if kind is None and len(kinds) == 1:
        kind = kinds[0]
    if kind is None:
        return say(f"area.title.{level}", name=name)
    return say("area.named", kind=say(f"area.kind.{kind}"), name=name)


def place_name(desa: str, kind: str | None = None) -> str:
    """Where a posyandu is, for people ("Desa Sukamaju", "Kelurahan Tiban Baru"); a desa
    whose kind is not known is called desa."""
    if kind is None:
        return desa if _named(desa, _kinds("desa")) else say("place.desa", name=desa)
    return area_title("desa", desa, kind)
