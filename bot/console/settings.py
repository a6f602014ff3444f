"""The console channel's settings section: where the terminal's documents go (``OUT_DIR``,
named without a prefix, as before the channel had a section)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from bot.settings import SettingsSection

__all__ = ["ConsoleSection"]


class ConsoleSection(SettingsSection):
    env_title: ClassVar[str] = "the console (posyandu chat, posyandu demo)"
    env_example: ClassVar[str] = """\
# Where `posyandu chat` writes the documents (PDFs) it receives.
OUT_DIR=./out
"""

    out_dir: Path = Field(
        default=Path("./out"),
        description="Where the console chat writes the documents it receives.",
    )
