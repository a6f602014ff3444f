"""``posyandu score`` without ``since`` prints exactly what it printed before ``since`` existed:
the outputs under ``score_pinned/`` were written by the command before the change, byte for
byte, and other tools read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings

PINNED = Path(__file__).resolve().parent / "score_pinned"
CASES = sorted(p.stem for p in PINNED.glob("*.json") if not p.stem.endswith(".out"))


@pytest.fixture(autouse=True)
def _operator_settings_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    yield


def test_there_are_pinned_cases() -> None:
    assert set(CASES) == {"four_months", "partial", "sample"}


@pytest.mark.parametrize("case", CASES)
def test_output_without_since_is_byte_for_byte_unchanged(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(PINNED / f"{case}.json")]) == 0
    captured = capsys.readouterr()
    assert captured.out == (PINNED / f"{case}.out.json").read_text("utf-8")
    assert captured.err == ""
