"""``posyandu demo``: seed the demo (once) and play a scripted month, non-interactively."""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
from typing import Any

from bot.app import Service
from bot.clock import SystemClock
from bot.commands._common import DEMO_ELSEWHERE, demo_refused, tell
from bot.commands.run import start_logging
from bot.console import CONSOLE
from bot.console.channel import out_dir
from bot.console.chat import chat_loop
from bot.console.sender import ConsoleSender
from bot.demo import NotDemoDatabase, demo_month, seed_demo
from bot.settings import Settings, SettingsError, load_settings
from scoring import Period
from scoring.clock import Clock
from scoring.fields import VITAMIN_A_MONTHS
from storage import DatabaseError

__all__ = ["KADER_SCRIPT", "SUPERVISOR_SCRIPT", "kader_script", "register"]

#: The demo kader reports this month in one line, asks for the history and the PDF.
KADER_SCRIPT = (
    "BANTUAN\n"
    "LAPOR S=67 K=64 D=57 N=46 BGM=1 T2=1 KADER=6 BUMIL=7 BUMIL_PERIKSA=5 PUS=106 "
    "KB_AKTIF=70 BAYI=12 BAYI_IMUNISASI=2 RUJUK=1 TAMBAHAN=BKB\n"
    "RIWAYAT\n"
    "PDF\n"
)
#: Before Mawar's hari buka the bot first asks whether to report already: the kader says yes,
#: and yes again to save the summary a warned report is shown in.
_EARLY_YES = "YA\nYA\n"
#: In the vitamin A months (February, August) the kader reports the capsules given too.
_VITAMIN_A = " VITA=60"


def kader_script(period: Period, early: bool) -> str:
    """The kader's script for ``period``; ``early``: played before its hari buka (Mawar's)."""
    lapor = KADER_SCRIPT.index("LAPOR")
    end = KADER_SCRIPT.index("\n", lapor)
    extra = _VITAMIN_A if period.month in VITAMIN_A_MONTHS else ""
    answer = _EARLY_YES if early else ""
    return KADER_SCRIPT[:end] + extra + "\n" + answer + KADER_SCRIPT[end + 1 :]


#: The demo supervisor looks at the area.
SUPERVISOR_SCRIPT = "STATUS\nBELUM\nSTRATA\nPOSYANDU Mawar\nREKAP\n"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="seed the demo data (once) and play a scripted month",
        description=(
            "Seed the demo kabupaten, kecamatan, desa, six posyandu, a year of history and demo "
            "people into the configured database when absent, then play a scripted month: the "
            "kader reports and asks for the PDF, the supervisor looks at the area. Exits 0."
        ),
    )
    parser.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if (refused := demo_refused(settings)) is not None:
        tell(
            f"{refused}: {DEMO_ELSEWHERE}" if isinstance(refused, NotDemoDatabase) else str(refused)
        )
        return 2
    if not start_logging(settings, console=True):
        return 2
    try:
        return asyncio.run(play(settings))
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2


async def play(settings: Settings, clock: Clock | None = None) -> int:
    """Seed the demo and play both scripts; ``clock``: the time (the system's by default)."""
    clock = clock or SystemClock()
    console = ConsoleSender(sys.stdout, out_dir(settings))
    service = Service(settings, clock, extra_channels={CONSOLE: console}, run_scheduler=False)
    await service.open()
    assert service.db is not None and service.dispatcher is not None
    try:
        demo = await seed_demo(service.db, clock.now())
        script = kader_script(*await demo_month(service.db, clock.now()))
        print("== kader (Bu Sari, Posyandu Mawar) ==")
        await chat_loop(service, demo.kader_address, io.StringIO(script), sys.stdout)
        print("== supervisor (Bidan Rina, Kecamatan Batu Aji) ==")
        await chat_loop(
            service, demo.supervisor_address, io.StringIO(SUPERVISOR_SCRIPT), sys.stdout
        )
    finally:
        await service.stop()
    return 0
