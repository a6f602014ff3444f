"""Invitation codes under attack, through the real engine and settings: guessing is limited
per address and globally (INVITE_FAILURES_PER_HOUR_GLOBAL), codes expire and run out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from scoring.clock import FixedClock
from storage import Database
from storage.invitations import count_code_failures, invitation_by_code
from storage.sql import fetch_one
from tests.hostile.harness import NOW, Chat, Seeded, seed


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Seeded, Database]]:
    seeded = await seed(tmp_path / "invite.db")
    async with await Database.open(seeded.path) as db:
        yield seeded, db


async def people(db: Database) -> int:
    async with db.read() as conn:
        row = await fetch_one(conn, "SELECT count(*) FROM people")
    return int(row[0])


async def test_wrong_codes_are_limited_per_address(world: tuple[Seeded, Database]) -> None:
    seeded, db = world
    clock = FixedClock(NOW)
    chat = Chat(db, clock, wrong_code_limit=3, invite_failures_per_hour_global=1000)
    assert "Sisa percobaan: 2" in await chat.say("8001", "DAFTAR AAAA2222")
    assert "Sisa percobaan: 1" in await chat.say("8001", "DAFTAR AAAA3333")
    assert "Terlalu banyak kode salah" in await chat.say("8001", "DAFTAR AAAA4444")
    # Locked out: even the right code is not checked, and nothing is counted any more.
    assert "Terlalu banyak" in await chat.say("8001", f"DAFTAR {seeded.kader_code}")
    async with db.read() as conn:
        assert await count_code_failures(conn, NOW - timedelta(hours=1), "telegram", "8001") == 3
    # Another address is not affected; the first one may try again after the window.
    assert "Siapa nama Anda" in await chat.say("8002", f"DAFTAR {seeded.kader_code}")
    clock.advance(timedelta(minutes=61))
    assert "Siapa nama Anda" in await chat.say("8001", f"DAFTAR {seeded.kader_code}")


async def test_wrong_codes_are_limited_globally(world: tuple[Seeded, Database]) -> None:
    """Guessing from many numbers: after INVITE_FAILURES_PER_HOUR_GLOBAL wrong codes from
    everyone together, no code is checked for anyone until the hour has moved on."""
    seeded, db = world
    clock = FixedClock(NOW)
    chat = Chat(db, clock, wrong_code_limit=5, invite_failures_per_hour_global=4)
    for i in range(4):
        reply = await chat.say(f"81{i:02d}", f"DAFTAR ZZZZ{i:04d}")
        assert "tidak dikenal" in reply
    before = await people(db)
    # A fresh address with a wrong code, and even one with the right code: refused kindly.
    busy = await chat.say("8199", "DAFTAR ZZZZ9999")
    assert "pendaftaran sedang sibuk" in busy and "tidak dikenal" not in busy
    busy = await chat.say("8198", f"DAFTAR {seeded.kader_code}")
    assert "pendaftaran sedang sibuk" in busy and "Siapa nama" not in busy
    async with db.read() as conn:
        # Refusals while locked are not counted: the lock ends an hour after the burst.
        assert await count_code_failures(conn, NOW - timedelta(hours=1)) == 4
    assert await people(db) == before
    assert chat.last is not None and not chat.last.failed
    clock.advance(timedelta(minutes=30))
    assert "sibuk" in await chat.say("8198", f"DAFTAR {seeded.kader_code}")
    clock.advance(timedelta(minutes=31))
    assert "Siapa nama Anda" in await chat.say("8198", f"DAFTAR {seeded.kader_code}")
    assert "Terima kasih, Bu Rini" in await chat.say("8198", "Bu Rini")
    assert await people(db) == before + 1


async def test_codes_run_out(world: tuple[Seeded, Database]) -> None:
    seeded, db = world
    chat = Chat(db, FixedClock(NOW))
    for address, name in (("8201", "Bu Ani"), ("8202", "Bu Ina")):  # the code has 2 uses
        assert "Siapa nama Anda" in await chat.say(address, f"DAFTAR {seeded.kader_code}")
        assert "terdaftar sebagai kader Posyandu Mawar" in await chat.say(address, name)
    before = await people(db)
    assert "sudah tidak berlaku" in await chat.say("8203", f"DAFTAR {seeded.kader_code}")
    async with db.read() as conn:
        found = await invitation_by_code(conn, seeded.kader_code)
    assert found is not None and found.uses_left == 0
    assert await people(db) == before


async def test_a_code_used_up_between_question_and_name(world: tuple[Seeded, Database]) -> None:
    """Two people at the name question with the last use of a code: only one gets it."""
    seeded, db = world
    chat = Chat(db, FixedClock(NOW))
    code = seeded.supervisor_code  # one use
    assert "Siapa nama Anda" in await chat.say("8301", f"DAFTAR {code}")
    assert "Siapa nama Anda" in await chat.say("8302", f"DAFTAR {code}")
    assert "terdaftar sebagai pembina" in await chat.say("8301", "Bidan Sri")
    before = await people(db)
    assert "sudah tidak berlaku" in await chat.say("8302", "Bidan Umi")
    assert await people(db) == before


async def test_codes_expire(world: tuple[Seeded, Database]) -> None:
    seeded, db = world
    clock = FixedClock(NOW)
    chat = Chat(db, clock)
    async with db.read() as conn:
        found = await invitation_by_code(conn, seeded.kader_code)
    assert found is not None
    # Asked for the name just before the code expires, answered just after: refused.
    clock.set(found.expires_at - timedelta(minutes=1))
    assert "Siapa nama Anda" in await chat.say("8401", f"DAFTAR {seeded.kader_code}")
    clock.set(found.expires_at)
    before = await people(db)
    assert "sudah tidak berlaku" in await chat.say("8401", "Bu Tini")
    assert "sudah tidak berlaku" in await chat.say("8402", f"DAFTAR {seeded.kader_code}")
    assert await people(db) == before
    # An expired code is no wrong guess: it does not count towards any limit.
    async with db.read() as conn:
        assert await count_code_failures(conn, NOW) == 0


@pytest.mark.parametrize(
    "typed",
    ["{a}-{b}", "{a}.{b}", "{a} {b}", "{a_low}-{b_low}", " {a}\u2013{b} ", "{a}_{b}"],
)
async def test_codes_typed_with_dashes_or_dots_are_the_same_code(
    world: tuple[Seeded, Database], typed: str
) -> None:
    """A code read aloud or copied from a poster comes back as "Y7RN-XY26" or "y7rn.xy26":
    the same code, and no wrong try is counted."""
    seeded, db = world
    code = seeded.kader_code
    a, b = code[:4], code[4:]
    text = typed.format(a=a, b=b, a_low=a.lower(), b_low=b.lower())
    chat = Chat(db, FixedClock(NOW), wrong_code_limit=5, invite_failures_per_hour_global=1000)
    assert "Siapa nama Anda" in await chat.say("8301", f"DAFTAR {text}")
    async with db.read() as conn:
        assert await count_code_failures(conn, NOW - timedelta(hours=1), "telegram", "8301") == 0
