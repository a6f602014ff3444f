"""``import_reports`` on each engine: a file read once, a chunk at a time, written in the
caller's transaction and rolled back whole when any row is bad, even a row after chunks that
were already written; months from 2000-01 to the current month in the posyandu's zone (the
injected ``now``); counts up to MAX_COUNT."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from scoring import FIRST_REPORT_PERIOD, Period
from scoring.fields import MAX_COUNT
from storage import Database
from storage.imports import CsvRows, ImportRejected, ImportSummary
from storage.report_columns import FILE_COLUMNS, NAME_SEPARATOR
from storage.report_imports import (
    LISTED_PROBLEMS,
    OPTIONAL_REPORT_COLUMNS,
    REPORT_COLUMNS,
    import_reports,
)
from storage.reports import get_report
from tests.months import example_values
from tests.storage.helpers import World

#: 1 December 2026, 02:00 in Jakarta; still 30 November in UTC.
NOW = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
#: A month that keeps every hard rule (the other columns empty).
GOOD = {
    "buka": "1",
    **{
        name: NAME_SEPARATOR.join(value) if isinstance(value, tuple) else str(value)
        for name, value in example_values(kader=6, t2=0, kk_dana_sehat=60).items()
    },
}


def rows(*lines: str) -> str:
    return ",".join(FILE_COLUMNS) + "\n" + "".join(line + "\n" for line in lines)


def row(code: str, period: str, **cells: str) -> str:
    values = {"posyandu_code": code, "period": period, **GOOD, **cells}
    return ",".join(values.get(c, "") for c in FILE_COLUMNS)


async def run(db: Database, text: str) -> ImportSummary:
    async with db.transaction() as tx:
        source = CsvRows(text, REPORT_COLUMNS, OPTIONAL_REPORT_COLUMNS)
        return await import_reports(tx, source, now=NOW, channel="import:test:f.csv")


async def dump(db: Database) -> str:
    async with db.read() as conn:
        found = [
            repr([tuple(r) for r in await conn.execute_fetchall(f"SELECT * FROM {t} ORDER BY id")])
            for t in ("reports", "report_revisions")
        ]
    return hashlib.sha256("".join(found).encode()).hexdigest()


async def rejected(db: Database, text: str) -> list[str]:
    before = await dump(db)
    with pytest.raises(ImportRejected) as info:
        await run(db, text)
    assert await dump(db) == before  # nothing written
    return [str(p) for p in info.value.problems]


def every_month(last: Period) -> list[str]:
    """A row for each posyandu and month from 2000-01 to ``last``: over a thousand rows,
    several chunks."""
    out = []
    for code in ("P1", "P2", "P3"):
        period = FIRST_REPORT_PERIOD
        while period <= last:
            out.append(row(code, str(period)))
            period = period.shift(1)
    return out


async def test_a_bad_last_row_rolls_back_every_chunk_written_before(
    db: Database, world: World
) -> None:
    good = every_month(Period(2026, 10))
    assert len(good) > 900
    assert await rejected(db, rows(*good, row("P1", "2026-11", k="49"))) == [
        f"line {len(good) + 2}: P1 2026-11: k: k (49) is greater than s (48) (rule k_le_s)"
    ]
    async with db.read() as conn:
        assert await get_report(conn, world.posyandu[0].id, Period(2000, 1)) is None
    assert await run(db, rows(*good)) == ImportSummary(len(good), 0, 0)
    assert await run(db, rows(*good)) == ImportSummary(0, 0, len(good))


async def test_months_from_2000_to_the_current_month_in_the_posyandu_zone(
    db: Database, world: World
) -> None:
    # NOW is still 30 November in UTC, already 1 December at P1 (Jakarta, UTC+7) and at P3
    # (Makassar, UTC+8): December has begun there.
    assert await run(db, rows(row("P1", "2000-01"), row("P3", "2026-12"))) == ImportSummary(
        2, 0, 0
    )
    assert await rejected(
        db,
        rows(row("P1", "1999-12"), row("P2", "1900-01"), row("P3", "2027-01")),
    ) == [
        "line 2: P1 1999-12: period 1999-12 is before 2000-01, the earliest month accepted",
        "line 3: P2 1900-01: period 1900-01 is before 2000-01, the earliest month accepted",
        "line 4: P3 2027-01: period 2027-01 has not begun at posyandu P3",
    ]


async def test_counts_up_to_the_largest_accepted(db: Database, world: World) -> None:
    big = str(MAX_COUNT)
    assert await run(db, rows(row("P1", "2026-01", pus=big, kb_aktif=big))) == ImportSummary(
        1, 0, 0
    )
    assert await rejected(
        db,
        rows(
            row("P1", "2026-02", pus=str(MAX_COUNT + 1)),
            row("P1", "2026-03", s=str(2**63), kk="00000000000000000000100000"),
        ),
    ) == [
        f"line 2: P1 2026-02: pus: {MAX_COUNT + 1} is more than {MAX_COUNT}, the largest "
        "count accepted",
        f"line 3: P1 2026-03: s: {2**63} is more than {MAX_COUNT}, the largest count accepted",
        f"line 3: P1 2026-03: kk: 00000000000000000000100000 is more than {MAX_COUNT}, the "
        "largest count accepted",
    ]


async def test_a_service_column_left_out_keeps_the_stored_value(db: Database, world: World) -> None:
    first = rows(row("P1", "2026-08", cara="kunjungan_rumah", vit_a="40"), row("P2", "2026-08"))
    assert await run(db, first) == ImportSummary(2, 0, 0)
    old = [c for c in FILE_COLUMNS if c not in OPTIONAL_REPORT_COLUMNS]
    header = ",".join(old) + "\n"
    again = header + "".join(
        ",".join(dict(zip(FILE_COLUMNS, r.split(","), strict=True))[c] for c in old) + "\n"
        for r in (row("P1", "2026-08", kader="7"), row("P2", "2026-08"))
    )
    assert await run(db, again) == ImportSummary(0, 1, 1)
    async with db.read() as conn:
        stored = await get_report(conn, world.posyandu[0].id, Period(2026, 8))
    assert stored is not None
    assert (stored.report.kader, stored.report.cara, stored.report.vit_a) == (
        7,
        "kunjungan_rumah",
        40,
    )
    # Given empty, a service column means unknown.
    assert await run(db, rows(row("P1", "2026-08", kader="7"))) == ImportSummary(0, 1, 0)
    async with db.read() as conn:
        stored = await get_report(conn, world.posyandu[0].id, Period(2026, 8))
    assert stored is not None and (stored.report.cara, stored.report.vit_a) == (None, None)


async def test_past_the_listed_problems_the_rest_are_counted(db: Database, world: World) -> None:
    bad = [row("P9", str(FIRST_REPORT_PERIOD.shift(i))) for i in range(LISTED_PROBLEMS + 5)]
    with pytest.raises(ImportRejected) as info:
        await run(db, rows(*bad))
    assert len(info.value.problems) == LISTED_PROBLEMS
    assert (info.value.unlisted, info.value.count) == (5, LISTED_PROBLEMS + 5)
    assert str(info.value.problems[-1]).startswith(f"line {LISTED_PROBLEMS + 1}: P9 ")
