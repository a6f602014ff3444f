"""The demo is seeded only into an empty database or one that holds nothing but the demo:
``posyandu run`` without credentials, ``posyandu chat --as-kader/--as-supervisor`` and
``posyandu demo`` refuse a database with real data, in one line, writing nothing.

Each case runs the real command in its own process (stdin at EOF), in a folder without a
``.env``, with no channel credentials in its environment.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.commands.demo import play
from bot.demo import DEMO_KADER, NotDemoDatabase, seed_demo
from bot.settings import Settings
from conversations.periods import format_period
from scoring import Period
from scoring.clock import FixedClock
from storage import Database
from storage.areas import Level, upsert_area
from storage.people import identity
from tests.clock import WIB, Day, cli, moment
from tests.e2e.conftest import seed

ROOT = Path(__file__).resolve().parents[2]
#: Settings a developer's environment may hold that would change what is tested.
CLEARED = ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL")
COMMANDS = (
    ("run",),
    ("chat", "--as-kader"),
    ("chat", "--as-supervisor"),
    ("demo",),
)


@dataclass(frozen=True)
class Done:
    code: int
    stdout: str
    stderr: str


def posyandu(where: Path, *argv: str, db: Path | None = None) -> Done:
    """``posyandu ARGV`` in ``where``'s folder, on the database ``db`` (default: ``where``)."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env |= {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "POSYANDU_DB": str(db or where),
        "OUT_DIR": str(where.parent / "out"),
        "MEDIA_DIR": str(where.parent / "media"),
    }
    done = subprocess.run(
        cli(*argv),
        cwd=where.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Done(done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


async def _add_real_area(path: Path) -> None:
    async with await Database.open(path) as db, db.transaction() as tx:
        await upsert_area(tx, "31", "DKI Jakarta", Level.PROVINSI, None)


def real_database(tmp_path: Path, kind: str) -> Path:
    """A database with real data: e2e's seed (the demo's very codes and names, but reports
    imported from elsewhere), or the demo plus one imported area."""
    path = tmp_path / "data" / "posyandu.db"
    path.parent.mkdir()
    if kind == "shared-codes":
        asyncio.run(seed(path))
    else:

        async def demo_then_real() -> None:
            async with await Database.open(path) as db:
                await seed_demo(db, moment())
            await _add_real_area(path)

        asyncio.run(demo_then_real())
    return path


@pytest.mark.slow  # posyandu in a subprocess
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", ["shared-codes", "demo-plus-real"])
def test_a_database_with_real_data_is_refused_untouched(
    tmp_path: Path, argv: tuple[str, ...], kind: str
) -> None:
    path = real_database(tmp_path, kind)
    before = snapshot(tmp_path)
    done = posyandu(path, *argv)
    assert done.code != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(path) in lines[0] and "demo" in lines[0]
    if argv == ("run",):
        assert "TELEGRAM_BOT_TOKEN" in lines[0]
        assert "TWILIO_ACCOUNT_SID" in lines[0] and "TWILIO_AUTH_TOKEN" in lines[0]
    assert done.stdout == ""
    assert snapshot(tmp_path) == before  # nothing written: no demo, no migration, no log


@pytest.mark.slow  # posyandu in a subprocess
def test_an_empty_database_gets_the_demo_and_a_demo_database_is_used_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "posyandu.db"
    path.parent.mkdir()
    for argv in COMMANDS:
        done = posyandu(path, *argv)
        assert done.code == 0, (argv, done.stderr)
        assert "Traceback" not in done.stderr

    async def kader_exists() -> bool:
        async with await Database.open(path) as db, db.read() as conn:
            return await identity(conn, "console", DEMO_KADER) is not None

    assert asyncio.run(kader_exists())


async def test_seed_demo_itself_refuses_real_data_in_its_transaction(tmp_path: Path) -> None:
    path = tmp_path / "real.db"
    await seed(path)
    async with await Database.open(path) as db:
        with pytest.raises(NotDemoDatabase, match=r"12 reports"):
            await seed_demo(db, moment())
        async with db.read() as conn:
            assert await identity(conn, "console", DEMO_KADER) is None


@pytest.mark.slow  # posyandu in a subprocess
@pytest.mark.parametrize("argv", [*COMMANDS, ("chat", "--as", DEMO_KADER)], ids=" ".join)
def test_a_database_folder_that_is_a_file_is_one_line(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    (tmp_path / "data").write_text("not a folder")
    path = tmp_path / "data" / "posyandu.db"
    env_path = tmp_path / "cwd" / "x.db"  # the command runs in an ordinary folder
    env_path.parent.mkdir()
    done = posyandu(env_path, *argv, db=path)
    assert done.code == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert f"{tmp_path / 'data'} is not a folder" in done.stderr


@pytest.mark.hari_buka(12)  # Mawar's
async def test_the_demo_month_is_saved_and_its_pdf_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], today: Day
) -> None:
    """``posyandu demo`` plays the kader's month to the end on every day: the one-line report
    answers every question the default deployment asks (the referral too: BGM is 1; vitamin A
    in February), before Mawar's hari buka (the 12th) the kader confirms reporting early, so
    the month is saved. The time is injected."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, posyandu_db=tmp_path / "demo.db", out_dir=tmp_path / "out"
    )
    assert await play(settings, FixedClock(today.moment)) == 0
    out = capsys.readouterr().out
    local = today.moment.astimezone(WIB)
    month = format_period(Period(local.year, local.month))
    assert f"Laporan {month} tersimpan" in out
    assert f"laporan-mwr01-{local:%Y-%m}.pdf" in out
    assert ("Yakin melapor sekarang?" in out) == today.before_hari_buka(12)
