"""``posyandu dhis2 push``: send the stored reports to DHIS2 as data value sets
(docs/dhis2.md)."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from bot.commands._common import OK, UsageError, now, open_database, run_with_settings, tell
from bot.dhis2 import (
    Dhis2Client,
    Dhis2Error,
    Selection,
    UnknownAreaError,
    push,
    request_for,
    summary_lines,
)
from bot.settings import Settings
from scoring import Period, PeriodError
from scoring.dhis2 import MappedField, MappingError, parse_mapping

__all__ = ["add_selection", "read_mapping", "register", "selection_of"]

#: Exit status of a push DHIS2 answered with conflicts, or that could not be completed.
NOT_CLEAN = 1


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_selection(parser: argparse.ArgumentParser, *, mapping_required: bool) -> None:
    """--mapping, --period and --area, as export's DHIS2 formats and the push take them."""
    parser.add_argument(
        "--mapping",
        metavar="FILE",
        required=mapping_required,
        help="CSV field,dataElement,categoryOptionCombo[,attributeOptionCombo] (docs/dhis2.md)",
    )
    parser.add_argument(
        "--period", metavar="YYYY-MM", type=_period, help="one month (default: every month)"
    )


def read_mapping(path: str) -> tuple[MappedField, ...]:
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"mapping {path}: cannot be read ({exc})") from None
    try:
        return parse_mapping(text)
    except MappingError as exc:
        raise UsageError("\n".join(f"mapping {path} {p}" for p in exc.problems)) from None


def selection_of(args: argparse.Namespace) -> Selection:
    period: Period | None = args.period
    return Selection(args.area, period, period)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "dhis2",
        help="send the monthly reports to DHIS2 (data value sets)",
        description="DHIS2 (docs/dhis2.md).",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    pushing = verbs.add_parser(
        "push",
        help="POST the mapped values to DHIS2_URL's /api/dataValueSets, in batches",
        description=(
            "Send one value per mapped field per posyandu-month with a value to DHIS2_URL "
            "(POST /api/dataValueSets?idScheme=CODE&importStrategy=CREATE_AND_UPDATE, "
            "DHIS2_BATCH_SIZE values a request), authenticated with DHIS2_TOKEN or "
            "DHIS2_USERNAME/DHIS2_PASSWORD. Values DHIS2 already took from an earlier push are "
            "left out (a second push sends nothing; a month revised since is sent again). "
            "Prints DHIS2's import summary, added up over the batches, and records the push. "
            "Exit status 0 only when DHIS2 reported no conflict; 1 with conflicts or when "
            "DHIS2 failed (the batches after a failure are not sent)."
        ),
    )
    add_selection(pushing, mapping_required=True)
    pushing.add_argument("--area", metavar="CODE", help="only posyandu under this area")
    pushing.add_argument(
        "--dry-run", action="store_true", help="DHIS2's own dry run: checked, nothing saved"
    )
    pushing.add_argument(
        "--operator", metavar="NAME", help="who pushes, for the record (default: login)"
    )
    pushing.set_defaults(handler=run)


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def run(args: argparse.Namespace) -> int:
    mapping = read_mapping(args.mapping) if args.mapping else ()
    selection = selection_of(args)
    operator: str = args.operator or _login()

    async def work(settings: Settings) -> int:
        if settings.dhis2_url is None:
            raise UsageError("DHIS2_URL is not set (docs/dhis2.md)")
        request = request_for(settings, operator, now(), mapping, selection, args.dry_run)
        db = await open_database(settings)
        try:
            async with Dhis2Client(settings) as client:
                outcome = await push(db, client, mapping, selection, request, settings)
        except (UnknownAreaError, Dhis2Error) as exc:
            raise UsageError(str(exc)) from None
        finally:
            await db.close()
        for line in summary_lines(outcome):
            print(line)
        clean = outcome.error is None and not outcome.record.summary.conflicts
        return OK if clean and outcome.record.summary.status != "ERROR" else NOT_CLEAN

    try:
        return run_with_settings(work)
    except UsageError as exc:
        tell(str(exc))
        return 2
