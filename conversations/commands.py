"""Recognising commands: case-insensitive, "STATUS" and "/status" alike, Telegram's
"/status@PosyanduBot" and "/tidak_buka" too; the words are the lexicon's
(:data:`scoring.lexicon.COMMAND_WORDS`). Pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from scoring.lexicon import COMMAND_WORDS, NO_WORDS, YES_WORDS

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




def _vocabulary() -> tuple[dict[str, CommandName], dict[str, dict[str, CommandName]]]:
    """One-word names, and two-word commands by their first word (second word -> command),
    from the lexicon. Two-word commands are checked before the one-word names, so "STOP
    PENGINGAT" is never read as "STOP" (BATAL)."""
    words: dict[str, CommandName] = {}
    pairs: dict[str, dict[str, CommandName]] = {}
    for name, phrases in COMMAND_WORDS.items():
        for phrase in phrases:
            first, _, second = phrase.partition(" ")
            if second:
                pairs.setdefault(first, {})[second] = CommandName(name)
            else:
                words[first] = CommandName(name)
    return words, pairs


_ALIASES, _PAIRS = _vocabulary()
_SPACE_RE = re.compile(r"\s+")
_TRAILING_PUNCT = ".,!:;"



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
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None
