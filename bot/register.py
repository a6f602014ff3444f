"""Where the child register's key comes from (docs/privacy.md, "The key").

REGISTER_KEY, when set, is the key. Unset, the register is off (:func:`register_cipher`
gives None, and its commands say the register is not set up), because a key kept in the same
database would defeat the point: a stolen database must show no name. The one exception is
the demo on an SQLite file (the console of ``posyandu run``, ``posyandu demo``): it keeps a
key file, ``register.key``, beside the database in the data folder, made once (owner-only) and
read on every start; a demo's names are made up. Only a database that holds nothing but the
demo gets one: a console opened on a database with real data has the register off.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from bot.errors import StartError
from bot.settings import Settings
from storage.children import check_key
from storage.cipher import RegisterCipher, RegisterKeyError, key_problem, new_key
from storage.db import Database
from storage.errors import DatabaseError

__all__ = [
    "KEY_FILE",
    "NOT_SET_UP",
    "RegisterKeyProblem",
    "check_register_key",
    "demo_key_file",
    "open_register",
    "register_cipher",
]

#: The demo's key file, beside its SQLite database.
KEY_FILE = "register.key"
#: The operator's line when the register is used without a key.
NOT_SET_UP = (
    "the child register is not set up: set REGISTER_KEY (docs/privacy.md says how to make "
    "one and where to keep it)"
)


class RegisterKeyProblem(StartError):
    """The register's key cannot work (one line, naming the setting or the file): the
    service does not start."""


def demo_key_file(settings: Settings) -> Path | None:
    """The demo's key file beside the SQLite database; None for a server (no demo there)."""
    if settings.database_is_server:
        return None
    return settings.database_file().parent / KEY_FILE


def _from_file(path: Path) -> RegisterCipher:
    """The key kept in ``path``, made first when there is none (readable by its owner only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(new_key() + "\n")
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterKeyProblem(f"cannot read the register key file {path}: {exc}") from None
    if (problem := key_problem(text)) is not None:
        raise RegisterKeyProblem(f"the register key file {path}: {problem}")
    return RegisterCipher(text)


def register_cipher(settings: Settings, *, demo: bool = False) -> RegisterCipher | None:
    """The register's cipher: REGISTER_KEY's; unset, the demo's key file (``demo``: the
    console or ``posyandu demo`` on an SQLite file), else None (the register is off)."""
    key = settings.register_key
    if key is not None:
        return RegisterCipher(key.get_secret_value())  # checked when the settings loaded
    path = demo_key_file(settings) if demo else None
    return _from_file(path) if path is not None else None


async def check_register_key(db: Database, cipher: RegisterCipher, at: datetime) -> None:
    """At start: the key is the one this database's register was written with (the first
    key used is remembered by a value only it opens); else :class:`RegisterKeyProblem`."""
    try:
        async with db.transaction() as tx:
            await check_key(tx, cipher, at)
    except RegisterKeyError:
        raise RegisterKeyProblem(
            "REGISTER_KEY is not the key this database's child register was written with: "
            "give that key (a new key cannot read the names already stored)"
        ) from None


async def _demo_only(settings: Settings) -> bool:
    """Whether the SQLite database holds nothing but the demo (or nothing)."""
    from bot.demo import NotDemoDatabase, check_demo_database

    if settings.database_is_server:
        return False
    try:
        await check_demo_database(settings.database_file())
    except (NotDemoDatabase, DatabaseError):
        return False
    return True


async def open_register(
    settings: Settings, db: Database, at: datetime, *, console: bool
) -> RegisterCipher | None:
    """The service's register at start: REGISTER_KEY's cipher checked against ``db``; with
    none, on the console of a database holding only the demo, the demo's key file; else None
    (the register is off). :class:`RegisterKeyProblem` when the key cannot work."""
    demo = console and settings.register_key is None and await _demo_only(settings)
    cipher = register_cipher(settings, demo=demo)
    if cipher is not None:
        await check_register_key(db, cipher, at)
    return cipher
