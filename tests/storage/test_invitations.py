"""Invitation codes: alphabet and length, expiry, uses, atomic redeem."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import Database
from storage.invitations import (
    ALPHABET,
    CODE_LENGTH,
    RedeemResult,
    create_invitation,
    invitation_by_code,
    redeem,
)
from storage.people import Role
from tests.storage.helpers import T0, World


def test_alphabet_has_no_lookalikes() -> None:
    assert ALPHABET == "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    assert not set(ALPHABET) & set("01ILO")
    assert len(set(ALPHABET)) == len(ALPHABET)
    assert CODE_LENGTH == 8


async def test_codes_use_the_alphabet_and_differ(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        codes = [
            (await create_invitation(tx, Role.KADER, T0, posyandu_id=world.posyandu[0].id)).code
            for _ in range(200)
        ]
    assert len(set(codes)) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)


async def test_redeem_expiry(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        inv = await create_invitation(
            tx, Role.SUPERVISOR, T0, area_id=world.kecamatan.id, uses=5, valid_for=timedelta(days=2)
        )
    assert inv.expires_at == T0 + timedelta(days=2)
    async with db.transaction() as tx:
        just_before = await redeem(tx, inv.code, inv.expires_at - timedelta(microseconds=1))
        at_expiry = await redeem(tx, inv.code, inv.expires_at)
    assert just_before[0] is RedeemResult.OK
    assert just_before[1] is not None and just_before[1].uses_left == 4
    assert at_expiry[0] is RedeemResult.EXPIRED


async def test_redeem_uses_and_normalised_codes(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        inv = await create_invitation(tx, Role.KADER, T0, posyandu_id=world.posyandu[1].id, uses=2)
    typed = " " + inv.code[:4].lower() + "-" + inv.code[4:].lower() + " "
    async with db.transaction() as tx:
        first = await redeem(tx, typed, T0)
        second = await redeem(tx, inv.code, T0)
        third = await redeem(tx, inv.code, T0)
        unknown = await redeem(tx, "ZZZZZZZZ", T0)
    assert [first[0], second[0], third[0]] == [
        RedeemResult.OK,
        RedeemResult.OK,
        RedeemResult.USED_UP,
    ]
    assert second[1] is not None and second[1].uses_left == 0
    assert unknown == (RedeemResult.UNKNOWN, None)
    async with db.read() as conn:
        stored = await invitation_by_code(conn, inv.code)
    assert stored is not None and stored.uses_left == 0


async def test_concurrent_redeems_never_overspend(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        inv = await create_invitation(tx, Role.KADER, T0, posyandu_id=world.posyandu[0].id, uses=3)

    async def attempt() -> RedeemResult:
        async with db.transaction() as tx:
            result, _ = await redeem(tx, inv.code, T0)
            await asyncio.sleep(0)
            return result

    results = await asyncio.gather(*(attempt() for _ in range(20)))
    assert results.count(RedeemResult.OK) == 3
    assert results.count(RedeemResult.USED_UP) == 17


async def test_create_checks_its_target(db: Database, world: World) -> None:
    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="posyandu"):
            await create_invitation(tx, Role.KADER, T0, area_id=world.desa.id)
        with pytest.raises(ValueError, match="area"):
            await create_invitation(tx, Role.SUPERVISOR, T0, posyandu_id=world.posyandu[0].id)
        with pytest.raises(ValueError, match="either"):
            await create_invitation(tx, Role.KADER, T0)
        with pytest.raises(ValueError, match="uses"):
            await create_invitation(tx, Role.KADER, T0, posyandu_id=world.posyandu[0].id, uses=0)
