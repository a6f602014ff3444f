"""SIGKILL in the middle of a stream of writes: the file opens, passes integrity_check and
holds every report and revision whose commit was reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from storage import Database
from storage.outbox import get
from storage.reports import revisions

ROOT = Path(__file__).resolve().parents[2]
COMMITS_BEFORE_KILL = 400


def run_and_kill(path: Path) -> list[tuple[int, int, int]]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed: list[tuple[int, int, int]] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            report_id, revision, i = (int(x) for x in line.split())
            committed.append((report_id, revision, i))
            if len(committed) == COMMITS_BEFORE_KILL:
                os.kill(child.pid, signal.SIGKILL)  # mid-stream: it is writing the next one
                break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    return committed


async def test_sigkill_loses_no_committed_write(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    committed = run_and_kill(path)
    assert len(committed) == COMMITS_BEFORE_KILL
    db = await Database.open(path)
    try:
        async with db.read() as conn:
            check = list(await conn.execute_fetchall("PRAGMA integrity_check"))
            assert [r[0] for r in check] == ["ok"]
            for report_id, revision, _i in committed:
                history = await revisions(conn, report_id)
                assert len(history) >= revision
                assert [r.revision for r in history[:revision]] == list(range(1, revision + 1))
            # The reply of each committed write is there too (outbox ids start at 1).
            for _report_id, _revision, i in committed:
                row = await get(conn, i + 1)
                assert row is not None and row.dedupe_key == f"crash-{i}"
    finally:
        await db.close()
