"""``posyandu score``'s whole output, byte for byte, for a few pinned inputs.

Other tools read this output: a change must be intended. ``tests/scoring/data/score/`` holds
each input (``NAME.in.json``) and the output the CLI prints for it with the default settings
(``NAME.out.json``); the README's sample is pinned too. When a change of output is intended,
regenerate and review the diff::

    .venv/bin/python -m tests.scoring.test_score_outputs --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.commands.score import SAMPLE
from scoring import score

DATA = Path(__file__).resolve().parent / "data" / "score"


def cases() -> dict[str, Path]:
    """Case name -> input file: the pinned inputs and the README's sample."""
    found = {p.name.removesuffix(".in.json"): p for p in sorted(DATA.glob("*.in.json"))}
    return {"sample": SAMPLE, **found}


def printed(source: Path) -> str:
    """What ``posyandu score FILE`` prints for ``source`` with the default settings."""
    result = score(json.loads(source.read_text("utf-8")))
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(cases()))
def test_output_is_pinned(name: str) -> None:
    expected = (DATA / f"{name}.out.json").read_text("utf-8")
    assert printed(cases()[name]) == expected


if __name__ == "__main__" and "--write" in sys.argv:
    for name, source in cases().items():
        (DATA / f"{name}.out.json").write_text(printed(source), "utf-8")
        print(f"wrote {name}.out.json")
