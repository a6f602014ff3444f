"""The README's ``posyandu import reports`` example, run as written: its CSV saved under the
name its command gives, each command line run in a new folder, the output it shows compared."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.clock import cli

README = Path(__file__).resolve().parents[2] / "README.md"
ROOT = README.parent


def _example() -> tuple[str, list[str]]:
    """The CSV block and the shell block of the import reports section."""
    text = README.read_text("utf-8").split("### `posyandu import reports`", 1)[1]
    csv = text.split("```csv\n", 1)[1].split("```", 1)[0]
    sh = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return csv, sh.splitlines()


@pytest.mark.slow
def test_the_import_example_runs_as_written(tmp_path: Path) -> None:
    csv, lines = _example()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "POSYANDU_DB": str(tmp_path / "posyandu.db"),
        "OUT_DIR": str(tmp_path / "out"),
    }
    last = ""
    ran = 0
    for line in lines:
        if line.startswith("# "):
            assert last.strip() == line[2:], (line, last)
            continue
        command = line.split("#", 1)[0].replace("> /dev/null", "")
        argv = shlex.split(command)
        assert argv[0] == ".venv/bin/posyandu", line
        for arg in argv:
            if arg.endswith(".csv"):
                (tmp_path / arg).write_text(csv, encoding="utf-8")
        done = subprocess.run(
            cli(*argv[1:]), cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (line, done.stderr)
        last, ran = done.stderr, ran + 1
    assert ran == 2
