"""``posyandu chat --as-kader --jsonl``: the real command in its own process, fed one line at a
time; each line read gives exactly one JSON line on stdout, with what the bot now waits for and
the report so far."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.demo import POSYANDU as DEMO_POSYANDU
from scoring.fields import QUESTION_FIELDS
from tests.clock import Day, cli

ROOT = Path(__file__).resolve().parents[2]
CLEARED = ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL")
#: The first three questions of the default deployment (the optional services it leaves off,
#: like ``cara``, are not asked).
FIRST, SECOND, THIRD = [f.id for f in QUESTION_FIELDS if not f.service][:3]

pytestmark = pytest.mark.slow


class Chat:
    def __init__(self, where: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env |= {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "POSYANDU_DB": str(where / "posyandu.db"),
            "OUT_DIR": str(where / "out"),
            "MEDIA_DIR": str(where / "media"),
        }
        self.proc = subprocess.Popen(
            cli("chat", "--as-kader", "--jsonl"),
            cwd=where,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def say(self, line: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self.proc.stdout.readline())
        assert answer["in"] == line
        assert answer["replies"], answer
        for reply in answer["replies"]:
            assert set(reply) == {"text", "choices", "document"}
            assert reply["text"] and reply["document"] is None
        return answer

    def close(self) -> tuple[int, str]:
        out, _ = self.proc.communicate(timeout=30)
        return self.proc.returncode, out


#: Mawar, the demo kader's posyandu, opens on the 12th.
MAWAR_HARI_BUKA = 12


@pytest.mark.hari_buka(MAWAR_HARI_BUKA)
def test_a_guided_report_line_by_line(tmp_path: Path, today: Day) -> None:
    assert DEMO_POSYANDU[0][:3] == ("MWR01", "Mawar", f"tanggal {MAWAR_HARI_BUKA}")
    chat = Chat(tmp_path)
    try:
        first = chat.say("LAPOR")
        # The demo holds the twelve months before this one: LAPOR is about this month, and
        # before hari buka the kader is asked first whether to report already.
        if today.before_hari_buka(MAWAR_HARI_BUKA):
            assert first["awaiting"] == "yes_no"
            assert f"baru tanggal {MAWAR_HARI_BUKA}" in first["replies"][-1]["text"]
            first = chat.say("YA")
        # Last month's head counts first, all at once ("still the same?"); TIDAK: one by one.
        assert first["awaiting"] == "same"
        assert first["replies"][-1]["choices"] == ["YA", "TIDAK"]
        first = chat.say("TIDAK")
        assert first["awaiting"] == f"field:{FIRST}"
        assert first["draft"] == {"buka": True}

        second = chat.say("6")
        assert second["awaiting"] == f"field:{SECOND}"
        assert second["draft"] == {"buka": True, FIRST: 6}

        third = chat.say("=")  # the same as last month: offered, so no warning
        assert third["awaiting"] == f"field:{THIRD}"
        assert third["draft"].keys() == {"buka", FIRST, SECOND}
        assert isinstance(third["draft"][SECOND], int)

        refused = chat.say("banyak")
        assert refused["awaiting"] == f"field:{THIRD}"
        assert refused["draft"] == third["draft"]

        cancelled = chat.say("BATAL")
        assert cancelled["awaiting"] is None
        assert cancelled["draft"] == {}
    finally:
        code, rest = chat.close()
    assert code == 0
    assert rest == ""  # nothing else on stdout
