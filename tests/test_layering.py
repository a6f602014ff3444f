"""The layering of architecture.md, checked on the source: imports point one way only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scoring", "storage", "conversations", "scheduler", "bot")

#: What each package may import of ours (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    "scoring": set(),
    "storage": {"scoring"},
    "conversations": {"storage", "scoring"},
    "scheduler": {"storage", "scoring"},
    "bot": {"conversations", "scheduler", "storage", "scoring"},
}

#: Libraries of the outside world that only ``bot`` may touch.
OUTSIDE = ("telegram", "twilio", "fpdf", "starlette", "uvicorn", "httpx", "jinja2", "selenium")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_point_one_way(package: str) -> None:
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        imported = _imports(path)
        ours = (imported & set(PACKAGES)) - {package}
        bad = ours - ALLOWED[package]
        if package != "bot":
            bad |= {name for name in imported if name in OUTSIDE}
        if bad:
            offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offences == []


def test_scoring_does_no_io_and_reads_no_clock() -> None:
    forbidden = {"os", "io", "sqlite3", "aiosqlite", "asyncio", "time", "socket", "pathlib"}
    for path in sorted((ROOT / "scoring").rglob("*.py")):
        imported = _imports(path)
        assert not imported & forbidden, f"{path.name} imports {imported & forbidden}"
        text = path.read_text("utf-8")
        assert "datetime.now(" not in text and "date.today(" not in text, path.name
