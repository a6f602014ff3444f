"""``posyandu export weighings``: the register's weighings, one row per weighing, with each
one's status and z-scores as ``posyandu growth`` computes them over the child's history.

Anonymous by default (child ids, no name: no audit row). ``--with-names`` adds the names
the register holds (decrypted with REGISTER_KEY) and writes one audit row per posyandu
(``children.export``: the operator, the ids) in the transaction that reads them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.commands._common import (
    OK,
    UsageError,
    login,
    now,
    open_database,
    run_with_settings,
    tell,
)
from bot.commands.export import CsvStyle, RowWriter
from bot.commands.growth import FLAG_SEPARATOR
from bot.forms import eppgbm_workbook
from bot.register import NOT_SET_UP, register_cipher
from bot.settings import Settings
from scoring import Period, PeriodError, growth
from scoring.growth import BGM_FIELD, TWO_T_FIELD, Assessed, GrowthError, GrowthRules, Previous
from storage.children import (
    OPTIONAL_FIELDS,
    Actor,
    Child,
    ChildRecord,
    NamesShown,
    Weighing,
    audit_shown,
    check_key,
    children_records,
    read_children,
    weighings_of,
)
from storage.cipher import RegisterCipher, RegisterKeyError
from storage.db import Connection
from storage.posyandu import Posyandu, all_posyandu, posyandu_by_code

__all__ = ["BASE_COLUMNS", "EPPGBM", "NAME_COLUMNS", "register"]

#: The per-child file for e-PPGBM, as a workbook.
EPPGBM = "eppgbm-xlsx"

#: The columns of every export, in order.
BASE_COLUMNS: tuple[str, ...] = (
    "posyandu_code", "child_id", "date", "weight_kg", "height_cm", "measured", "age_months",
    "status", TWO_T_FIELD, BGM_FIELD, "waz", "haz", "whz", "baz", "flags", "computed_status",
)  # fmt: skip
#: With --with-names, after child_id: the names, then the optional fields the deployment
#: records (REGISTER_NIK, REGISTER_FIELDS), in this order.
NAME_COLUMNS: tuple[str, ...] = ("name", "mother_name")
OPTIONAL_COLUMNS: tuple[str, ...] = OPTIONAL_FIELDS
#: The audit row's purpose (``children.export``).
PURPOSE = "export"
_TWO = Decimal("0.01")
_CHUNK = 500  # posyandu, or children, read at a time


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(whats: Any) -> None:
    parser: argparse.ArgumentParser = whats.add_parser(
        "weighings",
        help="print the register's weighings with their status and z-scores, CSV or JSON",
        description=(
            "Print every weighing of the child register on stdout, ordered by posyandu code, "
            "child id and date, with the columns (JSON keys) "
            + ", ".join(BASE_COLUMNS)
            + ": weight in kg and height in cm as recorded (measured lying, standing or "
            "empty), the age in completed months, the KMS status (N, T, O, B) and "
            f"{TWO_T_FIELD} and {BGM_FIELD} (1 or 0) as 'posyandu growth' computes them over "
            "each child's weighings at its posyandu, the WHO z-scores to 2 decimals (empty "
            "where not computable) and WHO's implausibility flags joined by "
            f"'{FLAG_SEPARATOR}'; a status a kader corrected (STATUS by chat) is the "
            "corrected one, and computed_status the rules' status then (empty when not "
            "corrected). Children who left the register are included. Anonymous "
            "unless --with-names, which adds after child_id the columns "
            + ", ".join(NAME_COLUMNS)
            + " and those of "
            + ", ".join(OPTIONAL_COLUMNS)
            + " the deployment records (REGISTER_NIK, REGISTER_FIELDS), empty for a child "
            "whose identity was removed; it needs REGISTER_KEY and writes an audit row "
            "(operator, child ids) per posyandu. CSV as 'posyandu export': a header line, a "
            "text cell a spreadsheet would take for a formula written after a single quote. "
            "JSON: one array of objects, unknown values null, flags a list. "
            f"--format {EPPGBM} writes the per-child file for e-PPGBM to -o FILE instead: one "
            "row per weighing in the columns of EPPGBM_COLUMNS (a CSV column map the operator "
            "may replace; built in: NIK, child's name, sex, date of birth, parent's name, date "
            "measured, weight, length/height, how measured, posyandu); it needs --with-names."
        ),
    )
    parser.add_argument(
        "--format", choices=("csv", "json", EPPGBM), default="csv", help="default csv"
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help=f"the file to write ({EPPGBM} only)"
    )
    parser.add_argument(
        "--period", metavar="YYYY-MM", type=_period, help="only the weighings of this month"
    )
    parser.add_argument("--posyandu", metavar="CODE", help="only this posyandu's children")
    parser.add_argument(
        "--with-names",
        action="store_true",
        help="add the children's names (needs REGISTER_KEY; audited)",
    )
    parser.add_argument(
        "--operator", metavar="NAME", help="who exports names, for the audit log (default: login)"
    )
    parser.set_defaults(handler=run)


def _kg(grams: int) -> Decimal:
    return Decimal(grams) / 1000


def _cm(mm: int | None) -> Decimal | None:
    return None if mm is None else Decimal(mm) / 10


def _z(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_TWO) + 0  # + 0: never "-0.00"


def assessed_weighings(
    child: ChildRecord, weighings: Sequence[Weighing], rules: GrowthRules
) -> list[Assessed | None]:
    """Each weighing assessed after the one before it, as ``posyandu growth`` does, with
    the status a kader corrected (None for one the rules cannot assess; the next is then
    assessed as the first after it)."""
    out: list[Assessed | None] = []
    previous: Previous | None = None
    for w in weighings:
        raw = growth.Weighing(w.date, _kg(w.weight_g), _cm(w.height_mm), w.measured)
        try:
            assessed = growth.assess(child.sex, child.birth_date, raw, previous, rules)
        except GrowthError:
            out.append(None)
            continue
        if w.correction is not None:  # as the kader corrected it (the next one's 2T reads it)
            assessed = growth.with_status(assessed, w.correction.status, previous)
        previous = assessed.as_previous()
        out.append(assessed)
    return out


@dataclass(frozen=True, slots=True)
class _Export:
    form: str
    period: Period | None
    rules: GrowthRules
    codes: dict[int, str]
    #: With --with-names: the columns the deployment records, and each child shown.
    name_columns: tuple[str, ...] = ()
    names: dict[int, Child] | None = None


def _identity(export: _Export, child_id: int) -> dict[str, Any]:
    assert export.names is not None
    shown = export.names.get(child_id)
    return {c: None if shown is None else getattr(shown, c) for c in export.name_columns}


def _rows(
    export: _Export, children: Sequence[ChildRecord], weighings: dict[int, list[Weighing]]
) -> Iterator[dict[str, Any]]:
    for child in children:
        stored = weighings.get(child.id, [])
        for w, a in zip(stored, assessed_weighings(child, stored, export.rules), strict=True):
            if export.period is not None and w.period != export.period:
                continue
            row: dict[str, Any] = {"posyandu_code": export.codes[child.posyandu_id]}
            row["child_id"] = child.id
            if export.names is not None:
                row |= _identity(export, child.id)
            row |= {
                "date": w.date.isoformat(),
                "weight_kg": _kg(w.weight_g),
                "height_cm": _cm(w.height_mm),
                "measured": None if w.measured is None else w.measured.value,
                "age_months": None if a is None else a.age_months,
                "status": None if a is None else a.status.value,
                TWO_T_FIELD: None if a is None else a.two_t,
                BGM_FIELD: None if a is None else a.under_red_line,
            }
            z = a.z if a is not None else None
            for name in ("waz", "haz", "whz", "baz"):
                row[name] = None if z is None else _z(getattr(z, name))
            flags = [f.value for f in a.flags] if a is not None else []
            row["flags"] = flags if export.form == "json" else FLAG_SEPARATOR.join(flags)
            fixed = w.correction
            row["computed_status"] = None if fixed is None else fixed.computed.value
            if export.form == "json":
                for name in (TWO_T_FIELD, BGM_FIELD):
                    row[name] = None if row[name] is None else int(row[name])
            yield row


async def _posyandu(conn: Connection, code: str | None) -> list[Posyandu]:
    if code is None:
        return await all_posyandu(conn, active_only=False)
    found = await posyandu_by_code(conn, code)
    if found is None:
        raise UsageError(f"unknown posyandu {code}")
    return [found]


async def _names(
    conn: Connection, cipher: RegisterCipher, posyandu: Sequence[Posyandu]
) -> dict[int, NamesShown]:
    """Each posyandu's children with their identities (those who left included), read on the
    export's transaction; audited by :func:`_audit` with the ids the file holds."""
    try:
        await check_key(conn, cipher, now())
    except RegisterKeyError:
        raise UsageError(
            "REGISTER_KEY is not the key this database's child register was written with"
        ) from None
    return {
        p.id: await read_children(conn, cipher, p.id, include_left=True, purpose=PURPOSE)
        for p in posyandu
    }


async def _audit(
    tx: Connection, shown: dict[int, NamesShown], rows: Sequence[dict[str, Any]], who: Actor
) -> None:
    """One ``children.export`` row per posyandu whose names the file holds: the ids written."""
    written = {int(r["child_id"]) for r in rows}
    at = now()
    for names in shown.values():
        kept = tuple(c for c in names.children if c.id in written)
        if kept:
            await audit_shown(tx, replace(names, children=kept), who=who, at=at)


async def _weighings(
    conn: Connection, posyandu: Sequence[Posyandu]
) -> tuple[list[ChildRecord], dict[int, list[Weighing]]]:
    """The children of ``posyandu`` in its order (then by id) and their weighings, read a
    chunk at a time (a statement's parameters are limited)."""
    children: list[ChildRecord] = []
    for start in range(0, len(posyandu), _CHUNK):
        children += await children_records(conn, [p.id for p in posyandu[start : start + _CHUNK]])
    order = {p.id: i for i, p in enumerate(posyandu)}
    children.sort(key=lambda c: (order[c.posyandu_id], c.id))
    weighings: dict[int, list[Weighing]] = {}
    for start in range(0, len(children), _CHUNK):
        weighings |= await weighings_of(conn, [c.id for c in children[start : start + _CHUNK]])
    return children, weighings


def _columns(settings: Settings, with_names: bool) -> tuple[str, ...]:
    """The names after child_id, with the optional fields the deployment records."""
    if not with_names:
        return ()
    recorded = settings.register_optional()
    return (*NAME_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c in recorded))


def _check(args: argparse.Namespace) -> None:
    if args.format == EPPGBM and not args.with_names:
        raise UsageError(f"--format {EPPGBM} names each child: give --with-names (audited)")
    if (args.format == EPPGBM) != (args.output is not None):
        raise UsageError(f"-o FILE goes with --format {EPPGBM}, and only with it")


def run(args: argparse.Namespace) -> int:
    async def work(settings: Settings) -> int:
        _check(args)
        cipher = register_cipher(settings) if args.with_names else None
        if args.with_names and cipher is None:
            raise UsageError(NOT_SET_UP)
        name_columns = _columns(settings, args.with_names)
        db = await open_database(settings)
        try:
            # One snapshot; with names, a transaction that writes the audit rows.
            async with db.transaction() if cipher else db.read() as conn:
                if cipher is None:
                    await conn.execute("BEGIN")
                posyandu = sorted(await _posyandu(conn, args.posyandu), key=lambda p: p.code)
                shown = await _names(conn, cipher, posyandu) if cipher else {}
                children, weighings = await _weighings(conn, posyandu)
                names = {c.id: c for s in shown.values() for c in s.children}
                export = _Export(
                    args.format,
                    args.period,
                    settings.growth(),
                    {p.id: p.code for p in posyandu},
                    name_columns,
                    names if cipher else None,
                )
                # The z-scores are CPU work: not on the event loop.
                rows = await asyncio.to_thread(list, _rows(export, children, weighings))
                if cipher:
                    who = Actor(operator=args.operator or login())
                    await _audit(conn, shown, rows, who)
                else:
                    await conn.execute("COMMIT")
                found = _Found(posyandu, children, names)
        finally:
            await db.close()
        if args.format == EPPGBM:
            written = await _write_eppgbm(args.output, settings, _eppgbm_rows(rows, found))
        else:
            columns = (*BASE_COLUMNS[:2], *name_columns, *BASE_COLUMNS[2:])
            written = _write_all(RowWriter(sys.stdout, args.format, CsvStyle(), columns), rows)
        tell(f"exported {written} weighing{'s' if written != 1 else ''}")
        return OK

    return run_with_settings(work)


def _write_all(writer: RowWriter, rows: Iterable[dict[str, Any]]) -> int:
    writer.start()
    for row in rows:
        writer.row(row)
    writer.end()
    return int(writer.count)


@dataclass(frozen=True, slots=True)
class _Found:
    """What the export read: the posyandu, their children, the identities shown."""

    posyandu: list[Posyandu]
    children: list[ChildRecord]
    names: dict[int, Child]


def _eppgbm_rows(rows: Sequence[dict[str, Any]], found: _Found) -> list[dict[str, object]]:
    """Each weighing's row with what e-PPGBM asks of the child (its identity, sex and birth
    date; empty where the identity was removed) and the posyandu's name."""
    records = {c.id: c for c in found.children}
    places = {p.code: p.name for p in found.posyandu}
    out: list[dict[str, object]] = []
    for row in rows:
        record, child = records[row["child_id"]], found.names.get(row["child_id"])
        identity = {k: getattr(child, k) if child else None for k in ("nik", "dusun", "rt")}
        out.append(
            row
            | identity
            | {
                "name": child.name if child else None,
                "mother_name": child.mother_name if child else None,
                "sex": record.sex.value,
                "birth_date": record.birth_date,
                "date": date.fromisoformat(row["date"]),
                "posyandu_name": places.get(row["posyandu_code"]),
            }
        )
    return out


async def _write_eppgbm(out: Path, settings: Settings, rows: list[dict[str, object]]) -> int:
    """The workbook, written whole (a file that is there is complete)."""
    content = await asyncio.to_thread(eppgbm_workbook, settings.eppgbm(), rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    part.write_bytes(content)
    part.replace(out)
    return len(rows)
