"""Media tokens: round trip, expiry, forgery, tampering; the store's pruning."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette

from bot.app import Service
from bot.channels import OutgoingDocument
from bot.media import PRIVATE_TTL, MediaLinks, MediaStore, issue_token, read_token
from bot.settings import Settings
from scoring.clock import FixedClock

KEY = b"k" * 32
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PUBLIC = "https://bot.example.org"


def test_round_trip_until_expiry() -> None:
    token = issue_token(
        "monthly_report", {"posyandu_id": 7, "period": "2026-11"}, NOW + timedelta(hours=24), KEY
    )
    grant = read_token(token, NOW, KEY)
    assert grant is not None
    assert grant.kind == "monthly_report"
    assert grant.params == {"posyandu_id": 7, "period": "2026-11"}
    assert read_token(token, NOW + timedelta(hours=24), KEY) is None


def test_other_key_or_changed_character_fails() -> None:
    token = issue_token("area_summary", {"area_id": 1}, NOW + timedelta(hours=1), KEY)
    assert read_token(token, NOW, b"x" * 32) is None
    for i in range(len(token)):
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert read_token(changed, NOW, KEY) is None


@given(st.text(max_size=300))
def test_garbage_is_refused(text: str) -> None:
    assert read_token(text, NOW, KEY) is None


def test_store_prunes_only_what_every_token_has_outlived(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    old = store.put(b"%PDF old", NOW - timedelta(hours=30))
    again = store.put(b"%PDF again", NOW - timedelta(hours=30))
    # Put again later (a new token for the same content): its file must stay.
    assert store.put(b"%PDF again", NOW - timedelta(hours=1)) == again
    fresh = store.put(b"%PDF fresh", NOW)
    (tmp_path / "media" / "leftover.part").write_bytes(b"half")
    os.utime(tmp_path / "media" / "leftover.part", (0, 0))
    assert store.prune(NOW - timedelta(hours=24)) == 2
    assert store.get(old) is None
    assert store.get(again) == b"%PDF again"
    assert store.get(fresh) == b"%PDF fresh"
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == sorted(
        [f"{again}.pdf", f"{fresh}.pdf"]
    )
    assert MediaStore(tmp_path / "nothing").prune(NOW) == 0


async def test_the_service_prunes_expired_media_hourly(tmp_path: Path) -> None:
    """Wired: the scheduler's hourly prune removes PDFs whose tokens all expired."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, posyandu_db=tmp_path / "m.db", media_dir=tmp_path / "media"
    )
    clock = FixedClock(NOW)
    service = Service(settings, clock)
    await service.start(serve_http=False)
    try:
        assert service.media is not None and service.scheduler is not None
        old = service.media.put(b"%PDF old", NOW)
        clock.set(NOW + timedelta(hours=settings.media_ttl_hours - 1))
        new = service.media.put(b"%PDF new", clock.now())
        await service.scheduler.prune()
        assert service.media.get(old) is not None  # its token has not expired yet
        clock.set(NOW + timedelta(hours=settings.media_ttl_hours, minutes=1))
        await service.scheduler.prune()
        assert service.media.get(old) is None
        assert service.media.get(new) is not None
    finally:
        await service.stop()


async def test_a_private_document_is_given_once_and_kept_no_longer(tmp_path: Path) -> None:
    """A KMS (a child's name on it) behind a WhatsApp media link: kept until Twilio fetches
    it once, under a link of PRIVATE_TTL at most; never fetched, pruned after PRIVATE_TTL."""
    clock = FixedClock(NOW)
    links = MediaLinks(MediaStore(tmp_path / "media"), KEY, timedelta(hours=24), PUBLIC, clock)
    app = Starlette(routes=[links.route()])
    private = OutgoingDocument("kms-mwr01-1.pdf", b"%PDF Andi Saputra", "KMS", private=True)
    shared = OutgoingDocument("laporan.pdf", b"%PDF laporan")

    async def fetch(url: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.get(url.removeprefix(PUBLIC))

    url = await links.url(private)
    plain = await links.url(shared)
    first = await fetch(url)
    assert (first.status_code, first.content) == (200, b"%PDF Andi Saputra")
    assert (await fetch(url)).status_code == 404  # given once: gone from the disk
    assert not any(b"Andi" in p.read_bytes() for p in (tmp_path / "media").rglob("*.pdf"))
    assert (await fetch(plain)).status_code == 200 and (await fetch(plain)).status_code == 200
    # A link never fetched: dead after PRIVATE_TTL, its file pruned then (not before).
    unfetched = await links.url(private)
    assert links.prune(NOW + PRIVATE_TTL - timedelta(seconds=1)) == 0
    clock.set(NOW + PRIVATE_TTL)
    assert (await fetch(unfetched)).status_code == 404
    assert links.prune(NOW + PRIVATE_TTL + timedelta(seconds=1)) == 1
    assert not list((tmp_path / "media" / "once").iterdir())
    assert (await fetch(plain)).status_code == 200  # the report's link lives its 24 hours
