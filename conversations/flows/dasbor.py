"""DASBOR / KELUAR DASBOR: the dasbor (the area or the posyandu in a browser).

DASBOR answers with a one-time sign-in link, made by the bot at send time (a
:class:`~conversations.replies.Link`: its signature is the bot's, and it is valid for minutes
from when it is sent); what the link opens is the sender's own scope, as in the chat: a
supervisor's area, a kader's posyandu. KELUAR DASBOR ends every browser session the sender has.
Both are the sender's own business (refused from a linked group)."""

from __future__ import annotations

from conversations.effects import EndDasbor, StepResult
from conversations.flows.common import Call, done, text
from conversations.replies import Link

__all__ = ["dasbor", "keluar"]


def dasbor(call: Call) -> StepResult:
    """DASBOR: a one-time link to the sender's dasbor."""
    person = call.person
    if person.role.sees_area and person.area_id is None:
        return done(call.session, text("role.no_area"))
    if not person.role.sees_area and person.posyandu_id is None:
        return done(call.session, text("role.no_posyandu"))
    return done(call.session, Link("dasbor", {"person_id": person.id}))


def keluar(call: Call) -> StepResult:
    """KELUAR DASBOR: every dasbor session of the sender ends."""
    return done(call.session, text("dasbor.logged_out_chat"), effects=(EndDasbor(),))
