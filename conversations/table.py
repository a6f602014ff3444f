"""The command table: every chat command, once (as aiogram declares a command in a router).

A line says, for a command (by its name in the lexicon, :data:`scoring.lexicon.COMMAND_WORDS`)
and one audience, which handler answers it (a function of a flow module, given a
:class:`~conversations.flows.common.Call`), what it needs loaded (a function of the command
and the current month, giving :class:`~conversations.needs.Needs`) and its traits: it may
change stored data (``WRITES``; a read-only command that asks for a change is a bug, and
fails), it is the sender's own business (``PERSONAL``: refused from a linked group), it
deals with a report in progress itself (``DRAFT_AWARE``; after the others, a kader is
reminded of it). A command may have a line for several audiences (JADWAL: the kader's own
posyandu, the supervisor's area). A line also says in whose BANTUAN the command is listed
(``Listed``): its one-line help is the catalogue's ``help.line.<audience>.<name>`` (the
command's name filled in from the table), and BANTUAN is those lines in the table's order
(:func:`help_text`), never a list written by hand. :func:`conversations.plan.plan` and
:func:`conversations.step.step` both read the table through :func:`resolve`.

A new command is one flow module, its catalogue text, its words in the lexicon and one line
here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, Flag, auto

from conversations.catalogue import say
from conversations.commands import Command, ParsedMessage
from conversations.effects import StepResult
from conversations.flows import (
    answers,
    area,
    children,
    closed,
    dasbor,
    edit,
    general,
    groups,
    history,
    kms,
    registration,
    reminders,
    schedule,
    start,
    weighing,
)
from conversations.flows.common import Call, Handler, done
from conversations.needs import (
    Needs,
    children_needs,
    posyandu_needs,
    report_needs,
    weighing_needs,
)
from conversations.replies import Text
from scoring import Period
from scoring.lexicon import COMMAND_WORDS, GROUP_COMMAND_WORDS, HELP_TOPICS
from storage.people import Person, Role

__all__ = [
    "TABLE",
    "Audience",
    "Listed",
    "NeedsOf",
    "Refusal",
    "Route",
    "Trait",
    "bantuan",
    "help_text",
    "resolve",
]

#: What a command needs loaded, from the command and the sender's current month.
NeedsOf = Callable[[Command, Period], Needs]


class Audience(Enum):
    """Who a line of the table is for."""

    #: Someone not registered, in a private chat.
    NEWCOMER = "newcomer"
    #: A kader: answered from their own posyandu (refused while they have none).
    KADER = "kader"
    #: A supervisor or admin: answered from their own area (refused while they have none).
    AREA = "area"
    #: Anyone registered.
    ANYONE = "anyone"
    #: A chat group itself, linked or not (who typed is looked up).
    GROUP = "group"

    def admits(self, person: Person) -> bool:
        """Whether this registered ``person`` is of the audience."""
        if self is Audience.KADER:
            return person.role is Role.KADER
        if self is Audience.AREA:
            return person.role.sees_area
        return self is Audience.ANYONE

    @property
    def registered(self) -> bool:
        """For registered people (a command of theirs interrupts what was pending)."""
        return self in (Audience.KADER, Audience.AREA, Audience.ANYONE)

    @property
    def refusal(self) -> str | None:
        """The catalogue key telling someone registered that the command is not theirs."""
        if self is Audience.KADER:
            return "role.kader_only"
        if self is Audience.AREA:
            return "role.supervisor_only"
        return None


class Trait(Flag):
    NONE = 0
    #: May change stored data (the step's effects); a read-only command asking to is a bug.
    WRITES = auto()
    #: The sender's own settings: refused from a linked group.
    PERSONAL = auto()
    #: Deals with a report in progress itself (after the others, a kader is reminded of it).
    DRAFT_AWARE = auto()


class Listed(Flag):
    """Whose BANTUAN lists the command, with its one-line help."""

    NONE = 0
    #: The kader's ("Yang bisa Anda ketik").
    KADER = auto()
    #: The supervisor's and the admin's ("Perintah pembina").
    AREA = auto()
    #: The kader's register commands ("BANTUAN ANAK"): the kader's BANTUAN has no room
    #: for them (12 lines on a small phone), so it says, in one line, how to ask for these.
    REGISTER = auto()


@dataclass(frozen=True, slots=True)
class Route:
    """One line of the table: a command for one audience."""

    name: str
    audience: Audience
    handler: Handler
    needs: NeedsOf | None = None
    traits: Trait = Trait.NONE
    listed: Listed = Listed.NONE

    @property
    def help_key(self) -> str:
        """The catalogue key of its line in BANTUAN ("help.line.kader.tidak_buka")."""
        return f"help.line.{self.audience.value}.{self.name.lower().replace(' ', '_')}"

    @property
    def writes(self) -> bool:
        return Trait.WRITES in self.traits

    @property
    def personal(self) -> bool:
        return Trait.PERSONAL in self.traits

    @property
    def draft_aware(self) -> bool:
        return Trait.DRAFT_AWARE in self.traits


@dataclass(frozen=True, slots=True)
class Refusal:
    """The command is another role's: the catalogue key saying so."""

    key: str


NEW, KADER, AREA, ANY, GROUP = (
    Audience.NEWCOMER,
    Audience.KADER,
    Audience.AREA,
    Audience.ANYONE,
    Audience.GROUP,
)
WRITES, PERSONAL, DRAFT_AWARE = Trait.WRITES, Trait.PERSONAL, Trait.DRAFT_AWARE
NONE = Trait.NONE
#: Listed in the BANTUAN of a kader, of a supervisor, of both.
HELP_K, HELP_A, HELP_R = Listed.KADER, Listed.AREA, Listed.REGISTER
HELP_KA = HELP_K | HELP_A


def bantuan(call: Call) -> StepResult:
    """BANTUAN (and Telegram's /start) from someone registered: the commands of their role,
    from this table; a kader's BANTUAN ANAK: the register's commands (the register on)."""
    kader = call.person.role is Role.KADER
    register = kader and call.ctx.register
    topic = HELP_TOPICS.get(" ".join(call.args).upper()) if call.args else None
    if register and topic == "register":
        return done(call.session, Text(help_text(Listed.REGISTER)))
    listed = Listed.KADER if kader else Listed.AREA
    return done(call.session, Text(help_text(listed, register=register)))


# fmt: off
TABLE: tuple[Route, ...] = (
    #     name               who    handler                needs, traits, in whose BANTUAN
    # --- someone not registered, in a private chat
    Route("DAFTAR",          NEW,   registration.daftar,   registration.invitation_needs, WRITES),
    Route("START",           NEW,   registration.start,    registration.invitation_needs, WRITES),
    Route("BATAL",           NEW,   registration.batal),
    Route("BANTUAN",         NEW,   registration.bantuan),
    # --- a kader, about their own posyandu
    Route("LAPOR",           KADER, start.lapor,    report_needs, WRITES | DRAFT_AWARE, HELP_K),
    Route("LANJUT",          KADER, answers.lanjut,        posyandu_needs, WRITES | DRAFT_AWARE),
    Route("TIDAK BUKA",      KADER, closed.tidak_buka,
          posyandu_needs, WRITES | DRAFT_AWARE, HELP_K),
    Route("UBAH",            KADER, edit.ubah,      posyandu_needs, WRITES | DRAFT_AWARE, HELP_K),
    Route("RIWAYAT",         KADER, history.riwayat,       posyandu_needs, NONE, HELP_K),
    Route("PDF",             KADER, history.pdf,           posyandu_needs, NONE, HELP_K),
    Route("JADWAL",          KADER, schedule.jadwal_kader, posyandu_needs, NONE, HELP_K),
    # the child register (listed in BANTUAN ANAK)
    Route("ANAK BARU",       KADER, children.anak_baru,
          posyandu_needs, WRITES | PERSONAL, HELP_R),
    Route("TIMBANG",         KADER, weighing.timbang,
          weighing_needs, WRITES | PERSONAL, HELP_R),
    Route("KMS",             KADER, kms.kms,               children_needs, PERSONAL, HELP_R),
    # "STATUS Andi N" from a kader: the status of a child's weighing corrected
    Route("STATUS",          KADER, weighing.status_kader,
          weighing_needs, WRITES | PERSONAL, HELP_R),
    Route("KELUAR ANAK",     KADER, children.keluar_anak,
          children_needs, WRITES | PERSONAL, HELP_R),
    Route("HAPUS ANAK",      KADER, children.hapus_anak,
          children_needs, WRITES | PERSONAL, HELP_R),
    # --- a supervisor or admin, about their own area
    Route("STATUS",          AREA,  area.status,           area.month_needs, NONE, HELP_A),
    Route("BELUM",           AREA,  area.belum,            area.month_needs, NONE, HELP_A),
    # "belum" from a kader: "no" to a pending question (else refused as above)
    Route("BELUM",           KADER, answers.belum_kader,   posyandu_needs, DRAFT_AWARE),
    Route("STRATA",          AREA,  area.strata,           area.month_needs, NONE, HELP_A),
    Route("POSYANDU",        AREA,  area.posyandu,         area.recent_needs, NONE, HELP_A),
    Route("REKAP",           AREA,  area.rekap,            area.rekap_needs, NONE, HELP_A),
    Route("JADWAL",          AREA,  schedule.jadwal_area,
          schedule.schedules_needs, WRITES, HELP_A),
    # --- anyone registered
    Route("DAFTAR",          ANY,   registration.already),
    Route("START",           ANY,   bantuan),
    Route("BANTUAN",         ANY,   bantuan),
    Route("BATAL",           ANY,   general.batal,         None, DRAFT_AWARE, HELP_K),
    Route("KEMBALI",         ANY,   general.kembali,       None, DRAFT_AWARE),
    Route("LAGI",            ANY,   area.lagi,             None, NONE, HELP_A),
    Route("STOP PENGINGAT",  ANY,   reminders.stop,        None, WRITES | PERSONAL, HELP_KA),
    Route("MULAI PENGINGAT", ANY,   reminders.mulai,       None, WRITES | PERSONAL, HELP_KA),
    Route("PENGINGAT",       ANY,   reminders.status,      None, PERSONAL),
    Route("DASBOR",          ANY,   dasbor.dasbor,         None, PERSONAL, HELP_A),
    Route("KELUAR DASBOR",   ANY,   dasbor.keluar,         None, WRITES | PERSONAL),
    # --- a chat group itself (Telegram), linked or not
    Route("SAMBUNGKAN",      GROUP, groups.sambungkan,     groups.member_needs, WRITES),
    Route("PUTUSKAN",        GROUP, groups.putuskan,       groups.member_needs, WRITES),
)
# fmt: on


def _by_name() -> dict[str, tuple[Route, ...]]:
    """The lines of each command; every command of the lexicon has one, and only they."""
    out: dict[str, tuple[Route, ...]] = {}
    for route in TABLE:
        out[route.name] = (*out.get(route.name, ()), route)
    words = {*COMMAND_WORDS, *GROUP_COMMAND_WORDS}
    if set(out) != words:
        raise ValueError(f"table and lexicon disagree: {sorted(set(out) ^ words)}")
    return out


_BY_NAME = _by_name()
#: BANTUAN's first line, and what it says after the commands, by whose it is.
_HELP_FRAME: dict[Listed, tuple[str, str | None]] = {
    Listed.KADER: ("help.kader", "help.kader.quick"),
    Listed.AREA: ("help.supervisor", None),
    Listed.REGISTER: ("help.register", None),
}


def help_text(
    listed: Listed, table: Sequence[Route] | None = None, *, register: bool = False
) -> str:
    """BANTUAN for a kader (``Listed.KADER``), a supervisor (``Listed.AREA``) or a kader's
    register (``Listed.REGISTER``, BANTUAN ANAK): a title, the one-line help of each command
    of ``table`` (the table) listed for them, in its order, and a closing hint; ``register``
    (a kader's, the register on): the line saying how to ask for the register's commands."""
    title, closing = _HELP_FRAME[listed]
    lines = [say(title)]
    routes = TABLE if table is None else table
    lines += [say(r.help_key, command=r.name) for r in routes if listed in r.listed]
    if register and listed is Listed.KADER:
        lines.append(say("help.kader.register"))
    if closing is not None:
        lines.append(say(closing))
    return "\n".join(lines)


def resolve(message: ParsedMessage, person: Person | None) -> Route | Refusal | None:
    """The line of the table that answers ``message`` from ``person`` (whom the address
    belongs to), a refusal when the command is another role's, or None when the message is
    not a command for them (it answers what is pending, or gets a hint)."""
    command = message.command
    if command is None:
        return None
    routes = _BY_NAME[command.name]
    if message.in_group:
        found = next((r for r in routes if r.audience is Audience.GROUP), None)
        if found is not None or person is None:
            return found
    if person is None:
        return next((r for r in routes if r.audience is Audience.NEWCOMER), None)
    found = next((r for r in routes if r.audience.admits(person)), None)
    if found is not None:
        return found
    key = next((r.audience.refusal for r in routes if r.audience.refusal), None)
    return Refusal(key) if key is not None else None
