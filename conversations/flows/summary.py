"""The summary before saving and the thanks after: values, D/S, N/D, K/S, the 12-month
stratum, the largest gap. Pure text building."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.catalogue import say
from conversations.figure_words import (
    count,
    percent,
    percent_of_target,
    ratio_label,
    stratum_sentence,
)
from conversations.format import problem_text
from conversations.model import Context, PosyanduData
from conversations.periods import format_period, format_period_short
from conversations.replies import Reply, Text
from conversations.reports import assessment, largest_gap
from scoring import DEFAULT_SETTINGS, Gap, MonthReport, Problem, ScoringSettings, month_ratios
from scoring.carry import Carried, carried_rare_values
from scoring.fields import FIELD_BY_ID, LIST_FIELD, NAMED_FIELDS, SUMMARY_LINES

__all__ = [
    "gap_line",
    "ratio_line",
    "readback",
    "saved_replies",
    "stratum_line",
    "summary_text",
    "warning_text",
]


def ratio_line(report: MonthReport, scoring: ScoringSettings = DEFAULT_SETTINGS) -> str:
    """ "D/S 73% · N/D 79,5% · K/S 91%": a ratio just below its target never reads as on it."""
    r = month_ratios(report)
    t = scoring.targets
    return say(
        "summary.ratios",
        d_s=percent_of_target(r.d_s, t.d_s),
        n_d=percent_of_target(r.n_d, t.n_d),
        k_s=percent_of_target(r.k_s, t.k_s),
    )


def gap_line(gap: Gap) -> str:
    """ "Kesenjangan terbesar: D/S 73%, target 85%." (79,5% rather than 80% against 80%)."""
    return say(
        "saved.gap",
        ratio=ratio_label(gap.indicator),
        actual=percent_of_target(gap.actual, gap.target),
        target=percent(gap.target),
    )


def stratum_line(ctx: Context, data: PosyanduData, report: MonthReport) -> str | None:
    """The stratum through ``report``'s month: over the whole window, provisional ("Strata
    sementara (4 bulan data): Purnama"), or "belum cukup data" below 3 known months."""
    result = assessment(ctx, data, report)
    if result is None:
        return None
    key = "saved.aktif" if result.posyandu_aktif else "saved.stratum"
    return stratum_sentence(key, result.strata)


def _value_lines(report: MonthReport, carried: Carried | None = None) -> list[str]:
    """One line per summary line of the registry; a line whose fields are all unknown and
    rarely asked or optional services (not asked this month, or off in this deployment) is
    left out, except that rarely asked values show the latest known ones with their month
    (``carried``); the list field reads "tidak ada" when empty."""
    lines = []
    for line, names in SUMMARY_LINES:
        if names == (LIST_FIELD,):
            programmes = report.programmes
            if programmes:
                lines.append(say(f"summary.{line}", names=", ".join(programmes)))
            elif programmes is not None:
                lines.append(say(f"summary.no_{line}"))
            continue
        values = {name: getattr(report, name) for name in names}
        if all(v is None for v in values.values()) and not any(
            FIELD_BY_ID[n].shown_unknown for n in names
        ):
            if carried is not None and all(n in carried.values for n in names):
                shown = say(f"summary.{line}", **{n: count(carried.values[n]) for n in names})
                month = format_period_short(carried.period)
                lines.append(say("summary.carried", line=shown, month=month))
            continue
        lines.append(say(f"summary.{line}", **{k: _shown(v) for k, v in values.items()}))
    return lines


def _shown(value: int | str | None) -> str:
    """A count as written ("1.250", "-"), a choice in words ("kunjungan rumah")."""
    return say(f"choice.{value}") if isinstance(value, str) else count(value)


def summary_text(
    ctx: Context,
    data: PosyanduData,
    report: MonthReport,
    warnings: Sequence[Problem],
    blocking: Sequence[Problem],
) -> tuple[Text, ...]:
    """The summary before saving: the values, then what to answer. With a warning, the
    values and the warning are two messages (each short enough for a small phone)."""
    period = format_period(report.period)
    if not report.buka:
        body = say("summary.closed", period=period, posyandu=data.info.name)
        return (Text(f"{body}\n{say('summary.ask_closed')}", ("YA", "BATAL")),)
    lines = [say("summary.title", period=period, posyandu=data.info.name)]
    earlier = (stored.report for stored in data.reports.values())
    lines += _value_lines(report, carried_rare_values(report, earlier))
    lines.append(ratio_line(report, ctx.scoring))
    if blocking:
        lines.append(say("summary.blocked"))
        lines += [f"- {problem_text(p)}" for p in blocking]
        lines.append(say("summary.ask_blocked"))
        return (Text("\n".join(lines), ("BATAL",)),)
    if warnings:
        return (Text("\n".join(lines)), warning_text(warnings[0]))
    lines.append(say("summary.ask"))
    return (Text("\n".join(lines), ("YA", "BATAL")),)


def warning_text(problem: Problem) -> Text:
    """One warning and how to answer it: a report shows its warnings one at a time, the most
    important first (the order of the rules); YA confirms the one shown."""
    spec = FIELD_BY_ID.get(problem.field)
    # The example names the field warned about ("UBAH PUS 80"), when the warning has one.
    if spec is not None and spec.is_count:
        example = f"{spec.shown} {say(f'example.{spec.id}')}"
        ask = say("summary.ask_warning_field", example=example)
    else:
        ask = say("summary.ask_warning")
    body = "\n".join((say("summary.warning", message=problem_text(problem)), ask))
    return Text(body, ("YA", "BATAL"))


def _d_above_k(report: MonthReport) -> bool:
    """D/K above 100% (the soft rule ``d_gt_k``): a data problem, never "all targets met"."""
    d_k = month_ratios(report).d_k
    return d_k is not None and d_k > 1


def saved_replies(
    ctx: Context,
    data: PosyanduData,
    report: MonthReport,
    name: str,
    replaces: bool,
) -> tuple[Reply, ...]:
    """The thanks after saving; ``replaces`` when it replaces a saved report."""
    period = format_period(report.period)
    if not report.buka:
        body = "\n".join(
            (
                say("saved.closed", posyandu=data.info.name, period=period),
                say(
                    "saved.closed_hint", month=format_period_short(report.period).split()[0].upper()
                ),
            )
        )
        return (Text(body),)
    key = "saved.revision" if replaces else "saved.thanks"
    lines = [say(key, name=name, period=period)]
    lines.append(ratio_line(report, ctx.scoring))
    worst = largest_gap(ctx, report)
    if worst is not None:
        lines.append(gap_line(worst))
    elif month_ratios(report).d_s is not None and not _d_above_k(report):
        lines.append(say("saved.no_gap"))
    stratum = stratum_line(ctx, data, report)
    if stratum:
        lines.append(stratum)
    lines.append(say("saved.pdf"))
    return (Text("\n".join(lines), ("PDF",)),)


def readback(report: MonthReport) -> str:
    """What a one-line report was read as, in the names UBAH takes, on one line
    ("Terbaca: KADER 6 · S 48 · ... · TAMBAHAN BKB"), and how to change one value."""
    values = []
    for f in NAMED_FIELDS:
        if f.id == LIST_FIELD:
            names = report.programmes
            if names is not None:
                values.append(f"{f.shown} {', '.join(names) or say('value.none')}")
        elif getattr(report, f.id) is not None:
            values.append(f"{f.shown} {_shown(getattr(report, f.id))}")
    return "\n".join((say("quick.read", values=" · ".join(values)), say("quick.fix")))
