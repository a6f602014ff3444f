"""Newcomers: the welcome, DAFTAR <kode> (wrong codes limited per address and globally), the
name, and the confirmation of who they are now. Whatever else a newcomer types answers the
pending question (their name) or gets the welcome."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from conversations.commands import Command, ParsedMessage, normalise, parse_command
from conversations.effects import CodeFailed, Register, StepResult
from conversations.flows.common import Call, done, text
from conversations.format import clock_time
from conversations.model import Context, InvitationInfo
from conversations.needs import Needs
from conversations.session import AwaitName, Session
from scoring import Period
from storage.invitations import CODE_LENGTH
from storage.invitations import normalise_code as stored_code
from storage.people import Person, Role

__all__ = [
    "MAX_NAME_CHARS",
    "already",
    "answer",
    "as_daftar",
    "bantuan",
    "batal",
    "daftar",
    "invitation_needs",
    "normalise_code",
    "start",
]

MAX_NAME_CHARS = 40
_NAME_RE = re.compile(r"^[^\W\d_][\w .,'-]*$")
_CODE_RE = re.compile(r"^[A-Z0-9]{3,32}$")


def normalise_code(words: Sequence[str]) -> str | None:
    """The invitation code as stored, or None when it cannot be one: case, spaces, dashes
    and dots are how people copy a code ("y7rn-xy26", "Y7RN.XY26"), not part of it."""
    if not words:
        return None
    code = stored_code(normalise(" ".join(words)))
    return code if _CODE_RE.match(code) else None


#: A word of a code as people copy it ("Y7RN", "y7rn-xy26", "Y7RN.XY26").
_CODE_WORD_RE = re.compile(r"^[A-Za-z0-9.-]+$")
#: The shortest code (older and hand-made codes, "MLT1K4"; generated ones are CODE_LENGTH).
_MIN_CODE = 6


def _code_shaped(text: str) -> bool:
    """One or two words of letters and digits, 6 to CODE_LENGTH of them with at least one
    letter and one digit: "Y7RN XY26", "y7rnxy26". Words ("halo", "selamat") and numbers (a
    phone number) are not; a code of letters only needs DAFTAR."""
    words = text.split(" ")
    if len(words) > 2 or not all(_CODE_WORD_RE.match(w) for w in words):
        return False
    code = stored_code(text)
    has_both = any(c.isdigit() for c in code) and any(c.isalpha() for c in code)
    return _MIN_CODE <= len(code) <= CODE_LENGTH and has_both


def as_daftar(message: ParsedMessage, session: Session, person: Person | None) -> ParsedMessage:
    """A bare code from a newcomer is DAFTAR <code> (a try like DAFTAR's): not registered,
    in a private chat, not being asked for their name, and the message only the code.
    ``session`` is the stored one (before expiry), as :func:`conversations.plan.plan` sees it."""
    if (
        person is not None
        or message.in_group
        or message.command is not None
        or isinstance(session.awaiting, AwaitName)
        or not _code_shaped(message.text)
    ):
        return message
    return replace(message, command=Command("DAFTAR", tuple(message.text.split(" "))))


def invitation_needs(command: Command, current: Period) -> Needs:
    """DAFTAR <kode>: the invitation, and (with a code) everyone's recent wrong codes."""
    return Needs(invitation_code=normalise_code(command.args), code_failures=bool(command.args))


def _welcome(session: Session) -> StepResult:
    return done(replace(session, awaiting=None), text("welcome"))


def answer(ctx: Context, session: Session, raw: str) -> StepResult:
    """Anything else from a newcomer: their name when it was asked for, else the welcome."""
    waiting = session.awaiting
    if isinstance(waiting, AwaitName):
        return answer_name(ctx, session, raw, waiting)
    return _welcome(session)


def start(call: Call) -> StepResult:
    """/start <kode> (Telegram's deep link) is DAFTAR <kode>; /start alone, anything else."""
    if call.args:
        return daftar(call)
    return answer(call.ctx, call.session, call.text)


def batal(call: Call) -> StepResult:
    """BATAL from a newcomer: stop giving a name."""
    if isinstance(call.session.awaiting, AwaitName):
        return done(replace(call.session, awaiting=None), text("register.cancelled"))
    return _welcome(call.session)


def bantuan(call: Call) -> StepResult:
    """BANTUAN from a newcomer: the welcome says what to do."""
    return _welcome(call.session)


def already(call: Call) -> StepResult:
    """DAFTAR from someone registered already."""
    return done(call.session, text("register.already", name=call.person.name))


def _recent_wrong(ctx: Context, session: Session) -> tuple[datetime, ...]:
    since = ctx.now - ctx.limits.wrong_code_window
    return tuple(t for t in session.wrong_codes if t > since)


def _place(invitation: InvitationInfo) -> str:
    return invitation.place


def daftar(call: Call) -> StepResult:
    """DAFTAR <kode> from someone not registered yet (``ctx.invitation`` is the code's)."""
    ctx, session, args = call.ctx, call.session, call.args
    wrong = _recent_wrong(ctx, session)
    limit = ctx.limits.wrong_code_limit
    if len(wrong) >= limit:
        until = clock_time(min(wrong) + ctx.limits.wrong_code_window, ctx.tz)
        return done(replace(session, wrong_codes=wrong), text("register.too_many", time=until))
    code = normalise_code(args)
    if not args:
        return done(session, text("register.ask_code"))
    if ctx.code_failures_global >= ctx.limits.wrong_code_global_limit:
        # Someone is guessing codes: none is checked for anyone until the window moves on.
        return done(session, text("register.busy"))
    invitation = ctx.invitation
    if code is None or invitation is None or invitation.code != code:
        wrong = (*wrong, ctx.now)
        shown = (code or normalise(" ".join(args)))[:20]
        left = max(0, limit - len(wrong))
        if left == 0:
            until = clock_time(min(wrong) + ctx.limits.wrong_code_window, ctx.tz)
            reply = text("register.too_many", time=until)
        else:
            reply = text("register.wrong_code", code=shown, left=left)
        return done(
            replace(session, wrong_codes=wrong, awaiting=None), reply, effects=(CodeFailed(),)
        )
    if not invitation.usable:
        return done(session, text("register.unusable", code=code))
    awaiting = AwaitName(code)
    return done(
        replace(session, awaiting=awaiting, wrong_codes=wrong),
        text("register.ask_name", place=_place(invitation)),
    )


def answer_name(ctx: Context, session: Session, raw: str, waiting: AwaitName) -> StepResult:
    invitation = ctx.invitation
    if invitation is None or invitation.code != waiting.code or not invitation.usable:
        cleared = replace(session, awaiting=None)
        return done(cleared, text("register.unusable", code=waiting.code))
    name = normalise(raw).strip(" .,")
    if (
        parse_command(name) is not None
        or not name
        or len(name) > MAX_NAME_CHARS
        or not _NAME_RE.match(name)
    ):
        return done(session, text("register.bad_name", max=MAX_NAME_CHARS))
    name = _capitalised(name)
    effect = Register(
        code=invitation.code,
        name=name,
        role=invitation.role,
        posyandu_id=invitation.posyandu_id,
        area_id=invitation.area_id,
    )
    key = "register.done.kader" if invitation.role is Role.KADER else "register.done.supervisor"
    reply = text(key, name=name, place=_place(invitation))
    return done(replace(session, awaiting=None, wrong_codes=()), reply, effects=(effect,))


def _capitalised(name: str) -> str:
    """A name typed all in lower case, as people write it ("siti aminah" -> "Siti Aminah");
    one with any capital is kept as typed (SITI, McDonald)."""
    if name != name.lower():
        return name
    return " ".join(word[:1].upper() + word[1:] for word in name.split(" "))
