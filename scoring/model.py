"""Plain values of the domain: periods, the monthly report, strata.

Pure: no I/O, no clock. Field names are those of ``shared/domain.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

__all__ = [
    "COUNT_FIELDS",
    "DENOMINATOR_FIELDS",
    "REPORT_FIELDS",
    "MonthReport",
    "Period",
    "PeriodError",
    "Stratum",
]

#: Every whole-number field a kader may report, in the order the chat flow asks them.
COUNT_FIELDS: tuple[str, ...] = (
    "kader",
    "s",
    "k",
    "d",
    "n",
    "bgm",
    "t2",
    "bumil",
    "bumil_periksa",
    "pus",
    "kb_aktif",
    "bayi",
    "bayi_imunisasi",
    "kk",
    "kk_dana_sehat",
)

#: Head counts that rarely change month to month (the bot offers last month's value).
DENOMINATOR_FIELDS: tuple[str, ...] = ("s", "bumil", "pus", "bayi", "kk")

#: Every field of a monthly report besides its period, in a stable order.
REPORT_FIELDS: tuple[str, ...] = ("buka", *COUNT_FIELDS, "program_tambahan")

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A period string that is not ``YYYY-MM`` with a month 01-12."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar month, ``YYYY-MM``. Ordered; arithmetic by whole months."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month must be 01-12, got {self.month:02d}")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"year out of range: {self.year}")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise PeriodError(f"period must be YYYY-MM, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def index(self) -> int:
        """Months since year 0, so that differences are month counts."""
        return self.year * 12 + (self.month - 1)

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def months_since(self, other: Period) -> int:
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Stratum(StrEnum):
    """The four strata of the Telaah Kemandirian Posyandu, lowest first."""

    PRATAMA = "pratama"
    MADYA = "madya"
    PURNAMA = "purnama"
    MANDIRI = "mandiri"

    @property
    def rank(self) -> int:
        return _STRATUM_ORDER.index(self)

    def next(self) -> Stratum | None:
        i = self.rank
        return _STRATUM_ORDER[i + 1] if i + 1 < len(_STRATUM_ORDER) else None

    @property
    def label(self) -> str:
        return self.value.capitalize()


_STRATUM_ORDER: tuple[Stratum, ...] = (
    Stratum.PRATAMA,
    Stratum.MADYA,
    Stratum.PURNAMA,
    Stratum.MANDIRI,
)


@dataclass(frozen=True, slots=True)
class MonthReport:
    """One posyandu's report for one month. ``None`` means unknown (not reported)."""

    period: Period
    buka: bool = True
    kader: int | None = None
    s: int | None = None
    k: int | None = None
    d: int | None = None
    n: int | None = None
    bgm: int | None = None
    t2: int | None = None
    bumil: int | None = None
    bumil_periksa: int | None = None
    pus: int | None = None
    kb_aktif: int | None = None
    bayi: int | None = None
    bayi_imunisasi: int | None = None
    kk: int | None = None
    kk_dana_sehat: int | None = None
    #: Names of extra activities run; ``()`` for none, ``None`` for unknown.
    program_tambahan: tuple[str, ...] | None = None

    def count(self, name: str) -> int | None:
        if name not in COUNT_FIELDS:
            raise KeyError(name)
        value: int | None = getattr(self, name)
        return value

    def values(self) -> dict[str, Any]:
        """Every field but the period, by name (``program_tambahan`` as a list)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "period":
                continue
            value = getattr(self, f.name)
            if f.name == "program_tambahan" and value is not None:
                value = list(value)
            out[f.name] = value
        return out

    def with_values(self, **changes: Any) -> MonthReport:
        if changes.get("program_tambahan") is not None:
            changes["program_tambahan"] = tuple(changes["program_tambahan"])
        return replace(self, **changes)
