"""The scoring core gives exactly the results it gave before its hot paths were optimised.

``tests/scoring/data/golden.json`` holds, per seed, a digest of everything one assessment holds
(every stored value at full float precision, plus the published JSON of ``posyandu score``). A
sample of varied windows (closed months, unknown counts, zero denominators, gaps, every
``through`` month, the strict openings Decision) must still give the same digests.

The reports an assessment holds are digested by their period and the fields the scoring reads
(:func:`fields_read`, derived by assessing the sample with each registry field in turn made
unknown), so a field no formula reads, added to the registry, changes no digest
(:func:`test_an_unread_field_changes_no_digest` adds one to a copy of the registry).

The digests were first written by the straightforward implementation before the benchmark
work; the optimised code gave the same ones, and they were rewritten by it when the reports
came to be digested by the fields read. When a change of results is intended, regenerate and
review the diff of the data file::

    .venv/bin/python -m tests.scoring.test_golden --write
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import scoring
import scoring.fields

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json"
SEEDS = range(400)


def _maybe(rng: random.Random, value: int, unknown: float) -> int | None:
    return None if rng.random() < unknown else value


def window(seed: int, sc: ModuleType = scoring) -> tuple[list[Any], Any, Any]:
    """A deterministic, varied window: some months missing, closed, partly unknown. Every
    other seed is a strong posyandu (nearly every month opened, high coverages), so that every
    stratum and both sides of each threshold occur. ``sc``: the scoring package it is for."""
    MonthReport, Period, ScoringSettings = sc.MonthReport, sc.Period, sc.ScoringSettings
    rng = random.Random(seed)
    strong = seed % 2 == 0
    through = Period(2026, rng.randint(1, 12))
    if seed % 7 == 0:
        settings = ScoringSettings(openings_threshold_inclusive=False, window_months=9)
    else:
        settings = ScoringSettings()
    unknown = rng.choice((0.0, 0.0, 0.0, 0.02, 0.1, 0.4))
    skip, shut = (0.03, 0.05) if strong else (0.15, 0.12)
    low = 0.4 if strong else 0.0  # the smallest share of a denominator a numerator takes
    s = rng.choice((0, rng.randint(5, 150))) if not strong else rng.randint(5, 150)
    months: list[Any] = []
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


def _added_for_history(sc: ModuleType, value: Any, name: str) -> bool:
    """The fields a known history added to a result (``months_known``, ``provisional``), left
    out when no ``since`` was given (the whole window known), so that the digests pinned
    before they existed still prove that nothing else changed."""
    return (
        isinstance(value, sc.StrataResult)
        and name in ("months_known", "provisional")
        and not value.provisional
    )


def _plain(sc: ModuleType, value: Any, read: frozenset[str]) -> Any:
    """Every stored value, floats at full precision (repr), in a JSON-able shape; a report
    by its period and the fields in ``read``."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, sc.Period):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, sc.MonthReport):
        names = ["period", *(f for f in sc.REPORT_FIELDS if f in read)]
        return {name: _plain(sc, getattr(value, name), read) for name in names}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(sc, getattr(value, f.name), read)
            for f in dataclasses.fields(value)
            if not _added_for_history(sc, value, f.name)
        }
    if isinstance(value, dict):
        return [[_plain(sc, k, read), _plain(sc, v, read)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_plain(sc, v, read) for v in value]
    return value


def _text(
    sc: ModuleType, months: list[Any], through: Any, settings: Any, read: frozenset[str]
) -> str:
    """Everything the assessment of ``months`` holds, as one JSON text."""
    a = sc.assess(months, through, settings)
    stratum_only = sc.assess_stratum(months, through, settings)
    extra = {
        "months": _plain(sc, a.months, read),
        "openings": _plain(sc, a.year_end.openings, read),
        "d_s": _plain(sc, a.year_end.d_s, read),
        "stratum_only": _plain(sc, stratum_only, read),
    }
    return json.dumps(
        [_plain(sc, a, read), extra, sc.assessment_to_dict(a)], sort_keys=True, ensure_ascii=False
    )


def _unknown(value: Any) -> Any:
    """A field's value made unknown (a flag flipped: it has no unknown)."""
    return (not value) if isinstance(value, bool) else None


@functools.cache
def fields_read(sc: ModuleType = scoring) -> frozenset[str]:
    """The registry fields the scoring formulas read: those whose values, made unknown in
    every month, change some result of the sample (the reports themselves left out)."""
    windows = [window(seed, sc) for seed in SEEDS]
    results = [_text(sc, *w, frozenset()) for w in windows]
    read: set[str] = set()
    for name in sc.REPORT_FIELDS:
        for (months, through, settings), result in zip(windows, results, strict=True):
            if all(getattr(m, name) is None for m in months):
                continue
            changed = [dataclasses.replace(m, **{name: _unknown(getattr(m, name))}) for m in months]
            try:
                text = _text(sc, changed, through, settings, frozenset())
            except sc.InvalidReportError:
                continue  # not a valid window: it tells nothing
            if text != result:
                read.add(name)
                break
    return frozenset(read)


def digest(seed: int, sc: ModuleType = scoring) -> str:
    text = _text(sc, *window(seed, sc), fields_read(sc))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _golden() -> dict[str, str]:
    golden: dict[str, str] = json.loads(GOLDEN.read_text("utf-8"))
    assert len(golden) == len(SEEDS)
    return golden


def test_results_unchanged_on_a_sample() -> None:
    golden = _golden()
    changed = [seed for seed in SEEDS if digest(seed) != golden[str(seed)]]
    assert changed == [], f"{len(changed)} windows score differently, e.g. seeds {changed[:10]}"


def test_the_fields_read_are_those_of_the_formulas() -> None:
    """The derivation finds what the formulas read: the fields of every ratio, and ``buka``."""
    ratio_fields = {name for pair in scoring.RATIO_NAMES.values() for name in pair}
    assert {"buka", *ratio_fields} <= fields_read()


#: The line added to the registry copy: an optional service field no formula reads.
_UNREAD = 'Field("unread", _C, "lain", "unread", "UNREAD", optional=True, switch=_OFF),\n'
_ANCHOR = "FIELDS: tuple[Field, ...] = (\n"


@contextmanager
def registry_with(line: str) -> Iterator[ModuleType]:
    """A fresh copy of the scoring package whose registry (``scoring/fields.py``) has
    ``line`` as its first field; the package the other tests use is put back after."""
    ours = {n: m for n, m in sys.modules.items() if n == "scoring" or n.startswith("scoring.")}
    path = Path(scoring.fields.__file__ or "")
    source = path.read_text("utf-8")
    assert source.count(_ANCHOR) == 1, "the registry's FIELDS line moved"
    for name in ours:
        del sys.modules[name]
    try:
        fields = ModuleType("scoring.fields")
        fields.__file__ = str(path)
        sys.modules["scoring.fields"] = fields
        exec(
            compile(source.replace(_ANCHOR, _ANCHOR + "    " + line), path, "exec"), fields.__dict__
        )
        yield importlib.import_module("scoring")
    finally:
        for name in [n for n in sys.modules if n == "scoring" or n.startswith("scoring.")]:
            del sys.modules[name]
        sys.modules.update(ours)


def test_an_unread_field_changes_no_digest() -> None:
    """Issue 25: one optional field added to the registry changed 384 of the 400 digests."""
    golden = _golden()
    with registry_with(_UNREAD) as copy:
        assert "unread" in copy.REPORT_FIELDS and "unread" not in scoring.REPORT_FIELDS
        assert copy.MonthReport(period=copy.Period(2026, 1)).unread is None
        assert "unread" not in fields_read(copy)
        changed = [seed for seed in SEEDS if digest(seed, copy) != golden[str(seed)]]
    assert changed == [], f"{len(changed)} digests changed, e.g. seeds {changed[:10]}"


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.parent.mkdir(exist_ok=True)
    data = {str(seed): digest(seed) for seed in SEEDS}
    GOLDEN.write_text(json.dumps(data, indent=0) + "\n", "utf-8")
    print(f"wrote {len(data)} digests to {GOLDEN}")
