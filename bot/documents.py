"""Documents rendered at send time: load from storage, assess with scoring, word for people,
and render the PDF in a worker thread (never on the event loop)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.channels import OutgoingDocument
from bot.notifications import short_date
from bot.pdf import (
    AreaRow,
    AreaSummaryData,
    MonthlyReportData,
    RatioLine,
    render_area_summary,
    render_posyandu_report,
)
from bot.pdf.model import TrendPoint
from conversations.periods import format_period
from scoring import (
    FIELD_LABELS,
    Assessment,
    Gap,
    GapCategory,
    IndicatorId,
    MemberStatus,
    MonthReport,
    Need,
    Period,
    PeriodError,
    ScoringSettings,
    Stratum,
    assess,
    month_ratios,
    rollup,
)
from storage import Database
from storage.areas import Area, Level, ancestors, area_by_code, area_by_id, areas_under
from storage.people import person_by_id
from storage.posyandu import (
    Posyandu,
    hari_buka,
    moves_for,
    posyandu_by_code,
    posyandu_by_id,
    posyandu_under,
)
from storage.reports import (
    get_report,
    list_reports,
    reports_for_posyandu_ids,
)

__all__ = ["DocumentNotFound", "render_document"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "terminal"}
_RATIO_LABELS = {
    "k_s": "K/S (liputan)",
    "d_s": "D/S (partisipasi)",
    "d_k": "D/K (kelangsungan)",
    "n_d": "N/D (hasil penimbangan)",
}
_INDICATOR_WORDS: dict[IndicatorId, str] = {
    IndicatorId.FREKUENSI_PENIMBANGAN: "Frekuensi buka/penimbangan",
    IndicatorId.RERATA_KADER: "Rata-rata kader bertugas",
    IndicatorId.RERATA_DS: "Rata-rata D/S",
    IndicatorId.KUMULATIF_KIA: "Cakupan KIA (ibu hamil diperiksa)",
    IndicatorId.KUMULATIF_KB: "Cakupan KB",
    IndicatorId.KUMULATIF_IMUNISASI: "Cakupan imunisasi",
    IndicatorId.PROGRAM_TAMBAHAN: "Program tambahan",
    IndicatorId.DANA_SEHAT: "Cakupan dana sehat",
}
_SAFE = re.compile(r"[^A-Za-z0-9-]+")


class DocumentNotFound(LookupError):
    """An unknown posyandu or area, or a period with no data; the message says which."""


async def render_document(
    db: Database,
    kind: str,
    params: Mapping[str, Any],
    now: datetime,
    scoring: ScoringSettings,
) -> OutgoingDocument:
    try:
        period = Period.parse(str(params.get("period", "")))
    except PeriodError as exc:
        raise DocumentNotFound(f"bad period: {exc}") from None
    if kind == "monthly_report":
        data, name = await _monthly(db, params, period, now, scoring)
        content = await asyncio.to_thread(render_posyandu_report, data)
        caption = f"Laporan {data.posyandu}, {data.period_label}"
        return OutgoingDocument(f"laporan-{name}-{period}.pdf", content, caption)
    if kind == "area_summary":
        area_data, name = await _area(db, params, period, now, scoring)
        content = await asyncio.to_thread(render_area_summary, area_data)
        caption = f"Ringkasan {area_data.area}, {area_data.period_label}"
        return OutgoingDocument(f"rekap-{name}-{period}.pdf", content, caption)
    raise DocumentNotFound(f"unknown document kind {kind!r}")


def _slug(text: str) -> str:
    return _SAFE.sub("-", text.lower()).strip("-") or "posyandu"


def _pct(v: float | int | bool | None) -> str:
    return "—" if v is None or isinstance(v, bool) else f"{float(v) * 100:.0f}%"


def need_words(n: Need) -> str:
    """What one indicator needs, in Indonesian ("2 kali buka lagi", "D/S 41% → 50%")."""
    name = _INDICATOR_WORDS[n.indicator]
    if n.actual is None:
        fields = ", ".join(FIELD_LABELS.get(f, f) for f in n.missing)
        return f"{name}: data belum ada ({fields})"
    if n.indicator is IndicatorId.FREKUENSI_PENIMBANGAN:
        return f"{name}: {int(n.shortfall or 0)} kali buka lagi ({n.actual} → {n.required})"
    if n.indicator is IndicatorId.RERATA_KADER:
        return f"{name}: {float(n.actual):.1f} → {float(n.required):.0f} orang"
    if n.indicator is IndicatorId.PROGRAM_TAMBAHAN:
        return f"{name}: adakan minimal satu (BKB, PAUD, TOGA, ...)"
    return f"{name}: {_pct(n.actual)} → {_pct(n.required)}"


def _category(gap: Gap | None) -> str | None:
    return gap.category.value if gap is not None and gap.category is not None else None


def _trend(a: Assessment, through: Period) -> list[TrendPoint]:
    by_period = {r.period: r for r in a.months}
    points = []
    for i in range(11, -1, -1):
        p = through.shift(-i)
        r = by_period.get(p)
        points.append(
            TrendPoint(
                f"{_MONTHS[p.month - 1]} {p.year % 100:02d}",
                r.d_s if r else None,
                r.n_d if r else None,
            )
        )
    return points


def _groups(m: MonthReport) -> list[tuple[str, list[tuple[str, str]]]]:
    def v(x: int | None) -> str:
        return "—" if x is None else f"{x:,}".replace(",", ".")

    programme = (
        "—"
        if m.program_tambahan is None
        else (", ".join(m.program_tambahan) if m.program_tambahan else "tidak ada")
    )
    return [
        (
            "Balita",
            [
                ("S semua balita", v(m.s)),
                ("K punya KMS/KIA", v(m.k)),
                ("D ditimbang", v(m.d)),
                ("N naik berat", v(m.n)),
                ("BGM bawah garis merah", v(m.bgm)),
                ("2T tidak naik 2x", v(m.t2)),
            ],
        ),
        ("Ibu hamil", [("Ibu hamil", v(m.bumil)), ("Diperiksa", v(m.bumil_periksa))]),
        ("KB", [("PUS", v(m.pus)), ("KB aktif", v(m.kb_aktif))]),
        ("Imunisasi", [("Bayi 0-11 bln", v(m.bayi)), ("Imunisasi lengkap", v(m.bayi_imunisasi))]),
        (
            "Lainnya",
            [
                ("Kader bertugas", v(m.kader)),
                ("KK", v(m.kk)),
                ("KK dana sehat", v(m.kk_dana_sehat)),
                ("Program tambahan", programme),
            ],
        ),
    ]


async def _monthly(
    db: Database, params: Mapping[str, Any], period: Period, now: datetime, scoring: ScoringSettings
) -> tuple[MonthlyReportData, str]:
    async with db.read() as conn:
        posyandu: Posyandu | None = None
        if "posyandu_id" in params:
            posyandu = await posyandu_by_id(conn, int(params["posyandu_id"]))
        elif "posyandu_code" in params:
            posyandu = await posyandu_by_code(conn, str(params["posyandu_code"]))
        if posyandu is None:
            raise DocumentNotFound("unknown posyandu")
        stored = await get_report(conn, posyandu.id, period)
        if stored is None:
            raise DocumentNotFound(f"posyandu {posyandu.code} has no report for {period}")
        window = await list_reports(
            conn, posyandu.id, period.shift(1 - scoring.window_months), period
        )
        desa = await area_by_id(conn, posyandu.desa_id)
        above = await ancestors(conn, desa) if desa else []
        by_level = {a.level: a for a in [*above, *([desa] if desa else [])]}
        who = await person_by_id(conn, stored.submitted_by) if stored.submitted_by else None
        moves = await moves_for(conn, [posyandu.id], period, period)
    a = assess(window, period, scoring)
    tz = posyandu.tz
    m = stored.report
    ratios = month_ratios(m)
    gaps = {g.indicator: g for g in a.gaps} if a.latest_opened == period else {}
    lines = [
        RatioLine(
            _RATIO_LABELS[name],
            ratios.get(name),
            scoring.targets.get(name),
            _category(gaps.get(name)),
        )
        for name in ("k_s", "d_s", "d_k", "n_d")
    ]
    s = a.strata
    local_sent = stored.submitted_at.astimezone(tz)
    data = MonthlyReportData(
        posyandu=posyandu.name,
        posyandu_code=posyandu.code,
        desa=desa.name if desa else "",
        kecamatan=by_level[Level.KECAMATAN].name if Level.KECAMATAN in by_level else "",
        kabupaten=by_level[Level.KABUPATEN].name if Level.KABUPATEN in by_level else "",
        period_label=format_period(period),
        hari_buka=short_date(hari_buka(posyandu, period, moves)),
        reported_by=who.name if who else "—",
        reported_at=f"{local_sent:%d-%m-%Y %H.%M} {local_sent.tzname() or ''}".strip(),
        channel=_CHANNELS.get(stored.channel, stored.channel),
        buka=m.buka,
        groups=_groups(m),
        skdn={"S": m.s, "K": m.k, "D": m.d, "N": m.n},
        ratios=lines,
        stratum=s.stratum.label,
        aktif=s.posyandu_aktif,
        limiting=[_INDICATOR_WORDS[i] for i in s.limiting],
        needs=[need_words(n) for n in s.needs],
        next_stratum=s.next_stratum.label if s.next_stratum else None,
        projected=a.year_end.projected_stratum.label,
        trend=_trend(a, period),
        generated_at=now.astimezone(tz),
        verification=f"R{stored.id}-{stored.revision}",
        missing=sorted({FIELD_LABELS.get(f, f) for fs in s.missing.values() for f in fs}),
    )
    return data, _slug(posyandu.code)


async def _area(
    db: Database, params: Mapping[str, Any], period: Period, now: datetime, scoring: ScoringSettings
) -> tuple[AreaSummaryData, str]:
    async with db.read() as conn:
        area: Area | None = None
        if "area_id" in params:
            area = await area_by_id(conn, int(params["area_id"]))
        elif "area_code" in params:
            area = await area_by_code(conn, str(params["area_code"]))
        if area is None:
            raise DocumentNotFound("unknown area")
        members = await posyandu_under(conn, area)
        if not members:
            raise DocumentNotFound(f"area {area.code} has no posyandu")
        reports = await reports_for_posyandu_ids(
            conn, [p.id for p in members], period.shift(1 - scoring.window_months), period
        )
        if not any(reports.values()):
            raise DocumentNotFound(f"area {area.code} has no reports in the 12 months to {period}")
        desas = {a.id: a.name for a in await areas_under(conn, area, Level.DESA)}
        if area.level is Level.DESA:
            desas[area.id] = area.name
        above = await ancestors(conn, area)
    statuses: list[MemberStatus] = []
    rows: list[tuple[tuple[int, int, float], AreaRow]] = []
    for p in members:
        months = reports.get(p.id, [])
        a = assess(months, period, scoring)
        reported = any(m.period == period for m in months)
        statuses.append(MemberStatus(a.stratum, a.posyandu_aktif, reported))
        this = next((month_ratios(m) for m in months if m.period == period), None)
        gap = a.largest_gap() if a.latest_opened == period else None
        top = (
            "—" if gap is None else f"{_RATIO_LABELS[gap.indicator].split()[0]} {_pct(gap.actual)}"
        )
        if gap is not None and gap.category is GapCategory.OFF_TRACK:
            top += " (jauh)"
        row = AreaRow(
            posyandu=p.name,
            desa=desas.get(p.desa_id, ""),
            reported=reported,
            d_s=this.d_s if this else None,
            n_d=this.n_d if this else None,
            stratum=a.stratum.label,
            top_gap=top,
        )
        d_s = this.d_s if this and this.d_s is not None else -1.0
        rows.append(((a.stratum.rank, int(reported), d_s), row))
    rows.sort(key=lambda pair: (pair[0], pair[1].posyandu))
    roll = rollup(statuses)
    local = now.astimezone(members[0].tz)
    data = AreaSummaryData(
        area=f"{area.level.label} {area.name}",
        parents=", ".join(a.name for a in reversed(above)),
        period_label=format_period(period),
        expected=roll.expected,
        reported=roll.reported,
        counts={s.label: roll.counts[s] for s in Stratum},
        share_purnama_mandiri=roll.share_purnama_mandiri,
        share_aktif=roll.share_aktif,
        rows=[r for _k, r in rows],
        generated_at=local,
        verification=f"A{area.id}-{period}-{roll.reported}",
    )
    return data, _slug(area.code)
