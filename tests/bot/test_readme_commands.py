"""The README's Commands table lists every ``posyandu`` command (and no command that is gone)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_every_command_is_in_the_readme_table() -> None:
    text = README.read_text("utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `posyandu ")]
    listed = {m for row in rows for m in re.findall(r"`posyandu ([a-z0-9]+)", row.split(" | ")[0])}
    assert listed == _commands()
