"""POSYANDU_DB: a file path (SQLite) or a postgresql:// URL; anything else is refused in one
line, and a server's password is shown nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands.run import secrets_of
from bot.settings import SettingsError, load_settings
from storage import Database, DatabaseError
from tests.postgres import PostgresServer

PASSWORD = "pw-not-in-any-message-1234"


def _load(value: str, tmp_path: Path) -> object:
    return load_settings(_env_file=tmp_path / "none.env", posyandu_db=value).posyandu_db


def test_a_path_is_an_sqlite_file(tmp_path: Path) -> None:
    assert _load("./data/posyandu.db", tmp_path) == Path("data/posyandu.db")


def test_a_postgresql_url_is_a_server(tmp_path: Path) -> None:
    url = f"postgresql://bot:{PASSWORD}@db.example:5432/posyandu"
    settings = load_settings(_env_file=tmp_path / "none.env", posyandu_db=url)
    assert settings.database_is_server
    assert PASSWORD not in settings.database_name
    assert settings.database_name == "postgresql://bot:***@db.example:5432/posyandu"
    assert PASSWORD in secrets_of(settings)  # masked in the logs


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("mysql://u:p@h/db", "mysql: is not supported"),
        ("postgresql:/h/db", "postgresql: is not supported"),
        ("postgresql://u:p@h:5432/", "names its server and database"),
    ],
)
def test_other_urls_are_refused_in_one_line(tmp_path: Path, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(value, tmp_path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and lines[1].strip().startswith("POSYANDU_DB: ") and words in lines[1]
    assert "p@h" not in str(caught.value)


async def test_an_unreachable_server_is_one_line_without_its_password(
    postgres_server: PostgresServer,
) -> None:
    url = f"postgresql://posyandu:{PASSWORD}@127.0.0.1:1/posyandu"
    with pytest.raises(DatabaseError) as caught:
        await Database.open(url)
    message = str(caught.value)
    assert "cannot connect" in message and PASSWORD not in message and "***" in message
    assert len(message.splitlines()) == 1
