"""The scoring core gives exactly the results it gave before its hot paths were optimised.

``tests/scoring/data/golden.json`` holds, per seed, a digest of everything one assessment holds
(every stored value at full float precision, plus the published JSON of ``posyandu score``),
written by the straightforward implementation before the benchmark work. A sample of varied
windows (closed months, unknown counts, zero denominators, gaps, every ``through`` month, the
strict openings Decision) must still give the same digests.

When a change of results is intended, regenerate and review the diff of the data file::

    .venv/bin/python -m tests.scoring.test_golden --write
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from scoring import (
    Assessment,
    MonthReport,
    Period,
    ScoringSettings,
    StrataResult,
    assess,
    assess_stratum,
    assessment_to_dict,
)

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json"
SEEDS = range(400)
STRICT = ScoringSettings(openings_threshold_inclusive=False, window_months=9)


def _maybe(rng: random.Random, value: int, unknown: float) -> int | None:
    return None if rng.random() < unknown else value


def window(seed: int) -> tuple[list[MonthReport], Period, ScoringSettings]:
    """A deterministic, varied window: some months missing, closed, partly unknown. Every
    other seed is a strong posyandu (nearly every month opened, high coverages), so that every
    stratum and both sides of each threshold occur."""
    rng = random.Random(seed)
    strong = seed % 2 == 0
    through = Period(2026, rng.randint(1, 12))
    settings = STRICT if seed % 7 == 0 else ScoringSettings()
    unknown = rng.choice((0.0, 0.0, 0.0, 0.02, 0.1, 0.4))
    skip, shut = (0.03, 0.05) if strong else (0.15, 0.12)
    low = 0.4 if strong else 0.0  # the smallest share of a denominator a numerator takes
    s = rng.choice((0, rng.randint(5, 150))) if not strong else rng.randint(5, 150)
    months: list[MonthReport] = []
    for i in range(rng.randint(9 if strong else 0, 14)):
        period = through.shift(-i)  # newest first; some beyond the window
        if rng.random() < skip:
            continue  # not reported
        if rng.random() < shut:
            months.append(MonthReport(period=period, buka=False))
            continue
        d = rng.randint(int(low * s), s)
        bumil = rng.randint(0, 12)
        pus = rng.choice((0, rng.randint(20, 200))) if not strong else rng.randint(20, 200)
        bayi = rng.randint(0, 20)
        kk = rng.choice((0, rng.randint(40, 300)))
        months.append(
            MonthReport(
                period=period,
                kader=_maybe(rng, rng.randint(3 if strong else 2, 9), unknown),
                s=_maybe(rng, s, unknown),
                k=_maybe(
                    rng, rng.randint(d, s) if rng.random() < 0.9 else rng.randint(0, d), unknown
                ),
                d=_maybe(rng, d, unknown / 2),
                n=_maybe(rng, rng.randint(0, d), unknown),
                bgm=_maybe(rng, rng.randint(0, min(3, d)), unknown),
                t2=_maybe(rng, rng.randint(0, min(2, d)), unknown),
                bumil=_maybe(rng, bumil, unknown),
                bumil_periksa=_maybe(rng, rng.randint(int(low * bumil), bumil), unknown),
                pus=_maybe(rng, pus, unknown),
                kb_aktif=_maybe(rng, rng.randint(int(low * pus), pus), unknown),
                bayi=_maybe(rng, bayi, unknown),
                bayi_imunisasi=_maybe(rng, rng.randint(0, min(4, bayi)), unknown),
                program_tambahan=rng.choice((None, (), ("BKB",), ("PAUD", "TOGA"))),
                kk=_maybe(rng, kk, unknown),
                kk_dana_sehat=_maybe(rng, rng.randint(int(low * kk), kk), unknown),
            )
        )
    rng.shuffle(months)  # callers may pass months in any order
    return months, through, settings


def _added_for_history(value: Any, name: str) -> bool:
    """The fields a known history added to a result (``months_known``, ``provisional``), left
    out when no ``since`` was given (the whole window known), so that the digests pinned
    before they existed still prove that nothing else changed."""
    return (
        isinstance(value, StrataResult)
        and name in ("months_known", "provisional")
        and not value.provisional
    )


def _plain(value: Any) -> Any:
    """Every stored value, floats at full precision (repr), in a JSON-able shape."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not _added_for_history(value, f.name)
        }
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def digest(seed: int) -> str:
    months, through, settings = window(seed)
    a: Assessment = assess(months, through, settings)
    stratum_only = assess_stratum(months, through, settings)
    extra = {
        "months": _plain(a.months),
        "openings": _plain(a.year_end.openings),
        "d_s": _plain(a.year_end.d_s),
        "stratum_only": _plain(stratum_only),
    }
    text = json.dumps([_plain(a), extra, assessment_to_dict(a)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def test_results_unchanged_on_a_sample() -> None:
    golden: dict[str, str] = json.loads(GOLDEN.read_text("utf-8"))
    assert len(golden) == len(SEEDS)
    changed = [seed for seed in SEEDS if digest(seed) != golden[str(seed)]]
    assert changed == [], f"{len(changed)} windows score differently, e.g. seeds {changed[:10]}"


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.parent.mkdir(exist_ok=True)
    data = {str(seed): digest(seed) for seed in SEEDS}
    GOLDEN.write_text(json.dumps(data, indent=0) + "\n", "utf-8")
    print(f"wrote {len(data)} digests to {GOLDEN}")
