"""BANTUAN is derived from the command table (issue 25): each command declares once whose
BANTUAN lists it, its one-line help is the catalogue's, and the result fits a small phone
(12 lines on a 40-column screen) and 2 SMS."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.sms.text import segments, sms_text
from conversations.catalogue import MESSAGES
from conversations.commands import parse_message
from conversations.table import TABLE, Listed, Route, help_text, resolve
from storage.people import Person, Role
from tests.conversations.test_message_size import MAX_CHARS, MAX_LINES, screen_lines
from tests.conversations.world import World

KADER = Person(1, "Sari", Role.KADER, posyandu_id=1)
BIDAN = Person(3, "Bidan Rina", Role.SUPERVISOR, area_id=10)
WHO = {Listed.KADER: KADER, Listed.AREA: BIDAN, Listed.REGISTER: KADER}
ALL = pytest.mark.parametrize(
    "listed", [Listed.KADER, Listed.AREA, Listed.REGISTER], ids=["kader", "area", "register"]
)


def test_every_listed_command_has_its_line_and_every_line_its_command() -> None:
    keys = {r.help_key for r in TABLE if r.listed}
    assert sorted(k for k in keys if k not in MESSAGES) == []
    written = {k for k in MESSAGES if k.startswith("help.line.")}
    assert written == keys  # no line written by hand for a command the table does not list
    for key in keys:
        assert MESSAGES[key].startswith("{command} "), key


@ALL
def test_bantuan_lists_the_table_in_its_order(listed: Listed) -> None:
    lines = help_text(listed).split("\n")
    named = [r.name for r in TABLE if listed in r.listed]
    commands = [line.split(" - ")[0] for line in lines[1:] if " - " in line]
    # Each line starts with its command's name (and maybe an example: "UBAH D 41").
    assert len(commands) == len(named)
    assert all(c == n or c.startswith(f"{n} ") for c, n in zip(commands, named, strict=True))


@ALL
def test_every_command_bantuan_names_is_one_the_reader_may_use(listed: Listed) -> None:
    for route in (r for r in TABLE if listed in r.listed):
        typed = re.sub(r"<[^>]*>", "Mawar", MESSAGES[route.help_key].split(" - ")[0])
        found = resolve(parse_message(typed.format(command=route.name)), WHO[listed])
        assert isinstance(found, Route) and found.name == route.name, (listed, route.name)


@ALL
@pytest.mark.parametrize("register", [True, False], ids=["register-on", "register-off"])
def test_bantuan_fits_a_small_phone_and_two_sms(listed: Listed, register: bool) -> None:
    text = help_text(listed, register=register)
    assert screen_lines(text) <= MAX_LINES, (screen_lines(text), text)
    assert len(text) <= MAX_CHARS
    sent = segments(sms_text(text))
    assert sent.encoding.value == "GSM-7" and sent.count <= 2, (sent, sms_text(text))


def test_a_line_is_listed_where_the_table_says_and_only_there() -> None:
    unlisted = tuple(replace(r, listed=Listed.NONE) if r.name == "RIWAYAT" else r for r in TABLE)
    assert "\nRIWAYAT - " in help_text(Listed.KADER)
    assert "RIWAYAT" not in help_text(Listed.KADER, unlisted)
    assert "RIWAYAT" not in help_text(Listed.AREA)
    # A command for everyone (STOP PENGINGAT) is in both, with the same line.
    stop = next(line for line in help_text(Listed.KADER).split("\n") if "STOP" in line)
    assert stop in help_text(Listed.AREA).split("\n")


def test_bantuan_in_a_chat_is_the_derived_text() -> None:
    world = World.demo()
    assert world.say("kader", "BANTUAN") == help_text(Listed.KADER)


def test_a_kaders_register_commands_are_one_bantuan_away() -> None:
    # The kader's BANTUAN is full (12 lines): the register's commands are in BANTUAN ANAK,
    # and BANTUAN says so in one line, only while the register is on.
    assert help_text(Listed.KADER, register=True).split("\n")[-2] == MESSAGES[
        "help.kader.register"
    ]
    assert MESSAGES["help.kader.register"] not in help_text(Listed.KADER)
    register = [r.name for r in TABLE if Listed.REGISTER in r.listed]
    assert register == ["ANAK BARU", "TIMBANG", "KMS", "STATUS", "KELUAR ANAK", "HAPUS ANAK"]
    assert all(r.audience.value == "kader" for r in TABLE if Listed.REGISTER in r.listed)
    world = World.demo()
    assert world.say("kader", "BANTUAN ANAK") == help_text(Listed.KADER)  # the demo world: off
