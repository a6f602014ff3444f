"""Keeping a conversation's :class:`~conversations.session.Session` in storage between
messages, and how long storage may keep it."""

from __future__ import annotations

from datetime import datetime, tzinfo

from conversations.inbound import Inbound
from conversations.model import Limits
from conversations.session import Session, session_to_json
from storage import Connection
from storage import sessions as sessions_db
from storage.cipher import RegisterCipher

__all__ = ["save_session", "session_expiry"]

_SESSION_FLOW = "chat"


def session_expiry(session: Session, limits: Limits, now: datetime, tz: tzinfo) -> datetime:
    """When storage may drop the session: for a half-done report, not before the step
    would (idle ``draft_expiry`` and the month's reporting window over), plus
    ``session_expiry`` so the kader can still be told it was dropped."""
    if session.draft is None:
        return now + limits.session_expiry
    closes = session.draft.period.shift(limits.months_back + 1)
    window_end = datetime(closes.year, closes.month, 1, tzinfo=tz)
    keep = max(limits.draft_expiry, limits.session_expiry)
    return max(now + keep, window_end) + limits.session_expiry


async def save_session(
    tx: Connection,
    msg: Inbound,
    session: Session,
    stored: sessions_db.StoredSession | None,
    limits: Limits,
    now: datetime,
    tz: tzinfo,
    register: RegisterCipher | None = None,
) -> None:
    """Save the address's session (delete it when nothing is left in it); ``register``
    seals a child's names pending in ANAK BARU."""
    session = session.touch(now)
    if session.empty:
        if stored is not None:
            await sessions_db.delete_session(tx, msg.channel, msg.address)
        return
    stage = session.draft.stage.value if session.draft else type(session.awaiting).__name__
    await sessions_db.save_session(
        tx,
        sessions_db.StoredSession(
            channel=msg.channel,
            address=msg.address,
            flow=_SESSION_FLOW,
            step=stage,
            answers={"session": session_to_json(session, register)},
            started_at=stored.started_at if stored else now,
            updated_at=now,
            expires_at=session_expiry(session, limits, now, tz),
        ),
    )
