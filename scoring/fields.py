"""The field registry: every field of a posyandu's monthly report, declared once.

Everything that lists fields is derived from :data:`FIELDS`: ``MonthReport``'s attributes, the
hard order rules (K <= S ...), the quick report's names, the guided questions' order, the chat
summary's lines, the PDF's table groups, the export columns, the SQL columns and revision
triggers, and the demo data. A new field is one line here, its catalogue texts
(``label.<id>``, ``ask.<id>``, ``unit.<id>``, ``example.<id>``, ``pdf.value.<id>``), the migration
that adds its column and, if a formula uses it, that formula.

Pure: no I/O; imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "COUNT_FIELDS",
    "DENOMINATOR_FIELDS",
    "DISPLAY_GROUPS",
    "FIELDS",
    "FIELD_BY_ID",
    "LIST_FIELD",
    "ORDER_RULES",
    "QUESTION_FIELDS",
    "RARE_FIELDS",
    "REPORT_FIELDS",
    "SAME_FIELDS",
    "SUMMARY_LINES",
    "TABLE_GROUPS",
    "Asked",
    "Field",
    "FieldRole",
    "OrderRule",
    "field_by_alias",
    "fields_added_by",
]


class FieldRole(StrEnum):
    """What a field is: it decides its type, its column and how it is asked."""

    #: Yes or no (``buka``): not asked as a question.
    FLAG = "flag"
    #: A head count of the area that rarely changes (S, bumil ...): last month's is offered.
    DENOMINATOR = "denominator"
    #: A whole number counted this month.
    COUNT = "count"
    #: Names (``program_tambahan``): yes/no plus which ones.
    LIST = "list"


class Asked(StrEnum):
    """How often the guided report asks a field."""

    MONTHLY = "monthly"
    #: Only when unknown or older than ``kk_refresh_months``; otherwise last value is reused.
    RARELY = "rarely"
    #: Never asked (``buka``: LAPOR or TIDAK BUKA says it).
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class Field:
    """One monthly field. Its texts are the catalogue's ``label.<id>``, ``ask.<id>``,
    ``unit.<id>``, ``example.<id>`` and ``pdf.value.<id>``."""

    id: str
    role: FieldRole
    #: The PDF table block it is shown in (one of :data:`DISPLAY_GROUPS`).
    group: str
    #: The chat summary line it is shown on (catalogue ``summary.<line>``; fields of a line
    #: are its template's placeholders).
    line: str
    #: The name typed in the quick one-line report and in UBAH (upper case).
    code: str = ""
    #: Other names kader type for it (upper case).
    aliases: tuple[str, ...] = ()
    #: The name the bot shows (read-backs, "masih sama?", help), when shorter than ``code``:
    #: one of ``aliases``.
    short: str = ""
    #: The field this count must not exceed (a hard rule: ``<id>_le_<at_most>``).
    at_most: str | None = None
    #: May be left unknown (LEWATI).
    optional: bool = False
    asked: Asked = Asked.MONTHLY
    #: The schema version whose migration added its column.
    since_schema: int = 1
    #: Usually the same as last month although not a head count of the area (the kader on
    #: duty): like the monthly denominators, one YA confirms it with them.
    steady: bool = False

    @property
    def shown(self) -> str:
        """The name the bot shows for it, and that kader type back (UBAH KB 50)."""
        return self.short or self.code

    @property
    def is_count(self) -> bool:
        return self.role in (FieldRole.COUNT, FieldRole.DENOMINATOR)

    @property
    def denominator(self) -> bool:
        return self.role is FieldRole.DENOMINATOR

    @property
    def rare(self) -> bool:
        return self.asked is Asked.RARELY

    @property
    def usually_same(self) -> bool:
        """Last month's value is offered, and confirmed with the others in one message: the
        monthly denominators and the ``steady`` fields (rarely asked ones are asked alone)."""
        return (self.steady or self.denominator) and self.asked is Asked.MONTHLY

    @property
    def label_key(self) -> str:
        return f"label.{self.id}"


_C, _D = FieldRole.COUNT, FieldRole.DENOMINATOR

#: Every field, in the order the chat asks them and every table shows them.
FIELDS: tuple[Field, ...] = (
    Field("buka", FieldRole.FLAG, "", "", asked=Asked.NEVER),
    Field("kader", _C, "lain", "skdn", "KADER", ("KDR",), steady=True),
    Field("s", _D, "balita", "skdn", "S"),
    Field("k", _C, "balita", "skdn", "K", at_most="s"),
    Field("d", _C, "balita", "skdn", "D", at_most="s"),
    Field("n", _C, "balita", "skdn", "N", at_most="d"),
    Field("bgm", _C, "balita", "bgm", "BGM", at_most="d"),
    Field("t2", _C, "balita", "bgm", "T2", ("2T",), "2T", at_most="d", optional=True),
    Field("bumil", _D, "bumil", "bumil", "BUMIL", ("HAMIL",)),
    Field(
        "bumil_periksa",
        _C,
        "bumil",
        "bumil",
        "BUMIL_PERIKSA",
        ("PERIKSA", "BP"),
        "PERIKSA",
        at_most="bumil",
    ),
    Field("pus", _D, "kb", "pus", "PUS"),
    Field("kb_aktif", _C, "kb", "pus", "KB_AKTIF", ("KB",), "KB", at_most="pus"),
    Field("bayi", _D, "imunisasi", "bayi", "BAYI"),
    Field(
        "bayi_imunisasi",
        _C,
        "imunisasi",
        "bayi",
        "BAYI_IMUNISASI",
        ("IMUNISASI", "IMUN", "IDL"),
        "IMUN",
        at_most="bayi",
    ),
    Field("kk", _D, "lain", "kk", "KK", asked=Asked.RARELY),
    Field(
        "kk_dana_sehat",
        _C,
        "lain",
        "kk",
        "KK_DANA_SEHAT",
        ("DANA_SEHAT", "DANA"),
        "DANA",
        at_most="kk",
        asked=Asked.RARELY,
    ),
    Field(
        "program_tambahan",
        FieldRole.LIST,
        "lain",
        "programmes",
        "TAMBAHAN",
        ("PROGRAM", "PROGRAM_TAMBAHAN"),
    ),
)

#: The PDF's "Angka bulan ini" blocks, in order (catalogue ``pdf.group.<name>``).
DISPLAY_GROUPS: tuple[str, ...] = ("balita", "bumil", "kb", "imunisasi", "lain")

FIELD_BY_ID: dict[str, Field] = {f.id: f for f in FIELDS}

#: Every field of a report besides its period, in order.
REPORT_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS)
#: The whole-number fields, in order.
COUNT_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.is_count)
#: Head counts that rarely change month to month (the bot offers last month's value).
DENOMINATOR_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.denominator)
#: Fields usually the same as last month, confirmed together by one YA (in question order).
SAME_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.usually_same)
#: Fields asked only when unknown or older than the refresh window.
RARE_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.rare)
#: The guided report's questions, in order.
QUESTION_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.asked is not Asked.NEVER)
#: The names-list field (yes/no plus names).
LIST_FIELD: str = next(f.id for f in FIELDS if f.role is FieldRole.LIST)


#: Named groups of field ids, in order.
Groups = tuple[tuple[str, tuple[str, ...]], ...]


def _grouped(key: str, order: tuple[str, ...] | None = None) -> Groups:
    """Fields grouped by ``key`` ("group", "line"): groups in ``order`` (default: as they
    first appear), fields in registry order."""
    groups: dict[str, list[str]] = {name: [] for name in order or ()}
    for f in FIELDS:
        name = getattr(f, key)
        if name:
            groups.setdefault(name, []).append(f.id)
    return tuple((name, tuple(ids)) for name, ids in groups.items())


#: The PDF's "Angka bulan ini" table: (``pdf.group.<name>``, its fields).
TABLE_GROUPS: Groups = _grouped("group", DISPLAY_GROUPS)
#: The chat summary's value lines: (``summary.<line>``, the fields its template shows).
SUMMARY_LINES: Groups = _grouped("line")


@dataclass(frozen=True, slots=True)
class OrderRule:
    """A hard rule: ``small`` may not exceed ``big`` (rule id ``<small>_le_<big>``)."""

    small: str
    big: str

    @property
    def id(self) -> str:
        return f"{self.small}_le_{self.big}"


#: Every order rule, in field order.
ORDER_RULES: tuple[OrderRule, ...] = tuple(
    OrderRule(f.id, f.at_most) for f in FIELDS if f.at_most is not None
)

_BY_ALIAS: dict[str, Field] = {
    **{alias: f for f in FIELDS for alias in f.aliases},
    **{f.code: f for f in FIELDS if f.code},
}


def field_by_alias(word: str) -> Field | None:
    """The field a typed name means ("s", "2t", "kb-aktif", "Bumil_Periksa"), or None."""
    return _BY_ALIAS.get(word.strip().upper().replace("-", "_"))


def fields_added_by(version: int) -> tuple[Field, ...]:
    """The fields whose columns exist from schema ``version`` on (for its migration)."""
    return tuple(f for f in FIELDS if f.since_schema <= version)


def _check() -> None:
    """The registry is consistent (run at import: a bad line fails every test at once)."""
    for f in FIELDS:
        if f.at_most is not None and not FIELD_BY_ID[f.at_most].is_count:
            raise ValueError(f"{f.id}: at_most names {f.at_most!r}, not a count")
        if f.group and f.group not in DISPLAY_GROUPS:
            raise ValueError(f"{f.id}: unknown display group {f.group!r}")
        if f.asked is not Asked.NEVER and not f.code:
            raise ValueError(f"{f.id}: an asked field needs a code")
    if len(FIELD_BY_ID) != len(FIELDS) or len(_BY_ALIAS) != sum(
        len(f.aliases) + bool(f.code) for f in FIELDS
    ):
        raise ValueError("field ids, codes and aliases must be unique")


_check()
