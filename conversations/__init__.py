"""Channel-agnostic dialogue: an inbound message in, replies (as data) out.

The dialogue itself is pure (:func:`step`, :func:`plan`, parsers, flows, the catalogue); the
thin async :mod:`conversations.engine` loads what a step needs, runs it, and applies the
result in one storage transaction. Nothing here imports a channel or a PDF library.
"""

from conversations.commands import ParsedMessage, parse_message
from conversations.effects import Effect, Register, SaveReport, StepResult
from conversations.inbound import Inbound
from conversations.model import (
    AreaData,
    AreaMember,
    Contact,
    Context,
    GroupMember,
    InvitationInfo,
    Limits,
    PosyanduData,
    PosyanduInfo,
    SentReport,
)
from conversations.needs import Needs
from conversations.plan import plan
from conversations.replies import Document, Reply, Text
from conversations.session import Session, session_from_json, session_to_json
from conversations.step import step

__all__ = [
    "AreaData",
    "AreaMember",
    "Contact",
    "Context",
    "Document",
    "Effect",
    "GroupMember",
    "Inbound",
    "InvitationInfo",
    "Limits",
    "Needs",
    "ParsedMessage",
    "PosyanduData",
    "PosyanduInfo",
    "Register",
    "Reply",
    "SaveReport",
    "SentReport",
    "Session",
    "StepResult",
    "Text",
    "parse_message",
    "plan",
    "session_from_json",
    "session_to_json",
    "step",
]
