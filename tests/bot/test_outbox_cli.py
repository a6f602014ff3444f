"""``posyandu outbox``: pending and failed messages listed, a failed one requeued, on a real
SQLite file through the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage import Database
from storage import outbox as ob
from storage.messages import Outgoing, Text

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PHONE = "whatsapp:+6281234567890"


async def _seed(path: Path) -> dict[str, int]:
    text = Text("halo")
    async with await Database.open(path) as db, db.transaction() as tx:
        pending = await ob.append(tx, Outgoing("telegram", "4242", text, "k1"), AT)
        failed = await ob.append(tx, Outgoing("whatsapp", PHONE, text, "k2"), AT)
        sent = await ob.append(tx, Outgoing("telegram", "4243", text, "k3"), AT)
        assert pending and failed and sent
        await ob.mark_failed(tx, failed, "unreachable: 63016 outside the window", AT, "63016")
        await ob.mark_sent(tx, sent, AT, "m1")
    return {"pending": pending, "failed": failed, "sent": sent}


async def _row(path: Path, row_id: int) -> ob.OutboxRow:
    async with await Database.open(path) as db, db.read() as conn:
        row = await ob.get(conn, row_id)
    assert row is not None
    return row


@pytest.fixture
def ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    path = tmp_path / "outbox.db"
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("POSYANDU_DB", str(path))
    return asyncio.run(_seed(path))


def lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_lists_pending(ids: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox"]) == 0
    out, err = capsys.readouterr()
    [row] = lines(out)
    assert row[:5] == [str(ids["pending"]), "pending", "telegram", "4242", "attempts=0"]
    assert "pending 1" in err and "failed 1" in err and "sent 1" in err


def test_lists_failed_with_the_error(
    ids: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outbox", "--failed"]) == 0
    out, _ = capsys.readouterr()
    [row] = lines(out)
    assert row[:3] == [str(ids["failed"]), "failed", "whatsapp"]
    assert "+6281234567890" not in out  # the number is masked
    assert "code=63016" in row[4] and "outside the window" in row[5]


def test_retry_requeues_a_failed_message(
    ids: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outbox", "--retry", str(ids["failed"])]) == 0
    out, _ = capsys.readouterr()
    assert out.strip() == f"message {ids['failed']} requeued"
    row = asyncio.run(_row(tmp_path / "outbox.db", ids["failed"]))
    assert (row.status, row.attempts) == (ob.Status.PENDING, 0)
    assert main(["outbox"]) == 0
    out, _ = capsys.readouterr()
    assert [r[0] for r in lines(out)] == [str(ids["pending"]), str(ids["failed"])]
    assert main(["outbox", "--failed"]) == 0
    assert capsys.readouterr().out == ""


def test_retry_of_an_unknown_or_sent_message_exits_2(
    ids: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outbox", "--retry", "99999"]) == 2
    _, err = capsys.readouterr()
    assert "no unsent message with id 99999" in err
    assert main(["outbox", "--retry", str(ids["sent"])]) == 2
    row = asyncio.run(_row(tmp_path / "outbox.db", ids["sent"]))
    assert row.status is ob.Status.SENT  # not sent again


def test_failed_and_retry_together_are_refused(ids: dict[str, int]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["outbox", "--failed", "--retry", str(ids["failed"])])
    assert exc.value.code == 2


async def _overtaken(path: Path) -> tuple[int, int]:
    """A question queued, then the next step's reply to the same chat superseding it."""
    async with await Database.open(path) as db, db.transaction() as tx:
        old = await ob.append(tx, Outgoing("telegram", "4244", Text("K?"), "q1", True), AT)
        new = await ob.append(tx, Outgoing("telegram", "4244", Text("D?"), "q2", True), AT)
        assert old and new
        assert await ob.supersede(tx, "telegram", "4244", "q2", AT) == 1
    return old, new


def test_lists_superseded_and_refuses_to_requeue_them(
    ids: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = asyncio.run(_overtaken(tmp_path / "outbox.db"))
    assert main(["outbox", "--superseded"]) == 0
    out, err = capsys.readouterr()
    [row] = lines(out)
    assert row[:3] == [str(old), "superseded", "telegram"]
    assert row[-1] == f"superseded by {new}: not sent"
    assert "superseded 1" in err
    assert main(["outbox", "--retry", str(old)]) == 2
    _, err = capsys.readouterr()
    assert f"message {old} was superseded by message {new}" in err and "never sent" in err
    row_after = asyncio.run(_row(tmp_path / "outbox.db", old))
    assert row_after.status is ob.Status.SUPERSEDED
    assert main(["outbox"]) == 0  # the pending list: not among them
    out, _ = capsys.readouterr()
    assert str(old) not in [r[0] for r in lines(out)]
