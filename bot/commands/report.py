"""``posyandu report``: a posyandu's monthly report or an area summary, as a PDF file; or the
forms a puskesmas files as Excel workbooks (the F1 form, the F2 recap: ``--format xlsx``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.commands._common import now
from bot.documents import DocumentNotFound
from bot.forms import render_file
from bot.pdf.base import FontMissing
from bot.settings import SettingsError, load_settings
from scoring import Period, PeriodError
from storage import Database, DatabaseError

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="write a posyandu's monthly report or an area summary (PDF, or the F1/F2 as xlsx)",
        description=(
            "Write the PDF a kader or supervisor would receive: the monthly report of one "
            "posyandu (--posyandu CODE) or the summary of an area (--area CODE) for a month. "
            "An unknown code or a month with no data exits 2 and writes no file; no data: for "
            "a posyandu, no report of that month; for an area, a month that has not begun, or "
            "no report under the area in the 12 months to it. --format xlsx writes the form a "
            "puskesmas files instead: for a posyandu its monthly F1 form (the counts, D, N, T, "
            "O, B, BGM and 2T also by age band and sex where the child register weighed the "
            "month), for an area the F2 recap (a row per posyandu with its counts, ratios and "
            "stratum; the area's totals; the posyandu per stratum)."
        ),
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--posyandu", metavar="CODE", help="posyandu code")
    which.add_argument("--area", metavar="CODE", help="area code (desa, kecamatan, ...)")
    parser.add_argument("--period", required=True, metavar="YYYY-MM", help="the month")
    parser.add_argument("--format", choices=("pdf", "xlsx"), default="pdf", help="default pdf")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        period = Period.parse(args.period)
    except PeriodError as exc:
        print(f"--period: {exc}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    params: dict[str, Any]
    if args.posyandu:
        kind, params = "monthly_report", {"posyandu_code": args.posyandu}
    else:
        kind, params = "area_summary", {"area_code": args.area}
    if args.format == "xlsx":
        kind = "f1_form" if args.posyandu else "f2_form"
    params["period"] = str(period)

    async def render() -> bytes:
        async with await Database.open(
            settings.posyandu_db, busy_timeout_ms=settings.db_busy_timeout_ms
        ) as db:
            doc = await render_file(db, kind, params, now(), settings.scoring(), settings.growth())
        return doc.content

    try:
        content = asyncio.run(render())
    except (DocumentNotFound, FontMissing, DatabaseError) as exc:
        print(f"no report written: {exc}", file=sys.stderr)
        return 2
    out: Path = args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(content)
    tmp.replace(out)
    print(f"wrote {out} ({len(content) / 1024:.0f} KB)", file=sys.stderr)
    return 0
