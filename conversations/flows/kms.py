"""KMS <name>: a child's KMS chart as a PDF, in the kader's private chat (PERSONAL: refused
in a group, as the register's other commands are).

The name is matched as TIMBANG matches a line's (:func:`conversations.flows.weighing.match`:
the whole name, a first name only one child has, or a number of TIMBANG's list). A close
spelling or several children alike are never guessed: the kader is shown them with their
numbers in TIMBANG's list and sends ``KMS <number>``, which needs no pending question. The
PDF is a :class:`Document` of ids only (``bot.kms``: rendered at send time, the view audited
then); the reply naming the child is ``private``.
"""

from __future__ import annotations

from conversations.catalogue import say
from conversations.effects import StepResult
from conversations.flows.common import Call, done, posyandu_of
from conversations.flows.weighing import Line, match, roster
from conversations.format import day_date
from conversations.replies import Document, Text
from storage.children import Child

__all__ = ["KMS_DOCUMENT", "kms"]

#: The document kind (``bot.kms`` renders it).
KMS_DOCUMENT = "kms"


def _text(key: str, **values: object) -> Text:
    return Text(say(key, **values), private=True)


def kms(call: Call) -> StepResult:
    """KMS <name or number>: the child's KMS as a PDF."""
    ctx, session = call.ctx, call.session
    if not ctx.register or ctx.children is None or ctx.person is None:
        return done(session, _text("child.off"))
    posyandu = posyandu_of(ctx)
    written = " ".join(call.args).strip()
    if not written:
        return done(session, _text("kms.ask_name"))
    children = roster(ctx, ctx.today)
    order = [c.id for c in children]
    number = int(written) if written.isdigit() else None
    found = match(Line("" if number else written, number), children, order)
    if found.child is not None:
        params = {
            "posyandu_id": posyandu.info.id,
            "child_id": found.child.id,
            "person_id": ctx.person.id,
        }
        sending = _text("kms.sending", name=found.child.name)
        return done(session, sending, Document(KMS_DOCUMENT, params))
    if number is not None:
        return done(session, _text("kms.no_number", number=number))
    if not found.close:
        return done(session, _text("kms.unknown", written=written))
    numbered = {c.id: i for i, c in enumerate(children, start=1)}
    if len(found.close) == 1:
        child = found.close[0]
        line = _line(child, numbered[child.id])
        return done(session, _text("kms.meant", line=line, number=numbered[child.id]))
    lines = "\n".join(_line(c, numbered[c.id]) for c in found.close)
    first = numbered[found.close[0].id]
    reply = _text("kms.several", count=len(found.close), written=written, lines=lines, number=first)
    return done(session, reply)


def _line(child: Child, number: int) -> str:
    return say("kms.line", number=number, name=child.name, birth=day_date(child.birth_date))
