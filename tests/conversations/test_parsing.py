"""Periods, commands, programmes, the quick one-line report and the session codec."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.catalogue import say
from conversations.commands import parse_command, parse_yes_no
from conversations.figure_words import percent_of_target
from conversations.flows.schedule import split_jadwal
from conversations.flows.summary import readback
from conversations.format import problem_text
from conversations.numbers import NumberProblem
from conversations.periods import format_period, parse_period, parse_period_prefix
from conversations.programmes import ProgrammeProblem, parse_programmes
from conversations.quick import QuickProblemKind, parse_quick
from conversations.session import (
    AwaitChange,
    AwaitChild,
    AwaitClosed,
    AwaitLeave,
    AwaitName,
    AwaitPeriod,
    AwaitWeighing,
    ChildStage,
    Draft,
    Prefill,
    Session,
    Stage,
    session_from_json,
    session_to_json,
)
from scoring import MonthReport, Period, check_value
from scoring.fields import QUESTION_FIELDS, field_by_alias
from scoring.schedule import Schedule, upcoming_days
from storage.cipher import RegisterCipher, new_key

NOV = Period(2026, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", Period(2026, 11)),
        ("2026/9", Period(2026, 9)),
        ("11/2026", Period(2026, 11)),
        ("NOV", Period(2026, 11)),
        ("nov", Period(2026, 11)),
        ("November 2026", Period(2026, 11)),
        ("nopember", Period(2026, 11)),
        ("Des", Period(2025, 12)),
        ("desember 2026", Period(2026, 12)),
        ("agustus 25", Period(2025, 8)),
        ("Okt.", Period(2026, 10)),
        ("bulan lalu", Period(2026, 10)),
        ("bulan ini", Period(2026, 11)),
    ],
)
def test_periods(text: str, expected: Period) -> None:
    assert parse_period(text, NOV) == expected


@pytest.mark.parametrize("text", ["2026-13", "13/2026", "nov dec", "besok", "", "S=50"])
def test_not_periods(text: str) -> None:
    assert parse_period(text, NOV) is None


def test_period_prefix_and_format() -> None:
    assert parse_period_prefix(["NOV", "S=50"], NOV) == (NOV, 1)
    assert parse_period_prefix(["November", "2026", "S"], NOV) == (NOV, 2)
    assert format_period(Period(2026, 8)) == "Agustus 2026"


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("STATUS", "STATUS", ()),
        ("/status", "STATUS", ()),
        ("/status@PosyanduBot", "STATUS", ()),
        ("status?", "STATUS", ()),
        ("  lapor   nov ", "LAPOR", ("nov",)),
        ("Tidak buka", "TIDAK BUKA", ()),
        ("/tidak_buka okt", "TIDAK BUKA", ("okt",)),
        ("?", "BANTUAN", ()),
        ("help", "BANTUAN", ()),
        ("daftar MLT1K4", "DAFTAR", ("MLT1K4",)),
        ("/start MLT1K4", "START", ("MLT1K4",)),
        ("STOP PENGINGAT", "STOP PENGINGAT", ()),
        ("stop pengingat.", "STOP PENGINGAT", ()),
        ("/stop_pengingat", "STOP PENGINGAT", ()),
        ("matikan pengingat", "STOP PENGINGAT", ()),
        ("Mulai Pengingat", "MULAI PENGINGAT", ()),
        ("/mulai_pengingat", "MULAI PENGINGAT", ()),
        ("pengingat", "PENGINGAT", ()),
        ("STOP", "BATAL", ()),
        ("stop dulu", "BATAL", ("dulu",)),
        ("jadwal Melati 1 selasa ke-2", "JADWAL", ("Melati", "1", "selasa", "ke-2")),
    ],
)
def test_commands(text: str, name: str, args: tuple[str, ...]) -> None:
    cmd = parse_command(text)
    assert cmd is not None
    assert (cmd.name, cmd.args) == (name, args)


@pytest.mark.parametrize("text", ["42", "tidak", "", "ya", "halo", "ada 42 anak"])
def test_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_yes_no() -> None:
    assert parse_yes_no("Ya") is True
    assert parse_yes_no("ok.") is True
    assert parse_yes_no("tidak") is False
    assert parse_yes_no("ya tapi") is None


def test_field_aliases() -> None:
    assert all(field_by_alias(spec.code) is spec for spec in QUESTION_FIELDS)
    assert field_by_alias("2t") is field_by_alias("T2")
    assert field_by_alias("kb-aktif") is field_by_alias("KB")
    assert field_by_alias("X") is None


def test_programmes() -> None:
    assert parse_programmes("bkb, paud dan kelas ibu hamil") == ("BKB", "PAUD", "kelas ibu hamil")
    assert parse_programmes("tidak") == ()
    assert parse_programmes("-") == ()
    assert parse_programmes("") is ProgrammeProblem.EMPTY
    assert parse_programmes("😀") is ProgrammeProblem.NOT_A_NAME
    assert parse_programmes("a" * 500) is ProgrammeProblem.TOO_LONG
    for yes in ("ya", "YA", "iya", "ada", "Ada."):
        assert parse_programmes(yes) is ProgrammeProblem.WHICH, yes
    assert parse_programmes("ada BKB") == ("BKB",)  # the names after "there were" (issue 23)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Mawar tanggal 12", ("Mawar", "tanggal 12")),
        ("Melati 1 selasa ke-2", ("Melati 1", "selasa ke-2")),
        ("MWR01 pindah 2026-12-15", ("MWR01", "pindah 2026-12-15")),
        ("mawar setiap kamis terakhir", ("mawar", "setiap kamis terakhir")),
        ("Melati 1", ("Melati 1", "")),
        ("tanggal 12", ("", "tanggal 12")),
        ("", ("", "")),
    ],
)
def test_jadwal_splits_posyandu_and_phrase(args: str, expected: tuple[str, str]) -> None:
    assert split_jadwal(args.split()) == expected


def test_upcoming_days_with_a_move() -> None:
    schedule = Schedule(day=12)
    moves = {Period(2026, 12): date(2027, 1, 2)}  # December's hari buka held on 2 January
    assert upcoming_days(schedule, moves, date(2026, 11, 20)) == [
        date(2027, 1, 2),
        date(2027, 1, 12),
        date(2027, 2, 12),
    ]
    assert upcoming_days(schedule, {}, date(2026, 12, 12), 1) == [date(2026, 12, 12)]


def test_percent_of_target_never_hides_a_gap() -> None:
    assert percent_of_target(0.795, 0.80) == "79,5%"
    assert percent_of_target(0.7999, 0.80) == "79,99%"  # as the PDF writes it
    assert percent_of_target(0.003, 0.80) == "0,3%"
    assert percent_of_target(0.79, 0.80) == "79%"
    assert percent_of_target(0.80, 0.80) == "80%"
    assert percent_of_target(0.849, 0.85) == "84,9%"
    assert percent_of_target(None, 0.80) == "-"
    # Rule messages are sentences even when the field's label is lower case.
    [problem] = check_value("bumil", -1)
    assert problem_text(problem).startswith("Ibu hamil ")


def test_quick_report_reads_every_form() -> None:
    q = parse_quick("NOV s=50 K:48 d 40 n = 30 2T=1 bumil_periksa 4 TAMBAHAN=BKB,PAUD", NOV)
    assert q.period == NOV
    assert q.counts == {"s": 50, "k": 48, "d": 40, "n": 30, "t2": 1, "bumil_periksa": 4}
    assert q.programmes == ("BKB", "PAUD")
    assert q.problems == ()


def test_quick_report_reads_t_o_b_by_their_two_letter_codes() -> None:
    """T, O and B are typed TN, OL, BR (or glued, or by their long names); a lone "T" stays a
    no and a lone "O" a correction word, so neither names a field."""
    q = parse_quick("D 40 N 30 TN 5 ol=3 br2", NOV)
    assert q.counts == {"d": 40, "n": 30, "t": 5, "o": 3, "b": 2} and q.problems == ()
    q = parse_quick("tidak_naik 5 o-lalu 3 baru_ditimbang 2", NOV)
    assert q.counts == {"t": 5, "o": 3, "b": 2}
    assert [field_by_alias(w) for w in ("T", "O", "B")] == [None, None, None]
    assert parse_yes_no("t") is False
    read = readback(MonthReport(NOV, d=40, n=30, t=5, o=3, b=2))
    assert read.splitlines()[0] == say("quick.read", values="D 40 · N 30 · TN 5 · OL 3 · BR 2")


def test_quick_report_lists_every_problem() -> None:
    q = parse_quick("2026-13 S=-5 K=3,5 D=abc X=1 S=4 N", NOV)
    kinds = [(p.kind, p.token, p.number) for p in q.problems]
    assert kinds == [
        (QuickProblemKind.BAD_PERIOD, "2026-13", None),
        (QuickProblemKind.BAD_VALUE, "S", NumberProblem.NEGATIVE),
        (QuickProblemKind.BAD_VALUE, "K", NumberProblem.DECIMAL),
        (QuickProblemKind.BAD_VALUE, "D", NumberProblem.NOT_A_NUMBER),
        (QuickProblemKind.UNKNOWN_NAME, "X", None),
        (QuickProblemKind.DUPLICATE, "S", None),
        (QuickProblemKind.MISSING_VALUE, "N", None),
    ]


def test_quick_report_month_name_with_year() -> None:
    q = parse_quick("November 2026 S 50", NOV)
    assert q.period == NOV
    assert q.counts == {"s": 50}


def test_session_round_trip() -> None:
    now = datetime(2026, 11, 14, 3, 0, tzinfo=UTC)
    session = Session(
        draft=Draft(
            posyandu_id=7,
            period=NOV,
            counts={"s": 50, "t2": None},
            programmes=("BKB",),
            queue=("s", "t2", "k"),
            position=2,
            stage=Stage.SOFT,
            pending=3,
            confirmed=frozenset({"denominator_change:s"}),
            base_revision=2,
        ),
        awaiting=AwaitChange(NOV, 2, Prefill({"s": 1}, ())),
        pages=("a", "b"),
        wrong_codes=(now,),
        updated_at=now,
    )
    assert session_from_json(session_to_json(session)) == session
    for awaiting in (
        AwaitName("ABC"),
        AwaitPeriod((NOV, NOV.shift(-1)), None),
        AwaitClosed(NOV, None),
        AwaitClosed(NOV, 3),
        AwaitClosed(NOV, None, early=True),
    ):
        other = Session(awaiting=awaiting)
        assert session_from_json(session_to_json(other)) == other


@given(st.text(max_size=200))
def test_unreadable_sessions_start_fresh(text: str) -> None:
    assert isinstance(session_from_json(text), Session)


def test_a_tidak_buka_question_stored_before_early_existed_reads_as_before() -> None:
    stored = session_to_json(Session(awaiting=AwaitClosed(NOV, 3))).replace(',"early":false', "")
    assert '"early"' not in stored
    assert session_from_json(stored) == Session(awaiting=AwaitClosed(NOV, 3))


def test_old_session_shape_starts_fresh() -> None:
    assert session_from_json('{"v": 0}') == Session()
    assert session_from_json(None) == Session()


def test_register_questions_round_trip_with_names_sealed() -> None:
    cipher = RegisterCipher(new_key())
    weighing = AwaitWeighing("2026-11-20", (1, 2), (2,), ((1, 9000, None),))
    for awaiting in (
        AwaitLeave((4, 5)),
        AwaitLeave((4,), "died"),
        weighing,
        AwaitChild(ChildStage.IS_NEW, "Zaki", weight_g=8400, height_mm=700, resume=weighing),
        AwaitChild(ChildStage.CONSENT, "Zaki", "L", "2025-05-01", "Rina", True, 8400, None, True),
    ):
        session = Session(awaiting=awaiting)
        text = session_to_json(session, cipher)
        assert "Zaki" not in text and "Rina" not in text
        assert session_from_json(text, cipher) == session


def test_a_new_child_question_stored_before_timbang_could_ask_reads_as_before() -> None:
    cipher = RegisterCipher(new_key())
    session = Session(awaiting=AwaitChild(ChildStage.SEX, "Andi"))
    stored = json.loads(session_to_json(session, cipher))
    for key in ("weight_g", "height_mm", "confirmed", "resume"):
        del stored["awaiting"][key]
    assert session_from_json(json.dumps(stored), cipher) == session
