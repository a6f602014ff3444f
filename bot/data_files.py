"""A data file a setting may replace (the KBM table, the e-PPGBM column map): the built-in one
shipped in a package's ``data`` folder, or the operator's file; read and parsed here, its
problem named with the file."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

__all__ = ["load_data_file"]

T = TypeVar("T")


def load_data_file(
    path: str,
    package: str,
    builtin: str,
    parse: Callable[[str], T],
    error: type[Exception],
) -> T:
    """``parse`` of the file at ``path`` (empty: ``package``'s ``data/builtin``); ``error``
    (the parser's own exception) names the file when it cannot be read or used."""
    if not path:
        return parse(files(package).joinpath("data", builtin).read_text("utf-8"))
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from None
    try:
        return parse(text)
    except error as exc:
        raise error(f"{path}: {exc}") from None
