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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "CHOICE_FIELDS",
    "COUNT_FIELDS",
    "DEFAULT_SERVICE_FIELDS",
    "DENOMINATOR_FIELDS",
    "DERIVED_FIELDS",
    "DISPLAY_GROUPS",
    "FIELDS",
    "FIELD_BY_ID",
    "FIELD_RANK",
    "HOME_VISIT",
    "LIST_FIELD",
    "MAX_COUNT",
    "NAMED_FIELDS",
    "ORDER_RULES",
    "QUESTION_FIELDS",
    "RARE_FIELDS",
    "REFERRAL_FIELD",
    "REFERRED_FIELDS",
    "REPORT_FIELDS",
    "SAME_FIELDS",
    "SERVED_FIELD",
    "SERVICE_FIELDS",
    "SUMMARY_LINES",
    "TABLE_GROUPS",
    "VITAMIN_A_FIELD",
    "VITAMIN_A_MONTHS",
    "WEIGHED_PARTS",
    "Applies",
    "Asked",
    "Field",
    "FieldRole",
    "OrderRule",
    "Switch",
    "applies",
    "field_by_alias",
    "fields_added_by",
    "in_vitamin_a_month",
    "referral_due",
    "to_refer",
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
    #: One of a few fixed values (:attr:`Field.choices`), stored as text; the words kader
    #: type for each are the lexicon's ``CHOICE_WORDS``, the words shown ``choice.<value>``.
    CHOICE = "choice"


class Asked(StrEnum):
    """How often the guided report asks a field."""

    MONTHLY = "monthly"
    #: Only when unknown or older than ``kk_refresh_months``; otherwise last value is reused.
    RARELY = "rarely"
    #: Never asked (``buka``: LAPOR or TIDAK BUKA says it).
    NEVER = "never"
    #: Counted from the child register's weighings where the posyandu uses it (T, O, B: the
    #: report is pre-filled and the kader confirms); not a guided question, so a posyandu
    #: without the register may leave it unknown or give it in the quick report or with UBAH.
    DERIVED = "derived"


class Switch(StrEnum):
    """Whether a deployment asks a field (domain.md: the services the seeds name are optional,
    an operator chooses which are asked; the setting ``SERVICE_FIELDS``)."""

    #: A core field: always part of the report.
    ALWAYS = "always"
    #: An optional service field the default deployment asks.
    ON = "on"
    #: An optional service field asked only when the deployment lists it.
    OFF = "off"


class _Month(Protocol):
    """A period, as a predicate reads it (``scoring.model.Period``)."""

    @property
    def month(self) -> int: ...


#: "Asked only when it applies": a pure predicate on the report's period and the counts
#: answered so far (no I/O). None: always applies.
Applies = Callable[[_Month, Mapping[str, int | None]], bool]

#: February and August: Bulan Penimbangan Balita and the vitamin A months (domain.md).
VITAMIN_A_MONTHS: frozenset[int] = frozenset({2, 8})


def in_vitamin_a_month(period: _Month, counts: Mapping[str, int | None]) -> bool:
    """Vitamin A is asked in February and August (given in another month, the kader says so
    in a quick report or with UBAH)."""
    return period.month in VITAMIN_A_MONTHS


def to_refer(counts: Mapping[str, int | None]) -> int:
    """People of the report who should be referred to the puskesmas: the sum of the known
    counts of :data:`REFERRED_FIELDS` (BGM, 2T, KEK)."""
    return sum(counts.get(name) or 0 for name in REFERRED_FIELDS)


def referral_due(period: _Month, counts: Mapping[str, int | None]) -> bool:
    """Referral is asked whenever BGM, 2T or KEK are above zero in this report."""
    return to_refer(counts) > 0


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
    #: Its names are also the everyday word for whom a count is of ("bumil", "bayi"): after
    #: a number they are its unit ("6 bumil"), and "bumil 6" at the question of the bumil
    #: served may mean either field (asked back; ``conversations.understand``).
    noun: bool = False

    @property
    def shown(self) -> str:
        """The name the bot shows for it, and that kader type back (UBAH KB 50)."""
        return self.short or self.code

    #: Whether a deployment asks it (core fields always; the service fields by setting).
    switch: Switch = Switch.ALWAYS
    #: Asked only when this holds (the guided report decides when the question comes up).
    when: Applies | None = None
    #: People counted here should be referred to the puskesmas (a referral is asked).
    refer: bool = False
    #: The values of a :attr:`FieldRole.CHOICE` field, in the order they are offered.
    choices: tuple[str, ...] = ()

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
    def derived(self) -> bool:
        """Given by the child register's weighings where it is used (T, O, B)."""
        return self.asked is Asked.DERIVED

    @property
    def label_key(self) -> str:
        return f"label.{self.id}"

    @property
    def service(self) -> bool:
        """An optional service field: asked only where the deployment turns it on."""
        return self.switch is not Switch.ALWAYS

    @property
    def shown_unknown(self) -> bool:
        """Shown (as "-") even when unknown: a core field asked every month. A rarely asked
        field, a derived one (T, O, B) or a service field is shown only when its month has a
        value."""
        return self.switch is Switch.ALWAYS and self.asked is Asked.MONTHLY


#: The largest count accepted anywhere a count comes in (the chat, ``posyandu import reports``).
#: A posyandu serves a few hundred households; anything larger is a typing slip (and a long
#: string of digits would not fit the storage integer).
MAX_COUNT = 99_999

_C, _D = FieldRole.COUNT, FieldRole.DENOMINATOR
_ON, _OFF = Switch.ON, Switch.OFF
#: T, O and B (schema 14): at most D, optional, counted from the register (``Asked.DERIVED``).
_TOB: dict[str, Any] = {
    "at_most": "d",
    "optional": True,
    "asked": Asked.DERIVED,
    "since_schema": 14,
}

#: Every field, in the order the chat asks them and every table shows them.
FIELDS: tuple[Field, ...] = (
    Field("buka", FieldRole.FLAG, "", "", asked=Asked.NEVER),
    # --- optional service fields (domain.md) are marked by their switch; schema 4 ----------
    Field(
        "cara",
        FieldRole.CHOICE,
        "lain",
        "cara",
        "CARA",
        ("LAYANAN",),
        optional=True,
        since_schema=4,
        switch=_OFF,
        choices=("posyandu", "kunjungan_rumah"),
    ),
    Field("kader", _C, "lain", "skdn", "KADER", ("KDR",), steady=True, noun=True),
    Field("s", _D, "balita", "skdn", "S"),
    Field("k", _C, "balita", "skdn", "K", at_most="s"),
    Field("d", _C, "balita", "skdn", "D", ("DITIMBANG", "TIMBANG"), at_most="s"),
    Field("n", _C, "balita", "skdn", "N", ("NAIK",), at_most="d"),
    # T, O, B of the SKDN register (D = N + T + O + B): derived from the weighings where the
    # posyandu uses the child register, optional otherwise. Typed codes of two letters: a lone
    # "T" is a no and a lone "O" a correction word in the lexicon.
    Field("t", _C, "balita", "tob", "TN", ("TIDAK_NAIK", "TDK_NAIK"), **_TOB),
    Field("o", _C, "balita", "tob", "OL", ("O_LALU", "ABSEN_LALU"), **_TOB),
    Field("b", _C, "balita", "tob", "BR", ("BARU_DITIMBANG",), **_TOB),
    Field("bgm", _C, "balita", "bgm", "BGM", at_most="d", refer=True),
    Field("t2", _C, "balita", "bgm", "T2", ("2T",), "2T", at_most="d", optional=True, refer=True),
    Field(
        "vit_a",
        _C,
        "balita",
        "vit_a",
        "VIT_A",
        ("VITA", "VITAMIN_A", "VITAMIN"),
        "VITA",
        at_most="s",
        optional=True,
        since_schema=4,
        switch=_ON,
        when=in_vitamin_a_month,
    ),
    Field(
        "pmt", _C, "balita", "pmt", "PMT", at_most="s", optional=True, since_schema=4, switch=_OFF
    ),
    Field("bumil", _D, "bumil", "bumil", "BUMIL", ("HAMIL",), noun=True),
    Field(
        "bumil_periksa",
        _C,
        "bumil",
        "bumil",
        "BUMIL_PERIKSA",
        ("PERIKSA", "BP"),
        "PERIKSA",
        at_most="bumil",
        noun=True,
    ),
    Field(
        "bumil_fe",
        _C,
        "bumil",
        "bumil_fe",
        "FE",
        ("BUMIL_FE", "TTD"),
        at_most="bumil",
        optional=True,
        since_schema=4,
        switch=_OFF,
    ),
    Field(
        "bumil_kek",
        _C,
        "bumil",
        "bumil_kek",
        "KEK",
        ("BUMIL_KEK",),
        at_most="bumil",
        optional=True,
        since_schema=4,
        switch=_OFF,
        refer=True,
    ),
    Field(
        "rujukan",
        _C,
        "lain",
        "rujukan",
        "RUJUK",
        ("RUJUKAN", "DIRUJUK"),
        optional=True,
        since_schema=4,
        switch=_ON,
        when=referral_due,
    ),
    Field("pus", _D, "kb", "pus", "PUS", noun=True),
    Field("kb_aktif", _C, "kb", "pus", "KB_AKTIF", ("KB",), "KB", at_most="pus", noun=True),
    Field("bayi", _D, "imunisasi", "bayi", "BAYI", noun=True),
    Field(
        "bayi_imunisasi",
        _C,
        "imunisasi",
        "bayi",
        "BAYI_IMUNISASI",
        ("IMUNISASI", "IMUN", "IDL"),
        "IMUN",
        at_most="bayi",
        noun=True,
    ),
    Field(
        "bayi_0_6",
        _D,
        "asi",
        "asi",
        "BAYI_0_6",
        ("BAYI06", "BAYI_06", "BAYI_6"),
        optional=True,
        since_schema=4,
        switch=_OFF,
    ),
    Field(
        "asi_eksklusif",
        _C,
        "asi",
        "asi",
        "ASI",
        ("ASI_EKSKLUSIF", "ASIX"),
        at_most="bayi_0_6",
        optional=True,
        since_schema=4,
        switch=_OFF,
    ),
    Field("kk", _D, "lain", "kk", "KK", asked=Asked.RARELY, noun=True),
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
DISPLAY_GROUPS: tuple[str, ...] = ("balita", "bumil", "kb", "imunisasi", "asi", "lain")

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
QUESTION_FIELDS: tuple[Field, ...] = tuple(
    f for f in FIELDS if f.asked in (Asked.MONTHLY, Asked.RARELY)
)
#: The fields a kader names (the quick report, UBAH, the read-backs): the questions and T, O, B.
NAMED_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.asked is not Asked.NEVER)
#: The counts the child register's weighings give (T, O, B), pre-filled where it is used.
DERIVED_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.asked is Asked.DERIVED)
#: The parts of D by a weighing's status (domain.md: D = N + T + O + B), in that order.
WEIGHED_PARTS: tuple[str, ...] = ("n", *DERIVED_FIELDS)
#: The names-list field (yes/no plus names).
LIST_FIELD: str = next(f.id for f in FIELDS if f.role is FieldRole.LIST)
#: The fields holding one of a few fixed values (stored as text).
CHOICE_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.role is FieldRole.CHOICE)
#: How a month was served (a choice field), and its value for a month served by home visits
#: (it counts as opened; the area summary counts these months apart).
SERVED_FIELD: str = FIELD_BY_ID["cara"].id
HOME_VISIT: str = FIELD_BY_ID[SERVED_FIELD].choices[1]
#: The optional service fields (a deployment chooses which it asks).
SERVICE_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.service)
#: The service fields the default deployment asks.
DEFAULT_SERVICE_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.switch is Switch.ON)
#: Counts whose people should be referred to the puskesmas (BGM, 2T, KEK).
REFERRED_FIELDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.refer)
#: People referred to the puskesmas this month (asked when :func:`referral_due`).
REFERRAL_FIELD: str = next(f.id for f in FIELDS if f.when is referral_due)
#: Balita given vitamin A this month (asked in :data:`VITAMIN_A_MONTHS`).
VITAMIN_A_FIELD: str = next(f.id for f in FIELDS if f.when is in_vitamin_a_month)
#: Each field's place in the registry (the order questions are asked).
FIELD_RANK: dict[str, int] = {f.id: i for i, f in enumerate(FIELDS)}


def applies(f: Field, period: _Month, counts: Mapping[str, int | None]) -> bool:
    """Whether ``f`` is asked for ``period``, given the counts answered so far."""
    return f.when is None or f.when(period, counts)


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
        if (f.role is FieldRole.CHOICE) != bool(f.choices):
            raise ValueError(f"{f.id}: a choice field, and only one, has choices")
        if f.service and not f.optional:
            raise ValueError(f"{f.id}: a service field may be left unknown (optional)")
        if f.when is not None and not f.service:
            raise ValueError(f"{f.id}: only a service field is asked conditionally")
    if len(FIELD_BY_ID) != len(FIELDS) or len(_BY_ALIAS) != sum(
        len(f.aliases) + bool(f.code) for f in FIELDS
    ):
        raise ValueError("field ids, codes and aliases must be unique")


_check()
