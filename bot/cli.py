"""The ``posyandu`` command line. Each subcommand lives in ``bot/commands/<name>.py``.

A command module exposes ``register(subparsers)``, which adds its parser and sets
``handler``: a function from the parsed arguments to an exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from bot.commands import COMMANDS

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]


def build_parser(commands: Sequence[ModuleType] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posyandu",
        description="Posyandu Bot: monthly posyandu reporting by chat, scoring and reports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in commands:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
