"""``posyandu growth FILE.csv``: children's weighings in, each weighing's age, WHO z-scores,
flags and KMS status (N/T/O/B, 2T, BGM) out, by domain.md's per-child rules."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.commands._common import BAD_INPUT, OK, tell
from bot.settings import SettingsError, load_settings
from scoring.growth import (
    BGM_FIELD,
    TWO_T_FIELD,
    Assessed,
    GrowthError,
    GrowthRules,
    Method,
    Previous,
    Sex,
    Weighing,
    assess,
    decimal,
)
from storage.report_columns import FORMULA_STARTS

__all__ = ["INPUT_COLUMNS", "OUTPUT_COLUMNS", "register"]

#: The input file's columns (a header line names them, in any order).
INPUT_COLUMNS = ("child", "sex", "birth_date", "date", "weight_kg", "height_cm", "measured")
#: What is added to each row.
COMPUTED_COLUMNS = (
    "age_days", "age_months", "waz", "haz", "whz", "baz", "flags", "status", TWO_T_FIELD,
    BGM_FIELD,
)  # fmt: skip
OUTPUT_COLUMNS = INPUT_COLUMNS + COMPUTED_COLUMNS
#: Flags in a CSV cell are joined by this.
FLAG_SEPARATOR = ";"
#: Plausible raw values (a typo, not a child, outside them).
WEIGHT_KG = (Decimal("0.5"), Decimal(150))
HEIGHT_CM = (Decimal(30), Decimal(200))


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "growth",
        help="compute each weighing's z-scores and KMS status (N/T/O/B, 2T, BGM) from a CSV",
        description=(
            "Read children's weighings from FILE (CSV, '-' for stdin) with the header "
            + ",".join(INPUT_COLUMNS)
            + " (sex L or P; dates YYYY-MM-DD; weight in kg, height in cm, with a decimal "
            "point; measured lying, standing or empty for the age's way; a child's rows are "
            "its weighings at one posyandu in date order, one a month) and print each row with "
            + ",".join(COMPUTED_COLUMNS)
            + ": age in completed days and months, the WHO 2006 z-scores to 2 decimals "
            "(empty where not computable), WHO's implausibility flags and the checks against "
            f"the previous weighing (joined by '{FLAG_SEPARATOR}'), the KMS status by the KBM "
            "table (KBM_TABLE), 2T and BGM (BGM_BELOW_WAZ) as 1 or 0. A bad row exits 2 with "
            "one line naming its line and nothing on stdout. See README, 'posyandu growth'."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="CSV file, or '-' for standard input")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    parser.set_defaults(handler=run)


class RowError(Exception):
    """A row that cannot be used; the message names its line."""


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: dict[str, str]
    child: str
    sex: Sex
    birth: date
    weighing: Weighing


def _date(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise GrowthError(f"{column} {text!r} is not a date YYYY-MM-DD") from None


def _within(value: Decimal, bounds: tuple[Decimal, Decimal], column: str) -> Decimal:
    if not bounds[0] <= value <= bounds[1]:
        raise GrowthError(f"{column} {value} is outside {bounds[0]}..{bounds[1]}")
    return value


def _weighing(cells: dict[str, str]) -> Weighing:
    measured = cells["measured"].strip().lower()
    if measured not in ("", *(m.value for m in Method)):
        raise GrowthError(f"measured {cells['measured']!r} is not lying, standing or empty")
    height = cells["height_cm"].strip()
    if not height and measured:
        raise GrowthError("measured is given without a height_cm")
    return Weighing(
        date=_date(cells["date"], "date"),
        weight_kg=_within(decimal(cells["weight_kg"]), WEIGHT_KG, "weight_kg"),
        height_cm=_within(decimal(height), HEIGHT_CM, "height_cm") if height else None,
        measured=Method(measured) if measured else None,
    )


def _row(line: int, cells: dict[str, str]) -> _Row:
    try:
        child = cells["child"].strip()
        if not child:
            raise GrowthError("child is empty")
        sex = cells["sex"].strip().upper()
        if sex not in (s.value for s in Sex):
            raise GrowthError(f"sex {cells['sex']!r} is not L or P")
        birth = _date(cells["birth_date"], "birth_date")
        return _Row(line, cells, child, Sex(sex), birth, _weighing(cells))
    except GrowthError as exc:
        raise RowError(f"line {line}: {exc}") from None


def _rows(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    unknown = [c for c in header if c not in INPUT_COLUMNS]
    if missing or unknown:
        raise RowError(
            f"line 1: the header must name {','.join(INPUT_COLUMNS)}"
            + (f"; missing {','.join(missing)}" if missing else "")
            + (f"; unknown {','.join(unknown)}" if unknown else "")
        )
    reader.fieldnames = header
    rows = []
    for cells in reader:
        if None in cells or any(v is None for v in cells.values()):
            raise RowError(f"line {reader.line_num}: expected {len(header)} cells")
        rows.append(_row(reader.line_num, cells))
    return rows


def assess_rows(rows: Sequence[_Row], rules: GrowthRules) -> list[Assessed]:
    """Each row assessed after the same child's previous row (one child's rows must agree on
    sex and birth date)."""
    last: dict[str, tuple[_Row, Previous]] = {}
    out = []
    for row in rows:
        before = last.get(row.child)
        if before and (before[0].sex, before[0].birth) != (row.sex, row.birth):
            raise RowError(
                f"line {row.line}: child {row.child!r} has another sex or birth date than on "
                f"line {before[0].line}"
            )
        previous = before[1] if before else None
        try:
            assessed = assess(row.sex, row.birth, row.weighing, previous, rules)
        except GrowthError as exc:
            raise RowError(f"line {row.line}: child {row.child!r}: {exc}") from None
        last[row.child] = (row, assessed.as_previous())
        out.append(assessed)
    return out


def _z(value: Decimal | None) -> str:
    return "" if value is None else f"{value + 0:.2f}"  # + 0: never "-0.00"


def computed(assessed: Assessed) -> dict[str, str]:
    """The computed columns of one weighing, as the CSV writes them."""
    z = assessed.z
    return {
        "age_days": str(assessed.age_days),
        "age_months": str(assessed.age_months),
        "waz": _z(z.waz),
        "haz": _z(z.haz),
        "whz": _z(z.whz),
        "baz": _z(z.baz),
        "flags": FLAG_SEPARATOR.join(f.value for f in assessed.flags),
        "status": assessed.status.value,
        TWO_T_FIELD: "1" if assessed.two_t else "0",
        BGM_FIELD: "1" if assessed.under_red_line else "0",
    }


def _safe(text: str) -> str:
    """A text cell a spreadsheet would take for a formula, after a single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: Any, rows: Sequence[_Row], results: Sequence[Assessed]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row, assessed in zip(rows, results, strict=True):
        given = [_safe(row.cells[c]) for c in INPUT_COLUMNS]
        extra = computed(assessed)
        writer.writerow(given + [extra[c] for c in COMPUTED_COLUMNS])


def _json_row(row: _Row, assessed: Assessed) -> dict[str, Any]:
    item: dict[str, Any] = {c: row.cells[c] for c in INPUT_COLUMNS}
    extra = computed(assessed)
    item["age_days"], item["age_months"] = assessed.age_days, assessed.age_months
    for name in ("waz", "haz", "whz", "baz"):
        item[name] = float(extra[name]) if extra[name] else None
    item["flags"] = [f.value for f in assessed.flags]
    item["status"] = extra["status"]
    item[TWO_T_FIELD], item[BGM_FIELD] = int(assessed.two_t), int(assessed.under_red_line)
    return item


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        tell(f"cannot read {args.file}: {exc}")
        return BAD_INPUT
    try:
        rules = load_settings().growth()
    except SettingsError as exc:
        tell(str(exc))
        return BAD_INPUT
    try:
        rows = _rows(text)
        results = assess_rows(rows, rules)
    except RowError as exc:
        tell(f"{args.file}: {exc}")
        return BAD_INPUT
    if args.format == "json":
        items = [_json_row(row, a) for row, a in zip(rows, results, strict=True)]
        json.dump(items, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_csv(sys.stdout, rows, results)
    return OK
