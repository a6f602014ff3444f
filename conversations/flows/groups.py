"""A chat group and the area it speaks for (Telegram): SAMBUNGKAN links it to the area of the
supervisor who types it, PUTUSKAN lets it go (only that supervisor may), and a group not
linked yet is told so, whatever is typed there. Linked, the group speaks with its
supervisor's read scope (the address is one of the supervisor's identities)."""

from __future__ import annotations

from conversations.commands import Command
from conversations.effects import LinkGroup, StepResult, UnlinkGroup
from conversations.flows.common import Call, done, text
from conversations.model import GroupMember
from conversations.needs import Needs
from conversations.session import Session
from scoring import Period
from storage.people import Role

__all__ = ["member_needs", "not_linked", "putuskan", "sambungkan"]


def member_needs(command: Command, current: Period) -> Needs:
    """Who typed in the group, and their area."""
    return Needs(group_member=True)


def _member(call: Call) -> GroupMember:
    return call.ctx.member or GroupMember(None)


def sambungkan(call: Call) -> StepResult:
    """Link the group to the area of the supervisor (or admin) who types it."""
    member = _member(call)
    who, linked = member.person, call.ctx.person
    if who is None or who.role is Role.KADER or who.area_id is None:
        return done(call.session, text("group.not_supervisor"))
    if linked is not None and linked.id != who.id:
        # Linked by someone else: only they can let it go (no silent takeover).
        return done(call.session, text("group.taken", name=linked.name))
    effect = LinkGroup(area_id=who.area_id, person_id=who.id)
    return done(call.session, text("group.linked", area=member.area_title), effects=(effect,))


def putuskan(call: Call) -> StepResult:
    """Unlink the group: only the supervisor who linked it."""
    who, linked = _member(call).person, call.ctx.person
    if who is None or linked is None or who.id != linked.id:
        return done(call.session, text("group.not_supervisor"))
    return done(call.session, text("group.unlinked"), effects=(UnlinkGroup(),))


def not_linked(session: Session) -> StepResult:
    """Anything else in a group not linked yet."""
    return done(session, text("group.not_linked"))
