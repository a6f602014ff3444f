"""``posyandu outbox``: what is pending, failed or superseded, and requeueing a message."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.commands._common import now as clock_now
from bot.logs import mask
from bot.settings import SettingsError, load_settings
from storage import Database, DatabaseError
from storage import outbox as ob

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "outbox",
        help="list pending, failed or superseded outgoing messages, or requeue one",
        description=(
            "List outgoing messages still pending (default), failed (--failed) or superseded "
            "(--superseded: questions a later step of the same conversation overtook before "
            "they were sent; never sent), one line each: id, status, channel, address "
            "(masked), attempts, last error or the message that superseded it. --retry ID "
            "puts a failed message back in the queue."
        ),
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--failed", action="store_true", help="list failed messages")
    group.add_argument(
        "--superseded", action="store_true", help="list superseded messages (never sent)"
    )
    group.add_argument("--retry", type=int, metavar="ID", help="requeue message ID now")
    parser.add_argument("--limit", type=int, default=200, help="at most this many lines")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run(settings.posyandu_db, settings.db_busy_timeout_ms, args))
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2


async def _run(path: Any, busy: int, args: argparse.Namespace) -> int:
    async with await Database.open(path, busy_timeout_ms=busy) as db:
        now = clock_now()
        if args.retry is not None:
            async with db.transaction() as tx:
                ok = await ob.requeue(tx, args.retry, now)
            if not ok:
                async with db.read() as conn:
                    row = await ob.get(conn, args.retry)
                if row is not None and row.status is ob.Status.SUPERSEDED:
                    print(
                        f"message {args.retry} was superseded by message {row.superseded_by} "
                        "(a later step of the same conversation); it is never sent",
                        file=sys.stderr,
                    )
                else:
                    print(f"no unsent message with id {args.retry}", file=sys.stderr)
                return 2
            print(f"message {args.retry} requeued")
            return 0
        statuses = (
            [ob.Status.FAILED]
            if args.failed
            else [ob.Status.SUPERSEDED]
            if args.superseded
            else [ob.Status.PENDING, ob.Status.SENDING]
        )
        async with db.read() as conn:
            rows = await ob.list_rows(conn, statuses, args.limit)
            counts = await ob.counts(conn)
        for r in rows:
            error = (r.last_error or "").replace("\n", " ")[:120]
            if r.status is ob.Status.SUPERSEDED:
                error = f"superseded by {r.superseded_by}: not sent"
            code = f" code={r.error_code}" if r.error_code else ""
            print(
                f"{r.id}\t{r.status.value}\t{r.channel}\t{mask(r.address)}\t"
                f"attempts={r.attempts}{code}\t{error}"
            )
        summary = ", ".join(f"{k.value} {v}" for k, v in counts.items())
        print(f"({summary})", file=sys.stderr)
    return 0
