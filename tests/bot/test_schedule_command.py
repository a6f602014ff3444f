"""``posyandu schedule CODE PHRASE`` through ``bot.cli.main`` on a temporary database: the
chat's phrases, one-off moves, the next three hari buka, and bad input changing nothing."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from scheduler.preview import next_hari_buka
from scoring import Period
from scoring.schedule import Schedule
from storage import Database
from storage.posyandu import Posyandu, moves_for, posyandu_by_code
from tests.clock import WIB, Day, at, local_today
from tests.storage.helpers import seed_world

Run = tuple[int, str, str]


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "posyandu.db"
    monkeypatch.setenv("POSYANDU_DB", str(path))

    async def make() -> None:
        db = await Database.open(path)
        try:
            await seed_world(db)  # P1 Mawar, WIB, tanggal 12
        finally:
            await db.close()

    asyncio.run(make())
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored(path: Path, code: str) -> tuple[Schedule, dict[tuple[int, Period], date]]:
    async def read() -> tuple[Schedule, dict[tuple[int, Period], date]]:
        db = await Database.open(path)
        try:
            async with db.read() as conn:
                p = await posyandu_by_code(conn, code)
                assert p is not None
                moves = await moves_for(conn, [p.id], Period(2000, 1), Period(2100, 12))
                return p.schedule, moves
        finally:
            await db.close()

    return asyncio.run(read())


def listed(out: str) -> list[date]:
    """The dates of the "next hari buka: 2026-12-08 (Tue), ..." line."""
    line = out.splitlines()[1]
    assert line.startswith("next hari buka: ")
    return [date.fromisoformat(part.split()[0]) for part in line.split(": ")[1].split(", ")]


def test_set_a_weekday_schedule(
    capsys: pytest.CaptureFixture[str], db_path: Path, today: Day
) -> None:
    code, out, err = cli(capsys, "schedule", "P1", "Selasa minggu ke-2")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("P1 Mawar (Asia/Jakarta): hari buka set to Selasa minggu ke-2")
    days = listed(out)
    assert len(days) == 3 and days == sorted(days) and days[0] >= local_today()
    for d in days:
        assert d.weekday() == 1 and 8 <= d.day <= 14  # the second Tuesday
    assert len({(d.year, d.month) for d in days}) == 3
    assert stored(db_path, "P1")[0] == Schedule(weekday=1, nth=2)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tanggal 31", Schedule(day=31)),
        ("kamis terakhir", Schedule(weekday=3, nth=-1)),
        ("minggu terakhir", Schedule(weekday=6, nth=-1)),
    ],
)
def test_other_phrases(
    capsys: pytest.CaptureFixture[str], db_path: Path, phrase: str, expected: Schedule, today: Day
) -> None:
    code, out, _ = cli(capsys, "schedule", "P1", phrase)
    assert code == 0
    assert f"hari buka set to {expected.describe()}" in out
    assert stored(db_path, "P1")[0] == expected
    assert all(d == expected.hari_buka(Period(d.year, d.month)) for d in listed(out))


def test_one_off_move(capsys: pytest.CaptureFixture[str], db_path: Path, today: Day) -> None:
    today = local_today()
    month = Period(today.year, today.month).shift(1)
    new_day = date(month.year, month.month, 20)
    code, out, err = cli(capsys, "schedule", "P1", f"pindah {new_day.isoformat()}")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        f"P1 Mawar (Asia/Jakarta): hari buka of {month} moved to {new_day.isoformat()} "
        f"({new_day:%a}) (schedule stays tanggal 12)"
    )
    assert new_day in listed(out)
    assert date(month.year, month.month, 12) not in listed(out)
    schedule, moves = stored(db_path, "P1")
    assert schedule == Schedule(day=12)
    assert list(moves.values()) == [new_day]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ZZ", "tanggal 3"], "unknown posyandu ZZ"),
        (["P1", "tanggal 32"], "bad schedule 'tanggal 32': day of the month must be 1-31"),
        (["P1", "selasa ke-5"], "cannot read schedule 'selasa ke-5'"),
        (["P1", "pindah 2027-02-30"], "no such date 2027-02-30"),
        (["P1", ""], "no schedule given"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str], message: str
) -> None:
    before = stored(db_path, "P1")
    code, out, err = cli(capsys, "schedule", *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err
    assert stored(db_path, "P1") == before


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["schedule", "--help"])
    assert info.value.code == 0
    assert "pindah 2026-12-15" in capsys.readouterr().out


def test_next_days_cross_the_year() -> None:
    """The pure part: the next three from 20 December, with January moved."""
    p = Posyandu(1, "P1", "Mawar", 1, "/1/", "Asia/Jakarta", Schedule(day=12), True)
    moves = {(1, Period(2027, 1)): date(2027, 1, 9)}
    assert next_hari_buka(p, moves, date(2026, 12, 20)) == [
        date(2027, 1, 9),
        date(2027, 2, 12),
        date(2027, 3, 12),
    ]
    assert next_hari_buka(p, {}, date(2026, 12, 12), 1) == [date(2026, 12, 12)]


_SHORT_MONTHS = ("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des")


@pytest.mark.parametrize("form", ["{d} {m}", "{d}/{n}", "{d}-{n}"])
def test_one_off_move_as_people_write_the_date(
    capsys: pytest.CaptureFixture[str], db_path: Path, form: str
) -> None:
    """``pindah 16 des``: no year, so the next such day from today (next month's 16th)."""
    today = local_today()
    month = Period(today.year, today.month).shift(1)
    new_day = date(month.year, month.month, 16)
    phrase = form.format(d=16, m=_SHORT_MONTHS[month.month - 1], n=month.month)
    code, out, err = cli(capsys, "schedule", "P1", f"pindah {phrase}")
    assert (code, err) == (0, "")
    assert f"hari buka of {month} moved to {new_day.isoformat()}" in out.splitlines()[0]
    assert list(stored(db_path, "P1")[1].values()) == [new_day]


def test_a_passed_yearless_date_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    # The CLI reads the wall clock (its clock is the edge's): on 20 June 2026, 1 May has
    # passed and next year's is 11 months ahead. The rule itself is tested with an injected
    # today, every case, in tests/scoring/test_jadwal_dates.py.
    with at(datetime(2026, 6, 20, 10, tzinfo=WIB)):
        code, out, err = cli(capsys, "schedule", "P1", "pindah 1 Mei")
    assert code == 2 and out == ""
    assert "has passed: write the year" in err
    assert stored(db_path, "P1")[1] == {}
