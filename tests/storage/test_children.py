"""The child register (storage.children) on both engines: identities encrypted at rest, one
posyandu's list decrypted with its audit row, leaving, withdrawal, one weighing per child per
month, and the retention of identities at the boundary days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import Period
from scoring.growth import Method, Sex, Status
from storage import Database
from storage import children as reg
from storage.cipher import RegisterCipher, RegisterKeyError, new_key
from storage.sql import fetch_one
from tests.storage.helpers import World

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
KADER = reg.Actor(person_id=7)
OPERATOR = reg.Actor(operator="Bu Ani")


@pytest.fixture
def cipher() -> RegisterCipher:
    return RegisterCipher(new_key())


def _child(
    name: str = "Andi Saputra", born: date = date(2025, 3, 14), **more: object
) -> reg.NewChild:
    fields: dict[str, object] = {
        "name": name,
        "sex": "L",
        "birth_date": born,
        "mother_name": "Siti Rahmawati",
        **more,
    }
    return reg.NewChild(**fields)  # type: ignore[arg-type]


async def _add(
    db: Database, cipher: RegisterCipher, posyandu_id: int, *kids: reg.NewChild
) -> list[int]:
    async with db.transaction() as tx:
        return [
            await reg.add_child(tx, cipher, posyandu_id, k, consent_by=KADER, at=AT) for k in kids
        ]


async def test_children_come_back_decrypted_per_posyandu_and_each_view_is_audited(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1, p2 = world.posyandu[0].id, world.posyandu[1].id
    ids = await _add(
        db,
        cipher,
        p1,
        _child(),
        _child("Citra", sex="P", nik="2171010101010001", dusun="Dusun II", rt="003", has_kms=True),
    )
    other = await _add(db, cipher, p2, _child("Budi"))
    async with db.transaction() as tx:
        found = await reg.children_of_posyandu(tx, cipher, p1, who=KADER, at=AT)
    assert [c.id for c in found] == ids
    andi, citra = found
    assert (andi.name, andi.mother_name, andi.sex, andi.birth_date) == (
        "Andi Saputra",
        "Siti Rahmawati",
        "L",
        date(2025, 3, 14),
    )
    assert (andi.nik, andi.dusun, andi.rt, andi.has_kms) == (None, None, None, None)
    assert (citra.nik, citra.dusun, citra.rt, citra.has_kms) == (
        "2171010101010001",
        "Dusun II",
        "003",
        True,
    )
    assert andi.consent_by == KADER and andi.consent_at == AT
    assert "Andi" not in repr(andi)
    async with db.read() as conn:
        log = await reg.audit_entries(conn)
    assert [(e.action, e.posyandu_id, e.child_ids) for e in log] == [
        ("child.add", p1, (ids[0],)),
        ("child.add", p1, (ids[1],)),
        ("child.add", p2, (other[0],)),
        ("children.view", p1, tuple(ids)),
    ]
    assert log[-1].who == KADER and log[-1].at == AT


async def test_every_name_view_writes_its_row_even_an_empty_list(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    await _add(db, cipher, p1, _child())
    for _ in range(3):
        async with db.transaction() as tx:
            await reg.children_of_posyandu(tx, cipher, p1, who=OPERATOR, at=AT, purpose="export")
    async with db.transaction() as tx:
        assert (
            await reg.children_of_posyandu(tx, cipher, world.posyandu[2].id, who=KADER, at=AT) == []
        )
    async with db.read() as conn:
        views = [e for e in await reg.audit_entries(conn) if e.action.startswith("children.")]
    assert [(e.action, e.who) for e in views] == [("children.export", OPERATOR)] * 3 + [
        ("children.view", KADER)
    ]


async def test_a_key_is_checked_against_names_written_before_any_check(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    await _add(db, cipher, world.posyandu[0].id, _child())
    with pytest.raises(RegisterKeyError):
        async with db.transaction() as tx:
            await reg.check_key(tx, RegisterCipher(new_key()), AT)
    async with db.transaction() as tx:
        await reg.check_key(tx, cipher, AT)


async def test_a_database_written_with_another_key_opens_no_name(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    async with db.transaction() as tx:
        await reg.check_key(tx, cipher, AT)
    await _add(db, cipher, p1, _child())
    other = RegisterCipher(new_key())
    async with db.transaction() as tx:
        await reg.check_key(tx, cipher, AT)  # the same key again: fine
        with pytest.raises(RegisterKeyError, match="another REGISTER_KEY"):
            await reg.check_key(tx, other, AT)
    async with db.transaction() as tx:
        with pytest.raises(RegisterKeyError):
            await reg.children_of_posyandu(tx, other, p1, who=KADER, at=AT)


@pytest.mark.sqlite_only
async def test_the_database_file_holds_no_name_in_clear(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    names = ("Zulkarnain Wibisono", "Kartika Maharani", "3171234567890123", "Dusun Cemara")
    await _add(
        db,
        cipher,
        world.posyandu[0].id,
        _child(names[0], mother_name=names[1], nik=names[2], dusun=names[3], rt="007"),
    )
    async with db.transaction() as tx:
        assert [c.name for c in await reg.children_of_posyandu(tx, cipher, 1, who=KADER, at=AT)]
    assert isinstance(db.path, Path)
    await db.close()
    files = [p for p in db.path.parent.iterdir() if p.name.startswith(db.path.name)]
    content = b"".join(p.read_bytes() for p in files)
    assert b"Rahmawati" not in content  # the fixture's mother: not used here
    for name in names:
        for form in (name, name.upper(), name.lower()):
            assert form.encode("utf-8") not in content, name
            assert form.encode("utf-16-le") not in content, name
    # and the check is not blind: a plain column with the same words does show them
    assert b"Mawar" in content


async def test_leaving_keeps_the_child_for_the_counts(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    andi, citra = await _add(db, cipher, p1, _child(), _child("Citra"))
    async with db.transaction() as tx:
        assert await reg.leave(tx, andi, reg.LeaveReason.MOVED, who=KADER, at=AT)
        assert not await reg.leave(tx, andi, reg.LeaveReason.AGED_OUT, who=KADER, at=AT)
        assert [c.id for c in await reg.children_of_posyandu(tx, cipher, p1, who=KADER, at=AT)] == [
            citra
        ]
        everyone = await reg.children_of_posyandu(
            tx, cipher, p1, who=KADER, at=AT, include_left=True
        )
    assert [(c.id, c.left_reason) for c in everyone] == [
        (andi, reg.LeaveReason.MOVED),
        (citra, None),
    ]


async def test_withdrawal_deletes_the_identity_and_keeps_the_anonymous_record(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    (andi,) = await _add(db, cipher, p1, _child(nik="2171010101010001"))
    async with db.transaction() as tx:
        await reg.record_weighing(tx, reg.Weighing(andi, date(2026, 11, 12), 9800), at=AT)
        assert await reg.delete_identity(tx, andi, who=KADER, at=AT)
        assert not await reg.delete_identity(tx, andi, who=KADER, at=AT)
        assert (
            await reg.children_of_posyandu(tx, cipher, p1, who=KADER, at=AT, include_left=True)
            == []
        )
        assert not await reg.update_child(tx, cipher, andi, _child(), who=KADER, at=AT)
    async with db.read() as conn:
        row = await fetch_one(
            conn,
            "SELECT name_enc, mother_name_enc, nik_enc, dusun_enc, rt_enc, sex, birth_date, "
            "identity_removed_reason, left_reason FROM children WHERE id = ?",
            (andi,),
        )
        kept = await reg.weighings_of(conn, [andi])
        log = await reg.audit_entries(conn)
    assert tuple(row) == (None,) * 5 + ("L", "2025-03-14", "withdrawn", "withdrawn")
    assert [w.weight_g for w in kept[andi]] == [9800]
    assert ("child.withdraw", (andi,)) in [(e.action, e.child_ids) for e in log]


async def test_one_weighing_per_child_per_month(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    (andi,) = await _add(db, cipher, world.posyandu[0].id, _child())
    first = reg.Weighing(andi, date(2026, 11, 12), 12_400, 801, Method.LYING, kader_id=7)
    async with db.transaction() as tx:
        assert (await reg.record_weighing(tx, first, at=AT)).outcome == "created"
        same = await reg.record_weighing(tx, first, at=AT)
        assert same.outcome == "same"
        second = reg.Weighing(andi, date(2026, 11, 13), 12_100, 801, Method.LYING, kader_id=8)
        conflict = await reg.record_weighing(tx, second, at=AT)
        assert (conflict.outcome, conflict.stored) == ("conflict", first)
        replaced = await reg.record_weighing(tx, second, at=AT, replace=True)
        assert replaced.outcome == "replaced"
        december = reg.Weighing(andi, date(2026, 12, 1), 12_600)
        assert (await reg.record_weighing(tx, december, at=AT)).outcome == "created"
    async with db.read() as conn:
        found = await reg.weighings_of(conn, [andi, 999])
    assert found == {andi: [second, december], 999: []}
    assert str(second.period) == "2026-11"


async def test_concurrent_weighings_of_one_child_keep_one(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    import asyncio

    (andi,) = await _add(db, cipher, world.posyandu[0].id, _child())

    async def weigh(grams: int) -> str:
        async with db.transaction() as tx:
            saved = await reg.record_weighing(
                tx, reg.Weighing(andi, date(2026, 11, 12), grams), at=AT
            )
            return saved.outcome

    outcomes = await asyncio.gather(weigh(12_400), weigh(12_500))
    assert sorted(outcomes) == ["conflict", "created"]
    async with db.read() as conn:
        assert len((await reg.weighings_of(conn, [andi]))[andi]) == 1


@pytest.mark.parametrize(
    ("born", "day", "removed"),
    [
        # 12 months after the fifth birthday: six years old
        (date(2020, 6, 15), date(2026, 6, 14), False),
        (date(2020, 6, 15), date(2026, 6, 15), True),
        # born 29 February: the day comes on 28 February in a common year
        (date(2020, 2, 29), date(2026, 2, 27), False),
        (date(2020, 2, 29), date(2026, 2, 28), True),
        # born on the 31st: the day comes on the month's last day
        (date(2020, 8, 31), date(2026, 8, 30), False),
        (date(2020, 8, 31), date(2026, 8, 31), True),
        (date(2020, 10, 31), date(2026, 10, 30), False),
    ],
)
def test_identity_cutoff_at_the_boundary_days(born: date, day: date, removed: bool) -> None:
    assert (born <= reg.identity_cutoff(day, 12)) is removed


def test_identity_cutoff_follows_the_setting() -> None:
    assert reg.identity_cutoff(date(2026, 6, 15), 0) == date(2021, 6, 15)
    assert reg.identity_cutoff(date(2026, 6, 15), 24) == date(2019, 6, 15)
    assert reg.identity_cutoff(date(2026, 9, 30), 12) == date(2020, 9, 30)
    assert reg.identity_cutoff(date(2026, 3, 31), 12) == date(2020, 3, 31)
    assert reg.identity_cutoff(date(2026, 2, 28), 12) == date(2020, 2, 29)


async def test_retention_removes_identities_on_the_day_and_not_before(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    today = date(2026, 6, 15)
    ids = await _add(
        db,
        cipher,
        p1,
        _child("Due today", born=date(2020, 6, 15)),
        _child("Due tomorrow", born=date(2020, 6, 16)),
        _child("Long past", born=date(2019, 1, 2)),
        _child("Young", born=date(2024, 1, 2)),
    )
    async with db.transaction() as tx:
        assert await reg.leave(tx, ids[2], reg.LeaveReason.DIED, who=KADER, at=AT)
    for day, expected in ((today - timedelta(days=1), 1), (today, 1), (today, 0)):
        async with db.transaction() as tx:
            assert await reg.remove_expired_identities(tx, day, 12, at=AT) == expected
    async with db.transaction() as tx:
        left = await reg.children_of_posyandu(tx, cipher, p1, who=KADER, at=AT, include_left=True)
    assert [c.name for c in left] == ["Due tomorrow", "Young"]
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT id, left_reason, identity_removed_reason FROM children ORDER BY id"
        )
        log = [e for e in await reg.audit_entries(conn) if e.action == "child.retention"]
    assert [tuple(r) for r in rows] == [
        (ids[0], "aged_out", "retention"),
        (ids[1], None, None),
        (ids[2], "died", "retention"),
        (ids[3], None, None),
    ]
    assert [(e.who, e.child_ids) for e in log] == [
        (reg.Actor(operator=reg.RETENTION_OPERATOR), (ids[2],)),
        (reg.Actor(operator=reg.RETENTION_OPERATOR), (ids[0],)),
    ]


async def test_names_read_on_a_snapshot_are_audited_where_they_are_used(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    """The chat reads on a snapshot and writes once: the names come back with what their
    audit row must say, written in the transaction that sends them."""
    p1 = world.posyandu[0].id
    ids = await _add(db, cipher, p1, _child(), _child("Citra"))
    async with db.read() as conn:
        shown = await reg.read_children(conn, cipher, p1, purpose="weighing")
    assert [c.name for c in shown.children] == ["Andi Saputra", "Citra"]
    async with db.transaction() as tx:
        await reg.audit_shown(tx, shown, who=KADER, at=AT)
    async with db.read() as conn:
        last = (await reg.audit_entries(conn))[-1]
    assert (last.action, last.who, last.posyandu_id, last.child_ids) == (
        "children.weighing",
        KADER,
        p1,
        tuple(ids),
    )


async def test_s_and_k_from_the_register(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1, p2 = world.posyandu[0].id, world.posyandu[1].id
    day = date(2026, 11, 20)
    ids = await _add(
        db,
        cipher,
        p1,
        _child("A", born=date(2021, 11, 21), has_kms=True),  # 59 months: counted
        _child("B", born=date(2021, 11, 20), has_kms=True),  # 60 months: a balita no more
        _child("C", born=date(2026, 11, 20), has_kms=False),  # born today
        _child("D", born=date(2026, 11, 21)),  # not born yet on the day
        _child("E", born=date(2024, 5, 1), has_kms=True),  # leaves on the day
        _child("F", born=date(2024, 5, 1)),  # leaves the day after
    )
    await _add(db, cipher, p2, _child("G", has_kms=True))
    async with db.transaction() as tx:
        await reg.leave(tx, ids[4], reg.LeaveReason.MOVED, who=KADER, at=AT)
        await reg.leave(tx, ids[5], reg.LeaveReason.DIED, who=KADER, at=AT + timedelta(days=1))
    async with db.read() as conn:
        assert await reg.register_counts(conn, p1, day) == reg.RegisterCounts(s=3, k=1)
        # The day after: A is 60 months, D is born, F has left; added after a day: not yet.
        assert await reg.register_counts(conn, p1, day + timedelta(days=1)) == (
            reg.RegisterCounts(s=2, k=0)
        )
        assert await reg.register_counts(conn, p1, day - timedelta(days=1)) == (
            reg.RegisterCounts(s=0, k=0)
        )
        assert await reg.register_counts(conn, p2, day) == reg.RegisterCounts(s=1, k=1)


async def test_a_month_of_the_register_without_names(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    """register_month: the children weighed in the month with their weighings up to it (no
    name read: nothing audited), S, and K only when every balita's KMS is known."""
    p1 = world.posyandu[0].id
    nov, day = Period(2026, 11), date(2026, 11, 20)
    ids = await _add(
        db,
        cipher,
        p1,
        _child("A", has_kms=True),
        _child("B", born=date(2024, 1, 2), has_kms=False),
        _child("C", has_kms=True),
    )
    async with db.transaction() as tx:
        for child, when, grams in (
            (ids[0], date(2026, 10, 12), 9_000),
            (ids[0], date(2026, 11, 12), 9_400),
            (ids[0], date(2026, 12, 12), 9_600),  # after the month: not read
            (ids[1], date(2026, 11, 12), 11_000),
            (ids[2], date(2026, 10, 12), 9_000),  # not weighed in November
        ):
            await reg.record_weighing(tx, reg.Weighing(child, when, grams), at=AT)
    async with db.read() as conn:
        before = len(await reg.audit_entries(conn))
        month = await reg.register_month(conn, p1, nov, day)
        assert len(await reg.audit_entries(conn)) == before
    assert (month.s, month.k) == (3, 2)
    assert [(c.id, c.sex, c.birth_date) for c in month.weighed] == [
        (ids[0], "L", date(2025, 3, 14)),
        (ids[1], "L", date(2024, 1, 2)),
    ]
    assert [w.weight_g for w in month.weighed[0].weighings] == [9_000, 9_400]
    await _add(db, cipher, p1, _child("D"))  # KMS not recorded: K unknown
    async with db.read() as conn:
        month = await reg.register_month(conn, p1, nov, day)
    assert (month.s, month.k) == (4, None)
    assert month.weighed[0].weighings[-1].as_growth().weight_kg == Decimal("9.4")


async def test_a_key_rotation_reencrypts_every_identity(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    p1 = world.posyandu[0].id
    ids = await _add(db, cipher, p1, _child(nik="2171010101010001", rt="003"), _child("Citra"))
    async with db.transaction() as tx:
        await reg.delete_identity(tx, ids[1], who=KADER, at=AT)
    new = RegisterCipher(new_key())
    with pytest.raises(RegisterKeyError):  # the wrong old key: nothing written
        async with db.transaction() as tx:
            await reg.rotate_key(tx, new, cipher, who=OPERATOR, at=AT)
    async with db.transaction() as tx:
        assert await reg.rotate_key(tx, cipher, new, who=OPERATOR, at=AT) == 1
    async with db.transaction() as tx:
        await reg.check_key(tx, new, AT)
        with pytest.raises(RegisterKeyError):
            await reg.check_key(tx, cipher, AT)
        (andi,) = await reg.children_of_posyandu(tx, new, p1, who=KADER, at=AT)
    assert (andi.name, andi.nik, andi.rt, andi.dusun) == (
        "Andi Saputra",
        "2171010101010001",
        "003",
        None,
    )
    async with db.read() as conn:
        log = await reg.audit_entries(conn)
    assert ("register.rotate_key", OPERATOR, (ids[0],)) in [
        (e.action, e.who, e.child_ids) for e in log
    ]


async def test_an_area_month_is_read_anonymous_and_a_posyandu_list_with_its_last_three(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    """The prevalence read: an area's weighings of a month (its subtree only, that month
    only), sex and birth date without any identity column, and no audit row; the weighing
    list's read: each child's last three weighings up to the month."""
    p1, p3 = world.posyandu[0].id, world.posyandu[2].id  # Seraya; Tiban (another kecamatan)
    a, b = await _add(db, cipher, p1, _child(), _child("Citra", sex="P", born=date(2024, 1, 2)))
    (c,) = await _add(db, cipher, p3, _child("Budi"))
    months = [date(2026, m, 10) for m in (7, 8, 9, 10, 11)]
    async with db.transaction() as tx:
        for day in months:
            await reg.record_weighing(tx, reg.Weighing(a, day, 9000 + day.month), at=AT)
        await reg.record_weighing(tx, reg.Weighing(b, months[-1], 11000, 850), at=AT)
        await reg.record_weighing(tx, reg.Weighing(c, months[-1], 8000), at=AT)
        before = await fetch_one(tx, "SELECT count(*) FROM audit_log")
    nov = Period(2026, 11)
    async with db.read() as conn:
        desa = await reg.measured_in_area(conn, world.desa.path, nov)
        kab = await reg.measured_in_area(conn, world.kabupaten.path, nov)
        oct_ = await reg.measured_in_area(conn, world.kabupaten.path, Period(2026, 10))
        other = await reg.measured_in_area(conn, world.other_desa.path, Period(2026, 9))
        last = await reg.month_weighings(conn, [a, b, c], Period(2026, 10))
        after = await fetch_one(conn, "SELECT count(*) FROM audit_log")
    assert sorted((m.weighing.child_id, m.sex, m.birth_date) for m in desa) == [
        (a, "L", date(2025, 3, 14)),
        (b, "P", date(2024, 1, 2)),
    ]
    assert {m.weighing.child_id for m in kab} == {a, b, c}
    assert [(m.weighing.child_id, m.weighing.weight_g) for m in oct_] == [(a, 9010)]
    assert other == []
    assert [w.date.month for w in last[a]] == [8, 9, 10]
    assert last[b] == [] and last[c] == []
    assert after[0] == before[0]  # nothing audited: no name read


async def test_one_child_is_read_for_a_page_and_audited_where_shown(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    (a,) = await _add(db, cipher, world.posyandu[0].id, _child())
    async with db.transaction() as tx:
        shown = await reg.read_child(tx, cipher, a)
        assert shown is not None
        await reg.audit_shown(tx, shown, who=KADER, at=AT)
        assert await reg.read_child(tx, cipher, a + 100) is None
    assert shown.children[0].name == "Andi Saputra"
    async with db.read() as conn:
        entries = await reg.audit_entries(conn, AT)
    assert (entries[-1].action, entries[-1].child_ids) == ("children.dasbor.child", (a,))
    assert entries[-1].posyandu_id == world.posyandu[0].id


async def test_a_corrected_status_is_kept_beside_the_computed_one_until_replaced(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    (andi,) = await _add(db, cipher, world.posyandu[0].id, _child())
    nov = reg.Weighing(andi, date(2026, 11, 12), 12_400, kader_id=7)
    period = nov.period
    async with db.transaction() as tx:
        assert not await reg.correct_status(tx, andi, period, Status.N, Status.T, who=KADER, at=AT)
        await reg.record_weighing(tx, nov, at=AT)
        assert await reg.correct_status(tx, andi, period, Status.N, Status.T, who=KADER, at=AT)
    async with db.read() as conn:
        [stored] = (await reg.weighings_of(conn, [andi]))[andi]
        entries = await reg.audit_entries(conn)
    assert stored.correction == reg.StatusCorrection(Status.N, Status.T, 7, AT)
    assert (entries[-1].action, entries[-1].who, entries[-1].child_ids) == (
        "weighing.correct_status",
        KADER,
        (andi,),
    )
    with pytest.raises(ValueError, match="corrected by a kader"):
        async with db.transaction() as tx:
            await reg.correct_status(tx, andi, period, Status.N, Status.T, who=OPERATOR, at=AT)
    # Another weight of the month replaces the weighing: its status is the rules' again.
    async with db.transaction() as tx:
        other = reg.Weighing(andi, date(2026, 11, 13), 12_100, kader_id=7)
        assert (await reg.record_weighing(tx, other, at=AT, replace=True)).outcome == "replaced"
    async with db.read() as conn:
        [stored] = (await reg.weighings_of(conn, [andi]))[andi]
    assert stored.correction is None


async def test_a_posyandu_month_for_the_f1_form_is_read_anonymous(
    db: Database, world: World, cipher: RegisterCipher
) -> None:
    """The F1 form's reads (``posyandu_month_histories``, ``register_on``): only children
    weighed in the month, each with its last three weighings; the children on the register
    as ``register_counts`` counts them; no audit row."""
    p1, p2 = world.posyandu[0].id, world.posyandu[1].id
    andi, citra, other = await _add(
        db, cipher, p1, _child(has_kms=True), _child("Citra", date(2022, 1, 1))
    ) + await _add(db, cipher, p2, _child("Dewi"))
    days = [date(2026, m, 12) for m in (8, 9, 10, 11)]
    async with db.transaction() as tx:
        for i, day in enumerate(days):
            await reg.record_weighing(tx, reg.Weighing(andi, day, 9000 + 100 * i), at=AT)
        await reg.record_weighing(tx, reg.Weighing(citra, days[0], 12_000), at=AT)
        await reg.record_weighing(tx, reg.Weighing(other, days[-1], 9000), at=AT)
    async with db.read() as conn:
        before = len(await reg.audit_entries(conn))
        month = await reg.posyandu_month_histories(conn, p1, Period(2026, 11))
        listed = await reg.register_on(conn, p1, date(2026, 11, 30))
        counts = await reg.register_counts(conn, p1, date(2026, 11, 30))
    assert [(s, born, [w.date for w in ws]) for s, born, ws in month] == [
        (Sex.MALE, date(2025, 3, 14), days[1:])
    ]
    assert sorted(listed) == [
        (Sex.MALE, date(2022, 1, 1), None),
        (Sex.MALE, date(2025, 3, 14), True),
    ]
    assert (counts.s, counts.k) == (len(listed), 1)
    async with db.read() as conn:
        assert len(await reg.audit_entries(conn)) == before
