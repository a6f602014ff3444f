"""Indicators 1-8 of the Telaah Kemandirian Posyandu over a window, and the stratum.

Each formula lives here once (domain.md, "Decision (coverage formulas)"). The result explains
itself: every indicator's value and whether it meets each stratum's requirement, the indicators
that hold the posyandu at its stratum, the data that are missing, and what exactly is needed
for the next stratum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from scoring.figures import apart, as_set
from scoring.model import MonthReport, Period, Stratum
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings

__all__ = [
    "COVERAGE_IDS",
    "INDICATOR_IDS",
    "Indicator",
    "IndicatorId",
    "Need",
    "StrataResult",
    "classify",
    "estimated_openings",
    "openings_needed",
    "window_months",
]

_EPS = 1e-9


class IndicatorId(StrEnum):
    FREKUENSI_PENIMBANGAN = "frekuensi_penimbangan"
    RERATA_KADER = "rerata_kader"
    RERATA_DS = "rerata_ds"
    KUMULATIF_KIA = "kumulatif_kia"
    KUMULATIF_KB = "kumulatif_kb"
    KUMULATIF_IMUNISASI = "kumulatif_imunisasi"
    PROGRAM_TAMBAHAN = "program_tambahan"
    DANA_SEHAT = "dana_sehat"


INDICATOR_IDS: tuple[IndicatorId, ...] = tuple(IndicatorId)
#: Indicators 3-6: the coverages Posyandu Aktif counts.
COVERAGE_IDS: tuple[IndicatorId, ...] = INDICATOR_IDS[2:6]

#: The lowest stratum whose requirement includes each indicator (1-2: Madya, 3-7: Purnama,
#: 8: Mandiri). Requirements are cumulative: a higher stratum needs everything below it too.
_REQUIRED_FROM: dict[IndicatorId, Stratum] = {
    **dict.fromkeys(INDICATOR_IDS[:2], Stratum.MADYA),
    **dict.fromkeys(INDICATOR_IDS[2:7], Stratum.PURNAMA),
    IndicatorId.DANA_SEHAT: Stratum.MANDIRI,
}

#: The data each indicator is computed from (named when they are missing).
_INPUTS: dict[IndicatorId, tuple[str, ...]] = {
    IndicatorId.FREKUENSI_PENIMBANGAN: ("buka",),
    IndicatorId.RERATA_KADER: ("kader",),
    IndicatorId.RERATA_DS: ("d", "s"),
    IndicatorId.KUMULATIF_KIA: ("bumil_periksa", "bumil"),
    IndicatorId.KUMULATIF_KB: ("kb_aktif", "pus"),
    IndicatorId.KUMULATIF_IMUNISASI: ("bayi_imunisasi", "bayi"),
    IndicatorId.PROGRAM_TAMBAHAN: ("program_tambahan",),
    IndicatorId.DANA_SEHAT: ("kk_dana_sehat", "kk"),
}

_GRADED: tuple[Stratum, ...] = (Stratum.MADYA, Stratum.PURNAMA, Stratum.MANDIRI)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: IndicatorId
    number: int
    #: int (openings), float (mean kader, coverages as fractions), bool (programme), or None
    #: when every input is missing in the window (then it does not pass).
    value: float | int | bool | None
    #: Whether the value meets the requirement of Madya, Purnama and Mandiri. A stratum that
    #: does not require this indicator is met trivially.
    passes: dict[Stratum, bool]
    #: The required value where this indicator is required (the threshold), else None.
    required: float | int | bool | None
    #: Names of the inputs that are missing (non-empty only when ``value`` is None).
    missing: tuple[str, ...]

    @property
    def required_from(self) -> Stratum:
        return _REQUIRED_FROM[self.id]


@dataclass(frozen=True, slots=True)
class Need:
    """What one indicator needs to reach the next stratum."""

    indicator: IndicatorId
    actual: float | int | bool | None
    required: float | int | bool
    #: Openings still to hold (one a month from the next month on; over a partly known
    #: window see :func:`openings_needed`), or the coverage / mean-kader shortfall; None for
    #: yes/no and missing data.
    shortfall: float | int | None
    #: The inputs to report first, when the value is missing.
    missing: tuple[str, ...]

    def describe(self) -> str:
        """A short English explanation ("2 more openings", "D/S 41% -> 50%")."""
        name = _ENGLISH_NAMES[self.indicator]
        if self.actual is None:
            needed = _fmt(self.indicator, self.required)
            return f"{name}: no data ({', '.join(self.missing)} missing); needs {needed}"
        if self.indicator is IndicatorId.FREKUENSI_PENIMBANGAN:
            more = int(self.shortfall or 0)
            actual = apart(float(self.actual), (float(self.required),)).text()
            required = _fmt(self.indicator, self.required)
            return f"{more} more opening{'s' if more != 1 else ''} ({actual} -> {required})"
        if self.indicator is IndicatorId.PROGRAM_TAMBAHAN:
            return "run at least one extra programme (BKB, PAUD, TOGA, ...)"
        return f"{name} {_apart(self.indicator, self.actual, self.required)}"


def _apart(indicator: IndicatorId, actual: float | int, required: float | int | bool) -> str:
    """ "49.6% -> 50%": the actual with the digits of scoring.figures (the PDF's formatter),
    never rounded up to its requirement (nor to 0% or 100%)."""
    if indicator is IndicatorId.RERATA_KADER:
        shown = apart(float(actual), (float(required),), 1).text()
        return f"{shown} -> {_fmt(indicator, required)}"
    shown = apart(float(actual) * 100, (float(required) * 100, 0.0, 100.0)).text()
    return f"{shown}% -> {_fmt(indicator, required)}"


_ENGLISH_NAMES: dict[IndicatorId, str] = {
    IndicatorId.FREKUENSI_PENIMBANGAN: "openings",
    IndicatorId.RERATA_KADER: "mean kader on duty",
    IndicatorId.RERATA_DS: "D/S",
    IndicatorId.KUMULATIF_KIA: "KIA coverage",
    IndicatorId.KUMULATIF_KB: "KB coverage",
    IndicatorId.KUMULATIF_IMUNISASI: "immunisation coverage",
    IndicatorId.PROGRAM_TAMBAHAN: "extra programme",
    IndicatorId.DANA_SEHAT: "dana sehat coverage",
}


def _fmt(indicator: IndicatorId, value: float | int | bool) -> str:
    """A requirement as it was set ("8", "5.0" kader, "50%"), with the digits of
    scoring.figures (a threshold of 55.5% is not "56%")."""
    if indicator is IndicatorId.RERATA_KADER:
        return f"{float(value):.1f}"
    if isinstance(value, bool):
        return str(value)
    if indicator is IndicatorId.FREKUENSI_PENIMBANGAN:
        return as_set(float(value)).text()
    return as_set(float(value) * 100).text() + "%"


@dataclass(frozen=True, slots=True)
class StrataResult:
    through: Period
    #: None when fewer than ``min_known_months`` of the window are known (no stratum yet).
    stratum: Stratum | None
    indicators: dict[IndicatorId, Indicator]
    #: The indicators that hold the posyandu at its stratum (empty for Mandiri).
    limiting: tuple[IndicatorId, ...]
    #: The stratum above, and what each limiting indicator needs to reach it.
    next_stratum: Stratum | None
    needs: tuple[Need, ...]
    posyandu_aktif: bool
    #: Inputs missing from the whole window, per indicator that has no value.
    missing: dict[IndicatorId, tuple[str, ...]]
    #: Months of the window the posyandu's known history covers (the whole window unless a
    #: ``since`` inside it was given).
    months_known: int = 12
    #: The stratum rests on fewer months than the window (domain.md, "Decision (provisional
    #: stratum)"): *sementara*. Also True when there is no stratum yet.
    provisional: bool = False


def window_months(
    through: Period, settings: ScoringSettings = DEFAULT_SETTINGS
) -> tuple[Period, ...]:
    """The periods of the window ending at ``through``, oldest first."""
    return tuple(through.shift(-i) for i in range(settings.window_months - 1, -1, -1))


def indicator_values(opened: Sequence[MonthReport]) -> dict[IndicatorId, float | int | bool | None]:
    """The raw values of indicators 1-8 over the opened (``buka``) months of a window, oldest
    first (a month not opened contributes nothing but its absence). Each coverage formula of
    domain.md lives here once. Later months win for the
    "latest" values (KB, dana sehat, bayi); the order of the means' sums is the months' order.
    """
    kader: list[int] = []
    ds: list[float] = []
    kia: list[float] = []
    imunisasi_sum = 0
    imunisasi_known = False
    kb: float | None = None
    dana: float | None = None
    bayi_latest: int | None = None
    programme: bool | None = None
    for m in opened:
        value = m.kader
        if value is not None:
            kader.append(value)
        s = m.s
        if s:
            d = m.d
            if d is not None:
                ds.append(d / s)
        bumil = m.bumil
        if bumil:
            periksa = m.bumil_periksa
            if periksa is not None:
                kia.append(periksa / bumil)
        pus = m.pus
        if pus:
            kb_aktif = m.kb_aktif
            if kb_aktif is not None:
                kb = kb_aktif / pus
        kk = m.kk
        if kk:
            kk_dana = m.kk_dana_sehat
            if kk_dana is not None:
                dana = kk_dana / kk
        value = m.bayi_imunisasi
        if value is not None:
            imunisasi_sum += value
            imunisasi_known = True
        value = m.bayi
        if value:
            bayi_latest = value
        extra = m.programmes
        if extra is not None:
            programme = programme or bool(extra)
    imunisasi = imunisasi_sum / bayi_latest if imunisasi_known and bayi_latest else None
    return {
        IndicatorId.FREKUENSI_PENIMBANGAN: len(opened),
        IndicatorId.RERATA_KADER: sum(kader) / len(kader) if kader else None,
        IndicatorId.RERATA_DS: sum(ds) / len(ds) if ds else None,
        IndicatorId.KUMULATIF_KIA: sum(kia) / len(kia) if kia else None,
        IndicatorId.KUMULATIF_KB: kb,
        IndicatorId.KUMULATIF_IMUNISASI: imunisasi,
        IndicatorId.PROGRAM_TAMBAHAN: programme,
        IndicatorId.DANA_SEHAT: dana,
    }


def _threshold(indicator: IndicatorId, settings: ScoringSettings) -> float | int | bool:
    if indicator is IndicatorId.FREKUENSI_PENIMBANGAN:
        return settings.openings_required
    if indicator is IndicatorId.RERATA_KADER:
        return settings.min_mean_kader
    if indicator is IndicatorId.PROGRAM_TAMBAHAN:
        return True
    return settings.coverage_threshold


#: Per indicator, the Madya/Purnama/Mandiri requirement results when it is NOT met: the strata
#: below the one that first requires it are met trivially.
_UNMET_PASSES: dict[IndicatorId, dict[Stratum, bool]] = {
    iid: {s: s.rank < _REQUIRED_FROM[iid].rank for s in _GRADED} for iid in INDICATOR_IDS
}
_ALL_PASS: dict[Stratum, bool] = dict.fromkeys(_GRADED, True)
_NEXT: dict[Stratum, Stratum | None] = {s: s.next() for s in Stratum}
#: Per stratum above Pratama, the indicators its requirement includes.
_REQUIRED_BY: dict[Stratum, tuple[IndicatorId, ...]] = {
    s: tuple(i for i in INDICATOR_IDS if _REQUIRED_FROM[i].rank <= s.rank) for s in _GRADED
}


#: One indicator's fixed part under given settings: number, id, threshold, the value to reach
#: as a float with the tolerance applied (None for a yes/no indicator), inputs, and the
#: Madya/Purnama/Mandiri results when it is not met.
_Spec = tuple[
    int, IndicatorId, float | int | bool, float | None, tuple[str, ...], dict[Stratum, bool]
]


@lru_cache(maxsize=32)
def _specs(settings: ScoringSettings) -> tuple[_Spec, ...]:
    out: list[_Spec] = []
    for number, iid in enumerate(INDICATOR_IDS, start=1):
        threshold = _threshold(iid, settings)
        floor = None if isinstance(threshold, bool) else float(threshold) - _EPS
        out.append((number, iid, threshold, floor, _INPUTS[iid], _UNMET_PASSES[iid]))
    return tuple(out)


def _judge(
    values: dict[IndicatorId, float | int | bool | None], settings: ScoringSettings
) -> tuple[dict[IndicatorId, Indicator], dict[IndicatorId, tuple[str, ...]], list[bool]]:
    """Each indicator against its threshold: the indicators, the missing inputs, and whether
    each (in INDICATOR_IDS order) is met."""
    indicators: dict[IndicatorId, Indicator] = {}
    missing: dict[IndicatorId, tuple[str, ...]] = {}
    met: list[bool] = []
    for number, iid, threshold, floor, inputs, unmet in _specs(settings):
        value = values[iid]
        if value is None:
            ok = False
            missing[iid] = inputs
        elif floor is None:
            ok = bool(value)
        else:
            ok = float(value) >= floor
        met.append(ok)
        indicators[iid] = Indicator(
            iid,
            number,
            value,
            (_ALL_PASS if ok else unmet).copy(),
            threshold,
            inputs if value is None else (),
        )
    return indicators, missing, met


def estimated_openings(openings: int, known: int, window: int) -> float | int:
    """Indicator 1 over a partly known window: the ratio estimate of seed 003 (Y = Tt/Ta x A),
    openings in the known months / known months x the window (4 of 4 count as 12). A whole
    number stays an int."""
    estimate = openings * window / known
    return int(estimate) if estimate.is_integer() else estimate


def openings_needed(openings: int, known: int, window: int, required: int) -> int:
    """How many more openings indicator 1 needs to reach ``required``, held one a month from
    the next month on.

    Over a whole window (``known`` >= ``window``): ``required`` - ``openings``. Over a partly
    known window the ratio estimate rests on the known months, and each opening to come adds a
    known month too: the least x with (openings + x) / (known + x) x window >= required, that
    is x (window - required) >= required x known - window x openings, in whole numbers (1
    opening in 3 known months: (1 + 3) / (3 + 3) x 12 = 8, so 3 more, not 8 - 4 = 4). When
    that x would fill the window past its length, the window is whole before the threshold
    is reached: ``required`` - ``openings`` again, as for a whole window."""
    if known >= window or window <= required:
        return max(0, required - openings)
    short = required * known - window * openings
    more = max(0, -(-short // (window - required)))  # ceiling division, exact
    return more if known + more <= window else max(0, required - openings)


def _estimated(
    values: dict[IndicatorId, float | int | bool | None], known: int, settings: ScoringSettings
) -> tuple[dict[IndicatorId, float | int | bool | None], int | None]:
    """The values of a partly known window with its two cumulative indicators by the ratio
    estimate over the ``known`` months (1: openings, 6: Σ immunised / bayi, each x window /
    known), and the openings needed (:func:`openings_needed`; None without a count)."""
    window = settings.window_months
    out = dict(values)
    more: int | None = None
    openings = values[IndicatorId.FREKUENSI_PENIMBANGAN]
    if isinstance(openings, int):
        out[IndicatorId.FREKUENSI_PENIMBANGAN] = estimated_openings(openings, known, window)
        more = openings_needed(openings, known, window, settings.openings_required)
    immunised = values[IndicatorId.KUMULATIF_IMUNISASI]
    if isinstance(immunised, float | int):
        # Cumulative like the openings: the year's immunisation at the known months' pace.
        out[IndicatorId.KUMULATIF_IMUNISASI] = immunised * window / known
    return out, more


def classify(
    values: dict[IndicatorId, float | int | bool | None],
    through: Period,
    settings: ScoringSettings = DEFAULT_SETTINGS,
    months_known: int | None = None,
) -> StrataResult:
    """The stratum from the indicator values, with its explanation.

    ``months_known``: how many months of the window are known (default: all). Fewer than the
    window make the stratum provisional, with the two cumulative indicators by the ratio
    estimate (1: openings, 6: Σ immunised / bayi, each x window / known months); fewer than
    ``settings.min_known_months`` give no stratum (domain.md, "Decision (provisional
    stratum)")."""
    window = settings.window_months
    known = window if months_known is None else max(0, min(months_known, window))
    provisional = known < window
    enough = known >= settings.min_known_months
    more_openings: int | None = None
    if provisional and enough:
        values, more_openings = _estimated(values, known, settings)
    indicators, missing, met = _judge(values, settings)
    if not enough:
        return StrataResult(
            through, None, indicators, (), None, (), False, missing, known, provisional
        )
    # Cumulative classification (domain.md): 1-2 for Madya, 1-7 for Purnama, all 8 for Mandiri.
    if not (met[0] and met[1]):
        stratum = Stratum.PRATAMA
    elif not all(met[2:7]):
        stratum = Stratum.MADYA
    elif not met[7]:
        stratum = Stratum.PURNAMA
    else:
        stratum = Stratum.MANDIRI
    next_stratum = _NEXT[stratum]
    limiting: tuple[IndicatorId, ...] = ()
    needs: tuple[Need, ...] = ()
    if next_stratum is not None:
        # The indicators the next stratum requires that are not met (INDICATOR_IDS order).
        limiting = tuple(i for i in _REQUIRED_BY[next_stratum] if not met[indicators[i].number - 1])
        needs = tuple(
            _need(indicators[i], more_openings if i is IndicatorId.FREKUENSI_PENIMBANGAN else None)
            for i in limiting
        )
    aktif = met[0] and met[1] and sum(met[2:6]) >= settings.aktif_min_coverages and met[6]
    return StrataResult(
        through=through,
        stratum=stratum,
        indicators=indicators,
        limiting=limiting,
        next_stratum=next_stratum,
        needs=needs,
        posyandu_aktif=aktif,
        missing=missing,
        months_known=known,
        provisional=provisional,
    )


def _need(ind: Indicator, more: int | None = None) -> Need:
    """What ``ind`` needs; ``more``: the openings needed, worked out over the known months
    (:func:`openings_needed`) when indicator 1 is a ratio estimate."""
    required = ind.required
    assert required is not None
    shortfall: float | int | None = None
    if more is not None:
        shortfall = more
    elif ind.value is not None and not isinstance(required, bool):
        if isinstance(required, int):
            shortfall = max(0, required - int(ind.value))
        else:
            shortfall = max(0.0, float(required) - float(ind.value))
    return Need(ind.id, ind.value, required, shortfall, ind.missing)
