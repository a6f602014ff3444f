"""The KMS document (``Document("kms", {...})``), rendered at send time like the others.

Its params hold ids only (the posyandu, the child, the kader who asked): the outbox row never
holds a name. At send time the child is read from the register with the cipher, the view is
written to the audit log (``children.kms``: who, when, which child) in the same transaction
as the read, the chart is worked out by :mod:`scoring.kms`, worded from the catalogue and
drawn by :mod:`bot.pdf.kms` in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.channels import OutgoingDocument
from bot.pdf.kms import KmsData, KmsRow, render_kms
from conversations.catalogue import say
from conversations.figure_words import decimal, weight_words
from conversations.flows.kms import KMS_DOCUMENT
from conversations.format import day_date
from scoring import growth
from scoring.growth import GrowthRules, Sex, age_months, weight_for_age
from scoring.kms import KmsChart, kms_chart
from storage import Database
from storage.children import Actor, Child, Weighing, audit, read_children, weighings_of
from storage.cipher import RegisterCipher
from storage.posyandu import posyandu_by_id

__all__ = ["KMS_DOCUMENT", "KmsNotFound", "child_chart", "kms_data", "render_kms_document"]

#: The audit log's action for a KMS sent (the child's name and data shown).
AUDIT_ACTION = "children.kms"


class KmsNotFound(LookupError):
    """The child is not (or no longer) on the posyandu's register, or the register is off."""


def _age_words(months: int) -> str:
    if months < 24:
        return say("pdf.kms.age", months=months)
    return say("pdf.kms.age_years", years=months // 12, months=months % 12)


def _as_rules(w: Weighing) -> growth.Weighing:
    cm = None if w.height_mm is None else Decimal(w.height_mm) / 10
    return growth.Weighing(w.date, Decimal(w.weight_g) / 1000, cm, w.measured)


def child_chart(
    child: Child, weighings: Sequence[Weighing], rules: GrowthRules, today: date
) -> KmsChart:
    """A register child's KMS chart from its stored weighings: what the PDF draws and what
    the dasbor's child page draws as SVG (``bot.dasbor.kms_chart.kms_svg``)."""
    measured = [_as_rules(w) for w in weighings]
    corrected = [w.corrected_status for w in weighings]
    return kms_chart(Sex(child.sex), child.birth_date, measured, rules, today, corrected)


def kms_data(
    child: Child,
    posyandu: str,
    weighings: Sequence[Weighing],
    rules: GrowthRules,
    now: datetime,
    verification: str,
) -> KmsData:
    """The KMS page's words and chart (``now`` in the posyandu's time zone)."""
    today = now.date()
    sex = Sex(child.sex)
    measured = [_as_rules(w) for w in weighings]
    chart = child_chart(child, weighings, rules, today)
    corrected = [w.corrected_status for w in weighings]
    assessed = growth.assess_history(sex, child.birth_date, measured, rules, corrected)
    rows = [
        KmsRow(
            day_date(a.weighing.date),
            str(a.age_months),
            weight_words(growth.grams(a.weighing.weight_kg)),
            a.status.value + (" BGM" if a.under_red_line else "") + (" 2T" if a.two_t else ""),
        )
        for a in assessed
    ]
    last = status = category = referral = ""
    if assessed:
        a = assessed[-1]
        previous = assessed[-2].as_previous() if len(assessed) > 1 else None
        kg = weight_words(growth.grams(a.weighing.weight_kg))
        age = _age_words(a.age_months)
        last = say("pdf.kms.last", date=day_date(a.weighing.date), kg=kg, age=age)
        status = say(f"weigh.status.{a.status.value}")
        found = weight_for_age(a.z.waz)
        category = say(f"growth.bbu.{found.value}") if found else say("pdf.kms.no_category")
        if a.z.waz is not None:
            category += f" (z {decimal(float(a.z.waz), 2)})"
        why = [say(f"weigh.refer.{r.value}") for r in a.referrals(previous)]
        if a.overweight_risk:
            why.append(say("growth.bbu.overweight_risk"))
        if why:
            referral = say("pdf.kms.referral", why=", ".join(why))
    return KmsData(
        name=child.name,
        sex=sex.value,
        sex_words=say(f"child.sex.{sex.value}"),
        birth=day_date(child.birth_date),
        age=_age_words(age_months(child.birth_date, max(today, child.birth_date))),
        posyandu=posyandu,
        chart=chart,
        last=last,
        status=status,
        category=category,
        referral=referral,
        rows=rows,
        generated_at=now,
        verification=verification,
    )


async def render_kms_document(
    db: Database,
    cipher: RegisterCipher | None,
    rules: GrowthRules,
    params: Mapping[str, Any],
    now: datetime,
) -> OutgoingDocument:
    """The KMS of ``params``' child, its view audited as it is read."""
    if cipher is None:
        raise KmsNotFound("the child register is off (no REGISTER_KEY)")
    posyandu_id, child_id = int(params["posyandu_id"]), int(params["child_id"])
    who = Actor(person_id=int(params["person_id"]))
    async with db.transaction() as tx:
        posyandu = await posyandu_by_id(tx, posyandu_id)
        shown = await read_children(tx, cipher, posyandu_id)
        child = next((c for c in shown.children if c.id == child_id), None)
        if posyandu is None or child is None:
            raise KmsNotFound(f"child {child_id} is not on the register of posyandu {posyandu_id}")
        await audit(tx, who, AUDIT_ACTION, now, posyandu_id=posyandu_id, child_ids=[child_id])
        weighings = (await weighings_of(tx, [child_id]))[child_id]
    local = now.astimezone(posyandu.tz)
    code = f"K{child_id}-{len(weighings)}"
    data = kms_data(child, posyandu.name, weighings, rules, local, code)
    content = await asyncio.to_thread(render_kms, data)
    filename = say("pdf.file.kms", posyandu=posyandu.code.lower(), child=child_id)
    caption = say("pdf.caption.kms", name=child.name)
    return OutgoingDocument(filename, content, caption, private=True)
