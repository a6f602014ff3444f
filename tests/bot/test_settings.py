"""The one settings object: validated, documented in .env.example, secrets hidden."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text("utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set()
    assert documented - fields == set()


def test_defaults_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.posyandu_db == Path("./data/posyandu.db")
    assert settings.scoring().targets.d_s == 0.85
    assert settings.scoring().openings_threshold_inclusive is True


def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TARGET_D_S", "1.5")
    monkeypatch.setenv("STRATUM_WINDOW_MONTHS", "twelve")
    with pytest.raises(SettingsError) as exc:
        load_settings()
    message = str(exc.value)
    assert "TARGET_D_S" in message
    assert "STRATUM_WINDOW_MONTHS" in message


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("EIGHT_OPENINGS_PASS=false\nTARGET_N_D=0.7\n", "utf-8")
    settings = load_settings()
    assert settings.scoring().openings_threshold_inclusive is False
    assert settings.scoring().targets.n_d == 0.7
