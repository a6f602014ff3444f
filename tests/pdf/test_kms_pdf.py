"""The KMS page (bot/pdf/kms.py): one page whatever the history (never weighed, five years
of weighings), a name in any script, the last weighing's status and category in words."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from bot.kbm import load_kbm
from bot.kms import kms_data
from bot.pdf.kms import render_kms
from conversations.catalogue import say
from scoring.growth import GrowthRules, Sex
from storage.children import Actor, Child, Weighing

RULES = GrowthRules(kbm=load_kbm())
WIB = ZoneInfo("Asia/Jakarta")


def _child(name: str, sex: Sex, born: date) -> Child:
    at = datetime(2021, 1, 1, tzinfo=UTC)
    return Child(
        1, 1, sex, born, name, "Ibu", None, None, None, None, Actor(1), at, None, None, at
    )  # fmt: skip


def _pages(content: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]


def test_never_weighed_is_one_page_saying_so() -> None:
    child = _child("Citra", Sex.FEMALE, date(2026, 10, 1))
    now = datetime(2026, 10, 21, 10, tzinfo=WIB)
    pages = _pages(render_kms(kms_data(child, "Mawar", [], RULES, now, "K1-0")))
    assert len(pages) == 1
    assert say("pdf.kms.never") in pages[0] and "Perempuan" in pages[0]


@pytest.mark.parametrize("name", ["Muhammad Rizky Ramadhan Saputra", "محمد", "Nguyễn Thị Lan"])
def test_five_years_of_weighings_fit_one_page(name: str) -> None:
    born = date(2021, 12, 3)
    weighings = []
    for i in range(1, 60):
        month = 11 + i  # from January 2022
        day = date(2021 + month // 12, month % 12 + 1, 10)
        weighings.append(Weighing(1, day, 4_000 + i * 180))
    child = _child(name, Sex.MALE, born)
    now = datetime(2026, 11, 20, 10, tzinfo=WIB)
    data = kms_data(child, "Mawar", weighings, RULES, now, "K1-59")
    pages = _pages(render_kms(data))
    assert len(pages) == 1
    assert data.chart.months == 60 and len(data.chart.points) == 59
    text = pages[0]
    if not name.startswith("م"):  # Arabic is shaped: its glyphs do not read back as typed
        assert name in text
    # The last weighing: 4 kg + 59 x 180 g = 14,62 kg, T (a gain of 180 g < KBM 200 g).
    assert "10 Nov 2026: 14,62 kg" in text
    assert say("weigh.status.T") in text
    assert "Rujuk ke puskesmas" in text  # T twice running: 2T
