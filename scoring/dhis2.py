"""DHIS2 data value sets (docs/dhis2.md): the operator's mapping file, the data values of a
posyandu-month, their JSON and CSV documents, and DHIS2's import summary.

The mapping is a CSV ``field,dataElement,categoryOptionCombo[,attributeOptionCombo]``: each row
sends one count to one data value (a data element and a category option combo, by their DHIS2
codes; an empty combo is DHIS2's default). A count is a field of the registry
(:data:`scoring.fields.COUNT_FIELDS`) or a per-child count of the register
(:func:`child_count`): ``<indicator>[_<sex>][_<low>_<high>]``, the children of the posyandu-month
below -2 for the indicator (``stunting``, ``wasting``, ``underweight``; scoring.prevalence),
of a sex (``l``, ``p``) and age band (``0_5``, ``6_11``, ``12_23``, ``24_59`` months), e.g.
``stunting_l_0_5``. DHIS2 periods are ``YYYYMM``; every value is an integer.

Pure: no I/O; imports nothing outside scoring.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scoring.fields import COUNT_FIELDS, FIELD_BY_ID
from scoring.growth import Sex
from scoring.model import Period
from scoring.prevalence import AGE_BANDS, AgeBand, Indicator, Prevalence

__all__ = [
    "CSV_COLUMNS",
    "MAPPING_COLUMNS",
    "ChildCount",
    "Conflict",
    "DataValue",
    "ImportSummary",
    "MappedField",
    "MappingError",
    "child_count",
    "child_counts",
    "csv_document",
    "data_values",
    "dhis2_period",
    "json_document",
    "mapping_digest",
    "parse_mapping",
    "parse_summary",
    "values_digest",
]

#: The mapping file's columns (the last optional).
MAPPING_COLUMNS: tuple[str, ...] = (
    "field",
    "dataElement",
    "categoryOptionCombo",
    "attributeOptionCombo",
)
#: DHIS2's CSV data value set columns, in its order (the header of dhis2-core's own CSV import
#: tests; DHIS2 reads the columns by position).
CSV_COLUMNS: tuple[str, ...] = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
)
_COUNTS = frozenset(COUNT_FIELDS)


@dataclass(frozen=True, slots=True)
class ChildCount:
    """A per-child count: the children below -2 for ``indicator``, of ``sex`` and ``band``
    (None: every one)."""

    indicator: Indicator
    sex: Sex | None
    band: AgeBand | None


_SEXES = {s.value.lower(): s for s in Sex}
_BANDS = {f"{b.low}_{b.high}": b for b in AGE_BANDS}


def child_count(name: str) -> ChildCount | None:
    """The per-child count ``name`` stands for (None: it names none)."""
    head, _, rest = name.partition("_")
    try:
        indicator = Indicator(head)
    except ValueError:
        return None
    sex: Sex | None = None
    first, _, after = rest.partition("_")
    if first in _SEXES:
        sex, rest = _SEXES[first], after
    band = _BANDS.get(rest) if rest else None
    if rest and band is None:
        return None
    return ChildCount(indicator, sex, band)


def child_counts(found: Prevalence, names: Iterable[str]) -> dict[str, int]:
    """Each per-child count of ``names`` in a posyandu-month's prevalence; none for a count
    nobody was measured for (no value, not a 0: as a skipped field)."""
    out = {}
    for name in names:
        wanted = child_count(name)
        if wanted is not None:
            cell = found.cell(wanted.indicator, wanted.band, wanted.sex)
            if cell.measured:
                out[name] = cell.cases
    return out


class MappingError(ValueError):
    """A mapping file refused: one ``line N: problem`` per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class MappedField:
    field: str
    data_element: str
    category_option_combo: str = ""
    attribute_option_combo: str = ""
    line: int = 0

    @property
    def per_child(self) -> bool:
        """Whether it is a per-child count of the register (not a field of the report)."""
        return self.field not in FIELD_BY_ID

    @property
    def target(self) -> tuple[str, str, str]:
        return self.data_element, self.category_option_combo, self.attribute_option_combo


def parse_mapping(text: str) -> tuple[MappedField, ...]:
    """The mapping file's rows, in file order; :class:`MappingError` with every bad line
    (an unknown field, a field that is not a count, a repeated field or data value, a
    missing data element)."""
    reader = csv.reader(text.removeprefix("\ufeff").splitlines(keepends=True))
    rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise MappingError(["line 1: the mapping is empty"])
    line, header = rows[0]
    names = [h.strip().lower() for h in header]
    wanted = [c.lower() for c in MAPPING_COLUMNS]
    if names not in (wanted, wanted[:3]):
        raise MappingError([f"line {line}: the header must be {','.join(MAPPING_COLUMNS)}"])
    problems: list[str] = []
    out: list[MappedField] = []
    for line, row in rows[1:]:
        mapped = _row(line, row, len(names), problems)
        if mapped is not None:
            _check_new(mapped, out, problems)
            out.append(mapped)
    if problems:
        raise MappingError(problems)
    if not out:
        raise MappingError([f"line {line}: no field is mapped"])
    return tuple(out)


def _row(line: int, row: list[str], width: int, problems: list[str]) -> MappedField | None:
    cells = [c.strip() for c in row]
    if len(cells) != width:
        problems.append(f"line {line}: {len(cells)} cells, the header has {width}")
        return None
    name, element, combo, *rest = cells
    if name not in FIELD_BY_ID and child_count(name) is None:
        problems.append(f"line {line}: unknown field {name!r}")
        return None
    if name in FIELD_BY_ID and name not in _COUNTS:
        problems.append(f"line {line}: field {name} is not a count (DHIS2 takes integers)")
        return None
    if not element:
        problems.append(f"line {line}: no dataElement for field {name}")
        return None
    return MappedField(name, element, combo, rest[0] if rest else "", line)


def _check_new(mapped: MappedField, before: Sequence[MappedField], problems: list[str]) -> None:
    for earlier in before:
        if earlier.field == mapped.field:
            problems.append(
                f"line {mapped.line}: duplicate field {mapped.field} (first on line {earlier.line})"
            )
        elif earlier.target == mapped.target:
            problems.append(
                f"line {mapped.line}: duplicate data value {'/'.join(mapped.target).rstrip('/')} "
                f"(first on line {earlier.line})"
            )


def mapping_digest(mapping: Sequence[MappedField]) -> str:
    text = json.dumps([(m.field, *m.target) for m in mapping])
    return hashlib.sha256(text.encode()).hexdigest()


def dhis2_period(period: Period) -> str:
    """A month as DHIS2 writes a monthly period: ``YYYYMM``."""
    return f"{period.year:04d}{period.month:02d}"


@dataclass(frozen=True, slots=True)
class DataValue:
    data_element: str
    period: str
    org_unit: str
    category_option_combo: str
    attribute_option_combo: str
    value: str

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Which data value it is in DHIS2 (everything but the value)."""
        return (
            self.data_element,
            self.period,
            self.org_unit,
            self.category_option_combo,
            self.attribute_option_combo,
        )

    def as_json(self) -> dict[str, str]:
        out = {
            "dataElement": self.data_element,
            "period": self.period,
            "orgUnit": self.org_unit,
        }
        if self.category_option_combo:
            out["categoryOptionCombo"] = self.category_option_combo
        if self.attribute_option_combo:
            out["attributeOptionCombo"] = self.attribute_option_combo
        out["value"] = self.value
        return out


def data_values(
    org_unit: str,
    period: Period,
    values: Mapping[str, Any],
    mapping: Sequence[MappedField],
) -> Iterator[DataValue]:
    """One posyandu-month's data values: one per mapped field with a value (a field skipped or
    unknown that month sends nothing)."""
    month = dhis2_period(period)
    for m in mapping:
        value = values.get(m.field)
        if value is None:
            continue
        yield DataValue(
            m.data_element,
            month,
            org_unit,
            m.category_option_combo,
            m.attribute_option_combo,
            str(int(value)),
        )


def json_document(values: Iterable[DataValue]) -> str:
    """A ``dataValueSets`` JSON document."""
    rows = ",\n".join("  " + json.dumps(v.as_json(), ensure_ascii=False) for v in values)
    return '{"dataValues": [\n' + rows + ("\n" if rows else "") + "]}\n"


def csv_document(values: Iterable[DataValue]) -> str:
    """A data value set as DHIS2's CSV (its columns in its order, a header line)."""
    out = _Lines()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in values:
        writer.writerow([*v.key[:5], v.value, "", "", "", "", ""])
    return "".join(out.parts)


class _Lines:
    """What :func:`csv.writer` writes into, kept in memory."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def values_digest(values: Iterable[DataValue]) -> str:
    """What was sent, as one digest (order-independent)."""
    lines = sorted("\t".join((*v.key, v.value)) for v in values)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Conflict:
    object: str
    value: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """DHIS2's answer to one or more imports, added up."""

    status: str = "SUCCESS"
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: tuple[Conflict, ...] = field(default=())
    description: str = ""

    def __add__(self, other: ImportSummary) -> ImportSummary:
        rank = ("SUCCESS", "WARNING", "ERROR")
        worst = max(self.status, other.status, key=lambda s: rank.index(s) if s in rank else 3)
        return ImportSummary(
            worst,
            self.imported + other.imported,
            self.updated + other.updated,
            self.ignored + other.ignored,
            self.deleted + other.deleted,
            self.conflicts + other.conflicts,
            "; ".join(d for d in (self.description, other.description) if d),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": [{"object": c.object, "value": c.value} for c in self.conflicts],
            "description": self.description,
        }


def parse_summary(document: Mapping[str, Any]) -> ImportSummary:
    """An import summary as DHIS2 answers it: bare (``{"status", "importCount",
    "conflicts"}``, up to 2.37) or wrapped in a web message (``{"httpStatus", "response":
    {...}}``, 2.38 on). :class:`ValueError` when it is neither."""
    inner = document.get("response")
    summary = inner if isinstance(inner, Mapping) and "importCount" in inner else document
    counts = summary.get("importCount")
    if not isinstance(counts, Mapping) or "status" not in summary:
        raise ValueError("not a DHIS2 import summary")
    conflicts = tuple(
        Conflict(str(c.get("object", "")), str(c.get("value", "")))
        for c in summary.get("conflicts") or ()
        if isinstance(c, Mapping)
    )
    return ImportSummary(
        str(summary["status"]),
        int(counts.get("imported", 0)),
        int(counts.get("updated", 0)),
        int(counts.get("ignored", 0)),
        int(counts.get("deleted", 0)),
        conflicts,
        str(summary.get("description") or document.get("message") or ""),
    )
