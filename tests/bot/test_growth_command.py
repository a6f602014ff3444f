"""The public contract of ``posyandu growth``: statuses worked by hand from domain.md's rules
(KBM, O, B, 2T, BGM), z-scores equal to WHO's own (rows of igrowup's example survey), and a bad
row refused with one line naming it and nothing written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.growth import OUTPUT_COLUMNS
from bot.settings import Settings

HEADER = "child,sex,birth_date,date,weight_kg,height_cm,measured"
BORN = date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _operator_settings_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts from the default settings: no .env, no setting in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.env_names():
        monkeypatch.delenv(name.upper(), raising=False)
    yield


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lines: list[str], *extra: str
) -> tuple[int, str, str]:
    path = tmp_path / "weighings.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", "utf-8")
    code = main(["growth", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def survey_row(child: str, sex: str, days: int, weight: str, height: str, measured: str) -> str:
    """A child of WHO's example survey, born so that its age is the survey's ``age.days``."""
    return f"{child},{sex},{BORN},{BORN + timedelta(days=days)},{weight},{height},{measured}"


# Rows 1, 4 and 7 of MySurvey_z_st.csv (igrowup's output): id 7 is 868 days old and measured
# lying, so its height is corrected by -0.7 cm.
WHO_ROWS = [
    survey_row("who1", "P", 683, "10.3999996185303", "84.8000030517578", "lying"),
    survey_row("who4", "L", 1852, "21.2999992370605", "118", "standing"),
    survey_row("who7", "L", 868, "12.8999996185303", "85.9000015258789", "lying"),
]
WHO_Z = {
    "who1": ("-0.57", "-0.07", "-0.81", "-0.79"),
    "who4": ("1.04", "1.62", "-0.13", "0.08"),
    "who7": ("-0.08", "-1.69", "1.16", "1.43"),
}

# Budi, born 10 June 2024: 12 months and more, KBM 200 g.
BUDI = [
    "Budi,L,2024-06-10,2025-06-12,8.0,,",  # first: B
    "Budi,L,2024-06-10,2025-07-10,8.2,,",  # +200 g >= 200: N
    "Budi,L,2024-06-10,2025-08-11,8.3,,",  # +100 g: T
    "Budi,L,2024-06-10,2025-09-10,8.3,,",  # +0 g: T, and T last month: 2T
    "Budi,L,2024-06-10,2025-11-10,8.6,,",  # October missed: O
    "Budi,L,2024-06-10,2025-12-10,7.5,,",  # -1100 g: T (no 2T after O), weight_loss
]
# Dewi, 12 months: WAZ -3.36 (BGM) at 6.0 kg; her sister at 6.3 kg -2.96 (not BGM).
DEWI = ["Dewi,P,2024-03-20,2025-03-20,6.0,,", "Sari,P,2024-03-20,2025-03-20,6.3,,"]


def test_statuses_and_who_z_scores(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path, [*BUDI, *WHO_ROWS, *DEWI])
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == OUTPUT_COLUMNS
    budi = [(r["age_months"], r["status"], r["t2"], r["flags"]) for r in rows[:6]]
    assert budi == [
        ("12", "B", "0", ""),
        ("13", "N", "0", ""),
        ("14", "T", "0", ""),
        ("15", "T", "1", ""),
        ("17", "O", "0", ""),
        ("18", "T", "0", "weight_loss"),
    ]
    for row in rows[6:9]:
        assert (row["waz"], row["haz"], row["whz"], row["baz"]) == WHO_Z[row["child"]]
        assert row["age_days"] == str((date.fromisoformat(row["date"]) - BORN).days)
    dewi, sari = rows[9:]
    assert (dewi["waz"], dewi["bgm"], sari["waz"], sari["bgm"]) == ("-3.36", "1", "-2.96", "0")
    # The input columns come back as given; no length: the length-based z-scores are empty.
    assert rows[0]["weight_kg"] == "8.0" and rows[0]["haz"] == rows[0]["whz"] == ""


def test_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, tmp_path, [WHO_ROWS[0], *BUDI[:4]], "--format", "json")
    items = json.loads(out)
    assert code == 0 and list(items[0]) == list(OUTPUT_COLUMNS)
    assert (items[0]["waz"], items[0]["haz"], items[0]["flags"]) == (-0.57, -0.07, [])
    assert [(i["status"], i["t2"], i["bgm"]) for i in items[1:]] == [
        ("B", 0, 0), ("N", 0, 0), ("T", 0, 0), ("T", 1, 0),
    ]  # fmt: skip
    assert items[1]["haz"] is None and items[1]["age_days"] == 367


def test_a_kbm_table_setting_changes_n_and_t(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = "age_months,kbm_g\n0,\n" + "".join(f"{m},300\n" for m in range(1, 60))
    (tmp_path / "kbm.csv").write_text(table, "utf-8")
    monkeypatch.setenv("KBM_TABLE", str(tmp_path / "kbm.csv"))
    code, out, _ = run(capsys, tmp_path, BUDI[:2])
    assert code == 0
    assert [r["status"] for r in csv.DictReader(io.StringIO(out))] == ["B", "T"]


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (["Ani,X,2024-01-01,2025-01-05,9.0,,"], "line 2: sex 'X' is not L or P"),
        (["Ani,P,2024-01-01,5/1/2025,9.0,,"], "line 2: date '5/1/2025' is not a date YYYY-MM-DD"),
        (["Ani,P,2024-01-01,2025-01-05,berat,,"], "line 2: not a number: 'berat'"),
        (["Ani,P,2024-01-01,2025-01-05,900,,"], "line 2: weight_kg 900 is outside 0.5..150"),
        (["Ani,P,2024-01-01,2025-01-05,9.0,75,duduk"], "line 2: measured 'duduk' is not"),
        (["Ani,P,2024-01-01,2025-01-05,9.0,,lying"], "line 2: measured is given without"),
        (["Ani,P,2024-01-01,2023-01-05,9.0,,"], "line 2: child 'Ani': date 2023-01-05 is before"),
        (
            ["Ani,P,2024-01-01,2025-01-05,9.0,,", "Ani,P,2024-01-01,2025-01-25,9.1,,"],
            "line 3: child 'Ani': a second weighing in 2025-01",
        ),
        (
            ["Ani,P,2024-01-01,2025-01-05,9.0,,", "Ani,L,2024-01-01,2025-02-05,9.1,,"],
            "line 3: child 'Ani' has another sex or birth date than on line 2",
        ),
        (["Ani,P,2024-01-01,2025-01-05,9.0"], "line 2: expected 7 cells"),
    ],
)
def test_a_bad_row_exits_2_with_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lines: list[str], problem: str
) -> None:
    code, out, err = run(capsys, tmp_path, lines)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and problem in err, err


def test_a_bad_header_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("child,sex,birth,date,weight_kg,height_cm,measured\n", "utf-8")
    assert main(["growth", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "line 1: the header must name" in err
    assert "missing birth_date; unknown birth" in err


def test_a_name_a_spreadsheet_would_run_is_quoted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, tmp_path, ["=cmd(),L,2024-06-10,2025-06-12,8.0,,"])
    assert code == 0 and next(csv.DictReader(io.StringIO(out)))["child"] == "'=cmd()"
