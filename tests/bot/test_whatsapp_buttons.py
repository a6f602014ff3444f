"""WhatsApp answer buttons (issue 15): choices as Twilio ``twilio/quick-reply`` Content
Templates when the operator configured one that fits, one numbered line otherwise, none where a
typed number is an answer; a tapped button reaches the conversation as its text. The real
twilio client speaks HTTP to the fake Twilio API on loopback; the webhook is the real service's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import Service
from bot.whatsapp.buttons import BODY_LIMIT, TITLE_LIMIT, quick_reply
from bot.whatsapp.intake import parse_form
from bot.whatsapp.sender import WhatsAppSender
from scoring import Period
from storage.reports import get_report
from tests.clock import Day, TickingClock, local_today
from tests.e2e.conftest import HARI_BUKA, Seeded, reporting, seed, settings_for, wait_for
from tests.e2e.test_whatsapp import AUTH, FROM, KADER, PUBLIC, QUICK, SID, Phone, post_form
from tests.fakes.server import serve
from tests.fakes.twilio_api import FakeTwilio, TwilioFault

TWO = "HX" + "2" * 32
THREE = "HX" + "3" * 32
BUTTONS = f"2:{TWO},3:{THREE}"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@dataclass
class Rig:
    fake: FakeTwilio
    sender: WhatsAppSender
    service: Service
    seeded: Seeded


@asynccontextmanager
async def whatsapp(tmp_path: Path, **settings: Any) -> AsyncIterator[Rig]:
    """The fake Twilio API (with the two quick-reply templates), and the service (its HTTP app
    on loopback, for taps) built from ``settings``, with its WhatsApp sender."""
    fake = FakeTwilio(SID, AUTH)
    fake.add_quick_reply(TWO, 2)
    fake.add_quick_reply(THREE, 3)
    async with serve(fake.app) as url:
        seeded = await seed(tmp_path / "wa.db")
        service = Service(
            settings_for(
                seeded.path,
                twilio_account_sid=SID,
                twilio_auth_token=AUTH,
                twilio_whatsapp_from=FROM,
                twilio_api_base_url=url,
                public_base_url=PUBLIC,
                **settings,
            ),
            TickingClock(),
            run_scheduler=False,
        )
        await service.start()
        sender = service.channels["whatsapp"].sender
        assert isinstance(sender, WhatsAppSender)
        try:
            yield Rig(fake, sender, service, seeded)
        finally:
            await service.stop()


def variables(message: dict[str, Any]) -> dict[str, str]:
    loaded = json.loads(message["ContentVariables"])
    assert isinstance(loaded, dict)
    return loaded


# --- the choice of template (pure) ----------------------------------------------------------
TEMPLATES = {2: TWO, 3: THREE}


@pytest.mark.parametrize(
    ("text", "choices", "why"),
    [
        ("Simpan?", ("YA",), "no template for 1 button"),
        ("Bulan?", MONTHS, "12 choices: more than WhatsApp's 3"),
        ("Bulan?", MONTHS[:4], "4 choices"),
        ("Nama?", ("Siti Aminah binti Abdullah", "LEWATI"), "a title over 20 characters"),
        ("Simpan?", ("YA", "YA"), "titles must differ"),
        ("Simpan?", ("YA", ""), "an empty title"),
        ("Simpan?", ("YA", "TIDAK\nBATAL"), "a title on two lines"),
        ("", ("YA", "TIDAK"), "an empty body"),
        ("x" * (BODY_LIMIT + 1), ("YA", "TIDAK"), "a body over 1,024 characters"),
    ],
)
def test_no_quick_reply_when_it_does_not_fit(text: str, choices: tuple[str, ...], why: str) -> None:
    assert quick_reply(text, choices, TEMPLATES) is None, why


def test_the_template_for_that_many_buttons_carries_text_and_titles() -> None:
    found = quick_reply("Simpan laporan?", ("YA", "TIDAK", "BATAL"), TEMPLATES)
    assert found is not None
    assert found.content_sid == THREE
    assert dict(found.variables) == {"1": "Simpan laporan?", "2": "YA", "3": "TIDAK", "4": "BATAL"}
    longest = "x" * TITLE_LIMIT
    assert quick_reply("x" * BODY_LIMIT, (longest, "= 56"), TEMPLATES) is not None


# --- sending through Twilio -----------------------------------------------------------------
@pytest.mark.slow
async def test_yes_no_goes_as_a_quick_reply_with_its_variables(tmp_path: Path) -> None:
    async with whatsapp(tmp_path, twilio_quick_reply_content=BUTTONS) as rig:
        fake, sender = rig.fake, rig.sender
        sid = await sender.send_text(KADER, "Simpan laporan November?", ("YA", "TIDAK"))
    (message,) = fake.to(KADER)
    assert message["Sid"] == sid
    assert message["ContentSid"] == TWO
    assert "Body" not in message
    assert variables(message) == {"1": "Simpan laporan November?", "2": "YA", "3": "TIDAK"}
    # As WhatsApp shows it: the text, and buttons whose ids are their titles.
    assert message["Rendered"] == {
        "body": "Simpan laporan November?",
        "buttons": ["YA", "TIDAK"],
        "ids": ["YA", "TIDAK"],
    }
    assert message["From"] == f"whatsapp:{FROM}"
    assert message["StatusCallback"] == f"{PUBLIC}/twilio/status"


@pytest.mark.slow
async def test_a_count_question_gets_buttons_too(tmp_path: Path) -> None:
    """numbered=False only forbids numbering a list: buttons send their text, never a number."""
    async with whatsapp(tmp_path, twilio_quick_reply_content=BUTTONS) as rig:
        fake, sender = rig.fake, rig.sender
        await sender.send_text(KADER, "D (ditimbang)?", ("= 56", "LEWATI"), numbered=False)
    (message,) = fake.to(KADER)
    assert message["ContentSid"] == TWO
    assert message["Rendered"]["buttons"] == ["= 56", "LEWATI"]


@pytest.mark.slow
async def test_without_a_template_the_choices_are_one_numbered_line(tmp_path: Path) -> None:
    async with whatsapp(tmp_path) as rig:
        fake, sender = rig.fake, rig.sender
        await sender.send_text(KADER, "Simpan laporan November?", ("YA", "TIDAK"))
        await sender.send_text(KADER, "Bulan apa?", MONTHS)
    yes_no, months = fake.to(KADER)
    assert "ContentSid" not in yes_no and "ContentVariables" not in yes_no
    assert yes_no["Body"] == "Simpan laporan November?\nBalas 1 = YA, 2 = TIDAK"
    first, listed = months["Body"].split("\n")
    assert first == "Bulan apa?"
    assert listed.startswith("Balas 1 = Jan, 2 = Feb, 3 = Mar")
    assert listed.endswith("12 = Des")


@pytest.mark.slow
async def test_a_count_question_without_buttons_lists_no_numbers(tmp_path: Path) -> None:
    async with whatsapp(tmp_path) as rig:
        fake, sender = rig.fake, rig.sender
        await sender.send_text(KADER, "D (ditimbang)?", ("= 56", "LEWATI"), numbered=False)
    (message,) = fake.to(KADER)
    assert message["Body"] == "D (ditimbang)?"  # "1" stays a count, never "choice 1"


@pytest.mark.slow
async def test_choices_that_fit_no_template_go_as_numbered_text(tmp_path: Path) -> None:
    async with whatsapp(tmp_path, twilio_quick_reply_content=f"2:{TWO}") as rig:
        fake, sender = rig.fake, rig.sender
        await sender.send_text(KADER, "Bulan apa?", MONTHS)
        await sender.send_text(KADER, "Lanjut?", ("YA", "TIDAK", "BATAL"))
    months, three = fake.to(KADER)
    assert "ContentSid" not in months and "ContentSid" not in three
    assert three["Body"] == "Lanjut?\nBalas 1 = YA, 2 = TIDAK, 3 = BATAL"


@pytest.mark.slow
async def test_a_refused_quick_reply_goes_as_plain_text(tmp_path: Path) -> None:
    async with whatsapp(tmp_path, twilio_quick_reply_content=BUTTONS) as rig:
        fake, sender = rig.fake, rig.sender
        fake.fail(TwilioFault(400, 21655, "The ContentSid is Invalid"))
        sid = await sender.send_text(KADER, "Simpan laporan November?", ("YA", "TIDAK"))
    (message,) = fake.to(KADER)
    assert message["Sid"] == sid
    assert message["Body"] == "Simpan laporan November?\nBalas 1 = YA, 2 = TIDAK"


@pytest.mark.slow  # the fake Twilio server on loopback
async def test_the_fake_refuses_content_as_twilio_does(tmp_path: Path) -> None:
    """The fake holds the client to Twilio's documented rules (21654, 21655, 21656)."""
    fake = FakeTwilio(SID, AUTH)
    fake.add_quick_reply(TWO, 2)
    base = {"To": f"whatsapp:{KADER}", "From": f"whatsapp:{FROM}"}
    cases = [
        ({"ContentVariables": "{}", "Body": "x"}, 21654),
        ({"ContentSid": "HX123"}, 21655),
        ({"ContentSid": TWO, "ContentVariables": "not json"}, 21656),
        ({"ContentSid": TWO, "ContentVariables": '{"1": "a", "2": ""}'}, 21656),
        ({"ContentSid": TWO, "ContentVariables": '{"1": "a", "2": "YA"}'}, 21656),  # no {{3}}
        ({"Body": "x", "ContentSID": TWO}, 21600),  # misspelt
    ]
    async with serve(fake.app) as url, httpx.AsyncClient(auth=(SID, AUTH)) as client:
        messages = f"{url}/2010-04-01/Accounts/{SID}/Messages.json"
        for extra, code in cases:
            r = await client.post(messages, data=base | extra)
            assert (r.status_code, r.json()["code"]) == (400, code), extra
    assert fake.messages == []


# --- a tap comes back as its text -----------------------------------------------------------
@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"Body": "YA", "ButtonText": "YA", "ButtonPayload": "YA"}, "YA"),
        ({"Body": "", "ButtonPayload": "= 56"}, "= 56"),
        ({"Body": "2", "ButtonText": "LEWATI"}, "LEWATI"),
        ({"Body": "41"}, "41"),
        ({"Body": "41", "ButtonText": " ", "ButtonPayload": ""}, "41"),
    ],
)
def test_the_intake_reads_a_tapped_button_as_its_text(form: dict[str, str], said: str) -> None:
    base = {"MessageSid": "SM" + "a" * 32, "From": f"whatsapp:{KADER}", "NumMedia": "0"}
    assert parse_form(base | form).text == said


@pytest.mark.slow
@pytest.mark.hari_buka(HARI_BUKA)
async def test_a_tapped_button_reaches_the_conversation(tmp_path: Path, today: Day) -> None:
    async with whatsapp(tmp_path, twilio_quick_reply_content=BUTTONS) as rig:
        fake, service, seeded = rig.fake, rig.service, rig.seeded
        phone = Phone(service)
        for text in (f"DAFTAR {seeded.kader_code}", "Bu Sari", *reporting(QUICK, today)):
            assert (await phone.say(text)).status_code == 200
        await wait_for(lambda: any("tersimpan" in m.get("Body", "") for m in fake.to(KADER)))
        # The month is saved; TIDAK BUKA now asks to confirm the change: YA / BATAL buttons.
        before = len(fake.to(KADER))
        assert (await phone.say("TIDAK BUKA")).status_code == 200
        await wait_for(lambda: any(m.get("ContentSid") == TWO for m in fake.to(KADER)[before:]))
        (asked,) = [m for m in fake.to(KADER)[before:] if m.get("ContentSid") == TWO]
        assert asked["Rendered"]["buttons"] == ["YA", "BATAL"]
        # The tap, as Twilio relays it, carrying the button's id alone (no typed Body).
        form = {
            "MessageSid": "SM" + "b" * 32,
            "AccountSid": SID,
            "From": f"whatsapp:{KADER}",
            "To": f"whatsapp:{FROM}",
            "Body": "",
            "ButtonPayload": "YA",
            "NumMedia": "0",
        }
        assert (await post_form(service, "/twilio/whatsapp", form)).status_code == 200
        local = local_today()
        period = Period(local.year, local.month)

        async def closed() -> bool:
            assert service.db is not None
            async with service.db.read() as conn:
                stored = await get_report(conn, seeded.posyandu_id, period)
            return stored is not None and not stored.report.buka

        await wait_for(closed)
