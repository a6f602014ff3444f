"""The per-child register's settings: the KBM table (built-in or a file, checked at start) and
the BGM and orange-line Decisions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_the_defaults_are_domain_md_s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    rules = load_settings().growth()
    assert (rules.bgm_below_waz, rules.overweight_above_waz) == (Decimal(-3), Decimal(1))
    assert rules.kbm.minimum(1) == 800 and rules.kbm.minimum(0) is None


def test_a_kbm_file_replaces_the_built_in_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kbm.csv").write_text("# puskesmas\nage_months,kbm_g\n0,\n1,700\n", "utf-8")
    monkeypatch.setenv("KBM_TABLE", "kbm.csv")
    monkeypatch.setenv("BGM_BELOW_WAZ", "-2.5")
    rules = load_settings().growth()
    assert rules.kbm.grams == (None, 700)
    assert rules.bgm_below_waz == Decimal("-2.5")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "KBM_TABLE: cannot read missing.csv"),
        ("age_months,kbm_g\n0,\n1,lots\n", "KBM_TABLE: missing.csv: line 3: not whole numbers"),
    ],
)
def test_a_kbm_file_that_cannot_be_used_stops_at_start_naming_the_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str | None, problem: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "missing.csv").write_text(content, "utf-8")
    monkeypatch.setenv("KBM_TABLE", "missing.csv")
    with pytest.raises(SettingsError) as exc:
        load_settings()
    lines = str(exc.value).splitlines()
    assert len(lines) == 2 and lines[1].strip().startswith(problem), lines


def test_a_bgm_threshold_above_zero_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BGM_BELOW_WAZ", "1")
    with pytest.raises(SettingsError, match="BGM_BELOW_WAZ"):
        load_settings()
