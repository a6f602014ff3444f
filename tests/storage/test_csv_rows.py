"""Reading CSV for every import (:class:`storage.imports.CsvRows`): whatever the bytes, a file
gives rows of the header's width, each with the physical line it starts on, or a problem with
its line; never another exception, never a row cut short read as empty cells."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storage.imports import AREA_COLUMNS, CsvRows, ImportRejected

HEADER = ",".join(AREA_COLUMNS) + "\n"


@given(st.text(alphabet=',;"\n\r a1\x00\udcff\ufeff', max_size=200))
def test_any_text_gives_whole_rows_or_problems_with_their_lines(body: str) -> None:
    lines = len((HEADER + body).splitlines()) or 1
    try:
        rows = list(CsvRows(HEADER + body, AREA_COLUMNS))
    except ImportRejected as exc:
        assert all(1 <= p.line <= lines + 1 for p in exc.problems)
        return
    starts = [r.line for r in rows]
    assert starts == sorted(set(starts))
    for row in rows:
        assert 2 <= row.line <= lines + 1
        if row.problem is None:
            assert set(row.values) == set(AREA_COLUMNS)
        else:
            assert row.values == {}


def test_line_ends_of_every_kind_and_a_quoted_separator() -> None:
    text = 'code;name;level;parent_code\r\n21;"Kepri; Kep";provinsi;\r22;Riau;provinsi;\n\n'
    rows = list(CsvRows(text, AREA_COLUMNS))
    assert [(r.line, r.values.get("name"), r.problem) for r in rows] == [
        (2, "Kepri; Kep", None),
        (3, "Riau", None),
    ]
