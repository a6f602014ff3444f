"""A conversation's state between messages, and its JSON form for storage.

Frozen values; a step returns a new one. :func:`session_to_json` / :func:`session_from_json`
round-trip exactly; a stored session that cannot be read (older shape, corruption) decodes to
a fresh session instead of failing the conversation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from scoring import Period
from storage.cipher import RegisterCipher, RegisterKeyError

__all__ = [
    "AwaitChange",
    "AwaitChild",
    "AwaitClosed",
    "AwaitLeave",
    "AwaitName",
    "AwaitPeriod",
    "AwaitWeighing",
    "AwaitWithdraw",
    "Awaiting",
    "ChildStage",
    "Draft",
    "Prefill",
    "Session",
    "Stage",
    "session_from_json",
    "session_to_json",
]

_VERSION = 1


class Stage(StrEnum):
    #: Confirming a soft warning about the period itself (before hari buka, months back).
    PERIOD_SOFT = "period_soft"
    #: Asking whether last month's values of the fields usually the same (kader on duty, the
    #: denominators) still hold, all at once (before the first question).
    SAME = "same"
    #: Asking ``queue[position]``.
    FIELD = "field"
    #: Confirming a soft warning about ``pending`` for the current field.
    SOFT = "soft"
    #: Showing the summary, waiting for YA or UBAH.
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class Prefill:
    """Values given up front (quick report) for a report still to complete."""

    counts: Mapping[str, int | None] = field(default_factory=dict)
    programmes: tuple[str, ...] | None = None
    #: Choice fields given (``CARA=rumah``), by field id.
    choices: Mapping[str, str | None] = field(default_factory=dict)
    #: Counts the child register gives (S, K after SELESAI): offered to confirm, not given.
    register: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Draft:
    """A report being written."""

    posyandu_id: int
    period: Period
    buka: bool = True
    counts: Mapping[str, int | None] = field(default_factory=dict)
    programmes: tuple[str, ...] | None = None
    #: The fields to ask, in order; ``position`` is the current one.
    queue: tuple[str, ...] = ()
    position: int = 0
    stage: Stage = Stage.FIELD
    #: The answer waiting for a soft confirmation.
    pending: int | None = None
    #: Soft problems the kader confirmed, as "rule:field".
    confirmed: frozenset[str] = frozenset()
    #: The revision of the saved report this one replaces; None for a new report.
    base_revision: int | None = None
    #: The answers to choice fields (how the month was served), by field id.
    choices: Mapping[str, str | None] = field(default_factory=dict)
    #: Fields this deployment asks only when they apply (vitamin A in its months, referral
    #: after BGM, 2T or KEK > 0), not yet in ``queue``: each joins it when it applies.
    waiting: tuple[str, ...] = ()
    #: Counts the child register gives (S, K): offered in "masih sama?" rather than last
    #: month's, and a different answer is asked back once (rule ``register_differs``).
    register: Mapping[str, int] = field(default_factory=dict)

    @property
    def current(self) -> str | None:
        return self.queue[self.position] if self.position < len(self.queue) else None


@dataclass(frozen=True, slots=True)
class AwaitName:
    """A valid invitation code was given; waiting for the newcomer's name."""

    code: str


@dataclass(frozen=True, slots=True)
class AwaitPeriod:
    """Waiting for the kader to choose which month to report."""

    options: tuple[Period, ...]
    prefill: Prefill | None = None


@dataclass(frozen=True, slots=True)
class AwaitChange:
    """A report exists for the month; waiting for ISI ULANG (or, with a prefill, YA)."""

    period: Period
    revision: int
    prefill: Prefill | None = None


@dataclass(frozen=True, slots=True)
class AwaitClosed:
    """TIDAK BUKA while a report for that month is half done: waiting for YA (record it as
    not open, dropping the half-done report) or TIDAK (keep the report and go on)."""

    period: Period
    #: The saved report's revision it replaces; None when the month has no saved report.
    revision: int | None = None
    #: No report in progress: asked because the month's hari buka has not come yet (or the
    #: month is long past), as LAPOR asks; TIDAK records nothing.
    early: bool = False


class ChildStage(StrEnum):
    """ANAK BARU: what is asked next."""

    #: TIMBANG met a name not on the register: is it a new child? (YA: the questions below,
    #: from SEX, then the weight is recorded; TIDAK: the line is dropped.)
    IS_NEW = "is_new"
    NAME = "name"
    SEX = "sex"
    BIRTH = "birth"
    MOTHER = "mother"
    #: Has the child a KMS or buku KIA? (asked where the deployment records it: K comes
    #: from the register.)
    KMS = "kms"
    #: The read-back: is it right?
    CHECK = "check"
    #: Did the parents agree to the child's data being recorded?
    CONSENT = "consent"


@dataclass(frozen=True, slots=True)
class AwaitChild:
    """ANAK BARU: a child being entered, field by field. The names are kept in the stored
    session only encrypted with the register's key (:func:`session_to_json`)."""

    stage: ChildStage = ChildStage.NAME
    name: str | None = None
    #: "L" or "P".
    sex: str | None = None
    #: ISO date.
    birth: str | None = None
    mother: str | None = None
    #: Has a KMS or buku KIA (None: not asked).
    has_kms: bool | None = None
    #: Entered from TIMBANG (an unknown name): the weight written with it (grams,
    #: millimetres; ``confirmed``: the line said "benar"), recorded once the child is, and
    #: the weighing to return to.
    weight_g: int | None = None
    height_mm: int | None = None
    confirmed: bool = False
    resume: AwaitWeighing | None = None

    def __repr__(self) -> str:  # a session in a traceback or log shows no name
        return f"AwaitChild(stage={self.stage.value})"


@dataclass(frozen=True, slots=True)
class AwaitWithdraw:
    """HAPUS ANAK: the children the name matched (ids only, no name); one: waiting for YA,
    several: for the number of the one meant."""

    child_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AwaitLeave:
    """KELUAR ANAK: the children the name matched (ids only, no name); several: waiting for
    the number of the one meant; one: for the reason (``reason``: a
    :class:`storage.children.LeaveReason` value), then for YA."""

    child_ids: tuple[int, ...]
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AwaitWeighing:
    """TIMBANG: the hari buka's weighing is open (until SELESAI). ``order``: the children's
    ids in the list sent (a line may name a child by its number); ``absent``: those said not
    to have come. Ids only, no name."""

    day: str
    order: tuple[int, ...] = ()
    absent: tuple[int, ...] = ()
    #: Weights written with a close spelling, read back ("maksudnya Budi?"): (child id,
    #: grams, millimetres or None), recorded on YA.
    proposed: tuple[tuple[int, int, int | None], ...] = ()


Awaiting = (
    AwaitName
    | AwaitPeriod
    | AwaitChange
    | AwaitClosed
    | AwaitChild
    | AwaitWithdraw
    | AwaitLeave
    | AwaitWeighing
)

#: The associated data of a name kept in a stored session (not a register column: a value
#: copied from one to the other does not open).
_SESSION_NAME = "session.child_name"
_SESSION_MOTHER = "session.mother_name"


@dataclass(frozen=True, slots=True)
class Session:
    draft: Draft | None = None
    awaiting: Awaiting | None = None
    #: Further pages of a long answer, for LAGI.
    pages: tuple[str, ...] = ()
    #: When wrong invitation codes were tried (for the per-address limit).
    wrong_codes: tuple[datetime, ...] = ()
    updated_at: datetime | None = None

    @property
    def empty(self) -> bool:
        return self == Session(updated_at=self.updated_at)

    def touch(self, now: datetime) -> Session:
        return replace(self, updated_at=now)


# --- JSON ------------------------------------------------------------------------------------


def _prefill_to(p: Prefill | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "counts": dict(p.counts),
        "programmes": _list_or_none(p.programmes),
        "choices": dict(p.choices),
        "register": dict(p.register),
    }


def _prefill_from(raw: Any) -> Prefill | None:
    if raw is None:
        return None
    return Prefill(
        counts=_counts(raw["counts"]),
        programmes=_tuple_or_none(raw["programmes"]),
        choices=_choices(raw.get("choices", {})),
        register=_register(raw.get("register", {})),
    )


def _register(raw: Any) -> dict[str, int]:
    return {str(k): int(v) for k, v in dict(raw).items()}


def _list_or_none(value: tuple[str, ...] | None) -> list[str] | None:
    return None if value is None else list(value)


def _tuple_or_none(raw: Any) -> tuple[str, ...] | None:
    return None if raw is None else tuple(str(x) for x in raw)


def _counts(raw: Any) -> dict[str, int | None]:
    return {str(k): (None if v is None else int(v)) for k, v in dict(raw).items()}


def _choices(raw: Any) -> dict[str, str | None]:
    return {str(k): (None if v is None else str(v)) for k, v in dict(raw).items()}


def _draft_to(d: Draft) -> dict[str, Any]:
    return {
        "posyandu_id": d.posyandu_id,
        "period": str(d.period),
        "buka": d.buka,
        "counts": dict(d.counts),
        "programmes": _list_or_none(d.programmes),
        "queue": list(d.queue),
        "position": d.position,
        "stage": d.stage.value,
        "pending": d.pending,
        "confirmed": sorted(d.confirmed),
        "base_revision": d.base_revision,
        "choices": dict(d.choices),
        "waiting": list(d.waiting),
        "register": dict(d.register),
    }


def _draft_from(raw: Mapping[str, Any]) -> Draft:
    return Draft(
        posyandu_id=int(raw["posyandu_id"]),
        period=Period.parse(raw["period"]),
        buka=bool(raw["buka"]),
        counts=_counts(raw["counts"]),
        programmes=_tuple_or_none(raw["programmes"]),
        queue=tuple(str(x) for x in raw["queue"]),
        position=int(raw["position"]),
        stage=Stage(raw["stage"]),
        pending=None if raw["pending"] is None else int(raw["pending"]),
        confirmed=frozenset(str(x) for x in raw["confirmed"]),
        base_revision=None if raw["base_revision"] is None else int(raw["base_revision"]),
        # Absent from a session stored before the service fields: none given, none waiting.
        choices=_choices(raw.get("choices", {})),
        waiting=tuple(str(x) for x in raw.get("waiting", ())),
        # Absent from a session stored before the register's counts: none offered.
        register=_register(raw.get("register", {})),
    )


def _child_to(a: AwaitChild, cipher: RegisterCipher) -> dict[str, Any]:
    return {
        "kind": "child",
        "stage": a.stage.value,
        "name": cipher.encrypt_opt(a.name, _SESSION_NAME),
        "sex": a.sex,
        "birth": a.birth,
        "mother": cipher.encrypt_opt(a.mother, _SESSION_MOTHER),
        "weight_g": a.weight_g,
        "height_mm": a.height_mm,
        "confirmed": a.confirmed,
        "resume": None if a.resume is None else _weighing_to(a.resume),
        "has_kms": a.has_kms,
    }


def _child_from(raw: Mapping[str, Any], cipher: RegisterCipher) -> AwaitChild:
    return AwaitChild(
        ChildStage(raw["stage"]),
        cipher.decrypt_opt(raw["name"], _SESSION_NAME),
        None if raw["sex"] is None else str(raw["sex"]),
        None if raw["birth"] is None else str(raw["birth"]),
        cipher.decrypt_opt(raw["mother"], _SESSION_MOTHER),
        # Absent from a session stored before ANAK BARU asked about the KMS: not asked.
        None if raw.get("has_kms") is None else bool(raw["has_kms"]),
        # Absent from a session stored before TIMBANG could enter a child: none.
        _int_or_none(raw.get("weight_g")),
        _int_or_none(raw.get("height_mm")),
        bool(raw.get("confirmed", False)),
        None if raw.get("resume") is None else _weighing_from(raw["resume"]),
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _weighing_to(a: AwaitWeighing) -> dict[str, Any]:
    return {
        "kind": "weighing",
        "day": a.day,
        "order": list(a.order),
        "absent": list(a.absent),
        "proposed": [list(p) for p in a.proposed],
    }


def _weighing_from(raw: Mapping[str, Any]) -> AwaitWeighing:
    return AwaitWeighing(
        str(raw["day"]),
        tuple(int(i) for i in raw["order"]),
        tuple(int(i) for i in raw["absent"]),
        tuple((int(c), int(g), None if h is None else int(h)) for c, g, h in raw["proposed"]),
    )


def _awaiting_to(a: Awaiting | None, cipher: RegisterCipher | None) -> dict[str, Any] | None:
    if isinstance(a, AwaitWithdraw):
        return {"kind": "withdraw", "child_ids": list(a.child_ids)}
    if isinstance(a, AwaitLeave):
        return {"kind": "leave", "child_ids": list(a.child_ids), "reason": a.reason}
    if isinstance(a, AwaitWeighing):
        return _weighing_to(a)
    if isinstance(a, AwaitChild):
        # Without the register's key, a child's names are never stored: the question is
        # dropped (the register is off, so it was not asked).
        return None if cipher is None else _child_to(a, cipher)
    if isinstance(a, AwaitName):
        return {"kind": "name", "code": a.code}
    if isinstance(a, AwaitPeriod):
        return {
            "kind": "period",
            "options": [str(p) for p in a.options],
            "prefill": _prefill_to(a.prefill),
        }
    if isinstance(a, AwaitChange):
        return {
            "kind": "change",
            "period": str(a.period),
            "revision": a.revision,
            "prefill": _prefill_to(a.prefill),
        }
    if isinstance(a, AwaitClosed):
        return {
            "kind": "closed",
            "period": str(a.period),
            "revision": a.revision,
            "early": a.early,
        }
    return None


def _awaiting_from(raw: Any, cipher: RegisterCipher | None) -> Awaiting | None:
    if raw is None:
        return None
    kind = raw["kind"]
    if kind == "child":
        return None if cipher is None else _child_from(raw, cipher)
    if kind == "withdraw":
        return AwaitWithdraw(tuple(int(i) for i in raw["child_ids"]))
    if kind == "leave":
        reason = raw["reason"]
        return AwaitLeave(tuple(int(i) for i in raw["child_ids"]), reason and str(reason))
    if kind == "weighing":
        return _weighing_from(raw)
    if kind == "name":
        return AwaitName(str(raw["code"]))
    if kind == "period":
        return AwaitPeriod(
            tuple(Period.parse(p) for p in raw["options"]), _prefill_from(raw["prefill"])
        )
    if kind == "change":
        return AwaitChange(
            Period.parse(raw["period"]), int(raw["revision"]), _prefill_from(raw["prefill"])
        )
    if kind == "closed":
        revision = raw["revision"]
        return AwaitClosed(
            Period.parse(raw["period"]),
            None if revision is None else int(revision),
            bool(raw.get("early", False)),
        )
    raise ValueError(f"unknown awaiting kind {kind!r}")


def session_to_json(session: Session, cipher: RegisterCipher | None = None) -> str:
    """``cipher``: the register's, which seals a child's names pending in ANAK BARU (without
    it, that question is not stored)."""
    doc = {
        "v": _VERSION,
        "draft": None if session.draft is None else _draft_to(session.draft),
        "awaiting": _awaiting_to(session.awaiting, cipher),
        "pages": list(session.pages),
        "wrong_codes": [t.isoformat() for t in session.wrong_codes],
        "updated_at": None if session.updated_at is None else session.updated_at.isoformat(),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def session_from_json(text: str | None, cipher: RegisterCipher | None = None) -> Session:
    """The stored session; a fresh one when ``text`` is None or unreadable (a child's names
    that ``cipher`` cannot open included)."""
    if not text:
        return Session()
    try:
        raw = json.loads(text)
        if raw.get("v") != _VERSION:
            return Session()
        updated = raw["updated_at"]
        return Session(
            draft=None if raw["draft"] is None else _draft_from(raw["draft"]),
            awaiting=_awaiting_from(raw["awaiting"], cipher),
            pages=tuple(str(p) for p in raw["pages"]),
            wrong_codes=tuple(datetime.fromisoformat(t) for t in raw["wrong_codes"]),
            updated_at=None if updated is None else datetime.fromisoformat(updated),
        )
    except (ValueError, KeyError, TypeError, AttributeError, RegisterKeyError):
        return Session()
