"""An in-memory world for the pure step tests: people, one area with posyandu and history,
invitations, and a chat helper that runs :func:`conversations.step` and applies its effects
to the world (a stand-in for storage, passed to the step as plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations import (
    AreaData,
    AreaMember,
    Contact,
    Context,
    InvitationInfo,
    Limits,
    PosyanduData,
    PosyanduInfo,
    Register,
    Reply,
    SaveReport,
    SentReport,
    Session,
    StepResult,
    Text,
    parse_message,
    plan,
    step,
)
from conversations.needs import Needs
from scoring import KnownHistory, MonthReport, Period
from storage.people import Person, Role
from tests.months import example_values

__all__ = ["JAKARTA", "World", "good_month"]

JAKARTA = ZoneInfo("Asia/Jakarta")


def good_month(period: Period, **overrides: object) -> MonthReport:
    """Every core field at its example (tests/months.py), with six kader and no 2T."""
    return MonthReport(period=period).with_values(
        **example_values(**{"kader": 6, "t2": 0, **overrides})
    )


@dataclass
class World:
    now: datetime = datetime(2026, 11, 14, 10, 0, tzinfo=UTC)
    people: dict[str, Person] = field(default_factory=dict)
    posyandu: dict[int, PosyanduInfo] = field(default_factory=dict)
    reports: dict[int, dict[Period, SentReport]] = field(default_factory=dict)
    invitations: dict[str, InvitationInfo] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    area: AreaData | None = None
    limits: Limits = field(default_factory=Limits)
    #: What storage knows of where a posyandu's history starts (registration month).
    histories: dict[int, KnownHistory] = field(default_factory=dict)
    next_person: int = 100

    @classmethod
    def demo(cls) -> World:
        world = cls()
        hari_buka = tuple(date(2026, m, 12) for m in range(1, 13))
        for pid, name in ((1, "Posyandu Melati 1"), (2, "Posyandu Mawar"), (3, "Posyandu Anggrek")):
            world.posyandu[pid] = PosyanduInfo(pid, f"P{pid}", name, "Desa Sukamaju", hari_buka)
            world.reports[pid] = {}
        for i in range(1, 13):
            period = Period(2026, 10).shift(-12 + i)
            world.save(1, good_month(period), "Sari", 1)
            world.save(2, good_month(period, d=20, n=10), "Ani", 2)
        world.people["kader"] = Person(1, "Sari", Role.KADER, posyandu_id=1)
        world.people["kader2"] = Person(2, "Ani", Role.KADER, posyandu_id=2)
        world.people["spv"] = Person(3, "Bidan Rina", Role.SUPERVISOR, area_id=10)
        world.invitations["MLT1K4"] = InvitationInfo(
            "MLT1K4", Role.KADER, 1, None, "Posyandu Melati 1, Desa Sukamaju"
        )
        world.invitations["OLD123"] = InvitationInfo(
            "OLD123", Role.KADER, 1, None, "Posyandu Melati 1", usable=False
        )
        return world

    def save(self, pid: int, report: MonthReport, by: str, by_id: int | None) -> int:
        before = self.reports[pid].get(report.period)
        revision = before.revision + 1 if before else 1
        sent_at = self.now - timedelta(days=1)
        self.reports[pid][report.period] = SentReport(report, revision, by, sent_at, by_id)
        return revision

    def _history(self, pid: int) -> KnownHistory:
        known = self.histories.get(pid, KnownHistory())
        first = min(self.reports[pid], default=None)
        return KnownHistory(known.registered, first)

    def area_data(self, period: Period | None = None) -> AreaData:
        """The area, each posyandu with its hari buka in ``period`` (as the engine loads it
        for the month a command is about) and the zone of Jakarta."""
        members = tuple(
            AreaMember(
                PosyanduData(info, dict(self.reports[pid]), self._history(pid)),
                tuple(
                    Contact(p.name, f"+6281200{p.id:04d}")
                    for p in self.people.values()
                    if p.posyandu_id == pid
                ),
                next((d for d in info.hari_buka if _month_of(d) == period), None),
                JAKARTA,
            )
            for pid, info in self.posyandu.items()
        )
        reported = any(m.posyandu.reports for m in members)
        return AreaData(10, "Kecamatan Sukamaju", members, has_reports=reported)

    def area_for(self, needs: Needs) -> AreaData | None:
        """What the engine loads for ``needs``: the members, or (REKAP) only whether any of
        them has a report in the window."""
        if needs.area_window or needs.schedules:
            return self.area_data(needs.area_window[1] if needs.area_window else None)
        if needs.area_reports is None:
            return None
        first, last = needs.area_reports
        data = self.area_data()
        reported = any(first <= p <= last for m in data.members for p in m.posyandu.reports)
        return AreaData(data.id, data.name, has_reports=reported)

    def context(self, address: str, text: str) -> Context:
        person = self.people.get(address)
        session = self.sessions.get(address, Session())
        local = self.now.astimezone(JAKARTA)
        needs = plan(session, parse_message(text), person, Period(local.year, local.month))
        posyandu = None
        if needs.posyandu_since is not None and person and person.posyandu_id is not None:
            pid = person.posyandu_id
            reports = {p: r for p, r in self.reports[pid].items() if p >= needs.posyandu_since}
            posyandu = PosyanduData(self.posyandu[pid], reports, self._history(pid))
        invitation = self.invitations.get(needs.invitation_code) if needs.invitation_code else None
        return Context(
            now=self.now,
            tz=JAKARTA,
            person=person,
            posyandu=posyandu,
            area=self.area_for(needs),
            invitation=invitation,
            limits=self.limits,
        )

    def send(self, address: str, text: str) -> StepResult:
        ctx = self.context(address, text)
        result = step(self.sessions.get(address, Session()), parse_message(text), ctx)
        self.sessions[address] = result.session
        person = ctx.person
        for effect in result.effects:
            if isinstance(effect, SaveReport):
                self.save(
                    effect.posyandu_id,
                    effect.report,
                    person.name if person else "",
                    person.id if person else None,
                )
            elif isinstance(effect, Register):
                self.next_person += 1
                self.people[address] = Person(
                    self.next_person, effect.name, effect.role, effect.posyandu_id, effect.area_id
                )
        return result

    def say(self, address: str, text: str) -> str:
        """Send and return the replies as the console shows them."""
        return render(self.send(address, text).replies)

    def tick(self, delta: timedelta) -> None:
        self.now += delta
        for key, session in self.sessions.items():
            self.sessions[key] = replace(session)


def render(replies: tuple[Reply, ...]) -> str:
    out: list[str] = []
    for reply in replies:
        if isinstance(reply, Text):
            out.append(reply.body)
            if reply.choices:
                out.append(" | ".join(f"{i}. {c}" for i, c in enumerate(reply.choices, 1)))
        else:
            out.append(f"[document {reply.kind} {dict(reply.params)}]")
    return "\n".join(out)


def _month_of(day: date) -> Period:
    return Period(day.year, day.month)
