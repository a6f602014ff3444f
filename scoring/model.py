"""Plain values of the domain: periods, the monthly report, strata.

Pure: no I/O, no clock. The report's fields come from the registry, :mod:`scoring.fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from scoring.fields import (
    CHOICE_FIELDS,
    COUNT_FIELDS,
    DENOMINATOR_FIELDS,
    LIST_FIELD,
    REPORT_FIELDS,
)

__all__ = [
    "COUNT_FIELDS",
    "DENOMINATOR_FIELDS",
    "FIRST_REPORT_PERIOD",
    "REPORT_FIELDS",
    "MonthReport",
    "Period",
    "PeriodError",
    "Stratum",
]

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


#: The earliest month a report may be for (an imported register's first month): every window
#: and forecast reaching back from it stays inside :class:`Period`'s range.
FIRST_REPORT_PERIOD = Period(2000, 1)


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


def _registry_fields(namespace: dict[str, Any]) -> None:
    """Declare the registry's counts and list field on the class being built, in registry
    order, after ``buka``: real dataclass fields with slots, so reading ``report.s`` is as
    fast as a plain attribute."""
    annotations = namespace["__annotations__"]
    for name in REPORT_FIELDS:
        if name in COUNT_FIELDS:
            annotations[name] = "int | None"
        elif name == LIST_FIELD:
            annotations[name] = "tuple[str, ...] | None"
        elif name in CHOICE_FIELDS:
            annotations[name] = "str | None"
        else:
            continue
        namespace[name] = None


@dataclass(frozen=True, slots=True)
class MonthReport:
    """One posyandu's report for one month. ``None`` means unknown (not reported).

    Its fields are the registry's (:mod:`scoring.fields`): ``period``, ``buka``, one
    ``int | None`` per count (``report.s``, ``report.d`` ...), a ``str | None`` per choice
    field (:meth:`choice`) and the names of extra activities (the list field, read as
    :attr:`programmes`: ``()`` for none, ``None`` for unknown).
    """

    period: Period
    buka: bool = True

    if TYPE_CHECKING:

        def __init__(
            self, period: Period, buka: bool = True, **values: int | str | tuple[str, ...] | None
        ) -> None: ...

        def __getattr__(self, name: str) -> int | None: ...

    else:
        _registry_fields(locals())

    @property
    def programmes(self) -> tuple[str, ...] | None:
        """The registry's list field: names of extra activities (``()`` none, ``None``
        unknown)."""
        value: tuple[str, ...] | None = getattr(self, LIST_FIELD)
        return value

    def count(self, name: str) -> int | None:
        if name not in _COUNTS:
            raise KeyError(name)
        value: int | None = getattr(self, name)
        return value

    def choice(self, name: str) -> str | None:
        """The value of a choice field (``None``: unknown)."""
        if name not in CHOICE_FIELDS:
            raise KeyError(name)
        value: str | None = getattr(self, name)
        return value

    def values(self) -> dict[str, Any]:
        """Every field but the period, by name (the list field as a list)."""
        out: dict[str, Any] = {}
        for name in REPORT_FIELDS:
            value = getattr(self, name)
            if name == LIST_FIELD and value is not None:
                value = list(value)
            out[name] = value
        return out

    def with_values(self, **changes: Any) -> MonthReport:
        if changes.get(LIST_FIELD) is not None:
            changes[LIST_FIELD] = tuple(changes[LIST_FIELD])
        return replace(self, **changes)


_COUNTS = frozenset(COUNT_FIELDS)
