"""The child register from a file (``posyandu import children``): all or nothing, as the
other imports.

Columns ``posyandu_code,name,sex,birth_date,mother_name`` and, when the deployment records
them, ``nik,dusun,rt,has_kms`` (a value in a column the deployment does not record is a
problem; the column left out or empty is not). Every row is checked first, against the file
and the database; a file with a single problem writes nothing and every bad row is reported
with its line and the reason. A row is matched to a child already registered at its posyandu
by name (case and spacing aside) and birth date, which decrypts that posyandu's list in
memory (audited as ``children.import``): the same child is left as it is (``unchanged``) or
its other fields updated, so importing a file again changes nothing. Each new child is
recorded with the consent the operator states (``consent_by``: who took the parents'
consent, as ``posyandu import children --consent-recorded-by NAME`` names them) at the
import's time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from scoring.dates import WrittenDateError, parse_written_date
from scoring.growth import Sex, age_months
from scoring.lexicon import ACTIVE_WORDS
from storage.children import (
    OPTIONAL_FIELDS,
    Actor,
    Child,
    NewChild,
    add_child,
    children_of_posyandu,
    update_child,
)
from storage.cipher import RegisterCipher
from storage.db import Connection
from storage.imports import CsvRow, ImportProblem, ImportRejected, ImportSummary, name_problem
from storage.posyandu import Posyandu, posyandu_by_codes

__all__ = ["CHILD_COLUMNS", "OPTIONAL_CHILD_COLUMNS", "import_children", "name_key"]

CHILD_COLUMNS: tuple[str, ...] = ("posyandu_code", "name", "sex", "birth_date", "mother_name")
#: The optional fields' columns (recorded only when the deployment turns them on).
OPTIONAL_CHILD_COLUMNS: tuple[str, ...] = OPTIONAL_FIELDS
#: The longest name taken.
MAX_NAME = 100
#: Months of age from which a child is no longer a balita (domain.md).
_BALITA_MONTHS = 60
_NIK = re.compile(r"\d{16}")
_RT = re.compile(r"\d{1,3}")


def name_key(name: str) -> str:
    """A name as matched: case and spacing aside."""
    return " ".join(name.split()).casefold()


@dataclass
class _Check:
    """One row's checks: its problems, and the child it gives."""

    row: CsvRow
    recorded: frozenset[str]
    today: date
    problems: list[str] = field(default_factory=list)

    def text(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def name(self, column: str) -> str:
        text = " ".join(self.text(column).split())
        if not text:
            self.problems.append(f"missing value for {column}")
        elif len(text) > MAX_NAME:
            self.problems.append(f"{column} is longer than {MAX_NAME} characters")
        elif (problem := name_problem(column, text)) is not None:
            self.problems.append(problem)
        return text

    def sex(self) -> Sex | None:
        text = self.text("sex").upper()
        if text in {s.value for s in Sex}:
            return Sex(text)
        self.problems.append(f"sex {self.text('sex')!r} must be L (laki-laki) or P (perempuan)")
        return None

    def birth_date(self) -> date | None:
        try:
            born = parse_written_date(self.text("birth_date"))
        except WrittenDateError as exc:
            self.problems.append(f"birth_date: {exc}")
            return None
        if born > self.today:
            self.problems.append(f"birth_date {born} is after today ({self.today})")
        elif age_months(born, self.today) >= _BALITA_MONTHS:
            self.problems.append(
                f"born {born}: five years old or more on {self.today}; the register holds "
                "children under five"
            )
        return born

    def optional(self, column: str) -> str | None:
        text = self.text(column)
        if not text:
            return None
        if column not in self.recorded:
            setting = "REGISTER_NIK" if column == "nik" else "REGISTER_FIELDS"
            self.problems.append(
                f"{column} given, but this deployment does not record it ({setting})"
            )
            return None
        pattern = {"nik": _NIK, "rt": _RT}.get(column)
        if pattern is not None and pattern.fullmatch(text) is None:
            what = "16 digits" if column == "nik" else "1 to 3 digits"
            self.problems.append(f"{column} {text!r} must be {what}")
            return None
        return self.name(column) if column == "dusun" else text

    def has_kms(self) -> bool | None:
        text = self.optional("has_kms")
        if text is None:
            return None
        found = ACTIVE_WORDS.get(text.lower())
        if found is None:
            self.problems.append(f"has_kms {text!r} must be 1 (has a KMS / buku KIA) or 0")
        return found

    def child(self) -> NewChild | None:
        name, mother = self.name("name"), self.name("mother_name")
        sex, born = self.sex(), self.birth_date()
        nik, dusun, rt = self.optional("nik"), self.optional("dusun"), self.optional("rt")
        kms = self.has_kms()
        if self.problems or sex is None or born is None:
            return None
        return NewChild(name, sex, born, mother, nik, dusun, rt, kms)


@dataclass
class _Import:
    tx: Connection
    cipher: RegisterCipher
    consent_by: Actor
    who: Actor
    at: datetime
    recorded: frozenset[str]
    posyandu: Mapping[str, Posyandu]
    problems: list[ImportProblem] = field(default_factory=list)
    #: The first line of each (posyandu, name, birth date) in the file.
    first: dict[tuple[int, str, date], int] = field(default_factory=dict)
    rows: list[tuple[Posyandu, NewChild]] = field(default_factory=list)

    def check(self, row: CsvRow) -> None:
        if row.problem:
            self.problems.append(ImportProblem(row.line, row.problem))
            return
        code = row.values.get("posyandu_code", "").strip()
        found = self.posyandu.get(code)
        local = self.at.astimezone(found.tz).date() if found is not None else self.at.date()
        check = _Check(row, self.recorded, local)
        if not code:
            check.problems.append("missing value for posyandu_code")
        elif found is None:
            check.problems.append(
                f"unknown posyandu {code} (import it first: posyandu import posyandu)"
            )
        child = check.child()
        if found is not None and child is not None:
            key = (found.id, name_key(child.name), child.birth_date)
            if key in self.first:
                check.problems.append(
                    f"the same child (name and birth date) is given twice at {code} (first on "
                    f"line {self.first[key]})"
                )
            self.first.setdefault(key, row.line)
        prefix = f"{code}: " if found is not None else ""
        self.problems += [ImportProblem(row.line, prefix + p) for p in check.problems]
        if found is not None and child is not None and not check.problems:
            self.rows.append((found, child))

    async def write(self) -> ImportSummary:
        added = updated = unchanged = 0
        registered: dict[int, dict[tuple[str, date], Child]] = {}
        for posyandu in {p.id: p for p, _child in self.rows}.values():
            known = await children_of_posyandu(
                self.tx,
                self.cipher,
                posyandu.id,
                who=self.who,
                at=self.at,
                include_left=True,
                purpose="import",
            )
            registered[posyandu.id] = {(name_key(c.name), c.birth_date): c for c in known}
        for posyandu, child in self.rows:
            stored = registered[posyandu.id].get((name_key(child.name), child.birth_date))
            if stored is None:
                await add_child(
                    self.tx,
                    self.cipher,
                    posyandu.id,
                    child,
                    consent_by=self.consent_by,
                    at=self.at,
                    who=self.who,
                )
                added += 1
            elif stored.same_identity(child):
                unchanged += 1
            else:
                await update_child(self.tx, self.cipher, stored.id, child, who=self.who, at=self.at)
                updated += 1
        return ImportSummary(added, updated, unchanged)


async def import_children(
    tx: Connection,
    cipher: RegisterCipher,
    rows: Iterable[CsvRow],
    *,
    consent_by: Actor,
    who: Actor,
    at: datetime,
    recorded: frozenset[str] = frozenset(),
) -> ImportSummary:
    """Check every row, then (none bad) add or update the children in the caller's
    transaction; :class:`ImportRejected` lists every problem otherwise (the caller rolls
    back). ``recorded``: the optional columns this deployment records (``nik``, ``dusun``,
    ``rt``, ``has_kms``). ``consent_by`` took the parents' consent (recorded with each new
    child); ``who`` runs the import (the audit log's)."""
    listed = list(rows)
    codes = {r.values.get("posyandu_code", "").strip() for r in listed} - {""}
    found = await posyandu_by_codes(tx, codes)
    state = _Import(tx, cipher, consent_by, who, at, recorded, found)
    for row in listed:
        state.check(row)
    if state.problems:
        raise ImportRejected(state.problems)
    return await state.write()
