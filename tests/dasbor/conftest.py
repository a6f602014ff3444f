"""Where the dasbor tests keep their data: each runs on an SQLite file and on a fresh database
of the PostgreSQL test server (tests/conftest.py), with the same assertions (the PostgreSQL
runs are slow: tests/fast_layer.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fast_layer import ENGINES


@dataclass(frozen=True)
class Store:
    #: What the service is given as POSYANDU_DB: a file path or a URL.
    target: Path | str
    #: For the service's files (media, out).
    folder: Path


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def store(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if engine == "postgres":
        return Store(request.getfixturevalue("postgres_url"), tmp_path)
    return Store(tmp_path / "dasbor.db", tmp_path)
