"""The pure step, driven through whole dialogues against an in-memory world."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import Document, SaveReport, Text
from scoring import Period, hard_problems
from tests.conversations.world import World, good_month

NOV = Period(2026, 11)
OKT = Period(2026, 10)


def last_text(world: World, who: str, message: str) -> str:
    replies = world.send(who, message).replies
    assert replies, f"no reply to {message!r}"
    return "\n".join(r.body for r in replies if isinstance(r, Text))


FULL_ANSWERS = [
    "TIDAK",
    "6",
    "=",
    "45",
    "40",
    "30",
    "1",
    "0",
    "=",
    "4",
    "1",
    "=",
    "50",
    "=",
    "1",
    "BKB",
]


def test_guided_report_saves_after_yes() -> None:
    world = World.demo()
    first = last_text(world, "kader", "LAPOR")
    assert "Laporan November 2026, Posyandu Melati 1" in first
    assert "Masih sama dengan bulan lalu?" in first and "KADER 6 · S 48" in first
    assert "BATAL" in first and "KEMBALI" in first
    for answer in FULL_ANSWERS:
        reply = last_text(world, "kader", answer)
    assert "Ringkasan Posyandu Melati 1, November 2026" in reply
    assert "D/S 83% · N/D 75% · K/S 94%" in reply
    result = world.send("kader", "YA")
    assert any(isinstance(e, SaveReport) for e in result.effects)
    saved = world.reports[1][NOV].report
    assert (saved.s, saved.k, saved.d, saved.n, saved.t2, saved.kk) == (48, 45, 40, 30, 0, None)
    body = result.replies[0].body  # type: ignore[union-attr]
    assert "Terima kasih, Sari!" in body and "Paling jauh dari target" in body
    assert "PDF" in body
    assert world.sessions["kader"].draft is None


def test_bad_answers_are_refused_and_asked_again() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for bad, reason in [
        ("abc", "jawab dengan angka"),
        ("-3", "tidak boleh negatif"),
        ("3,5", "bilangan bulat"),
        ("😀", "jawab dengan angka"),
        ("", "jawab dengan angka"),
        ("'; DROP TABLE reports; --", "jawab dengan angka"),
        ("x" * 5000, "terlalu panjang"),
    ]:
        reply = last_text(world, "kader", bad)
        assert reason in reply.lower(), (bad, reply)
        assert "(1/14)" in reply
    assert world.sessions["kader"].draft is not None
    assert world.sessions["kader"].draft.position == 0


def test_hard_rule_refuses_and_soft_rule_asks() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    soft = last_text(world, "kader", "70")
    assert "berubah lebih dari 20%" in soft and "YA" in soft
    assert "(3/14)" in last_text(world, "kader", "YA")
    hard = last_text(world, "kader", "71")
    assert "tidak boleh lebih dari S (70)" in hard and "(3/14)" in hard


def test_soft_answer_can_be_corrected_by_typing_the_number() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    world.send("kader", "70")
    assert "(3/14)" in last_text(world, "kader", "48")
    assert world.sessions["kader"].draft.counts["s"] == 48  # type: ignore[union-attr]


def test_back_and_cancel() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    assert "pertanyaan pertama" in last_text(world, "kader", "KEMBALI")
    world.send("kader", "6")
    reply = last_text(world, "kader", "kembali")
    assert "(1/14)" in reply and "= jika tetap: 6" in reply
    assert "dibatalkan" in last_text(world, "kader", "BATAL")
    assert NOV not in world.reports[1]
    assert world.sessions["kader"].draft is None


def test_interruption_then_next_answer_resumes() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    reply = last_text(world, "kader", "RIWAYAT")
    assert "Riwayat" in reply and "LANJUT" in reply
    assert "(2/14)" in last_text(world, "kader", "LANJUT")
    assert "(3/14)" in last_text(world, "kader", "48")


def test_quick_report_saved_at_once() -> None:
    world = World.demo()
    result = world.send(
        "kader",
        "lapor nov S=48 K=45 D=40 N=30 BGM=1 2T=0 KADER=6 BUMIL=6 PERIKSA=4 PUS=80 KB=50 "
        "BAYI=12 IMUN=1 TAMBAHAN=BKB RUJUK=1",
    )
    assert any(isinstance(e, SaveReport) for e in result.effects)
    assert world.reports[1][NOV].report.d == 40


def test_t_o_b_typed_in_a_quick_report_then_changed_with_ubah() -> None:
    """Without the register, T, O and B are typed (TN, OL, BR) and read back; D = N + T + O
    + B is asked back once when it does not hold."""
    world = World.demo()
    result = world.send(
        "kader",
        "lapor nov S=48 K=45 D=40 N=30 TN=5 OL=3 BR=2 BGM=1 2T=0 KADER=6 BUMIL=6 PERIKSA=4 "
        "PUS=80 KB=50 BAYI=12 IMUN=1 TAMBAHAN=BKB RUJUK=1",
    )
    assert any(isinstance(e, SaveReport) for e in result.effects)
    saved = world.reports[1][NOV].report
    assert (saved.t, saved.o, saved.b) == (5, 3, 2)
    assert "TN 5 · OL 3 · BR 2" in result.replies[0].body  # type: ignore[union-attr]
    reply = last_text(world, "kader", "UBAH BR 4")
    assert "D (40) tidak sama dengan N + T + O + B (30 + 5 + 3 + 4 = 42)" in reply
    assert world.reports[1][NOV].report.b == 2  # not saved until confirmed
    world.send("kader", "YA")
    assert world.reports[1][NOV].report.b == 4


def test_quick_report_asks_only_missing_fields() -> None:
    world = World.demo()
    reply = last_text(world, "kader", "LAPOR S=48 K=45 D=40 N=30 BGM=1 RUJUK=1")
    # Last month's values not given are confirmed at once (S was given: not among them).
    assert "Masih sama dengan bulan lalu?\nKADER 6 · BUMIL 6 · PUS 80 · BAYI 12" in reply
    assert "(1/9) Berapa kader" in last_text(world, "kader", "TIDAK")
    draft = world.sessions["kader"].draft
    assert draft is not None
    assert "s" not in draft.queue and "kader" in draft.queue


def test_quick_report_invalid_lists_everything_and_saves_nothing() -> None:
    world = World.demo()
    result = world.send("kader", "LAPOR S=40 K=48 D=abc N=-1 FOO=2")
    assert not result.effects
    body = result.replies[0].body  # type: ignore[union-attr]
    assert "D: bukan angka" in body and "N: tidak boleh negatif" in body
    assert "FOO: nama tidak dikenal" in body
    result = world.send("kader", "LAPOR S=40 K=48 D=41")
    body = result.replies[0].body  # type: ignore[union-attr]
    assert "K (48) tidak boleh lebih dari S (40)" in body
    assert "D (41) tidak boleh lebih dari S (40)" in body
    assert not result.effects


def test_existing_report_says_who_and_offers_change() -> None:
    world = World.demo()
    reply = last_text(world, "kader", "LAPOR OKT")
    assert "sudah dikirim oleh Anda" in reply and "UBAH" in reply
    reply = last_text(world, "kader2", "LAPOR OKT")
    assert "oleh Ani" not in reply
    reply = last_text(world, "kader", "ubah d 41")
    assert "Oktober 2026 diubah: D 40 menjadi 41" in reply
    assert world.reports[1][OKT].revision == 2


def test_tidak_buka() -> None:
    world = World.demo()
    reply = last_text(world, "kader", "TIDAK BUKA")
    assert "tidak buka bulan November 2026" in reply
    assert world.reports[1][NOV].report.buka is False
    assert "sudah tercatat" in last_text(world, "kader", "tidak buka nov")


def test_period_out_of_range_and_future() -> None:
    world = World.demo()
    assert "hanya bisa untuk September, Oktober atau November 2026" in last_text(
        world, "kader", "LAPOR 2026-01"
    )
    assert "hanya bisa" in last_text(world, "kader", "LAPOR DES 2026")


def test_period_asked_when_ambiguous() -> None:
    world = World.demo()
    world.reports[1].pop(OKT)
    world.reports[1].pop(Period(2026, 9))
    world.save(1, good_month(NOV), "Sari", 1)
    result = world.send("kader", "LAPOR")
    reply = result.replies[0]
    assert isinstance(reply, Text) and reply.choices == ("Oktober 2026", "September 2026")
    assert "Laporan Oktober 2026" in last_text(world, "kader", "1")


def test_default_period_is_latest_hari_buka_month() -> None:
    world = World.demo()
    world.now = world.now.replace(day=5)  # before November's hari buka (12th)
    world.reports[1].pop(OKT)
    assert "Laporan Oktober 2026" in last_text(world, "kader", "LAPOR")


def test_before_hari_buka_asks_confirmation() -> None:
    world = World.demo()
    world.now = world.now.replace(day=5)
    reply = last_text(world, "kader", "LAPOR NOV")
    assert "Hari buka bulan ini baru tanggal 12" in reply
    assert "Masih sama dengan bulan lalu?" in last_text(world, "kader", "YA")


def test_registration_and_wrong_code_limit() -> None:
    world = World.demo()
    assert "DAFTAR" in last_text(world, "new", "halo")
    for left in (4, 3, 2, 1):
        assert f"Sisa percobaan: {left}" in last_text(world, "new", "DAFTAR NOPE99")
    assert "Terlalu banyak" in last_text(world, "new", "DAFTAR NOPE99")
    assert "Terlalu banyak" in last_text(world, "new", "DAFTAR MLT1K4")
    world.tick(timedelta(hours=1, minutes=1))
    assert "Siapa nama Anda" in last_text(world, "new", "DAFTAR mlt1k4")
    result = world.send("new", "Bu Wati")
    assert "kader Posyandu Melati 1" in result.replies[0].body  # type: ignore[union-attr]
    assert world.people["new"].name == "Bu Wati"
    assert "sudah terdaftar" in last_text(world, "new", "DAFTAR MLT1K4")


def test_unusable_code() -> None:
    world = World.demo()
    assert "tidak berlaku" in last_text(world, "new", "DAFTAR OLD123")


def test_unregistered_sees_nothing() -> None:
    world = World.demo()
    for message in ("STATUS", "LAPOR", "PDF", "RIWAYAT", "POSYANDU Mawar", "UBAH D 4"):
        result = world.send("stranger", message)
        assert not result.effects
        assert "belum terdaftar" in result.replies[0].body  # type: ignore[union-attr]


def test_role_scoping() -> None:
    world = World.demo()
    assert "khusus pembina" in last_text(world, "kader", "STRATA")
    assert "untuk kader" in last_text(world, "spv", "LAPOR")
    assert "tidak ada di wilayah" in last_text(world, "spv", "POSYANDU Kenanga")


def test_supervisor_commands_and_paging() -> None:
    world = World.demo()
    world.limits = type(world.limits)(page_size=1)
    reply = last_text(world, "spv", "STATUS")
    assert "Sudah lapor 0 · belum waktunya 0 · belum lapor 3 (3 posyandu)" in reply
    assert "LAGI" in reply
    assert "2. Posyandu Mawar" in last_text(world, "spv", "LAGI")
    assert "3. Posyandu Anggrek" in last_text(world, "spv", "LAGI")
    assert "Tidak ada halaman lagi" in last_text(world, "spv", "LAGI")
    assert "Posyandu Aktif" in last_text(world, "spv", "STRATA")
    assert "Sari +62812000001" in last_text(world, "spv", "belum")
    result = world.send("spv", "REKAP OKT")
    assert result.replies == (Document("area_summary", {"area_id": 10, "period": "2026-10"}),)


def test_pdf_and_history() -> None:
    world = World.demo()
    result = world.send("kader", "PDF")
    assert result.replies == (Document("monthly_report", {"posyandu_id": 1, "period": "2026-10"}),)
    assert "Belum ada laporan November 2026" in last_text(world, "kader", "PDF NOV")
    history = last_text(world, "kader", "RIWAYAT")
    assert history.count("D/S") >= 6 and "Nov 2026: belum lapor" in history


def test_help_by_role() -> None:
    world = World.demo()
    assert "LAPOR" in last_text(world, "kader", "?")
    assert "STATUS" in last_text(world, "spv", "/help")
    assert "belum mengerti" in last_text(world, "kader", "apa kabar")


def test_half_done_report_is_kept_through_its_reporting_window() -> None:
    world = World.demo()  # 14 Nov 2026: November may be reported until the end of January
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.tick(timedelta(days=8))  # the old 7-day expiry used to drop it here
    assert "(2/14)" in last_text(world, "kader", "6")
    world.tick(timedelta(days=70))  # 30 Jan 2027: idle 70 days, but still reportable
    assert "(3/14)" in last_text(world, "kader", "=")
    world.tick(timedelta(days=10))  # 9 Feb: the window is over, idle only 10 days
    assert "(4/14)" in last_text(world, "kader", "45")
    assert world.sessions["kader"].draft is not None


def test_half_done_report_dropped_at_last_and_the_kader_is_told() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.tick(timedelta(days=61))  # 14 Jan 2027: idle past draft_expiry, window still open
    assert "(2/14)" in last_text(world, "kader", "6")
    world.tick(timedelta(days=61))  # 16 Mar 2027: idle 61 days and the window is over
    reply = last_text(world, "kader", "48")
    assert "Laporan November 2026 yang belum selesai sudah dihapus" in reply
    assert world.sessions["kader"].draft is None


def test_pending_question_still_expires_after_session_expiry() -> None:
    world = World.demo()
    world.limits = type(world.limits)(page_size=1)
    world.send("spv", "STATUS")
    assert world.sessions["spv"].pages
    world.tick(timedelta(days=8))
    assert "Tidak ada halaman lagi" in last_text(world, "spv", "LAGI")


def test_soft_warning_takes_a_typed_1_or_2_as_the_value() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    soft = world.send("kader", "70").replies[0]
    assert isinstance(soft, Text) and soft.choices == ("YA",)
    again = last_text(world, "kader", "1")  # a value, not "choice 1" (YA) for 70
    assert "(48 menjadi 1)" in again
    assert world.sessions["kader"].draft.pending == 1  # type: ignore[union-attr]
    assert "(3/14)" in last_text(world, "kader", "48")
    assert world.sessions["kader"].draft.counts["s"] == 48  # type: ignore[union-attr]


def test_soft_warning_is_capitalised() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in ("6", "=", "45", "40", "30", "1", "0"):
        world.send("kader", answer)
    reply = last_text(world, "kader", "20")  # ibu hamil: 6 last month
    assert reply.startswith("Ibu hamil berubah lebih dari 20%"), reply


def test_yes_alone_to_programmes_asks_which() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    for answer in FULL_ANSWERS[:-1]:
        world.send("kader", answer)
    reply = last_text(world, "kader", "ya")
    assert "Kegiatan apa saja?" in reply and "(15/15)" in reply
    assert world.sessions["kader"].draft.programmes is None  # type: ignore[union-attr]
    assert "Kegiatan tambahan: BKB, PAUD" in last_text(world, "kader", "BKB, PAUD")


def test_gap_just_below_target_shows_one_decimal() -> None:
    world = World.demo()
    # N/D 35/44 = 79.5%: rounding would show the gap as "80%, target 80%".
    reply = last_text(
        world,
        "kader",
        "LAPOR NOV KADER=6 S=48 K=45 D=44 N=35 BGM=1 T2=0 BUMIL=6 BUMIL_PERIKSA=4 PUS=80 "
        "KB_AKTIF=50 BAYI=12 BAYI_IMUNISASI=1 TAMBAHAN=BKB RUJUK=1",
    )
    assert "N/D 79,5%" in reply
    assert "Paling jauh dari target: N/D 79,5%, targetnya 80%." in reply


def test_trend_compares_first_and_last_month_shown() -> None:
    world = World.demo()
    # D/S over Jun..Okt: 71%, 90%, 85%, 60%, 82% (a fitted line is about flat).
    for month, d in ((6, 71), (7, 90), (8, 85), (9, 60), (10, 82)):
        world.save(1, good_month(Period(2026, month), s=100, k=100, d=d, n=d // 2), "Sari", 1)
    reply = last_text(world, "kader", "RIWAYAT")
    assert "Tren D/S: naik, 71% menjadi 82%." in reply
    assert "Tren N/D: tetap sekitar 50%." in reply


def test_posyandu_many_matches_counts_only_posyandu_left() -> None:
    world = World.demo()
    world.limits = type(world.limits)(page_size=2)
    first = last_text(world, "spv", "POSYANDU Sukamaju")  # the desa of all three
    assert "Ada 3 posyandu yang cocok" in first
    assert "Ketik POSYANDU <kode>" in first
    assert "Ketik LAGI untuk 1 lagi." in first
    assert "3. Posyandu Anggrek" in last_text(world, "spv", "LAGI")


def test_tidak_buka_never_drops_a_half_done_report_silently() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    result = world.send("kader", "TIDAK BUKA")
    assert not result.effects
    assert "YA" in result.replies[0].choices  # type: ignore[union-attr]
    assert "(2/14)" in last_text(world, "kader", "TIDAK")
    assert world.sessions["kader"].draft.counts == {"kader": 6}  # type: ignore[union-attr]
    world.send("kader", "TIDAK BUKA")
    result = world.send("kader", "YA")
    assert [type(e) for e in result.effects] == [SaveReport]
    assert world.reports[1][NOV].report.buka is False
    assert world.sessions["kader"].draft is None


def test_stop_pengingat_is_not_batal() -> None:
    world = World.demo()
    world.send("kader", "LAPOR")
    world.send("kader", "TIDAK")  # last month's values asked one by one
    world.send("kader", "6")
    result = world.send("kader", "STOP PENGINGAT")
    assert [type(e).__name__ for e in result.effects] == ["SetReminders"]
    body = "\n".join(r.body for r in result.replies if isinstance(r, Text))
    assert "Pengingat dimatikan" in body and "Laporan November 2026 belum selesai" in body
    assert world.sessions["kader"].draft is not None
    assert "(3/14)" in last_text(world, "kader", "48")
    assert "dibatalkan" in last_text(world, "kader", "STOP")  # STOP alone is still BATAL


def test_rekap_month_names() -> None:
    world = World.demo()
    assert last_text(world, "spv", "REKAP 2026-12") == "Desember 2026 belum tiba."
    reply = last_text(world, "spv", "REKAP 2019-01")
    assert "Tidak ada data laporan untuk Januari 2019" in reply


MESSAGES = st.one_of(
    st.sampled_from(
        [
            "LAPOR",
            "LAPOR OKT",
            "LAPOR NOV S=50 K=48 D=40 N=30",
            "LAPOR S=10 K=48",
            "YA",
            "TIDAK",
            "BATAL",
            "KEMBALI",
            "LANJUT",
            "ISI ULANG",
            "UBAH D 41",
            "UBAH S 5",
            "UBAH TN 3",
            "LAPOR D 40 N 30 TN 5 OL 3 BR 2",
            "TIDAK BUKA",
            "=",
            "LEWATI",
            "RIWAYAT",
            "PDF",
            "1",
            "2",
            "0",
            "40",
            "3,5",
            "-2",
            "",
            "BKB",
            "ya",
            "STOP PENGINGAT",
            "MULAI PENGINGAT",
            "JADWAL",
            "satu juta",
        ]
    ),
    st.integers(0, 200).map(str),
    st.text(max_size=30),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MESSAGES, max_size=40))
def test_random_messages_never_break_the_rules(messages: list[str]) -> None:
    world = World.demo()
    for message in messages:
        result = world.send("kader", message)
        assert result.replies
    for stored in world.reports[1].values():
        assert hard_problems(stored.report) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("siti aminah", "Siti Aminah"),
        ("bu wati", "Bu Wati"),
        ("SITI AMINAH", "SITI AMINAH"),  # typed with capitals: kept as typed
        ("Dewi maharani", "Dewi maharani"),
        ("nur'aini", "Nur'aini"),
    ],
)
def test_a_name_typed_in_lower_case_is_shown_capitalised(typed: str, stored: str) -> None:
    world = World.demo()
    assert "Siapa nama Anda" in last_text(world, "new", "DAFTAR MLT1K4")
    reply = last_text(world, "new", typed)
    assert stored in reply
    assert world.people["new"].name == stored


def test_a_quick_report_saved_at_once_reads_back_what_it_read() -> None:
    """A typo in a one-line report is seen at once: the reply says every value it read, by
    the names UBAH takes, and how to change one."""
    world = World.demo()
    text = last_text(
        world,
        "kader",
        "lapor kader=6 s=48 k=45 d=40 n=30 bgm=0 t2=0 bumil=6 bumil_periksa=5 pus=80 "
        "kb_aktif=50 bayi=12 bayi_imunisasi=1 tambahan=BKB",
    )
    first = text.splitlines()[0]
    assert first.startswith("Terbaca: KADER 6 · S 48 · K 45 · D 40 · N 30 · BGM 0 · 2T 0")
    assert "IMUN 1" in first and first.endswith("TAMBAHAN BKB")
    assert "UBAH D 41" in text and "tersimpan" in text
