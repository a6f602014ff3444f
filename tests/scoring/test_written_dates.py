"""A whole date as people write it (scoring.dates): the forms accepted, and a precise line for
what is not a date."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.dates import WrittenDateError, parse_written_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-3-5", date(2024, 3, 5)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("5.3.2024", date(2024, 3, 5)),
        ("5 Maret 2024", date(2024, 3, 5)),
        ("  5  maret   2024 ", date(2024, 3, 5)),
        ("5 mar 2024", date(2024, 3, 5)),
        ("5-Mar-2024", date(2024, 3, 5)),
        ("17 Agustus 2023", date(2023, 8, 17)),
        ("17 Agt. 2023", date(2023, 8, 17)),
        ("1 Nopember 2022", date(2022, 11, 1)),
        ("29/2/2024", date(2024, 2, 29)),
    ],
)
def test_the_forms_people_write(text: str, expected: date) -> None:
    assert parse_written_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "cannot read the date ''"),
        ("5/3/24", "cannot read the date '5/3/24'"),  # the year in full
        ("5/3", "cannot read the date '5/3'"),
        ("5/3-2024", "cannot read the date '5/3-2024'"),  # one separator throughout
        ("5 Smarch 2024", "cannot read the date '5 Smarch 2024'"),
        ("29/2/2023", "no such date '29/2/2023'"),
        ("2024-13-01", "no such date '2024-13-01'"),
        ("31 April 2024", "no such date '31 April 2024'"),
    ],
)
def test_what_is_not_a_date_is_named(text: str, message: str) -> None:
    with pytest.raises(WrittenDateError, match=message):
        parse_written_date(text)
