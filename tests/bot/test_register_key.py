"""Where the child register's key comes from (bot.register): REGISTER_KEY, checked when the
settings load and against the database at start; unset, the register is off but for the
demo's key file beside its database."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.register import (
    KEY_FILE,
    RegisterKeyProblem,
    check_register_key,
    open_register,
    register_cipher,
)
from bot.settings import Settings, SettingsError
from storage import Database
from storage.cipher import new_key
from tests.storage.helpers import seed_world

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, posyandu_db=tmp_path / "data" / "p.db", **values)  # type: ignore[call-arg]


def test_without_a_key_the_register_is_off(tmp_path: Path) -> None:
    assert register_cipher(_settings(tmp_path)) is None
    assert not (tmp_path / "data" / KEY_FILE).exists()


def test_the_demo_keeps_a_key_file_beside_its_database(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = register_cipher(settings, demo=True)
    path = tmp_path / "data" / KEY_FILE
    assert first is not None and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = register_cipher(settings, demo=True)
    assert again is not None
    assert again.decrypt(first.encrypt("Andi", "name_enc"), "name_enc") == "Andi"


def test_the_demo_on_a_server_keeps_no_file(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, posyandu_db="postgresql://u@127.0.0.1:5432/x")  # type: ignore[call-arg]
    assert register_cipher(settings, demo=True) is None


def test_a_broken_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "data" / KEY_FILE
    path.parent.mkdir()
    path.write_text("short\n")
    with pytest.raises(RegisterKeyProblem, match=r"register key file .*register\.key: must be 32"):
        register_cipher(_settings(tmp_path), demo=True)


def test_the_setting_is_the_key_even_in_the_demo(tmp_path: Path) -> None:
    key = new_key()
    given = register_cipher(_settings(tmp_path, register_key=key), demo=True)
    assert given is not None and not (tmp_path / "data" / KEY_FILE).exists()
    assert "Siti" not in given.encrypt("Siti", "name_enc")


@pytest.mark.parametrize(
    "bad",
    ["tooshort-but-sixteen-chars", "x" * 44, "a key cut short"],
    ids=["short", "not-base64", "cut"],
)
def test_a_key_that_cannot_work_stops_the_settings_in_one_line(tmp_path: Path, bad: str) -> None:
    if bad == "a key cut short":
        bad = new_key()[:-4]  # made here: a random parameter would differ between xdist workers
    with pytest.raises(SettingsError) as raised:
        _settings(tmp_path, register_key=bad)
    message = str(raised.value)
    assert "REGISTER_KEY" in message and "32 random bytes" in message
    assert bad not in message


async def test_another_key_than_the_databases_stops_the_start(tmp_path: Path) -> None:
    first = register_cipher(_settings(tmp_path, register_key=new_key()))
    other = register_cipher(_settings(tmp_path, register_key=new_key()))
    assert first is not None and other is not None
    async with await Database.open(tmp_path / "data" / "p.db") as db:
        await check_register_key(db, first, AT)
        await check_register_key(db, first, AT)
        with pytest.raises(RegisterKeyProblem, match="REGISTER_KEY is not the key this database"):
            await check_register_key(db, other, AT)


async def test_the_console_on_a_demo_database_gets_the_demo_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    async with await Database.open(tmp_path / "data" / "p.db") as db:
        assert await open_register(settings, db, AT, console=False) is None
        assert await open_register(settings, db, AT, console=True) is not None
    assert (tmp_path / "data" / KEY_FILE).exists()


async def test_the_console_on_real_data_has_the_register_off(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    async with await Database.open(tmp_path / "data" / "p.db") as db:
        await seed_world(db)  # not the demo's areas
        assert await open_register(settings, db, AT, console=True) is None
        given = _settings(tmp_path, register_key=new_key())
        assert await open_register(given, db, AT, console=True) is not None
    assert not (tmp_path / "data" / KEY_FILE).exists()
