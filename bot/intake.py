"""The one intake pipeline: every channel's intake (the Telegram webhook and polling, the
WhatsApp webhook, the console) hands each message it normalised to :meth:`Intake.receive`.

The engine records the channel's message id in the step's transaction (a redelivery does
nothing) and wakes the dispatcher when it queued replies. When it could record nothing, not
even an apology (the database stayed locked past its busy timeout, or is gone), the message
is refused with :class:`NotRecordedError`: a webhook answers 503 and polling keeps its
offset, so the channel delivers it again instead of it being lost.
"""

from __future__ import annotations

from conversations.engine import Engine
from conversations.inbound import Inbound

__all__ = ["Intake", "NotRecordedError"]


class NotRecordedError(RuntimeError):
    """Nothing of the message was recorded: the channel must deliver it again."""


class Intake:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def receive(self, inbound: Inbound) -> None:
        """Handle one message; returns once it is recorded (committed)."""
        result = await self.engine.handle(inbound)
        if result.busy or (result.failed and not result.replies):
            raise NotRecordedError("message not recorded; the channel will deliver it again")
