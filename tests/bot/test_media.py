"""Media tokens: round trip, expiry, forgery, tampering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.media import issue_token, read_token

KEY = b"k" * 32
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_round_trip_until_expiry() -> None:
    token = issue_token(
        "monthly_report", {"posyandu_id": 7, "period": "2026-11"}, NOW + timedelta(hours=24), KEY
    )
    grant = read_token(token, NOW, KEY)
    assert grant is not None
    assert grant.kind == "monthly_report"
    assert grant.params == {"posyandu_id": 7, "period": "2026-11"}
    assert read_token(token, NOW + timedelta(hours=24), KEY) is None


def test_other_key_or_changed_character_fails() -> None:
    token = issue_token("area_summary", {"area_id": 1}, NOW + timedelta(hours=1), KEY)
    assert read_token(token, NOW, b"x" * 32) is None
    for i in range(len(token)):
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert read_token(changed, NOW, KEY) is None


@given(st.text(max_size=300))
def test_garbage_is_refused(text: str) -> None:
    assert read_token(text, NOW, KEY) is None
