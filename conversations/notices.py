"""What two kader are told when both saved the same month at once. Pure."""

from __future__ import annotations

from datetime import datetime, tzinfo

from conversations.catalogue import say
from conversations.format import moment
from conversations.periods import format_period
from conversations.replies import Text
from scoring import Period

__all__ = ["conflict_for_other", "conflict_for_sender"]


def conflict_for_sender(
    period: Period, other: str, other_at: datetime, revision: int, tz: tzinfo, now: datetime
) -> Text:
    """To the one whose save came second: the other's report is kept as an older revision."""
    return Text(
        say(
            "conflict.you",
            other=other or say("conflict.someone"),
            period=format_period(period),
            when=moment(other_at, tz, now),
            revision=revision,
        )
    )


def conflict_for_other(period: Period, name: str, revision: int, tz: tzinfo, now: datetime) -> Text:
    """To the one whose save came first: their report was replaced by a newer revision."""
    return Text(
        say(
            "conflict.other",
            period=format_period(period),
            name=name,
            when=moment(now, tz, now),
            revision=revision,
        )
    )
