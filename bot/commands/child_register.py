"""``posyandu register new-key|withdraw|audit``: the child register's key, a parent's
withdrawal of consent at the operator's hands, and the audit log (docs/privacy.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from bot.commands._common import (
    BAD_INPUT,
    OK,
    UsageError,
    login,
    now,
    open_database,
    run_with_settings,
    tell,
)
from bot.register import NOT_SET_UP, register_cipher
from bot.settings import Settings
from storage.children import (
    Actor,
    LeaveReason,
    audit_entries,
    delete_identity,
    leave,
    rotate_key,
)
from storage.cipher import RegisterCipher, RegisterKeyError, key_problem, new_key

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "register",
        help="the child register: make or rotate its key, withdraw a child, a child leaving, "
        "read the audit log",
        description=(
            "The child register (docs/privacy.md). new-key prints a fresh REGISTER_KEY (keep it "
            "apart from the database and its backups); rotate-key re-encrypts the register "
            "with a new key read from stdin. withdraw ID deletes child ID's identity "
            "(names, NIK, dusun, RT) on a parent's request, keeping the anonymous record for "
            "the counts; written to the audit log. leave ID --reason R takes a child off the "
            "register (moved, aged_out, died, other), kept for the counts; audited. audit "
            "prints the audit log: who, when, what (ids, never names), one JSON object a line."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    key = actions.add_parser("new-key", help="print a fresh REGISTER_KEY on stdout")
    key.set_defaults(handler=_new_key)
    withdraw = actions.add_parser(
        "withdraw", help="delete a child's identity (consent withdrawn), keep the counts"
    )
    withdraw.add_argument("child_id", type=int, metavar="ID", help="the child's id")
    withdraw.add_argument(
        "--operator", metavar="NAME", help="who does it, for the audit log (default: login)"
    )
    withdraw.set_defaults(handler=_withdraw)
    _add_leave(actions)
    rotate = actions.add_parser(
        "rotate-key",
        help="re-encrypt the register with a new key read from stdin (stop the service first)",
        description=(
            "Re-encrypt every stored identity from REGISTER_KEY (the current key) to the new "
            "key read from standard input (one line, as posyandu register new-key prints it; "
            "never on the command line), in one transaction; then set REGISTER_KEY to the new "
            "key and start the service. Stop every instance first: one still running with the "
            "old key cannot read what the rotation wrote."
        ),
    )
    rotate.add_argument(
        "--operator", metavar="NAME", help="who does it, for the audit log (default: login)"
    )
    rotate.set_defaults(handler=_rotate)
    audit = actions.add_parser("audit", help="print the audit log, one JSON line each")
    audit.add_argument(
        "--since", metavar="YYYY-MM-DD", help="only from this day on (UTC)", default=None
    )
    audit.set_defaults(handler=_audit)


def _add_leave(actions: Any) -> None:
    leaving = actions.add_parser(
        "leave",
        help="a child leaves the register (moved, aged out, died, other), kept for the counts",
        description=(
            "Child ID leaves the register: no longer on the posyandu's TIMBANG list, kept "
            "(with the reason) for the counts of the months before; written to the audit log "
            "as child.leave.REASON. Withdrawn consent is 'withdraw', not this."
        ),
    )
    leaving.add_argument("child_id", type=int, metavar="ID", help="the child's id")
    leaving.add_argument(
        "--reason",
        required=True,
        choices=[r.value for r in LeaveReason if r is not LeaveReason.WITHDRAWN],
        help="why the child leaves",
    )
    leaving.add_argument(
        "--operator", metavar="NAME", help="who does it, for the audit log (default: login)"
    )
    leaving.set_defaults(handler=_leave)


def _new_key(_args: argparse.Namespace) -> int:
    print(new_key())
    return OK


def _withdraw(args: argparse.Namespace) -> int:
    child_id: int = args.child_id
    who = Actor(operator=args.operator or login())

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                done = await delete_identity(tx, child_id, who=who, at=now())
        finally:
            await db.close()
        if not done:
            raise UsageError(f"no child {child_id} with an identity to delete")
        print(f"child {child_id}: identity deleted; the anonymous record is kept")
        return OK

    return run_with_settings(work)


def _leave(args: argparse.Namespace) -> int:
    child_id: int = args.child_id
    reason = LeaveReason(args.reason)
    who = Actor(operator=args.operator or login())

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                done = await leave(tx, child_id, reason, who=who, at=now())
        finally:
            await db.close()
        if not done:
            raise UsageError(f"no child {child_id} on the register (unknown, or left already)")
        print(f"child {child_id}: left the register ({reason.value}); kept for the counts")
        return OK

    return run_with_settings(work)


def _rotate(args: argparse.Namespace) -> int:
    who = Actor(operator=args.operator or login())
    text = sys.stdin.readline().strip()

    async def work(settings: Settings) -> int:
        old = register_cipher(settings)
        if old is None:
            raise UsageError(NOT_SET_UP)
        if (problem := key_problem(text)) is not None:
            raise UsageError(f"the new key on stdin {problem}")
        new = RegisterCipher(text)
        db = await open_database(settings)
        try:
            async with db.transaction() as tx:
                count = await rotate_key(tx, old, new, who=who, at=now())
        except RegisterKeyError:
            raise UsageError(
                "REGISTER_KEY is not the key this database's child register was written with"
            ) from None
        finally:
            await db.close()
        print(f"{count} children re-encrypted: set REGISTER_KEY to the new key before starting")
        return OK

    return run_with_settings(work)


def _audit(args: argparse.Namespace) -> int:
    since: datetime | None = None
    if args.since is not None:
        try:
            since = datetime.fromisoformat(f"{args.since}T00:00+00:00")
        except ValueError:
            tell(f"--since {args.since!r} is not a day YYYY-MM-DD")
            return BAD_INPUT

    async def work(settings: Settings) -> int:
        db = await open_database(settings)
        try:
            async with db.read() as conn:
                entries = await audit_entries(conn, since)
        finally:
            await db.close()
        for e in entries:
            line = {
                "at": e.at.isoformat(),
                "person_id": e.who.person_id,
                "operator": e.who.operator,
                "action": e.action,
                "posyandu_id": e.posyandu_id,
                "child_ids": list(e.child_ids),
            }
            print(json.dumps(line, ensure_ascii=False))
        return OK

    return run_with_settings(work)
