"""Whole dialogues as golden files: what is typed, and what the bot answers.

Each ``golden/*.txt`` is a transcript as ``posyandu chat`` prints it with piped input: lines
starting with ``> `` are typed; everything else is the bot's answer. A header line
``# as: kader|supervisor|newcomer|kader2`` says who types (default kader), and
``# at: <ISO time>`` when (default 2026-11-20 10:00 WIB). Each file runs against a fresh real
SQLite file seeded with the demo, through the real engine, outbox, dispatcher and console
channel. ``UPDATE_GOLDEN=1`` rewrites the answers (review the diff before committing).
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import Service
from bot.console import CONSOLE
from bot.console.chat import chat_loop
from bot.console.sender import ConsoleSender
from bot.demo import DEMO_KADER, DEMO_SUPERVISOR, seed_demo
from bot.settings import Settings
from scoring.clock import FixedClock

GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.txt"))
WHO = {
    "kader": DEMO_KADER,
    "kader2": "+6281200000101",  # Bu Wati, kader of Melati (another posyandu)
    "supervisor": DEMO_SUPERVISOR,
    "newcomer": "+6289900000001",
}
INVITE_KADER = "MWRK4D3R"
INVITE_SUPERVISOR = "PMBN4W1L"


def parse(text: str) -> tuple[dict[str, str], list[str]]:
    header: dict[str, str] = {}
    inputs: list[str] = []
    for line in text.splitlines():
        if line.startswith("# ") and ":" in line and not inputs:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
        elif line.startswith("> ") or line == ">":
            inputs.append(line[2:])
    return header, inputs


async def play(path: Path, tmp: Path, console: ConsoleSender | None = None) -> str:
    """The transcript of ``path``'s inputs; ``console``: the console sender to use (one that
    captures its messages instead of printing them, for tests that measure them)."""
    header, inputs = parse(path.read_text("utf-8"))
    clock = FixedClock(datetime.fromisoformat(header.get("at", "2026-11-20T10:00:00+07:00")))
    out = io.StringIO()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, posyandu_db=tmp / "golden.db", out_dir=tmp / "out"
    )
    service = Service(
        settings,
        clock,
        extra_channels={CONSOLE: console or ConsoleSender(out, tmp / "out")},
        run_scheduler=False,
    )
    await service.open()
    assert service.db is not None
    try:
        await seed_demo(service.db, clock.now())
        async with service.db.transaction() as tx:
            for code, role, target in (
                (INVITE_KADER, "kader", "posyandu_id"),
                (INVITE_SUPERVISOR, "supervisor", "area_id"),
            ):
                await tx.execute(
                    f"INSERT INTO invitations (code, role, {target}, uses_left, expires_at, "
                    "created_at) VALUES (?, ?, ?, 5, '2099-01-01T00:00:00+00:00', ?)",
                    (code, role, 1 if target == "posyandu_id" else 3, clock.now().isoformat()),
                )
        address = WHO[header.get("as", "kader")]
        await chat_loop(service, address, io.StringIO("\n".join(inputs) + "\n"), out)
    finally:
        await service.db.close()
    lines = [f"# {k}: {v}" for k, v in header.items()]
    transcript = out.getvalue().replace(str(tmp), "<tmp>")
    return "\n".join(lines) + ("\n" if lines else "") + transcript


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_golden_dialogue(path: Path, tmp_path: Path) -> None:
    actual = await play(path, tmp_path)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, "utf-8")
    assert actual == path.read_text("utf-8")


def test_every_flow_has_a_golden_file() -> None:
    names = {p.stem for p in FILES}
    assert {
        "newcomer_unknown_sender",
        "newcomer_register",
        "newcomer_wrong_codes",
        "kader_guided_report",
        "kader_bad_answers",
        "kader_back_and_cancel",
        "kader_quick_report",
        "kader_quick_report_invalid",
        "kader_quick_report_partial",
        "kader_tidak_buka",
        "kader_existing_report_and_ubah",
        "kader_riwayat_pdf",
        "kader_help_and_hints",
        "kader_resume",
        "supervisor_commands",
        "supervisor_scope",
        "kader_scope",
        "kader_anak_baru",
        "kader_hapus_anak",
        "kader_timbang",
    } <= names
