"""``posyandu score`` without ``since`` prints exactly what it printed before ``since`` existed:
the outputs under ``score_pinned/`` were written by the command before the change, byte for
byte, and other tools read them. Changed since only where a figure was wrong, each diff
verified: issue 23, the D/S forecasts over calendar months (``partial``, ``sample``: a month
without D/S is a gap in time; checked against an independent least-squares and growth
computation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.settings import Settings

PINNED = Path(__file__).resolve().parent / "score_pinned"
CASES = sorted(p.stem for p in PINNED.glob("*.json") if not p.stem.endswith(".out"))


@pytest.fixture(autouse=True)
def _operator_settings_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
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


def _score(capsys: pytest.CaptureFixture[str], tmp_path: Path, doc: dict[str, Any]) -> Any:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), "utf-8")
    code = main(["score", str(path)])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_since_adds_provisional_and_months_known(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The pinned four months with ``since`` at the first: known history of 4 months, indicator
    1 by the ratio estimate (4 of 4 count as 12), a provisional stratum."""
    doc = json.loads((PINNED / "four_months.json").read_text("utf-8"))
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "2026-07"})
    assert code == 0, err
    keys = list(out)
    assert keys[keys.index("stratum") + 1 : keys.index("stratum") + 3] == [
        "provisional",
        "months_known",
    ]
    assert (out["provisional"], out["months_known"]) == (True, 4)
    assert out["indicators"]["frekuensi_penimbangan"]["value"] == 12
    assert out["stratum"] != "pratama"
    old = json.loads((PINNED / "four_months.out.json").read_text("utf-8"))
    assert old["stratum"] == "pratama"  # without since: the months before count as closed


def test_since_counts_effort_and_the_year_over_the_known_months(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 23: the four pinned months (July to October, all opened) known since July: effort
    4 of 4 known months, the year's openings 4 / 4 x 12; without since 4 / 12 and 4 / 10 x 12."""
    doc = json.loads((PINNED / "four_months.json").read_text("utf-8"))
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "2026-07"})
    assert code == 0, err
    assert out["effort"] == 100.0
    y = out["year_end"]
    assert (y["elapsed_months"], y["months_known"], y["openings_so_far"]) == (10, 4, 4)
    assert y["forecast_openings"]["ratio"] == 12.0
    assert y["projected_openings"] == 6  # November and December at the known months' rate
    old = json.loads((PINNED / "four_months.out.json").read_text("utf-8"))
    assert old["effort"] == round(4 / 12 * 100, 6)
    assert old["year_end"]["forecast_openings"]["ratio"] == round(4 / 10 * 12, 6)
    assert "months_known" not in old["year_end"]


def test_since_with_too_few_months_gives_no_stratum(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = json.loads((PINNED / "four_months.json").read_text("utf-8"))
    doc["months"] = doc["months"][2:]
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "2026-09"})
    assert code == 0, err
    assert (out["stratum"], out["provisional"], out["months_known"]) == (None, True, 2)
    assert (out["limiting"], out["next"]) == ([], None)


def test_since_before_the_window_is_not_provisional(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = json.loads((PINNED / "four_months.json").read_text("utf-8"))
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "2020-01"})
    assert code == 0, err
    assert (out["stratum"], out["provisional"], out["months_known"]) == ("pratama", False, 12)


def test_a_month_before_since_or_a_bad_since_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = json.loads((PINNED / "four_months.json").read_text("utf-8"))
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "2026-08"})
    assert code == 2 and out is None
    assert err == (
        "months[0] (2026-07): period: before since 2026-08 (the known history starts there)\n"
    )
    code, out, err = _score(capsys, tmp_path, {**doc, "since": "Juli"})
    assert code == 2 and err == "since: period must be YYYY-MM, got 'Juli'\n"
