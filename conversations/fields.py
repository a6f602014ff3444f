"""The fields of the monthly report as the chat asks them: order, short names, aliases.

The order is domain.md's. Each field has a short ``code`` (the quick one-line report's name,
e.g. ``BUMIL_PERIKSA``) and a few documented aliases (``2T``, ``KB``, ``IMUN``...). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring import COUNT_FIELDS, DENOMINATOR_FIELDS

__all__ = [
    "FIELDS",
    "FIELD_BY_NAME",
    "PROGRAMME",
    "RARE_FIELDS",
    "FieldSpec",
    "field_by_alias",
]

#: The name of the yes/no-plus-names field.
PROGRAMME = "program_tambahan"
#: Fields asked only when unknown or older than the refresh window (``kk_refresh_months``).
RARE_FIELDS: tuple[str, ...] = ("kk", "kk_dana_sehat")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    #: The name in the quick one-line report and in ``UBAH`` (upper case).
    code: str
    #: Other accepted names (upper case).
    aliases: tuple[str, ...]
    #: May be left unknown (``LEWATI``).
    optional: bool = False

    @property
    def denominator(self) -> bool:
        return self.name in DENOMINATOR_FIELDS

    @property
    def rare(self) -> bool:
        return self.name in RARE_FIELDS

    @property
    def is_count(self) -> bool:
        return self.name in COUNT_FIELDS


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("kader", "KADER", ("KDR",)),
    FieldSpec("s", "S", ()),
    FieldSpec("k", "K", ()),
    FieldSpec("d", "D", ()),
    FieldSpec("n", "N", ()),
    FieldSpec("bgm", "BGM", ()),
    FieldSpec("t2", "T2", ("2T",), optional=True),
    FieldSpec("bumil", "BUMIL", ("HAMIL",)),
    FieldSpec("bumil_periksa", "BUMIL_PERIKSA", ("PERIKSA", "BP")),
    FieldSpec("pus", "PUS", ()),
    FieldSpec("kb_aktif", "KB_AKTIF", ("KB",)),
    FieldSpec("bayi", "BAYI", ()),
    FieldSpec("bayi_imunisasi", "BAYI_IMUNISASI", ("IMUNISASI", "IMUN", "IDL")),
    FieldSpec("kk", "KK", ()),
    FieldSpec("kk_dana_sehat", "KK_DANA_SEHAT", ("DANA_SEHAT", "DANA")),
    FieldSpec(PROGRAMME, "TAMBAHAN", ("PROGRAM", "PROGRAM_TAMBAHAN")),
)

FIELD_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in FIELDS}

_BY_ALIAS: dict[str, FieldSpec] = {
    **{alias: spec for spec in FIELDS for alias in spec.aliases},
    **{spec.code: spec for spec in FIELDS},
}


def field_by_alias(word: str) -> FieldSpec | None:
    """The field a typed name means ("s", "2t", "kb-aktif", "Bumil_Periksa"), or None."""
    key = word.strip().upper().replace("-", "_")
    return _BY_ALIAS.get(key)
