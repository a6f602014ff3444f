"""``posyandu reminders preview``: every reminder that would fire in a span of days."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from bot.commands._common import BAD_INPUT, OK, UsageError, open_database, run_with_settings, tell
from bot.logs import mask
from bot.settings import Settings, SettingsError
from scheduler.preview import MAX_SPAN_DAYS, Planned, PreviewError, preview
from scheduler.recipients import Recipient

__all__ = ["describe_recipient", "planned_json", "register"]

_JSON_KEYS = (
    "posyandu_code, area_code, name, kind (h-1, h, h+2, h+7, rekap), period, hari_buka, "
    "local_time and utc_time (ISO 8601 with offset), conditional, recipients"
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "reminders",
        help="preview the reminders that would be sent in a span of days",
        description="Reminders before hari buka, nudges after it and monthly rekap.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser(
        "preview",
        help="every reminder that would fire from --from to --to",
        description=(
            "List every reminder that would fire on a local day from --from to --to (both "
            f"included, at most {MAX_SPAN_DAYS} days, each reminder in its own posyandu's or "
            "area's zone), with its local time, UTC time, kind and recipients, ordered by "
            "time, using the REMINDER_* settings (kinds turned off are left out). Kinds: h-1, "
            "h and h+2 go to the posyandu's kader, h+7 to the supervisors above it, rekap (on "
            "REMINDER_REKAP_DAY, the previous month's area summary) to an area's supervisors "
            "and linked groups, at the time zone most of the area's posyandu use. h+2 and h+7 "
            "are sent only if the month is not reported yet ('if not reported'). Scope: "
            "--posyandu (its reminders, no rekap), --area (its posyandu and the rekap of it "
            "and the areas below), or neither: every active posyandu and area. Nothing is "
            "sent or recorded. JSON: one array of objects with the keys "
            + _JSON_KEYS
            + "; posyandu_code is null for rekap and area_code null otherwise; recipients "
            "are strings such as 'Bu Sari (telegram:******7890)' with numbers masked, empty "
            "when nobody would receive it."
        ),
    )
    p.add_argument("--posyandu", metavar="CODE", help="one posyandu")
    p.add_argument("--area", metavar="CODE", help="an area (any level)")
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day")
    p.add_argument("--format", choices=("text", "json"), default="text", help="default text")
    p.set_defaults(handler=run)


def describe_recipient(r: Recipient) -> str:
    """``Bu Sari (telegram:******7890)``; a linked group is ``group (telegram:...)``."""
    who = "group" if r.is_group else r.name
    return f"{who} ({r.channel}:{mask(r.address)})"


def planned_json(p: Planned) -> dict[str, Any]:
    return {
        "posyandu_code": p.posyandu.code if p.posyandu else None,
        "area_code": p.area.code if p.area else None,
        "name": p.posyandu.name if p.posyandu else p.area.name if p.area else None,
        "kind": p.kind.value,
        "period": str(p.period),
        "hari_buka": p.hari_buka.isoformat() if p.hari_buka else None,
        "local_time": p.local_time.isoformat(),
        "utc_time": p.utc_time.isoformat(),
        "conditional": p.conditional,
        "recipients": [describe_recipient(r) for r in p.recipients],
    }


def _text(planned: list[Planned]) -> str:
    header = ("local time", "UTC time", "kind", "posyandu / area", "recipients")
    rows = []
    for p in planned:
        local = p.local_time
        kind = p.kind.value + (" (if not reported)" if p.conditional else "")
        if p.posyandu is not None:
            what = f"{p.posyandu.code} {p.posyandu.name} (hari buka {p.hari_buka})"
        else:
            assert p.area is not None
            what = f"area {p.area.code} {p.area.name} (rekap {p.period})"
        rows.append(
            (
                f"{local:%Y-%m-%d %H:%M} {local.tzname()}",
                f"{p.utc_time:%Y-%m-%d %H:%M} UTC",
                kind,
                what,
                ", ".join(describe_recipient(r) for r in p.recipients) or "(nobody)",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        cells = [c.ljust(w) for c, w in zip(r, widths, strict=False)]
        lines.append("  ".join([*cells, r[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _day(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag}: not a date YYYY-MM-DD: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    if args.posyandu is not None and args.area is not None:
        tell("give --posyandu or --area, not both")
        return BAD_INPUT
    try:
        first, last = _day("--from", args.first), _day("--to", args.last)
    except UsageError as exc:
        tell(str(exc))
        return BAD_INPUT
    if first > last:
        tell(f"--from {first} is after --to {last}")
        return BAD_INPUT

    async def work(settings: Settings) -> int:
        try:
            reminder_settings = settings.reminders()
        except SettingsError as exc:
            raise UsageError(str(exc)) from None
        db = await open_database(settings)
        try:
            async with db.read() as conn:
                await conn.execute("BEGIN")  # one snapshot for the whole preview
                planned = await preview(
                    conn,
                    first,
                    last,
                    reminder_settings,
                    posyandu_code=args.posyandu,
                    area_code=args.area,
                )
        except PreviewError as exc:
            raise UsageError(str(exc)) from None
        finally:
            await db.close()
        if args.format == "json":
            json.dump([planned_json(p) for p in planned], sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(_text(planned))
        sys.stdout.flush()
        n = len(planned)
        tell(f"{n} reminder{'s' if n != 1 else ''} from {first} to {last}")
        return OK

    return run_with_settings(work)
