"""The DHIS2 mapping file, data values and import summaries (scoring/dhis2.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scoring import Period
from scoring.dhis2 import (
    CSV_COLUMNS,
    ChildCount,
    MappingError,
    child_count,
    csv_document,
    data_values,
    dhis2_period,
    json_document,
    parse_mapping,
    parse_summary,
    values_digest,
)
from scoring.fields import LIST_FIELD
from scoring.growth import Sex
from scoring.prevalence import AGE_BANDS, Indicator

MAPPING = """field,dataElement,categoryOptionCombo,attributeOptionCombo
s,BALITA_S,default,
d,BALITA_D,default,
n,BALITA_N,L_0_5,
"""


def test_a_mapping_reads_in_file_order() -> None:
    rows = parse_mapping("\ufeff" + MAPPING)
    assert [(r.field, r.data_element, r.category_option_combo, r.line) for r in rows] == [
        ("s", "BALITA_S", "default", 2),
        ("d", "BALITA_D", "default", 3),
        ("n", "BALITA_N", "L_0_5", 4),
    ]
    # Three columns are enough; an empty combo is DHIS2's default (left out of the document).
    short = parse_mapping("field,dataElement,categoryOptionCombo\ns,BALITA_S,\n")
    assert short[0].target == ("BALITA_S", "", "")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "field,dataElement,categoryOptionCombo\nzz,X,default\ns,Y,default\n",
            ["line 2: unknown field 'zz'"],
        ),
        (
            "field,dataElement,categoryOptionCombo\ns,X,default\n\ns,Y,default\n",
            ["line 4: duplicate field s (first on line 2)"],
        ),
        (
            "field,dataElement,categoryOptionCombo\ns,X,default\nd,X,default\n",
            ["line 3: duplicate data value X/default (first on line 2)"],
        ),
        (
            f"field,dataElement,categoryOptionCombo\n{LIST_FIELD},X,default\n",
            [f"line 2: field {LIST_FIELD} is not a count (DHIS2 takes integers)"],
        ),
        (
            "field,dataElement,categoryOptionCombo\ns,,default\n",
            ["line 2: no dataElement for field s"],
        ),
        (
            "field,element\ns,X\n",
            [
                "line 1: the header must be "
                "field,dataElement,categoryOptionCombo,attributeOptionCombo"
            ],
        ),
        ("", ["line 1: the mapping is empty"]),
    ],
)
def test_a_bad_mapping_is_refused_with_its_lines(text: str, problems: list[str]) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(text)
    assert list(caught.value.problems) == problems


def test_one_value_per_mapped_field_with_a_value() -> None:
    mapping = parse_mapping(MAPPING)
    values = list(data_values("OU_P1", Period(2026, 3), {"s": 48, "d": 40, "n": None}, mapping))
    assert [v.as_json() for v in values] == [
        {"dataElement": "BALITA_S", "period": "202603", "orgUnit": "OU_P1",
         "categoryOptionCombo": "default", "value": "48"},
        {"dataElement": "BALITA_D", "period": "202603", "orgUnit": "OU_P1",
         "categoryOptionCombo": "default", "value": "40"},
    ]  # fmt: skip
    assert dhis2_period(Period(2026, 11)) == "202611"
    document = json.loads(json_document(values))
    assert document == {"dataValues": [v.as_json() for v in values]}
    assert json.loads(json_document([])) == {"dataValues": []}
    rows = list(csv.reader(io.StringIO(csv_document(values))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1] == ["BALITA_S", "202603", "OU_P1", "default", "", "48", "", "", "", "", ""]
    assert values_digest(values) == values_digest(reversed(values))
    assert values_digest(values) != values_digest(values[:1])


SUMMARY = {
    "responseType": "ImportSummary",
    "status": "WARNING",
    "importCount": {"imported": 2, "updated": 1, "ignored": 1, "deleted": 0},
    "conflicts": [
        {"object": "XX", "value": "Organisation unit not found or not accessible: `XX`",
         "errorCode": "E7612", "property": "orgUnit", "indexes": [3]}
    ],
}  # fmt: skip


def test_import_summaries_bare_and_wrapped() -> None:
    bare = parse_summary(SUMMARY)
    wrapped = parse_summary(
        {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "WARNING",
         "message": "One more conflicts encountered, please check import summary.",
         "response": SUMMARY}
    )  # fmt: skip
    assert bare.conflicts == wrapped.conflicts
    assert (wrapped.status, wrapped.imported, wrapped.updated, wrapped.ignored) == (
        "WARNING", 2, 1, 1,
    )  # fmt: skip
    assert wrapped.conflicts[0].object == "XX"
    total = bare + parse_summary({"status": "SUCCESS", "importCount": {"imported": 5}})
    assert (total.status, total.imported, len(total.conflicts)) == ("WARNING", 7, 1)
    with pytest.raises(ValueError):
        parse_summary({"httpStatus": "Unauthorized", "message": "Unauthorized"})


def test_per_child_counts_are_named_by_indicator_sex_and_band() -> None:
    assert child_count("stunting_l_0_5") == ChildCount(Indicator.STUNTING, Sex.MALE, AGE_BANDS[0])
    assert child_count("wasting_24_59") == ChildCount(Indicator.WASTING, None, AGE_BANDS[3])
    assert child_count("underweight_p") == ChildCount(Indicator.UNDERWEIGHT, Sex.FEMALE, None)
    assert child_count("stunting") == ChildCount(Indicator.STUNTING, None, None)
    for wrong in ("stunting_x", "stunting_l_0_6", "stunting_0_5_l", "obesity", "s"):
        assert child_count(wrong) is None, wrong
    rows = parse_mapping("field,dataElement,categoryOptionCombo\nstunting_l_0_5,ST,L_0_5\n")
    assert rows[0].per_child
    with pytest.raises(MappingError, match="line 2: unknown field 'stunting_l_0_6'"):
        parse_mapping("field,dataElement,categoryOptionCombo\nstunting_l_0_6,ST,L\n")
