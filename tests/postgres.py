"""A real PostgreSQL server for the tests and benchmarks, started in a temporary folder.

:func:`start` runs Debian's ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/<version>/bin``,
the newest there, else ``pg_config --bindir``, else PATH) on a free loopback port; the
server's files live in the folder given and go with it. PostgreSQL refuses to run as root:
run as root (CI), the server runs as the ``postgres`` user that Debian's package creates,
owning its folder. ``make test`` installs the package when the binaries are missing.

Nothing here skips: a server that cannot be started raises :class:`PostgresUnavailable`
with the reason, and the tests that need it fail saying so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

__all__ = ["PostgresServer", "PostgresUnavailable", "bin_dir", "start"]

SUPERUSER = "posyandu"
_UNPRIVILEGED = "postgres"
_DEBIAN = Path("/usr/lib/postgresql")


class PostgresUnavailable(RuntimeError):
    """No test server: the message says why and what to install."""


def bin_dir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl``."""
    if _DEBIAN.is_dir():
        versions = sorted(
            (p for p in _DEBIAN.iterdir() if (p / "bin" / "initdb").exists()),
            key=lambda p: int(p.name) if p.name.isdigit() else 0,
        )
        if versions:
            return versions[-1] / "bin"
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        folder = Path(found.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's package "
        "(apt-get install postgresql; make test does it when run as root)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server: ``url(name)`` for one of its databases, ``create_database()`` for a
    new empty one, ``stop()`` to end it and remove its folder."""

    folder: Path
    port: int
    bin: Path
    user: str | None
    #: The server's options (``pg_ctl -o``), set when it first starts.
    options: str = ""
    _names: count[int] = field(default_factory=lambda: count(1))

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        auth = SUPERUSER if password is None else f"{SUPERUSER}:{password}"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database,
             "-c", sql]
        )

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}{next(self._names)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def halt(self) -> None:
        """Stop the server, keeping its folder (:meth:`resume` starts it again): the
        database server lost, as an instance sees it."""
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                   "-w", "stop"])

    def resume(self) -> None:
        """Start a halted server again, on the same port with the same options."""
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                   str(self.folder / "server.log"), "-o", self.options, "-w", "-t", "60",
                   "start"])

    def stop(self) -> None:
        """Stop the server (if it runs) and remove its folder."""
        if (self.folder / "data" / "postmaster.pid").exists():
            self._run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                       "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, args: Sequence[str], check: bool = True) -> str:
        done = subprocess.run(args, capture_output=True, text=True, user=self.user,
                              cwd=self.folder, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
        if check and done.returncode != 0:
            raise PostgresUnavailable(
                f"{Path(args[0]).name} failed ({done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-800:]}"
            )
        return done.stdout


def _owner() -> str | None:
    """The user to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_UNPRIVILEGED)
    except KeyError:
        raise PostgresUnavailable(
            "running as root and there is no 'postgres' user to run the test server as "
            "(PostgreSQL refuses root): install Debian's postgresql package"
        ) from None
    return _UNPRIVILEGED


def start(settings: Sequence[str] = ("fsync=off",)) -> PostgresServer:
    """initdb in a new temporary folder and start the server on a free loopback port;
    ``stop()`` ends it and removes the folder. ``settings`` are server options
    (``name=value``); the tests turn fsync off (nothing survives them)."""
    binaries = bin_dir()
    user = _owner()
    # Directly under the temporary folder: the server's user must reach it (pytest's own
    # temporary folders are private to the user running the tests).
    folder = Path(tempfile.mkdtemp(prefix="posyandu-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)
    server = PostgresServer(folder, _free_port(), binaries, user)
    try:
        _init_and_start(server, settings)
    except BaseException:
        server.stop()
        raise
    return server


def _init_and_start(server: PostgresServer, settings: Sequence[str]) -> None:
    folder, binaries = server.folder, server.bin
    server._run([str(binaries / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER,
                 "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
    server.options = " ".join(
        [f"-p {server.port}", "-c listen_addresses=127.0.0.1", f"-k {folder}",
         *(f"-c {s}" for s in settings)]
    )
    server.resume()
