"""What the service's parts raise when they cannot start."""

from __future__ import annotations

__all__ = ["StartError"]


class StartError(RuntimeError):
    """Something the service needs could not be started (the Bot API unreachable, the HTTP
    port in use ...). The message is the operator's one line: it names what and why."""
