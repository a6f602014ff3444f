"""The authorisation matrix: who may see and change what, through the real webhook.

Kader of posyandu A and B (same desa), supervisors of sibling desa, sibling kecamatan and the
parent areas, someone not registered, and Telegram groups (linked to an area, or not) each
type every command, with arguments that name other posyandu. Checked after every message:

- no reply shows a name, code, desa, kader, phone number or figure of a posyandu outside
  what the sender may see (a name the sender typed may be echoed back, nothing more);
- documents (PDF) are only ever of the sender's own posyandu or area;
- reports of posyandu the sender may not change are untouched (a kader changes only their
  own; supervisors, strangers and groups change none), and a refused command changes no
  data at all (people, identities, invitations, group links, reports and their history).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from storage import Database
from tests.e2e.conftest import SECRET
from tests.hostile.harness import (
    POSYANDU,
    SUPERVISORS,
    Actor,
    Seeded,
    client,
    rendered,
    running,
    seed,
)

PRIVATE_SCRIPT = [
    "LAPOR", "YA", "BATAL",
    "LAPOR OKT S=700 K=600 D=500 N=400", "YA",
    "TIDAK BUKA", "YA", "BATAL",
    "TIDAK BUKA SEP", "YA",
    "UBAH S 700", "YA",
    "UBAH D 1 OKT", "YA",
    "RIWAYAT", "PDF", "PDF OKT", "PDF SEP",
    "STATUS", "STATUS OKT", "BELUM", "BELUM OKT", "LAGI", "STRATA", "LAGI",
    "POSYANDU Mawar", "POSYANDU Melati", "POSYANDU Anggrek", "POSYANDU Kenanga",
    "POSYANDU KNG04", "POSYANDU MLT02", "POSYANDU AGR03", "POSYANDU MWR01",
    "POSYANDU Bukit", "POSYANDU Kibing", "POSYANDU Sungai", "POSYANDU a", "1", "LAGI",
    "REKAP", "REKAP OKT",
    "DAFTAR ABCDEFGH", "BANTUAN", "KEMBALI", "BATAL", "LANJUT", "YA",
]  # fmt: skip
#: In a group only commands count: the same, as /commands.
GROUP_SCRIPT = [
    "/" + text.lower().replace("tidak buka", "tidak_buka") if text[0].isalpha() else text
    for text in PRIVATE_SCRIPT
]
#: Said in a refusal (nothing may change then).
REFUSALS = (
    "untuk kader posyandu",
    "khusus pembina wilayah",
    "belum terdaftar",
    "tidak ada di wilayah",
    "belum tersambung",
    "Hanya pembina wilayah",
    "sudah terdaftar atas nama",
)
KECAMATAN = {"21.71.05": "Batu Aji", "21.71.06": "Sagulung"}
KECAMATAN_OF_DESA = {"Bukit Tempayan": "Batu Aji", "Kibing": "Batu Aji", "Sungai Lekop": "Sagulung"}


def forbidden(sees: Iterable[str]) -> dict[str, re.Pattern[str]]:
    """What a reply to someone who sees these posyandu (codes) must not contain."""
    seen = set(sees)
    visible_desa = {p.desa for p in POSYANDU if p.code in seen}
    visible_kec = {KECAMATAN_OF_DESA[d] for d in visible_desa}
    out: dict[str, re.Pattern[str]] = {}
    for p in POSYANDU:
        if p.code in seen:
            continue
        words = [p.name, p.code, p.kader, p.whatsapp, p.whatsapp[-8:]]
        if p.desa not in visible_desa:
            words.append(p.desa)
        if KECAMATAN_OF_DESA[p.desa] not in visible_kec and seen:
            words.append(KECAMATAN_OF_DESA[p.desa])
        for word in words:
            out[word] = re.compile(re.escape(word), re.IGNORECASE)
        for figure in p.figures:
            out[figure] = re.compile(rf"(?<![\d.,]){figure}(?!\d)")
    return out


async def protected(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """The data a message may only change when it is allowed to."""
    queries = {
        "reports": "SELECT * FROM reports ORDER BY id",
        "revisions": "SELECT * FROM report_revisions ORDER BY rowid",
        "people": "SELECT * FROM people ORDER BY id",
        "identities": "SELECT person_id, channel, address FROM identities ORDER BY id",
        "invitations": "SELECT * FROM invitations ORDER BY id",
        "groups": "SELECT * FROM group_links ORDER BY rowid",
        "posyandu": "SELECT * FROM posyandu ORDER BY id",
        "areas": "SELECT * FROM areas ORDER BY id",
        "moves": "SELECT * FROM hari_buka_moves ORDER BY rowid",
    }
    async with db.read() as conn:
        return {k: [tuple(r) for r in await conn.execute_fetchall(q)] for k, q in queries.items()}


async def reports_of_others(db: Database, own: int | None) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT * FROM reports WHERE posyandu_id IS NOT ? ORDER BY id", (own,)
        )
        return [tuple(r) for r in rows]


class Matrix:
    """Sends as someone through the webhook and checks each reply and the data."""

    def __init__(self, seeded: Seeded, service: Any, fake: Any) -> None:
        self.seeded = seeded
        self.service = service
        self.fake = fake
        self.http = client(service)
        self.last_id = 0
        self.replies: list[str] = []

    @property
    def db(self) -> Database:
        assert self.service.db is not None
        db: Database = self.service.db
        return db

    async def send(
        self, chat: str, text: str, *, sender: str | None = None, group: bool = False
    ) -> list[str]:
        update = self.fake.text_update(
            int(chat),
            text,
            chat_type="supergroup" if group else "private",
            user_id=int(sender or chat),
        )
        r = await self.http.post(
            "/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert r.status_code == 200, (text, r.status_code, r.text)
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT id, address, payload FROM outbox WHERE id > ? ORDER BY id",
                (self.last_id,),
            )
        replies = []
        for row in rows:
            self.last_id = max(self.last_id, int(row[0]))
            assert row[1] == chat, f"{text!r}: a reply went to {row[1]}, not to {chat}"
            replies.append(rendered(json.loads(row[2])))
        self.replies.extend(replies)
        return replies

    async def check_script(
        self,
        chat: str,
        script: list[str],
        sees: frozenset[str],
        *,
        may_change: int | None,
        area_id: int | None,
        sender: str | None = None,
        group: bool = False,
    ) -> None:
        patterns = forbidden(sees)
        own_ids = {self.seeded.posyandu[c].id for c in sees}
        for text in script:
            before = await protected(self.db)
            others = await reports_of_others(self.db, may_change)
            replies = await self.send(chat, text, sender=sender, group=group)
            # In a group only /commands are for the bot.
            assert replies or (group and not text.startswith("/")), f"no reply to {text!r}"
            body = "\n".join(replies)
            for word, pattern in patterns.items():
                if word.lower() in text.lower():
                    continue  # the sender's own words, echoed
                assert not pattern.search(body), f"{text!r} showed {word!r}:\n{body}"
            for doc in re.findall(r"\[document (\w+) (\{.*?\})\]", body):
                params = json.loads(doc[1])
                if doc[0] == "monthly_report":
                    assert params["posyandu_id"] == may_change, (text, params)
                    assert params["posyandu_id"] in own_ids
                else:
                    assert params["area_id"] == area_id, (text, params)
            assert await reports_of_others(self.db, may_change) == others, text
            if any(refusal in body for refusal in REFUSALS):
                assert await protected(self.db) == before, f"refused {text!r} changed data"


def _area_id(seeded: Seeded, actor: Actor) -> int | None:
    return seeded.areas[actor.area_code].id if actor.area_code else None


ACTORS = [f"kader_{p.code}" for p in POSYANDU[:2]] + [s[0] for s in SUPERVISORS] + ["stranger"]


@pytest.mark.parametrize("who", ACTORS)
async def test_private_chat_stays_inside_its_scope(who: str, tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "matrix.db")
    actor = seeded.actors[who]
    own = seeded.posyandu[actor.kader_of].id if actor.kader_of else None
    async with running(seeded) as (service, fake):
        matrix = Matrix(seeded, service, fake)
        await matrix.check_script(
            actor.telegram,
            PRIVATE_SCRIPT,
            actor.sees,
            may_change=own,
            area_id=_area_id(seeded, actor),
        )
        await matrix.http.aclose()
    text = "\n".join(matrix.replies)
    # The scripts did reach the data the actor may see (the matrix is not vacuous).
    for code in actor.sees:
        assert seeded.posyandu[code].name in text, code
    if actor.kader_of is None:
        assert "belum terdaftar" in text or "khusus pembina" not in text


async def test_groups_speak_with_the_scope_of_the_linked_area(tmp_path: Path) -> None:
    seeded = await seed(tmp_path / "groups.db")
    spv = seeded.actors["spv_desa_a1"]
    other_spv = seeded.actors["spv_kec_b"]
    kader_d = seeded.actors["kader_KNG04"]
    stranger = seeded.actors["stranger"]
    linked, unlinked = "-100500", "-100600"
    async with running(seeded) as (service, fake):
        matrix = Matrix(seeded, service, fake)
        # Not linked: every command from anyone gets "not linked yet" and changes nothing.
        for who in (spv, kader_d, stranger):
            await matrix.check_script(
                unlinked, GROUP_SCRIPT[:12], frozenset(), may_change=None, area_id=None,
                sender=who.telegram, group=True,
            )  # fmt: skip
        # A kader or a stranger cannot link a group; a supervisor can.
        for who in (kader_d, stranger):
            reply = await matrix.send(linked, "/sambungkan", sender=who.telegram, group=True)
            assert "Hanya pembina wilayah" in reply[0]
        reply = await matrix.send(linked, "/sambungkan", sender=spv.telegram, group=True)
        assert "tersambung ke Desa/Kelurahan Bukit Tempayan" in reply[0]
        # Linked: whoever types in the group sees the linked area only (Mawar, Melati).
        for who in (kader_d, stranger, other_spv, spv):
            await matrix.check_script(
                linked, GROUP_SCRIPT, spv.sees, may_change=None,
                area_id=_area_id(seeded, spv), sender=who.telegram, group=True,
            )  # fmt: skip
        # Someone else cannot unlink it.
        for who in (kader_d, other_spv, stranger):
            before = await protected(matrix.db)
            reply = await matrix.send(linked, "/putuskan", sender=who.telegram, group=True)
            assert "Hanya pembina wilayah" in reply[0]
            assert await protected(matrix.db) == before
        reply = await matrix.send(linked, "/putuskan", sender=spv.telegram, group=True)
        assert "tidak lagi tersambung" in reply[0]
        await matrix.http.aclose()
    text = "\n".join(matrix.replies)
    assert "Mawar" in text and "Melati" in text
