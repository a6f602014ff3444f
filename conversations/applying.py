"""Applying a step's effects to storage, inside the message's write transaction: reports
(telling both kader when someone else saved the same month in between), registrations,
wrong invitation codes, reminders, JADWAL's changes, chat groups' links and KELUAR DASBOR."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from itertools import takewhile

from conversations.catalogue import say
from conversations.effects import (
    AddChild,
    CodeFailed,
    CorrectStatus,
    Effect,
    EndDasbor,
    KeepScores,
    LeaveChild,
    LinkGroup,
    MoveHariBuka,
    Register,
    SaveReport,
    SetReminders,
    SetSchedule,
    StepResult,
    UnlinkGroup,
    Weigh,
    WithdrawChild,
)
from conversations.figure_words import weight_words
from conversations.inbound import Inbound
from conversations.notices import conflict_for_other, conflict_for_sender
from conversations.replies import Reply, Text
from storage import Connection
from storage import areas as areas_db
from storage import children as children_db
from storage import dasbor as dasbor_db
from storage import groups as groups_db
from storage import invitations as invitations_db
from storage import people as people_db
from storage import posyandu as posyandu_db
from storage import reports as reports_db
from storage.cipher import RegisterCipher
from storage.people import Person

__all__ = ["Applied", "apply"]


@dataclass
class Applied:
    """What the effects add to the step's answer."""

    #: The replies to the sender (the step's, and notices the effects add).
    replies: list[Reply]
    #: Messages to others: (channel, address, reply).
    others: list[tuple[str, str, Reply]] = field(default_factory=list)
    #: A report was saved.
    saved: bool = False


async def apply(
    tx: Connection,
    msg: Inbound,
    result: StepResult,
    person: Person | None,
    tz: tzinfo,
    now: datetime,
    register: RegisterCipher | None = None,
) -> Applied:
    """Apply ``result``'s effects for the message ``msg`` from ``person`` (whom the address
    belongs to); ``register``: the child register's cipher (None: the register is off)."""
    out = Applied(list(result.replies))
    effects = list(result.effects)
    for at, effect in enumerate(effects):
        if isinstance(effect, AddChild):
            await _add_child(tx, effect, person, register, now)
        elif isinstance(effect, Weigh) and person is not None:
            if at == 0 or not isinstance(effects[at - 1], Weigh):  # a run of them: at once
                await _weigh(tx, list(takewhile(_is_weigh, effects[at:])), person, out, now)
        elif isinstance(effect, KeepScores):
            await children_db.keep_scores(tx, effect.keeps)
        elif isinstance(effect, CorrectStatus) and person is not None:
            by = children_db.Actor(person_id=person.id)
            await children_db.correct_status(
                tx, effect.child_id, effect.period, effect.status, effect.computed, who=by, at=now
            )
        elif isinstance(effect, LeaveChild) and person is not None:
            by = children_db.Actor(person_id=person.id)
            await children_db.leave(tx, effect.child_id, effect.reason, who=by, at=now)
        elif isinstance(effect, WithdrawChild) and person is not None:
            # The step names only a child of the kader's posyandu as loaded for them.
            by = children_db.Actor(person_id=person.id)
            await children_db.delete_identity(tx, effect.child_id, who=by, at=now)
        else:
            await _apply_one(tx, msg, effect, person, out, tz, now)
    return out


def _is_weigh(effect: Effect) -> bool:
    return isinstance(effect, Weigh)


async def _weigh(
    tx: Connection, effects: list[Effect], person: Person, out: Applied, now: datetime
) -> None:
    """TIMBANG: one weighing a child a month (a message's, at once); another kader's
    different one stored since the step read them is kept, and the sender is asked which is
    right."""
    weighs = [e for e in effects if isinstance(e, Weigh)]
    weighings = [
        (children_db.Weighing(e.child_id, e.day, e.weight_g, e.height_mm, kader_id=person.id), e)
        for e in weighs
    ]
    saved = await children_db.record_weighings(tx, [(w, e.replace) for w, e in weighings], at=now)
    for (_, effect), one in zip(weighings, saved, strict=True):
        if one.outcome == "conflict":
            kg = weight_words(one.stored.weight_g)
            given = weight_words(effect.weight_g)
            ask = say("weigh.conflict_other", name=effect.name, stored=kg, given=given)
            out.replies.append(Text(ask, private=True))


async def _add_child(
    tx: Connection,
    effect: AddChild,
    person: Person | None,
    register: RegisterCipher | None,
    now: datetime,
) -> None:
    """ANAK BARU: the consent was taken by the kader who sends it, for their own posyandu."""
    if register is None or person is None or person.posyandu_id != effect.posyandu_id:
        raise PermissionError("ANAK BARU without the register's key or for another posyandu")
    by = children_db.Actor(person_id=person.id)
    child_id = await children_db.add_child(
        tx, register, effect.posyandu_id, effect.child, consent_by=by, at=now
    )
    if effect.day is not None and effect.weight_g is not None:
        first = children_db.Weighing(
            child_id, effect.day, effect.weight_g, effect.height_mm, kader_id=person.id
        )
        await children_db.record_weighing(tx, first, at=now)


async def _apply_one(
    tx: Connection,
    msg: Inbound,
    effect: Effect,
    person: Person | None,
    out: Applied,
    tz: tzinfo,
    now: datetime,
) -> None:
    if isinstance(effect, SaveReport):
        await _save_report(tx, msg, effect, person, out, tz, now)
    elif isinstance(effect, Register):
        await _register(tx, msg, effect, out, now)
    elif isinstance(effect, CodeFailed):
        await invitations_db.record_code_failure(tx, msg.channel, msg.address, now)
    elif isinstance(effect, SetReminders):
        if person is not None:
            await people_db.set_reminders(tx, person.id, effect.enabled)
            if effect.enabled:  # on, here: this channel is the one chosen for them
                await people_db.choose_for_reminders(tx, msg.channel, msg.address, now)
    elif isinstance(effect, SetSchedule | MoveHariBuka):
        await _change_schedule(tx, person, effect)
    elif isinstance(effect, LinkGroup):
        await groups_db.link_group(
            tx, msg.channel, msg.address, effect.area_id, effect.person_id, now
        )
        await people_db.add_identity(tx, effect.person_id, msg.channel, msg.address)
    elif isinstance(effect, UnlinkGroup):
        await groups_db.unlink_group(tx, msg.channel, msg.address)
        await people_db.remove_identity(tx, msg.channel, msg.address)
    elif isinstance(effect, EndDasbor) and person is not None:
        await dasbor_db.revoke_person(tx, person.id, now)
        await dasbor_db.void_links(tx, person.id, now)


async def _save_report(
    tx: Connection,
    msg: Inbound,
    effect: SaveReport,
    person: Person | None,
    out: Applied,
    tz: tzinfo,
    now: datetime,
) -> None:
    saved = await reports_db.save_report(
        tx,
        effect.posyandu_id,
        effect.report,
        by=person.id if person else None,
        at=now,
        channel=msg.channel,
    )
    out.saved = True
    prev = saved.previous
    if prev is None or not saved.changed or prev.revision == effect.base_revision:
        return
    # Someone else saved this month after the sender started: both are told.
    period = effect.report.period
    by = prev.submitted_by
    other = await people_db.person_by_id(tx, by) if by is not None else None
    if other is not None and (person is None or other.id != person.id):
        notice = conflict_for_other(period, person.name if person else "", saved.revision, tz, now)
        for ident in await people_db.identities_of(tx, [other.id]):
            if ident.reachable:
                out.others.append((ident.channel, ident.address, notice))
    # The revision the sender's report was saved as (the other's stays the one before it).
    other_name = other.name if other else ""
    out.replies.append(
        conflict_for_sender(period, other_name, prev.submitted_at, saved.revision, tz, now)
    )


async def _register(
    tx: Connection, msg: Inbound, effect: Register, out: Applied, now: datetime
) -> None:
    outcome, _inv = await invitations_db.redeem(tx, effect.code, now)
    if outcome is not invitations_db.RedeemResult.OK:
        # Used up or expired between the question and the answer.
        out.replies[:] = [Text(say("register.unusable", code=effect.code))]
        return
    # The same phone number already registered on another channel for this role and place
    # (WhatsApp, then SMS): the same person, with a second identity.
    twin = await people_db.phone_twin(
        tx,
        msg.channel,
        msg.address,
        effect.role,
        posyandu_id=effect.posyandu_id,
        area_id=effect.area_id,
    )
    person = twin or await people_db.create_person(
        tx,
        effect.name,
        effect.role,
        now,
        posyandu_id=effect.posyandu_id,
        area_id=effect.area_id,
    )
    await people_db.add_identity(tx, person.id, msg.channel, msg.address)
    await people_db.mark_inbound(tx, msg.channel, msg.address, msg.received_at)


async def _change_schedule(
    tx: Connection, person: Person | None, effect: SetSchedule | MoveHariBuka
) -> None:
    """JADWAL's change, once more checked against the sender's area (the step only ever
    names a posyandu of it; this keeps it so whatever the step says)."""
    target = await posyandu_db.posyandu_by_id(tx, effect.posyandu_id)
    area = (
        await areas_db.area_by_id(tx, person.area_id)
        if person is not None and person.role.sees_area and person.area_id is not None
        else None
    )
    if target is None or area is None:
        raise PermissionError("JADWAL for a posyandu outside the sender's area")
    low, high = areas_db.subtree_bounds(area.path)
    if not low <= target.area_path < high:
        raise PermissionError("JADWAL for a posyandu outside the sender's area")
    if isinstance(effect, SetSchedule):
        await posyandu_db.set_schedule(tx, target.id, effect.schedule)
    else:
        await posyandu_db.move_hari_buka(tx, target.id, effect.day)
