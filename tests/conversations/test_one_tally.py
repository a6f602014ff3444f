"""One register month, three readings that cannot disagree (scoring.tally.month_tally): on the
real engine and a real SQLite file, TIMBANG's lines (N, T and 2T, O, B) and a status the kader
corrects (STATUS), then SELESAI's counts, LAPOR's pre-filled report (the register's month as
LAPOR reads it) and the F1 form's register totals (L + P) are the same figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.forms import render_form
from conversations.catalogue import say
from conversations.register_month import weighed_counts
from scoring import DEFAULT_SETTINGS, MonthReport, Period
from storage import children as reg
from storage.reports import save_report
from tests.bot.test_forms import _row_of, _sheet
from tests.conversations.test_children_chat import T0, Chat
from tests.conversations.test_weighing_chat import chat as chat  # the fixtures
from tests.conversations.test_weighing_kept import LINES, RULES

NOV = Period(T0.year, T0.month)
#: The counts SELESAI's summary line says, by field id.
_LABELS = {"D": "d", "N": "n", "T": "t", "O": "o", "B": "b", "BGM": "bgm", "2T": "t2"}


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """SQLite only (the agreement is of the code's, not of the database's)."""
    return tmp_path / "one-tally.db"


def _selesai_counts(summary: str) -> dict[str, int]:
    line = summary.splitlines()[1]  # "D 4 · N 1 · T 1 · O 1 · B 1 · BGM 0 · 2T 1"
    found = dict(re.findall(r"(\w+) (\d+)", line))
    assert set(found) == set(_LABELS), line
    return {_LABELS[k]: int(v) for k, v in found.items()}


async def test_selesai_the_prefilled_report_and_the_f1_form_agree(chat: Chat) -> None:
    await chat.say("TIMBANG")
    await chat.say(LINES)
    corrected = await chat.say("STATUS Andi T")  # N by the rules; T as the kader says
    assert "Andi Saputra" in corrected
    selesai = _selesai_counts(await chat.say("SELESAI"))
    # Andi counted as corrected (T, not N), Budi's 2T, Citra O, Dewi B.
    assert selesai == {"d": 4, "n": 0, "t": 2, "o": 1, "b": 1, "bgm": 0, "t2": 1}

    mawar = await chat.mawar()
    async with chat.db.read() as conn:
        month = await reg.register_month(conn, mawar, NOV, T0.date())
    prefilled = weighed_counts(month.weighed, RULES)
    assert prefilled == selesai

    report = MonthReport(NOV, True, s=month.s, **prefilled)
    async with chat.db.transaction() as tx:
        await save_report(tx, mawar, report, by=None, at=T0, channel="console")
    params = {"posyandu_id": mawar, "period": str(NOV)}
    doc = await render_form(chat.db, "f1_form", params, T0, DEFAULT_SETTINGS, RULES)
    ws = _sheet(doc.content)
    form: dict[str, int] = {}
    for field_id in selesai:
        row = _row_of(ws, say(f"pdf.value.{field_id}"))
        boys, girls, total = (ws.cell(row, c).value for c in (10, 11, 12))
        assert isinstance(boys, int) and isinstance(girls, int), field_id  # not left blank
        assert isinstance(total, int) and boys + girls == total, field_id
        form[field_id] = total
    assert form == selesai
