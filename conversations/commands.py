"""Recognising commands: case-insensitive, "STATUS" and "/status" alike, Telegram's
"/status@PosyanduBot" and "/tidak_buka" too. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Command", "CommandName", "normalise", "parse_command", "parse_yes_no"]


class CommandName(StrEnum):
    DAFTAR = "DAFTAR"
    LAPOR = "LAPOR"
    LANJUT = "LANJUT"
    TIDAK_BUKA = "TIDAK BUKA"
    UBAH = "UBAH"
    RIWAYAT = "RIWAYAT"
    PDF = "PDF"
    STATUS = "STATUS"
    BELUM = "BELUM"
    STRATA = "STRATA"
    POSYANDU = "POSYANDU"
    REKAP = "REKAP"
    LAGI = "LAGI"
    BANTUAN = "BANTUAN"
    BATAL = "BATAL"
    KEMBALI = "KEMBALI"
    START = "START"
    JADWAL = "JADWAL"
    PENGINGAT_STOP = "STOP PENGINGAT"
    PENGINGAT_MULAI = "MULAI PENGINGAT"
    PENGINGAT = "PENGINGAT"


#: Words that name a command, besides the command's own name.
_ALIASES: dict[str, CommandName] = {
    **{name.value: name for name in CommandName},
    "TIDAK_BUKA": CommandName.TIDAK_BUKA,
    "TIDAKBUKA": CommandName.TIDAK_BUKA,
    "TUTUP": CommandName.TIDAK_BUKA,
    "HELP": CommandName.BANTUAN,
    "?": CommandName.BANTUAN,
    "MENU": CommandName.BANTUAN,
    "TOLONG": CommandName.BANTUAN,
    "LAPORAN": CommandName.LAPOR,
    "LANJUTKAN": CommandName.LANJUT,
    "BERIKUTNYA": CommandName.LAGI,
    "BATALKAN": CommandName.BATAL,
    "STOP": CommandName.BATAL,
    "BALIK": CommandName.KEMBALI,
    "ULANG": CommandName.KEMBALI,
    "REGISTRASI": CommandName.DAFTAR,
    "STOP_PENGINGAT": CommandName.PENGINGAT_STOP,
    "MULAI_PENGINGAT": CommandName.PENGINGAT_MULAI,
}

#: Two-word commands by their first word: second word -> command. Checked before the
#: one-word aliases, so "STOP PENGINGAT" is never read as "STOP" (BATAL).
_PAIRS: dict[str, dict[str, CommandName]] = {
    "TIDAK": {"BUKA": CommandName.TIDAK_BUKA},
    "STOP": {"PENGINGAT": CommandName.PENGINGAT_STOP},
    "MATIKAN": {"PENGINGAT": CommandName.PENGINGAT_STOP},
    "BERHENTI": {"PENGINGAT": CommandName.PENGINGAT_STOP},
    "MULAI": {"PENGINGAT": CommandName.PENGINGAT_MULAI},
    "NYALAKAN": {"PENGINGAT": CommandName.PENGINGAT_MULAI},
    "PENGINGAT": {
        "STOP": CommandName.PENGINGAT_STOP,
        "OFF": CommandName.PENGINGAT_STOP,
        "MATI": CommandName.PENGINGAT_STOP,
        "MULAI": CommandName.PENGINGAT_MULAI,
        "ON": CommandName.PENGINGAT_MULAI,
        "NYALA": CommandName.PENGINGAT_MULAI,
    },
}

_SPACE_RE = re.compile(r"\s+")
_TRAILING_PUNCT = ".,!:;"

_YES = frozenset({"YA", "Y", "IYA", "YES", "OK", "OKE", "BENAR", "BETUL", "SIMPAN", "SUDAH"})
_NO = frozenset({"TIDAK", "T", "TDK", "NO", "BUKAN", "SALAH", "GAK", "ENGGAK", "NGGAK"})


@dataclass(frozen=True, slots=True)
class Command:
    name: CommandName
    #: The words after the command, as typed (original case).
    args: tuple[str, ...]

    @property
    def rest(self) -> str:
        return " ".join(self.args)


def normalise(text: str) -> str:
    """NFKC, trimmed, single spaces."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _keyword(word: str) -> str:
    word = word.lstrip("/")
    if "@" in word:
        word = word.split("@", 1)[0]
    if word != "?":
        word = word.rstrip(_TRAILING_PUNCT + "?")
    return word.upper()


def parse_command(text: str) -> Command | None:
    """The command ``text`` starts with, or None when it is not a command."""
    words = normalise(text).split(" ")
    if not words or not words[0]:
        return None
    first = _keyword(words[0])
    if len(words) > 1:
        paired = _PAIRS.get(first, {}).get(_keyword(words[1]))
        if paired is not None:
            return Command(paired, tuple(words[2:]))
    name = _ALIASES.get(first)
    if name is None:
        return None
    return Command(name, tuple(words[1:]))


def parse_yes_no(text: str) -> bool | None:
    """True for "ya" and its friends, False for "tidak" and its friends, else None."""
    words = normalise(text).split(" ")
    if len(words) != 1:
        return None
    word = _keyword(words[0])
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None
