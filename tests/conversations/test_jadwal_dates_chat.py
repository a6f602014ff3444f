"""JADWAL ``pindah 16 des`` in the chat (engine and storage in the loop): the date as people
write it, the year the next such date's; a passed date beyond the window is refused clearly."""

from __future__ import annotations

from datetime import date

import pytest

from bot.demo import DEMO_SUPERVISOR
from scoring import Period
from storage.posyandu import moves_for, posyandu_by_code
from tests.conversations.test_engine import Chat, chat, target

__all__ = ["chat", "target"]


async def _moves(c: Chat) -> list[date]:
    async with c.db.read() as conn:
        mawar = await posyandu_by_code(conn, "MWR01")
        assert mawar is not None
        moves = await moves_for(conn, [mawar.id], Period(2026, 1), Period(2028, 12))
    return sorted(moves.values())


@pytest.mark.parametrize("phrase", ["16 des", "16 Desember", "16/12", "16-12", "16/12/2026"])
async def test_pindah_as_people_write_it(chat: Chat, phrase: str) -> None:
    # Today is 20 Nov 2026.
    reply = await chat.say(DEMO_SUPERVISOR, f"JADWAL MWR01 pindah {phrase}")
    assert "bulan Desember 2026 dipindah ke Rabu 16 Des 2026" in reply
    assert await _moves(chat) == [date(2026, 12, 16)]


async def test_pindah_without_year_into_next_year(chat: Chat) -> None:
    reply = await chat.say(DEMO_SUPERVISOR, "JADWAL MWR01 pindah 5 jan")
    assert "bulan Januari 2027 dipindah ke Selasa 5 Jan 2027" in reply
    assert await _moves(chat) == [date(2027, 1, 5)]


async def test_pindah_to_a_passed_date_without_year_is_refused(chat: Chat) -> None:
    reply = await chat.say(DEMO_SUPERVISOR, "JADWAL MWR01 pindah 10 nov")
    assert reply == (
        "Selasa 10 Nov 2026 sudah lewat. Untuk memindah ke tahun depan, tulis tahunnya, "
        "mis. JADWAL MWR01 pindah 10-11-2027."
    )
    assert await _moves(chat) == []
