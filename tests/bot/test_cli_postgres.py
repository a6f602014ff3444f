"""Every command on a ``postgresql://`` URL, through the real command line (``bot.cli.main``,
and ``posyandu run`` as its own process) against the test server (tests/postgres.py):
migrate, demo end to end, chat, run (console and service), import, export (a round trip, and
the same export from SQLite), report, outbox, schedule, reminders, invite; backup refused with
pg_dump's advice."""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from scoring import Period
from storage import Database
from storage.migrations import SCHEMA_VERSION
from storage.outbox import Status, counts
from tests.bot.test_cli import write
from tests.bot.test_import_reports import _history, make_db
from tests.clock import Day, local_today
from tests.conftest import scan_log_text
from tests.e2e.conftest import SECRET, TOKEN, seed, wait_for
from tests.fakes.server import serve
from tests.fakes.service import free_port, start_posyandu
from tests.fakes.telegram_api import FakeTelegram
from tests.postgres import PostgresServer
from tests.storage.helpers import AREAS, POSYANDU

Run = tuple[int, str, str]


@pytest.fixture
def url(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """POSYANDU_DB on a new database of the test server; the commands run in ``tmp_path``."""
    monkeypatch.setenv("POSYANDU_DB", postgres_url)
    monkeypatch.setenv("OUT_DIR", str(tmp_path / "out"))
    monkeypatch.chdir(tmp_path)
    return postgres_url


def cli(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None) -> Run:
    if stdin is not None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            code = main(list(argv))
    else:
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def _outbox(url: str) -> dict[Status, int]:
    async with await Database.open(url) as db, db.read() as conn:
        return await counts(conn)


def test_migrate_then_backup_is_refused_with_pg_dump(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "migrate")
    assert code == 0 and f"migrated from schema version 0 to {SCHEMA_VERSION}" in err
    assert "postgresql://posyandu@127.0.0.1:" in err
    code, _, err = cli(capsys, "migrate")
    assert code == 0 and f"already at schema version {SCHEMA_VERSION}" in err
    code, out, err = cli(capsys, "backup", str(tmp_path / "copy.db"))
    assert code == 2 and out == ""
    assert "is a PostgreSQL server: back it up with pg_dump" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.hari_buka(12)  # Mawar's, the demo kader's posyandu
def test_demo_end_to_end_then_the_operator_commands(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, today: Day
) -> None:
    code, out, _ = cli(capsys, "demo")
    assert code == 0
    assert "== kader (Bu Sari, Posyandu Mawar) ==" in out and "== supervisor" in out
    documents = [line.split(": ", 1)[1] for line in out.splitlines() if "Dokumen: " in line]
    assert len(documents) >= 2 and all((tmp_path / d).is_file() for d in documents)
    outbox = asyncio.run(_outbox(url))
    assert outbox[Status.SENT] >= 8 and outbox[Status.PENDING] == outbox[Status.FAILED] == 0
    # Played again on the demo database: the demo is used as it is.
    assert cli(capsys, "demo")[0] == 0
    code, out, _ = cli(capsys, "chat", "--as-kader", stdin="RIWAYAT\n")
    assert code == 0 and "Mawar" in out
    code, out, err = cli(capsys, "outbox")
    assert code == 0 and "sent" in err and "failed 0" in err
    local = local_today()
    last = str(Period(local.year, local.month))  # the month the demo kader reported
    code, _, err = cli(capsys, "report", "--posyandu", "MWR01", "--period", last, "-o", "m.pdf")
    assert code == 0 and (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF"), err
    code, _, err = cli(capsys, "report", "--area", "21.71.05", "--period", last, "-o", "a.pdf")
    assert code == 0 and (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = cli(capsys, "schedule", "MWR01", "tanggal 13")
    assert code == 0 and "hari buka set to tanggal 13" in out
    code, out, err = cli(
        capsys, "reminders", "preview", "--area", "21.71.05",
        "--from", "2027-01-01", "--to", "2027-01-31",
    )
    assert code == 0 and "MWR01 Mawar (hari buka 2027-01-13)" in out
    code, out, _ = cli(capsys, "invite", "--posyandu", "MWR01", "--role", "kader")
    assert code == 0 and len(out.strip()) == 8


def test_import_areas_and_posyandu_twice(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    areas, posyandu = write(tmp_path, "a.csv", AREAS), write(tmp_path, "p.csv", POSYANDU)
    assert cli(capsys, "import", "areas", areas)[2] == "areas: 5 added, 0 updated, 0 unchanged\n"
    assert cli(capsys, "import", "areas", areas)[2] == "areas: 0 added, 0 updated, 5 unchanged\n"
    assert cli(capsys, "import", "posyandu", posyandu)[2] == (
        "posyandu: 3 added, 0 updated, 0 unchanged\n"
    )
    bad = write(tmp_path, "bad.csv", AREAS + "21.72,Bintan,kota,99\n")
    code, _, err = cli(capsys, "import", "areas", bad)
    assert code == 2 and "unknown parent area 99" in err


def test_export_import_round_trip_and_the_same_export_from_sqlite(
    capsys: pytest.CaptureFixture[str],
    url: str,
    tmp_path: Path,
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_db(url, with_reports=True)
    code, exported, _ = cli(capsys, "export")
    assert code == 0 and exported.count("\n") == 1 + len(_history())
    register = write(tmp_path, "register.csv", exported)
    # Into a second database on the server, and into an SQLite file: the same export back.
    for target in (postgres_server.create_database(), str(tmp_path / "copy.db")):
        make_db(target, with_reports=False)
        monkeypatch.setenv("POSYANDU_DB", target)
        code, _, err = cli(capsys, "import", "reports", register, "--operator", "budi")
        assert code == 0, err
        assert err.strip() == f"reports: {len(_history())} added, 0 updated, 0 unchanged"
        code, again, _ = cli(capsys, "export")
        assert code == 0 and again == exported
        code, _, err = cli(capsys, "import", "reports", register)
        assert err.strip() == f"reports: 0 added, 0 updated, {len(_history())} unchanged"


def test_run_without_credentials_is_the_console_demo(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    code, out, err = cli(capsys, "run", stdin="BANTUAN\n")
    assert code == 0 and "Bu Sari" in err and "LAPOR" in out


@pytest.mark.slow
async def test_run_serves_telegram_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """``posyandu run`` as its own process on the URL: a kader joins and is answered; the
    log names the server without its password; SIGTERM stops it cleanly."""
    seeded = await seed(postgres_url)
    fake = FakeTelegram(TOKEN)
    port = free_port()
    env = {
        "PUBLIC_BASE_URL": "https://posyandu.example.test",
        "OUTBOX_POLL_SECONDS": "0.1",
        "LOG_LEVEL": "DEBUG",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    log = tmp_path / "service.log"
    async with serve(fake.app) as api:
        with log.open("ab") as stderr:
            proc = await start_posyandu(
                postgres_url, port, env | {"TELEGRAM_API_BASE_URL": f"{api}/bot"},
                folder=tmp_path, stderr=stderr,
            )
        try:
            async with httpx.AsyncClient() as client:
                r = await client.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=fake.text_update(7001, f"DAFTAR {seeded.kader_code} Bu Ani"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert r.status_code == 200
                health = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
            await wait_for(lambda: bool(fake.sent("sendMessage", chat_id=7001)))
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
    assert code == 0
    assert health["database"] == "ok"
    text = log.read_text("utf-8", "replace")
    assert '"event": "service.started"' in text
    scan_log_text("posyandu run on PostgreSQL", text)
    assert (await _outbox(postgres_url))[Status.SENT] >= 1
