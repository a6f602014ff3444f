"""The optional service fields outside the chat: the SERVICE_FIELDS setting reaches the
conversation limits, the monthly PDF shows them in their group (read back with pypdf), the
area summary shows vitamin A coverage in February and August and the referral count, export
carries every service column."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.app import limits_from
from bot.cli import main
from bot.demo import seed_demo
from bot.documents import render_document
from bot.settings import SettingsError, load_settings
from scoring import DEFAULT_SETTINGS, MonthReport, Period
from scoring.fields import DERIVED_FIELDS, SERVICE_FIELDS
from storage import Database
from storage.posyandu import posyandu_by_code
from storage.reports import save_report

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
AUG = Period(2026, 8)
NOV = Period(2026, 11)
CORE = {
    "kader": 6,
    "s": 52,
    "k": 50,
    "d": 44,
    "n": 35,
    "bgm": 1,
    "t2": 0,
    "bumil": 7,
    "bumil_periksa": 5,
    "pus": 90,
    "kb_aktif": 60,
    "bayi": 12,
    "bayi_imunisasi": 2,
}
SERVICES = {
    "cara": "kunjungan_rumah",
    "vit_a": 40,
    "pmt": 9,
    "bumil_fe": 4,
    "bumil_kek": 1,
    "rujukan": 2,
    "bayi_0_6": 6,
    "asi_eksklusif": 5,
}


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """The demo, with Mawar's August and November carrying every service value."""
    path = tmp_path / "services.db"

    async def make() -> None:
        async with await Database.open(path) as database:
            await seed_demo(database, NOW)
            async with database.transaction() as tx:
                mawar = await posyandu_by_code(tx, "MWR01")
                assert mawar is not None
                for period in (AUG, NOV):
                    report = MonthReport(period).with_values(**CORE, **SERVICES)
                    await save_report(tx, mawar.id, report, by=1, at=NOW, channel="telegram")

    asyncio.run(make())
    return path


async def render(path: Path, kind: str, params: dict[str, str]) -> str:
    async with await Database.open(path) as database:
        doc = await render_document(database, kind, params, NOW, DEFAULT_SETTINGS)
    return text_of(doc.content)


async def test_monthly_pdf_shows_the_service_values_in_their_group(db_file: Path) -> None:
    text = await render(db_file, "monthly_report", {"posyandu_code": "MWR01", "period": "2026-11"})
    for line in (
        "Vitamin A 40",
        "PMT 9",
        "Dapat tablet Fe 4",
        "KEK (LiLA < 23,5 cm) 1",
        "Dirujuk ke puskesmas 2",
        "Bayi 0-5 bln 6",
        "ASI eksklusif 5",
        "Cara pelayanan Kunjungan rumah",
    ):
        assert line in text, line
    assert "ASI eksklusif\n" in text or "ASI eksklusif Bayi" in text  # the group heading


async def test_monthly_pdf_leaves_out_service_fields_never_asked(db_file: Path) -> None:
    # October (the demo's) has no service value: no row, and no empty "ASI eksklusif" block.
    text = await render(db_file, "monthly_report", {"posyandu_code": "MWR01", "period": "2026-10"})
    for label in ("Vitamin A", "PMT", "Dirujuk", "ASI eksklusif", "Cara pelayanan"):
        assert label not in text, label
    assert "Imunisasi lengkap" in text


@pytest.mark.parametrize(("period", "vitamin_a"), [("2026-08", True), ("2026-11", False)])
async def test_area_summary_shows_vitamin_a_in_its_months_and_referrals(
    db_file: Path, period: str, vitamin_a: bool
) -> None:
    text = await render(db_file, "area_summary", {"area_code": "21.71.05", "period": period})
    assert ("Vitamin A: 40 dari 52 balita (77%)." in text) is vitamin_a
    assert "Dirujuk ke puskesmas: 2 orang." in text


def test_export_carries_every_service_column(
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POSYANDU_DB", str(db_file))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--from", "2026-10", "--to", "2026-11"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    header = list(rows[0])
    services = header[header.index("stratum") + 1 :]
    assert services == [*SERVICE_FIELDS, "provisional", "months_known", *DERIVED_FIELDS]
    mawar = next(r for r in rows if (r["posyandu_code"], r["period"]) == ("MWR01", "2026-11"))
    assert {k: mawar[k] for k in SERVICES} == {k: str(v) for k, v in SERVICES.items()}
    other = next(r for r in rows if r["period"] == "2026-10")
    assert all(other[k] == "" for k in SERVICES)  # not asked: empty


def test_setting_reaches_the_conversation_limits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert limits_from(load_settings()).service_fields == {"vit_a", "rujukan"}
    monkeypatch.setenv("SERVICE_FIELDS", "cara, pmt,bayi_0_6,asi_eksklusif")
    assert limits_from(load_settings()).service_fields == {
        "cara",
        "pmt",
        "bayi_0_6",
        "asi_eksklusif",
    }
    monkeypatch.setenv("SERVICE_FIELDS", "")
    assert limits_from(load_settings()).service_fields == frozenset()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("vit_a,kader", "SERVICE_FIELDS: unknown field(s) kader; known: cara, vit_a"),
        ("asi_eksklusif", "SERVICE_FIELDS: asi_eksklusif needs bayi_0_6"),
    ],
)
def test_bad_service_fields_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SERVICE_FIELDS", value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert message in str(info.value)
