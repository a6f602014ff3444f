"""The F1 form and the F2 recap as workbooks (bot/forms.py), read back with openpyxl: the cells,
their types, the frozen header, the print setup, the register's breakdown by age band and sex,
and text that looks like a formula staying text."""

from __future__ import annotations

import asyncio
import io
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.cli import main
from bot.demo import seed_demo
from bot.documents import RATIOS, DocumentNotFound
from bot.forms import render_form
from bot.kbm import load_kbm
from conversations.catalogue import say
from conversations.figure_words import SHEET_COUNT, SHEET_SHARE
from scoring import DEFAULT_SETTINGS, MonthReport, Period
from scoring.fields import COUNT_FIELDS, FIELD_BY_ID
from scoring.growth import GrowthRules, Sex
from scoring.ratios import month_ratios
from storage import Database
from storage.areas import area_by_code
from storage.children import Actor, NewChild, Weighing, add_child, record_weighing
from storage.cipher import RegisterCipher, new_key
from storage.posyandu import posyandu_by_code, posyandu_under
from storage.reports import list_stored_reports, save_report

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
NOV = Period(2026, 11)
RULES = GrowthRules(kbm=load_kbm())
AREA = "21.71.05"
#: The month's report of Mawar: D is the three children weighed below, N the one who gained;
#: BGM says 1 although the register found none (its breakdown is left blank).
#: T, O and B where the registry has them (issue 26): the register's, one each but O.
STATUSES = {f: v for f, v in (("t", 1), ("o", 0), ("b", 1)) if f in FIELD_BY_ID}
REPORT = MonthReport(
    period=NOV, kader=6, s=52, k=50, d=3, n=1, bgm=1, t2=0, bumil=7, bumil_periksa=5,
    pus=1250, kb_aktif=704, bayi=12, bayi_imunisasi=2, kk=1480, kk_dana_sehat=610,
    **STATUSES,
)  # fmt: skip
#: (sex, birth date, weighings (date, grams)): a boy of 3 months who gained 1 kg (N, 0-5), a
#: girl of 18 months weighed for the first time (B, 12-23), a girl of 58 months who lost
#: weight (T, 24-59).
CHILDREN = (
    (Sex.MALE, date(2026, 8, 1), ((date(2026, 10, 12), 4800), (date(2026, 11, 12), 5800))),
    (Sex.FEMALE, date(2025, 5, 10), ((date(2026, 11, 12), 10_000),)),
    (Sex.FEMALE, date(2022, 1, 15), ((date(2026, 10, 12), 14_000), (date(2026, 11, 12), 13_500))),
)
FORMULA_NAME = '=HYPERLINK("http://example.invalid","klik")'


async def _seed(path: Path) -> Database:
    db = await Database.open(path)
    await seed_demo(db, NOW)
    cipher = RegisterCipher(new_key())
    operator = Actor(operator="test")
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        await save_report(tx, mawar.id, REPORT, by=1, at=NOW, channel="telegram")
        for i, (sex, born, weighings) in enumerate(CHILDREN):
            child = NewChild(f"Anak {i}", sex, born, "Ibu", has_kms=i < 2)  # K: the first two
            child_id = await add_child(tx, cipher, mawar.id, child, consent_by=operator, at=NOW)
            for day, grams in weighings:
                await record_weighing(tx, Weighing(child_id, day, grams), at=NOW)
    return db


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    return await _seed(tmp_path / "forms.db")


def _sheet(content: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(content)).active
    assert isinstance(ws, Worksheet)
    return ws


def _row_of(ws: Worksheet, label: str) -> int:
    """The row labelled ``label`` (a group's title, "Ibu hamil", comes before its row)."""
    found = [c.row for c in ws["A"] if c.value == label]
    assert found, label
    return int(found[-1])


def _print_setup(ws: Worksheet, header_last: int, frozen: str, pages_tall: int) -> None:
    """Frozen under the header; A4 landscape, one page wide (``pages_tall`` 0: as many
    as it takes), the header repeated on every page; the print area the whole sheet."""
    assert ws.freeze_panes == frozen
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4 in ECMA-376
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == pages_tall
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    last = get_column_letter(ws.max_column)
    assert ws.print_area == f"'{ws.title}'!$A$1:${last}${ws.max_row}"
    assert ws.print_title_rows is not None and ws.print_title_rows.endswith(f"${header_last}")


async def test_f1_reads_back_with_the_register_breakdown(db: Database) -> None:
    doc = await render_form(
        db, "f1_form", {"posyandu_code": "MWR01", "period": str(NOV)}, NOW, DEFAULT_SETTINGS, RULES
    )
    await db.close()
    assert doc.filename == "f1-MWR01-2026-11.xlsx"
    ws = _sheet(doc.content)
    assert ws.title == say("form.f1.sheet")
    assert ws["A1"].value == say("form.f1.title")
    assert ws["A2"].value == say("form.posyandu", name="Mawar", code="MWR01")
    assert ws["A4"].value == say("form.period", period="November 2026")
    header = _row_of(ws, say("form.activity"))
    bands = [ws.cell(header, c).value for c in range(2, 12, 2)]
    assert bands == ["0-5 bulan", "6-11 bulan", "12-23 bulan", "24-59 bulan", "Jumlah"]
    assert [ws.cell(header + 1, c).value for c in range(2, 13)] == ["L", "P"] * 5 + ["L + P"]
    _print_setup(ws, header + 1, f"B{header + 2}", 1)  # the form on one page
    # Every count the month has, its total a number; a service field it lacks has no row.
    for f in COUNT_FIELDS:
        value = REPORT.count(f)
        if FIELD_BY_ID[f].service and value is None:
            assert not [c for c in ws["A"] if c.value == say(f"pdf.value.{f}")]
            continue
        total = ws.cell(_row_of(ws, say(f"pdf.value.{f}")), 12)
        assert total.value == value and (value is None or total.data_type == "n"), f
        if value is not None:
            assert total.number_format == SHEET_COUNT
    # D by band and sex: L 0-5, P 12-23, P 24-59; by sex L 1, P 2.
    d = _row_of(ws, say("pdf.value.d"))
    assert [ws.cell(d, c).value for c in range(2, 13)] == [1, 0, 0, 0, 0, 1, 0, 1, 1, 2, 3]
    n = _row_of(ws, say("pdf.value.n"))
    assert [ws.cell(n, c).value for c in range(2, 13)] == [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    # T: the girl of 58 months; B: the girl of 18 months; O: nobody.
    expected = {
        "t": [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1],
        "o": [0] * 11,
        "b": [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1],
    }
    for f in STATUSES:
        row = _row_of(ws, say(f"pdf.value.{f}"))
        assert [ws.cell(row, c).value for c in range(2, 13)] == expected[f], f
    # 2T: none in the report, none in the register; BGM: the report's 1 is not the register's
    # 0, so only the total is shown. S: the register gives no breakdown.
    t2 = _row_of(ws, say("pdf.value.t2"))
    assert [ws.cell(t2, c).value for c in range(2, 13)] == [0] * 11
    for label in ("pdf.value.bgm", "pdf.value.s"):
        row = _row_of(ws, say(label))
        assert [ws.cell(row, c).value for c in range(2, 12)] == [None] * 10, label


async def test_f1_s_and_k_from_the_register_when_they_agree(db: Database) -> None:
    """S and K as the register has them at the month's end: the boy (3 months), the girls of
    18 and 58 months; the boy and the first girl have a KMS."""
    async with db.transaction() as tx:
        mawar = await posyandu_by_code(tx, "MWR01")
        assert mawar is not None
        await save_report(tx, mawar.id, replace(REPORT, s=3, k=2), by=1, at=NOW, channel="telegram")
    doc = await render_form(
        db, "f1_form", {"posyandu_code": "MWR01", "period": str(NOV)}, NOW, DEFAULT_SETTINGS, RULES
    )
    await db.close()
    ws = _sheet(doc.content)
    s_row, k_row = _row_of(ws, say("pdf.value.s")), _row_of(ws, say("pdf.value.k"))
    assert [ws.cell(s_row, c).value for c in range(2, 13)] == [1, 0, 0, 0, 0, 1, 0, 1, 1, 2, 3]
    assert [ws.cell(k_row, c).value for c in range(2, 13)] == [1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2]


async def test_f1_without_the_register_has_totals_only(db: Database) -> None:
    doc = await render_form(
        db, "f1_form", {"posyandu_code": "MWR01", "period": str(NOV)}, NOW, DEFAULT_SETTINGS, None
    )
    await db.close()
    ws = _sheet(doc.content)
    d = _row_of(ws, say("pdf.value.d"))
    assert [ws.cell(d, c).value for c in range(2, 13)] == [None] * 10 + [3]


async def test_f2_reads_back(db: Database) -> None:
    doc = await render_form(
        db, "f2_form", {"area_code": AREA, "period": "2026-10"}, NOW, DEFAULT_SETTINGS, RULES
    )
    async with db.read() as conn:
        area = await area_by_code(conn, AREA)
        assert area is not None
        members = await posyandu_under(conn, area)
        month = {
            p.code: next(
                iter(await list_stored_reports(conn, p.id, Period(2026, 10), Period(2026, 10))),
                None,
            )
            for p in members
        }
    await db.close()
    assert doc.filename == f"f2-{AREA}-2026-10.xlsx"
    ws = _sheet(doc.content)
    assert ws["A1"].value == say("form.f2.title")
    header = _row_of(ws, say("form.f2.col.no"))
    heads = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)]
    _print_setup(ws, header, f"E{header + 1}", 0)
    code_col = heads.index(say("form.f2.col.code")) + 1
    rows = range(header + 1, header + 1 + len(members))
    assert [ws.cell(r, 1).value for r in rows] == list(range(1, len(members) + 1))
    assert sorted(str(ws.cell(r, code_col).value) for r in rows) == sorted(month)
    opened = []
    for r in rows:
        stored = month[str(ws.cell(r, code_col).value)]
        m = stored.report if stored is not None else None
        for f in ("s", "d", "n"):
            cell = ws.cell(r, heads.index(say(f"pdf.value.{f}")) + 1)
            assert cell.value == (m.count(f) if m is not None else None)
            assert cell.value is None or cell.data_type == "n"
        for name in RATIOS:
            cell = ws.cell(r, heads.index(say(f"pdf.ratio.{name}").split()[0]) + 1)
            expected = month_ratios(m).get(name) if m is not None else None
            assert (
                cell.value == pytest.approx(expected)
                if expected is not None
                else cell.value is None
            )
            assert cell.number_format == SHEET_SHARE
        opened += [m] if m is not None and m.buka else []
    assert opened
    total = header + 1 + len(members)
    assert ws.cell(total, 2).value == say("form.total")
    for f in ("s", "k", "d", "n"):
        cell = ws.cell(total, heads.index(say(f"pdf.value.{f}")) + 1)
        assert cell.value == sum(m.count(f) or 0 for m in opened)
    ds = ws.cell(total, heads.index("D/S") + 1).value
    assert ds == pytest.approx(sum(m.d or 0 for m in opened) / sum(m.s or 0 for m in opened))
    # The posyandu per stratum add up to the posyandu listed.
    strata = _row_of_b(ws, say("pdf.area.strata"))
    counted = [ws.cell(r, 5).value for r in range(strata + 1, strata + 7)]
    assert sum(int(v or 0) for v in counted) == len(members)


def _row_of_b(ws: Worksheet, label: str) -> int:
    found = [c.row for c in ws["B"] if c.value == label]
    assert len(found) == 1, label
    return int(found[0])


async def test_text_that_looks_like_a_formula_stays_text(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("UPDATE posyandu SET name = ? WHERE code = 'MWR01'", (FORMULA_NAME,))
        await tx.execute("UPDATE areas SET name = '@SUM(1)' WHERE level = 'desa'")
    f1 = await render_form(
        db, "f1_form", {"posyandu_code": "MWR01", "period": str(NOV)}, NOW, DEFAULT_SETTINGS, RULES
    )
    f2 = await render_form(
        db, "f2_form", {"area_code": AREA, "period": str(NOV)}, NOW, DEFAULT_SETTINGS, RULES
    )
    await db.close()
    ws = _sheet(f2.content)
    names = [c for c in ws["D"] if c.value == FORMULA_NAME]
    desas = [c for c in ws["B"] if c.value == "@SUM(1)"]
    assert names and desas
    for cell in names + desas:
        assert cell.data_type == "s" and cell.quotePrefix
    for content in (f1.content, f2.content):
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    assert _sheet(f1.content)["A2"].value == say("form.posyandu", name=FORMULA_NAME, code="MWR01")


async def test_unknown_or_empty_is_not_found(db: Database) -> None:
    for kind, params in (
        ("f1_form", {"posyandu_code": "NOPE", "period": "2026-11"}),
        ("f1_form", {"posyandu_code": "MWR01", "period": "2019-01"}),
        ("f2_form", {"area_code": "00", "period": "2026-11"}),
        ("f2_form", {"area_code": AREA, "period": "2027-01"}),
        ("f2_form", {"area_code": AREA, "period": "2026-13"}),
    ):
        with pytest.raises(DocumentNotFound):
            await render_form(db, kind, params, NOW, DEFAULT_SETTINGS, RULES)
    await db.close()


def test_report_command_writes_the_workbooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def prepare() -> None:
        await (await _seed(tmp_path / "cmd.db")).close()

    asyncio.run(prepare())
    monkeypatch.setenv("POSYANDU_DB", str(tmp_path / "cmd.db"))
    f1, f2 = tmp_path / "f1.xlsx", tmp_path / "f2.xlsx"
    argv = ["report", "--format", "xlsx", "--period", "2026-11"]
    assert main([*argv, "--posyandu", "MWR01", "-o", str(f1)]) == 0
    assert main([*argv, "--area", AREA, "-o", str(f2)]) == 0
    assert _sheet(f1.read_bytes()).title == "F1"
    assert _sheet(f2.read_bytes()).title == "F2"
    bad = tmp_path / "bad.xlsx"
    assert main([*argv, "--posyandu", "NOPE", "-o", str(bad)]) == 2
    assert not bad.exists()
    assert "no report written" in capsys.readouterr().err
