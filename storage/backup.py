"""Online backup: a consistent copy of the live database with SQLite's backup API.

The source is opened read-only (WAL readers never block the service's writer, and the
service never blocks the copy). The copy is written next to the target as a hidden
``.part`` file, switched to a self-contained rollback-journal file, checked with
``PRAGMA quick_check``, flushed to disk and only then renamed over the target, so a
target file is always either the previous backup or a complete new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.errors import DatabaseError

__all__ = ["BackupResult", "backup_file"]


@dataclass(frozen=True, slots=True)
class BackupResult:
    target: Path
    size_bytes: int
    schema_version: int


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _backup(source: Path, target: Path, busy_timeout_ms: int) -> BackupResult:
    if not source.is_file():
        raise DatabaseError(f"no database at {source}")
    src_real = source.resolve()
    if target.resolve() in {src_real, *(Path(f"{src_real}{s}") for s in ("-wal", "-shm"))}:
        raise ValueError(f"the backup file {target} is the database itself")
    if target.is_dir():
        raise ValueError(f"{target} is a folder; give a file name for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    part.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(
            src_real.as_uri() + "?mode=ro", uri=True, timeout=busy_timeout_ms / 1000
        )
        try:
            dst = sqlite3.connect(part, isolation_level=None)
            try:
                src.backup(dst)  # one step: a single consistent snapshot of the source
                dst.execute("PRAGMA journal_mode = DELETE")
                check = dst.execute("PRAGMA quick_check").fetchone()
                if check is None or check[0] != "ok":
                    raise DatabaseError(f"the copy failed its integrity check: {check}")
                version = int(dst.execute("PRAGMA user_version").fetchone()[0])
            finally:
                dst.close()
        finally:
            src.close()
        with part.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        part.unlink(missing_ok=True)
        raise DatabaseError(f"backup of {source} failed: {exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupResult(target, target.stat().st_size, version)


async def backup_file(
    source: Path | str, target: Path | str, *, busy_timeout_ms: int = 5000
) -> BackupResult:
    """Copy the database at ``source`` to ``target`` (replacing it) while it is in use.

    ``DatabaseError`` when the source is missing or the copy fails; ``ValueError`` for a
    target that is the database itself or a folder."""
    return await asyncio.to_thread(_backup, Path(source), Path(target), busy_timeout_ms)
