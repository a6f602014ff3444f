"""The area roll-up (scoring/rollup.py): counts and shares per stratum, % Purnama+Mandiri,
% Posyandu Aktif and reporting completeness, table-driven."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scoring import AreaRollup, MemberStatus, Stratum, rollup

PRATAMA, MADYA, PURNAMA, MANDIRI = Stratum.PRATAMA, Stratum.MADYA, Stratum.PURNAMA, Stratum.MANDIRI


def member(stratum: Stratum | None, aktif: bool = False, reported: bool = True) -> MemberStatus:
    return MemberStatus(stratum=stratum, posyandu_aktif=aktif, reported=reported)


@dataclass(frozen=True)
class Case:
    name: str
    members: tuple[MemberStatus, ...]
    #: pratama, madya, purnama, mandiri
    counts: tuple[int, int, int, int]
    purnama_mandiri: float | None
    aktif: float | None
    completeness: float | None


CASES = (
    Case("empty area", (), (0, 0, 0, 0), None, None, None),
    Case("one of each", tuple(map(member, Stratum)), (1, 1, 1, 1), 0.5, 0.0, 1.0),
    Case(
        "no data is counted apart, never as pratama",
        (member(None, reported=False), member(MADYA)),
        (0, 1, 0, 0),
        0.0,
        0.0,
        0.5,
    ),
    Case(
        "aktif and reported counted apart from the stratum",
        (
            member(MANDIRI, aktif=True, reported=False),
            member(PURNAMA, aktif=True),
            member(PURNAMA, aktif=False),
            member(PRATAMA, reported=False),
        ),
        (1, 0, 2, 1),
        0.75,
        0.5,
        0.5,
    ),
    Case(
        "nobody reported this month",
        (member(MADYA, reported=False),) * 3,
        (0, 3, 0, 0),
        0.0,
        0.0,
        0.0,
    ),
    Case(
        "all mandiri and aktif",
        (member(MANDIRI, aktif=True),) * 5,
        (0, 0, 0, 5),
        1.0,
        1.0,
        1.0,
    ),
    Case(
        "thirds",
        (member(PURNAMA, aktif=True), member(MADYA), member(PRATAMA, reported=False)),
        (1, 1, 1, 0),
        1 / 3,
        1 / 3,
        2 / 3,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rollup(case: Case) -> None:
    result = rollup(iter(case.members))  # any iterable, read once
    assert isinstance(result, AreaRollup)
    expected = len(case.members)
    assert result.expected == expected
    assert result.counts == dict(zip(Stratum, case.counts, strict=True))
    assert sum(result.counts.values()) + result.no_data + result.too_few == expected
    assert result.reported == sum(m.reported for m in case.members)
    assert result.aktif == sum(m.posyandu_aktif for m in case.members)
    for stratum, count in zip(Stratum, case.counts, strict=True):
        share = result.share(stratum)
        assert share == (pytest.approx(count / expected) if expected else None)
    assert result.share_purnama_mandiri == _approx(case.purnama_mandiri)
    assert result.share_aktif == _approx(case.aktif)
    assert result.completeness == _approx(case.completeness)


def test_shares_of_a_non_empty_area_add_up_to_one() -> None:
    result = rollup([member(s) for s in (PRATAMA, PRATAMA, MADYA, MANDIRI)])
    assert sum(result.share(s) or 0.0 for s in Stratum) == pytest.approx(1.0)
    assert result.share(PRATAMA) == pytest.approx(0.5)


def test_posyandu_without_a_stratum_are_counted_apart() -> None:
    """No data at all is "belum ada data", data over too few months "belum cukup data";
    neither is Pratama. A provisional stratum counts in its stratum and is noted."""
    result = rollup(
        [
            member(None),
            MemberStatus(None, False, True, provisional=True),
            MemberStatus(PURNAMA, False, True, provisional=True),
            member(PRATAMA),
        ]
    )
    assert (result.no_data, result.too_few, result.provisional) == (1, 1, 1)
    assert result.counts == {PRATAMA: 1, MADYA: 0, PURNAMA: 1, MANDIRI: 0}
    assert result.share(PRATAMA) == pytest.approx(0.25)


def _approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value)
