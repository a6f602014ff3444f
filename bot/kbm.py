"""The KBM table of the per-child register: the built-in one (``scoring/data/kbm_v1.csv``) or
the file the ``KBM_TABLE`` setting names. Reading is here; parsing is ``scoring.growth``'s."""

from __future__ import annotations

from bot.data_files import load_data_file
from scoring.growth import KbmError, KbmTable, parse_kbm

__all__ = ["BUILTIN_KBM", "load_kbm"]

#: The built-in table's file name (versioned: a change of values is a new file).
BUILTIN_KBM = "kbm_v1.csv"


def load_kbm(path: str = "") -> KbmTable:
    """The table at ``path`` (empty: the built-in one); :class:`KbmError` names the file and
    the line when it cannot be read or used."""
    return load_data_file(path, "scoring", BUILTIN_KBM, parse_kbm, KbmError)
