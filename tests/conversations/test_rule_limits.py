"""The soft rules' limits reach the chat through the context's ScoringSettings (from the
bot's settings: DENOMINATOR_CHANGE_LIMIT, REPORT_MONTHS_BACK), never from the environment."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings import load_settings
from conversations import Context, Text
from scoring import DEFAULT_SETTINGS, ScoringSettings
from tests.conversations.world import World


@dataclass
class ScoredWorld(World):
    """The demo world, with the scoring settings the bot would pass to the engine."""

    scoring: ScoringSettings = DEFAULT_SETTINGS

    def context(self, address: str, text: str) -> Context:
        return dataclasses.replace(super().context(address, text), scoring=self.scoring)


def reply_to_s(scoring: ScoringSettings, s: str) -> str:
    world = ScoredWorld.demo()
    assert isinstance(world, ScoredWorld)
    world.scoring = scoring
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")  # kader; S last month was 48
    replies = world.send("kader", s).replies
    return "\n".join(r.body for r in replies if isinstance(r, Text))


@pytest.mark.parametrize(
    ("limit", "s", "asked"),
    [(0.20, "57", False), (0.20, "70", True), (0.50, "70", False), (0.50, "73", True)],
)
def test_denominator_change_limit_from_the_context(limit: float, s: str, asked: bool) -> None:
    reply = reply_to_s(ScoringSettings(denominator_change_limit=limit), s)
    if asked:
        assert f"berubah lebih dari {limit * 100:g}%" in reply and "YA" in reply
    else:
        assert "berubah" not in reply and "(3/14)" in reply


def test_the_bot_settings_feed_the_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("DENOMINATOR_CHANGE_LIMIT", "0.5")
    monkeypatch.setenv("REPORT_MONTHS_BACK", "4")
    scoring = load_settings().scoring()
    assert (scoring.denominator_change_limit, scoring.max_months_back) == (0.5, 4)
    assert "(3/14)" in reply_to_s(scoring, "70")
