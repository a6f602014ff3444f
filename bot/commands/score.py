"""``posyandu score FILE``: one posyandu's months as JSON in, the assessment as JSON out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import SettingsError, load_settings
from scoring import DocumentError, score

__all__ = ["register"]

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "score-sample.json"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "score",
        help="assess one posyandu's months (JSON) and print strata, ratios and gaps as JSON",
        description=(
            "Read one posyandu's monthly reports as JSON from FILE ('-' for stdin) and print "
            "the 12-month assessment as JSON on stdout. Targets, the Decisions and the window "
            "come from the settings (environment or .env: TARGET_*, EIGHT_OPENINGS_PASS, "
            "STRATUM_WINDOW_MONTHS); the document's 'targets' override the targets. Bad input "
            "or settings exit 2 with one line per problem on stderr and nothing on stdout. "
            "See README, 'posyandu score'."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="JSON file, or '-' for standard input")
    parser.add_argument(
        "--indent", type=int, default=2, help="JSON indent (default 2; 0: one line)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        print(f"not valid JSON: {exc}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        result = score(doc, settings.scoring())
    except DocumentError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    indent = args.indent or None
    json.dump(result, sys.stdout, indent=indent, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
