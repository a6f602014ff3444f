"""``make bench``: run every benchmark under bench/, print one table, write bench/results.json.

Each ``bench/bench_*.py`` module (run in a process of its own) exposes ``run() -> list[dict]``
with rows ``{"figure", "value", "unit", "target", "passed"}``. ``python -m bench NAME ...``
runs only the named modules (``scoring``, ``storage``, ...) and writes nothing. ``python -m
bench --replace NAME ...`` runs the named modules and puts their rows in place of theirs in
the last full run's results (for a module fixed after that run; the table still says the full
run's date). The README's table is refreshed from the results between its
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
RESULTS = HERE / "results.json"


def _modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        wanted = {f"bench_{s.removeprefix('bench_')}" for s in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    return names


def _machine() -> str:
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{mem}, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def _table(rows: list[dict[str, Any]]) -> str:
    lines = ["| figure | value | target | pass |", "| --- | ---: | --- | --- |"]
    for r in rows:
        ok = "yes" if r["passed"] else "**no**"
        target = r["target"] or "-"
        lines.append(f"| {r['figure']} | {r['value']:,} {r['unit']} | {target} | {ok} |")
    return "\n".join(lines)


def _update_readme(table: str, machine: str, when: str) -> None:
    if not README.exists():
        return
    text = README.read_text("utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in text or end not in text:
        return
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    block = f"{start}\nMeasured {when} on {machine}.\n\n{table}\n{end}"
    README.write_text(head + block + tail, "utf-8")


def _replaced(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
    """The last full run's rows with ``rows`` in place of their modules' rows (where the first
    of them stood), and that run's machine and date."""
    saved = json.loads(RESULTS.read_text("utf-8"))
    names = {r["benchmark"] for r in rows}
    old: list[dict[str, Any]] = saved["results"]
    at = next((i for i, r in enumerate(old) if r["benchmark"] in names), len(old))
    kept = [r for r in old[:at] if r["benchmark"] not in names]
    after = [r for r in old[at:] if r["benchmark"] not in names]
    return kept + rows + after, str(saved["machine"]), str(saved["date"])


def _crashed(name: str) -> list[dict[str, Any]]:
    return [
        {
            "figure": f"{name}: crashed (traceback above)",
            "value": 0,
            "unit": "",
            "target": "runs",
            "passed": False,
        }
    ]


def _isolated(name: str) -> list[dict[str, Any]]:
    """``name``'s rows, run in a process of its own: no benchmark's memory, garbage or
    threads left by the ones before it (a heap grown by one made another's collections
    slow, and a child's peak memory starts at its parent's size)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        done = subprocess.run([sys.executable, "-m", "bench", "--one", name, str(out)])
        if done.returncode != 0 or not out.exists():
            return _crashed(name)
        rows: list[dict[str, Any]] = json.loads(out.read_text("utf-8"))
        return rows


def _one(name: str, out: str) -> int:
    """Run the benchmark ``name`` in this process and write its rows to the file ``out``."""
    try:
        module = importlib.import_module(f"bench.{name}")
        rows: list[dict[str, Any]] = module.run()
    except Exception:  # the other benchmarks still run; this one is a failed row
        traceback.print_exc()
        rows = _crashed(name)
    Path(out).write_text(json.dumps(rows), "utf-8")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return _one(argv[1], argv[2])
    replace = argv[:1] == ["--replace"]
    if replace:
        argv = argv[1:]
        if not argv:
            raise SystemExit("--replace needs the benchmark(s) to run again")
    rows: list[dict[str, Any]] = []
    for name in _modules(argv):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        module_rows = _isolated(name)
        for row in module_rows:
            row["benchmark"] = name
        rows.extend(module_rows)
        print(f"  {name} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    machine = _machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    table = _table(rows)
    print(table)
    print(f"\nmachine: {machine}")
    if replace:
        rows, machine, when = _replaced(rows)
        table = _table(rows)
    if not argv or replace:
        RESULTS.write_text(
            json.dumps({"machine": machine, "date": when, "results": rows}, indent=2) + "\n",
            "utf-8",
        )
        _update_readme(table, machine, when)
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
