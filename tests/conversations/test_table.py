"""The command table: one line per command and audience, read by plan and step alike."""

from __future__ import annotations

import importlib

import pytest

from conversations.commands import parse_message
from conversations.effects import SetReminders, StepResult
from conversations.flows.common import Call, done
from conversations.table import TABLE, Audience, Refusal, Route, bantuan, resolve
from scoring.lexicon import COMMAND_WORDS, GROUP_COMMAND_WORDS
from storage.people import Person, Role
from tests.conversations.world import World

#: The module (``conversations.step`` the attribute is the function).
step_module = importlib.import_module("conversations.step")
KADER = Person(1, "Sari", Role.KADER, posyandu_id=1)
BIDAN = Person(3, "Bidan Rina", Role.SUPERVISOR, area_id=10)


def test_every_command_of_the_lexicon_has_its_lines_and_only_once_per_audience() -> None:
    lines = [(r.name, r.audience) for r in TABLE]
    assert len(lines) == len(set(lines))
    assert {r.name for r in TABLE} == {*COMMAND_WORDS, *GROUP_COMMAND_WORDS}
    for route in TABLE:
        # BANTUAN is the table's own: it lists the table's commands.
        own = route.handler is bantuan
        assert own or route.handler.__module__.startswith("conversations.flows."), route.name
        if route.needs is not None:
            assert route.needs.__module__.startswith("conversations."), route.name


@pytest.mark.parametrize(
    ("text", "person", "in_group", "expected"),
    [
        ("LAPOR", KADER, False, ("LAPOR", Audience.KADER)),
        ("JADWAL", KADER, False, ("JADWAL", Audience.KADER)),
        ("JADWAL", BIDAN, False, ("JADWAL", Audience.AREA)),
        ("rekap", KADER, False, "role.supervisor_only"),
        # A kader's STATUS corrects a child's status (STATUS Andi N); a supervisor's is theirs.
        ("status Andi N", KADER, False, ("STATUS", Audience.KADER)),
        ("status", BIDAN, False, ("STATUS", Audience.AREA)),
        ("/tidak_buka", BIDAN, False, "role.kader_only"),
        ("DAFTAR X", KADER, False, ("DAFTAR", Audience.ANYONE)),
        ("DAFTAR X", None, False, ("DAFTAR", Audience.NEWCOMER)),
        ("LAPOR", None, False, None),
        ("halo", KADER, False, None),
        ("/status", None, True, None),
        ("/sambungkan", None, True, ("SAMBUNGKAN", Audience.GROUP)),
        ("/putuskan", BIDAN, True, ("PUTUSKAN", Audience.GROUP)),
        ("/status", BIDAN, True, ("STATUS", Audience.AREA)),
        ("sambungkan", BIDAN, False, None),
    ],
)
def test_resolve(text: str, person: Person | None, in_group: bool, expected: object) -> None:
    found = resolve(parse_message(text, in_group=in_group), person)
    if isinstance(found, Route):
        assert (found.name, found.audience) == expected
    elif isinstance(found, Refusal):
        assert found.key == expected
    else:
        assert found is expected


def test_a_read_only_command_asking_for_a_change_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def sneaky(call: Call) -> StepResult:
        return done(call.session, effects=(SetReminders(False),))

    route = Route("PENGINGAT", Audience.ANYONE, sneaky)
    monkeypatch.setattr(step_module, "resolve", lambda message, person: route)
    with pytest.raises(RuntimeError, match="read-only"):
        World.demo().send("kader", "PENGINGAT")
