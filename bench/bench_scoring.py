"""Scoring 300,000 posyandu windows (the national count): wall time and peak memory.

Every window is twelve plausible months, generated deterministically, then scored with
:func:`scoring.assess` — the full assessment the bot and the PDFs use — by one worker process
per core, each taking an equal share of the windows.

The figures are wall time, measured by the parent: the workers generate a round of windows
each (not timed), meet at a barrier, and the clock runs from the barrier's release until the
last worker has reported its round scored. A figure is the sum of its rounds' wall times, so
it includes the workers' start-up skew and the wait for the slowest one. Each round is scored
twice from the same windows: annual (through December) and rolling (through September, with
the year-end projection). Rounds keep the inputs in memory small.

Generating the inputs is measured separately (the sum of each round's slowest generation).
The generated windows are then frozen out of the garbage collector's scans (``gc.freeze``),
as a long-running batch would hold them; the garbage scoring makes is still collected, inside
the figure. Peak memory is the largest resident set of the parent and each worker.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import random
import resource
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from typing import Any

from scoring import MonthReport, Period, assess

__all__ = ["WINDOWS", "make_window", "run"]

WINDOWS = 300_000
#: Windows a worker holds at a time (one round).
ROUND = 25_000
DATA_THROUGH = Period(2026, 12)
ANNUAL = Period(2026, 12)
#: Rolling assessment mid-year: the stratum window ends in September (the months after it are
#: ignored) and the year-end projection runs.
ROLLING = Period(2026, 9)
TARGET_SECONDS = 10.0


def make_window(seed: int) -> list[MonthReport]:
    rng = random.Random(seed)
    s = rng.randint(20, 120)
    months = []
    for i in range(12):
        period = DATA_THROUGH.shift(i - 11)
        if rng.random() < 0.12:
            months.append(MonthReport(period=period, buka=False))
            continue
        k = rng.randint(s // 2, s)
        d = rng.randint(s // 3, s)
        n = rng.randint(0, d)
        bumil = rng.randint(0, 12)
        pus = rng.randint(40, 200)
        bayi = rng.randint(0, 20)
        kk = rng.randint(60, 300)
        months.append(
            MonthReport(
                period=period,
                kader=rng.randint(3, 8),
                s=s,
                k=k,
                d=d,
                n=n,
                bgm=rng.randint(0, min(3, d)),
                t2=rng.randint(0, min(2, d)),
                bumil=bumil,
                bumil_periksa=rng.randint(0, bumil),
                pus=pus,
                kb_aktif=rng.randint(0, pus),
                bayi=bayi,
                bayi_imunisasi=rng.randint(0, min(3, bayi)),
                program_tambahan=("BKB",) if rng.random() < 0.5 else (),
                kk=kk,
                kk_dana_sehat=rng.randint(0, kk),
            )
        )
    return months


def _rounds(start: int, stop: int) -> list[tuple[int, int]]:
    return [(i, min(i + ROUND, stop)) for i in range(start, stop, ROUND)]


def _worker(
    start: int, stop: int, throughs: list[Period], barrier: Barrier, out: Connection
) -> None:
    """Score seeds ``start..stop`` one round at a time, at each of ``throughs``; per round and
    through send (generation seconds, {stratum: count}); finally the peak RSS in KiB."""
    for a, b in _rounds(start, stop):
        t0 = time.perf_counter()
        windows = [make_window(seed) for seed in range(a, b)]
        generated = time.perf_counter() - t0
        # The inputs live until the round is scored: out of the collector's sight, so that
        # the figure is scoring (whose own garbage is still collected), not re-scanning them.
        gc.collect()
        gc.freeze()
        for through in throughs:
            barrier.wait()  # everyone has its round ready: the parent's clock starts
            counts: dict[str, int] = {}
            for months in windows:
                stratum = assess(months, through).stratum.value
                counts[stratum] = counts.get(stratum, 0) + 1
            out.send((generated, counts))
            generated = 0.0
        del windows
        gc.unfreeze()
    out.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out.close()


def _measure(windows: int, throughs: list[Period]) -> tuple[list[float], float, int]:
    """Scoring wall seconds per ``through``, generation seconds, and the peak RSS in KiB."""
    workers = os.cpu_count() or 1
    share = -(-windows // workers)
    slices = [(i, min(i + share, windows)) for i in range(0, windows, share)]
    rounds = len(_rounds(*slices[0]))
    # Every worker must meet every barrier: equal round counts.
    assert all(len(_rounds(a, b)) == rounds for a, b in slices), "uneven shares"
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(slices) + 1)
    pipes = [ctx.Pipe(duplex=False) for _ in slices]
    procs = [
        ctx.Process(target=_worker, args=(a, b, throughs, barrier, send), daemon=True)
        for (a, b), (_recv, send) in zip(slices, pipes, strict=True)
    ]
    for p in procs:
        p.start()
    scored = [0.0] * len(throughs)
    totals: list[dict[str, int]] = [{} for _ in throughs]
    generated = 0.0
    try:
        for _round in range(rounds):
            for i in range(len(throughs)):
                barrier.wait(timeout=600)
                t0 = time.perf_counter()
                results = [recv.recv() for recv, _send in pipes]
                scored[i] += time.perf_counter() - t0
                generated += max(g for g, _c in results)
                for _g, counts in results:
                    for key, value in counts.items():
                        totals[i][key] = totals[i].get(key, 0) + value
        assert all(sum(t.values()) == windows for t in totals), totals
        peak_kb = max(
            [recv.recv() for recv, _send in pipes]
            + [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]
        )
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    return scored, generated, peak_kb


def run(windows: int = WINDOWS) -> list[dict[str, Any]]:
    workers = os.cpu_count() or 1
    (annual, rolling), generated, peak_kb = _measure(windows, [ANNUAL, ROLLING])
    return [
        {
            "figure": f"scoring {windows:,} windows, annual telaah, wall ({workers} processes)",
            "value": round(annual, 2),
            "unit": "s",
            "target": f"< {TARGET_SECONDS:g} s",
            "passed": annual < TARGET_SECONDS,
        },
        {
            "figure": f"scoring {windows:,} windows, rolling mid-year (with year-end projection)",
            "value": round(rolling, 2),
            "unit": "s",
            "target": "",
            "passed": True,
        },
        {
            "figure": f"scoring: generating the {windows:,} windows (not in the figures above)",
            "value": round(generated, 2),
            "unit": "s",
            "target": "",
            "passed": True,
        },
        {
            "figure": "scoring: peak memory (largest process)",
            "value": round(peak_kb / 1024, 1),
            "unit": "MB",
            "target": "",
            "passed": True,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']} {row['unit']} (target {row['target'] or '-'})")
