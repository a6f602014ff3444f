"""The KBM table of the per-child register: the built-in one (``scoring/data/kbm_v1.csv``) or
the file the ``KBM_TABLE`` setting names. Reading is here; parsing is ``scoring.growth``'s."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from scoring.growth import KbmError, KbmTable, parse_kbm

__all__ = ["BUILTIN_KBM", "load_kbm"]

#: The built-in table's file name (versioned: a change of values is a new file).
BUILTIN_KBM = "kbm_v1.csv"


def load_kbm(path: str = "") -> KbmTable:
    """The table at ``path`` (empty: the built-in one); :class:`KbmError` names the file and
    the line when it cannot be read or used."""
    if not path:
        text = files("scoring").joinpath("data", BUILTIN_KBM).read_text("utf-8")
        return parse_kbm(text)
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbmError(f"cannot read {path}: {exc}") from None
    try:
        return parse_kbm(text)
    except KbmError as exc:
        raise KbmError(f"{path}: {exc}") from None
