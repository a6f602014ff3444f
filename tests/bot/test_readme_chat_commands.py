"""The README's chat commands table says what the command table (conversations/table.py) does:
every command for every audience, and which of them change stored data; and its demo addresses
are the people ``posyandu demo`` makes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.console import CONSOLE
from bot.demo import seed_demo
from conversations.table import TABLE, Audience
from storage import Database
from storage.areas import area_by_id
from storage.people import Role, person_by_address
from storage.posyandu import posyandu_by_id

README = Path(__file__).resolve().parents[2] / "README.md"
WHO = {
    "newcomer": Audience.NEWCOMER,
    "kader": Audience.KADER,
    "supervisor": Audience.AREA,
    "anyone registered": Audience.ANYONE,
    "group": Audience.GROUP,
}


def _section(title: str) -> list[list[str]]:
    """The rows of the first table under the heading ``title`` (cells stripped)."""
    text = README.read_text("utf-8").split(f"\n{title}\n", 1)[1]
    rows = []
    for line in text.split("\n\n|", 1)[1].split("\n\n", 1)[0].splitlines():
        cells = [c.strip() for c in ("|" + line if not line.startswith("|") else line).split("|")]
        rows.append(cells[1:-1])
    return rows[2:]  # past the header and its rule


def test_the_chat_commands_table_is_the_command_table() -> None:
    names = sorted({r.name for r in TABLE}, key=len, reverse=True)
    listed: set[tuple[str, Audience, bool]] = set()
    for command, who, _what, changes in _section("## Chat commands"):
        for written in re.findall(r"`([^`]+)`", command):
            name = next((n for n in names if written == n or written.startswith(n + " ")), None)
            assert name is not None, written
            assert changes in ("yes", ""), changes
            listed.add((name, WHO[who], changes == "yes"))
    assert listed == {(r.name, r.audience, r.writes) for r in TABLE}


async def test_the_demo_addresses_are_the_demo_people(tmp_path: Path) -> None:
    rows = _section("### Trying them in the terminal")
    assert len(rows) == 7
    async with await Database.open(tmp_path / "demo.db") as db:
        await seed_demo(db, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
        async with db.read() as conn:
            for address_cell, who in rows:
                address = re.findall(r"`([^`]+)`", address_cell)[0]
                person = await person_by_address(conn, CONSOLE, address)
                assert person is not None, address
                assert who.startswith(f"{person.name}, "), (who, person.name)
                if person.role is Role.KADER:
                    assert person.posyandu_id is not None
                    p = await posyandu_by_id(conn, person.posyandu_id)
                    assert p is not None
                    assert who.endswith(f"Posyandu {p.name} ({p.code})"), (who, p)
                else:
                    assert person.role is Role.SUPERVISOR and person.area_id is not None
                    area = await area_by_id(conn, person.area_id)
                    assert area is not None and who.endswith(area.name), (who, area)
