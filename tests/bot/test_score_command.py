"""The public contract of ``posyandu score``."""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.commands.score import SAMPLE
from bot.settings import Settings
from tests.clock import cli
from tests.months import example_values

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _operator_settings_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts from the default settings: no .env, no setting in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
        monkeypatch.delenv(name.upper(), raising=False)
    yield


INDICATORS = {
    "frekuensi_penimbangan",
    "rerata_kader",
    "rerata_ds",
    "kumulatif_kia",
    "kumulatif_kb",
    "kumulatif_imunisasi",
    "program_tambahan",
    "dana_sehat",
}


def run(capsys: pytest.CaptureFixture[str], doc: Any, tmp_path: Path) -> tuple[int, str, str]:
    path = tmp_path / "in.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    code = main(["score", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def month(period: str, **values: Any) -> dict[str, Any]:
    """A month of the input document: every core field at its example (tests/months.py), a
    posyandu of 40 balita with dana sehat at 25%."""
    tuned = example_values(t2=0, s=40, k=38, d=30, n=24, bumil_periksa=3, bayi=10, kk_dana_sehat=30)
    base = {"period": period, "buka": True, **{k: _json(v) for k, v in tuned.items()}}
    base.update(values)
    return base


def _json(value: object) -> object:
    """A value as the document writes it (names as a list)."""
    return list(value) if isinstance(value, tuple) else value


def test_sample_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(SAMPLE)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stratum"] in {"pratama", "madya", "purnama", "mandiri"}


def test_output_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = {"months": [month(f"2026-{m:02d}") for m in range(1, 13)]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["stratum"] == "purnama"  # dana sehat 25%
    assert set(result["indicators"]) == INDICATORS
    for ind in result["indicators"].values():
        assert set(ind["passes"]) == {"madya", "purnama", "mandiri"}
    assert result["indicators"]["rerata_ds"]["value"] == 0.75
    assert result["indicators"]["dana_sehat"]["passes"] == {
        "madya": True,
        "purnama": True,
        "mandiri": False,
    }
    assert result["limiting"] == ["dana_sehat"]
    assert result["posyandu_aktif"] is True
    assert len(result["months"]) == 12
    assert result["months"][0] == {
        "period": "2026-01",
        "buka": True,
        "k_s": 0.95,
        "d_s": 0.75,
        "d_k": 0.789474,
        "n_d": 0.8,
        "n_s": 0.6,
        "bgm_d": 0.033333,
        "t2_d": 0.0,
    }
    gaps = {g["indicator"]: g for g in result["gaps"]}
    assert set(gaps) >= {"k_s", "d_s", "d_k", "n_d"}
    assert gaps["d_s"] == {
        "indicator": "d_s",
        "target": 0.85,
        "actual": 0.75,
        "gap": 0.1,
        "category": "on_track",
    }
    assert result["next"]["needs"][0]["text"] == "dana sehat coverage 25% -> 50%"


def test_unknown_counts_and_zero_denominators(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = {
        "months": [{"period": "2026-03", "s": 0, "d": 0}, {"period": "2026-04", "buka": False}],
        "through": "2026-06",
        "targets": {"d_s": 0.9},
    }
    code, out, _ = run(capsys, doc, tmp_path)
    assert code == 0
    result = json.loads(out)
    assert result["stratum"] == "pratama"
    assert result["months"][0]["d_s"] is None
    assert result["indicators"]["rerata_kader"]["value"] is None
    assert result["indicators"]["rerata_kader"]["missing"] == ["kader"]
    assert next(g for g in result["gaps"] if g["indicator"] == "d_s")["target"] == 0.9


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("not json", ["not valid JSON"]),
        ([1, 2], ["document: must be a JSON object"]),
        ({"months": [month("2026-13")]}, ["months[0] (2026-13): period:"]),
        (
            {"months": [month("2026-01", n=31, d=30)]},
            ["months[0] (2026-01): n: n (31) is greater than d (30)"],
        ),
        ({"months": [month("2026-01", s=-1)]}, ["months[0] (2026-01): s: must not be negative"]),
        ({"months": [month("2026-01", d=2.5)]}, ["months[0] (2026-01): d: must be a whole number"]),
        ({"months": [month("2026-01", d="3")]}, ["months[0] (2026-01): d: must be a whole number"]),
        (
            {"months": [month("2026-01"), month("2026-01")]},
            ["months[1] (2026-01): period: given twice"],
        ),
        (
            {"months": [month("2025-01"), month("2026-01")]},
            ["months[0] (2025-01): period: outside"],
        ),
        (
            {"months": [month("2026-01")], "through": "2025-12"},
            ["months[0] (2026-01): period: outside"],
        ),
        (
            {"months": [month("2026-01", buka="ya")]},
            ["months[0] (2026-01): buka: must be true or false"],
        ),
        ({"months": [month("2026-01", jumlah=3)]}, ["months[0] (2026-01): jumlah: unknown field"]),
        ({"months": []}, ["months: empty"]),
        (
            {"months": [month("2026-01")], "targets": {"d_s": 2}},
            ["targets: d_s: must be a fraction"],
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, doc: Any, expected: list[str]
) -> None:
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line


def test_several_problems_all_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = {"months": [month("2026-01", n=31, d=30, k=50), month("2026-02", s=None, kader=-2)]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "months[0] (2026-01): k: k (50) is greater than s (40) (rule k_le_s)",
        "months[0] (2026-01): n: n (31) is greater than d (30) (rule n_le_d)",
        "months[1] (2026-02): kader: must not be negative, got -2",
    ]


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"months": [month("2026-01")]})))
    assert main(["score", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["through"] == "2026-01"


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "score" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    assert "FILE" in capsys.readouterr().out


def eight_openings() -> dict[str, Any]:
    """Mandiri material (dana sehat 58%) with exactly 8 openings in the 12-month window."""
    months = [month(f"2026-{m:02d}", kk_dana_sehat=70) for m in range(1, 9)]
    months += [{"period": f"2026-{m:02d}", "buka": False} for m in range(9, 13)]
    return {"months": months}


def test_settings_from_the_environment_change_the_result(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, eight_openings(), tmp_path)
    assert code == 0
    default = json.loads(out)
    assert default["stratum"] == "mandiri"
    assert default["indicators"]["frekuensi_penimbangan"]["required"] == 8
    # Decision (exactly 8 openings): the operator's setting, not the built-in default.
    monkeypatch.setenv("EIGHT_OPENINGS_PASS", "false")
    code, out, _ = run(capsys, eight_openings(), tmp_path)
    strict = json.loads(out)
    assert code == 0 and strict["stratum"] == "pratama"
    assert strict["limiting"] == ["frekuensi_penimbangan"]
    assert strict["next"]["needs"][0]["text"] == "1 more opening (8 -> 9)"
    # Targets from the settings; the document's own targets override them, key by key.
    monkeypatch.setenv("TARGET_D_S", "0.7")
    monkeypatch.setenv("TARGET_K_S", "0.9")
    doc = {**eight_openings(), "targets": {"k_s": 0.95}}
    code, out, _ = run(capsys, doc, tmp_path)
    gaps = {g["indicator"]: g for g in json.loads(out)["gaps"]}
    assert code == 0
    assert (gaps["d_s"]["target"], gaps["d_s"]["category"]) == (0.7, "achieve")
    assert gaps["k_s"]["target"] == 0.95
    assert gaps["n_d"]["target"] == 0.8  # the built-in default where nothing overrides it


def test_window_setting_limits_the_months_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATUM_WINDOW_MONTHS", "6")
    doc = {"months": [month("2026-06"), month("2026-12")]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    assert err.strip() == (
        "months[0] (2026-06): period: outside the 6-month window 2026-07..2026-12"
    )
    code, out, _ = run(capsys, {"months": [month("2026-07"), month("2026-12")]}, tmp_path)
    assert code == 0 and json.loads(out)["window"] == ["2026-07", "2026-12"]


def test_bad_settings_exit_2_with_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARGET_D_S", "1.5")
    code, out, err = run(capsys, eight_openings(), tmp_path)
    assert code == 2 and out == ""
    assert "TARGET_D_S" in err


@pytest.mark.slow
def test_dotenv_is_read_by_the_real_command(tmp_path: Path) -> None:
    """The installed CLI in a fresh process, configured by a .env in its working directory."""
    (tmp_path / "in.json").write_text(json.dumps(eight_openings()), "utf-8")
    (tmp_path / ".env").write_text("EIGHT_OPENINGS_PASS=false\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTING_NAMES}
    done = subprocess.run(
        cli("score", "in.json", "--indent", "0"),
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stratum"] == "pratama"


_SETTING_NAMES = set(Settings.env_names())


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (
            month("2026-01", n=31, d=30),
            [
                "months[0] (2026-01): n: n (31) is greater than d (30) (rule n_le_d)",
                "months[1] (2026-01): period: given twice (also months[0])",
            ],
        ),
        (
            month("2026-01", s=-1),
            [
                "months[0] (2026-01): s: must not be negative, got -1",
                "months[1] (2026-01): period: given twice (also months[0])",
            ],
        ),
        (
            month("2026-01", buka="ya", jumlah=1),
            [
                "months[0] (2026-01): jumlah: unknown field",
                "months[0] (2026-01): buka: must be true or false, got 'ya'",
                "months[1] (2026-01): period: given twice (also months[0])",
            ],
        ),
    ],
)
def test_a_month_given_twice_is_named_even_when_the_first_is_invalid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, first: dict[str, Any], expected: list[str]
) -> None:
    code, out, err = run(capsys, {"months": [first, month("2026-01")]}, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == expected


def test_a_month_given_twice_both_invalid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = {"months": [month("2026-01", d=50), month("2026-01", kader=-1)]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("months[0] (2026-01): d: d (50) is greater than s (40)")
    assert "months[1] (2026-01): kader: must not be negative, got -1" in lines
    assert lines[-1] == "months[1] (2026-01): period: given twice (also months[0])"


def test_every_problem_of_a_month_is_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 23: a value that is not a count (bgm -1, d "3") hid the month's other problems,
    the order rules between the valid values (K > S, N > D ...). Each is listed, in one run."""
    doc = {"months": [month("2026-01", k=50, n=31, bgm=-1, bumil=2, bumil_periksa=3, d=30)]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "months[0] (2026-01): bgm: must not be negative, got -1",
        "months[0] (2026-01): k: k (50) is greater than s (40) (rule k_le_s)",
        "months[0] (2026-01): n: n (31) is greater than d (30) (rule n_le_d)",
        "months[0] (2026-01): bumil_periksa: bumil_periksa (3) is greater than bumil (2) "
        "(rule bumil_periksa_le_bumil)",
    ]
    # A count that is not a number and a bad choice with them: still every one.
    doc = {"months": [month("2026-02", d="3", n=45, cara="rumah", kb_aktif=90, pus=80)]}
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "months[0] (2026-02): d: must be a whole number, got '3'",
        "months[0] (2026-02): cara: must be one of posyandu, kunjungan_rumah, got 'rumah'",
        "months[0] (2026-02): kb_aktif: kb_aktif (90) is greater than pus (80) "
        "(rule kb_aktif_le_pus)",
    ]


def test_a_home_visit_in_a_closed_month_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 23: ``cara: kunjungan_rumah`` with ``buka: false`` contradicts itself (a home-visit
    month counts as opened): refused with the field named, nothing on stdout."""
    doc = {
        "months": [
            month("2026-01"),
            {"period": "2026-02", "buka": False, "cara": "kunjungan_rumah"},
            {"period": "2026-03", "buka": False, "cara": "posyandu"},
            month("2026-04", cara="kunjungan_rumah"),
        ]
    }
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "months[1] (2026-02): cara: cara is kunjungan_rumah but buka is false: a month served "
        "by home visits counts as opened (rule home_visit_closed)"
    ]
    del doc["months"][1]
    code, out, err = run(capsys, doc, tmp_path)
    assert code == 0, err
