"""Every word the bot understands, in one place: commands, yes and no, none, skip and "same
as last month", months, number words, weekdays and the words of a hari-buka phrase.

Pure data; the parsers keep their logic and take their vocabulary from here
(``conversations.commands``, ``conversations.periods``, ``conversations.numbers``,
``conversations.programmes``, ``scoring.schedule``, ...). It lives in the lowest layer
because ``scoring.schedule`` (and through it storage's CSV import and the command line)
reads hari-buka phrases too. What the bot *says* (display names included) is the
catalogue's, not this module's.

Case: words answered on their own (commands, yes/no, none/some) are written in upper case,
as the bot's own texts show them and as their parsers compare them (the typed word
upper-cased); words read inside a phrase (months, numbers, weekdays, hari-buka phrases) in
lower case, compared with the typed word case-folded.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ABSENT_WORDS",
    "ACTIVE_WORDS",
    "APPROXIMATE_SIGNS",
    "APPROXIMATE_WORDS",
    "AREA_LEVEL_WORDS",
    "BACK_ANSWERS",
    "BIG_SCALES",
    "CHANGED_PHRASES",
    "CHANGE_WORDS",
    "CHOICE_WORDS",
    "COMMAND_PHRASES",
    "COMMAND_WORDS",
    "CONFIRM_WORDS",
    "CORRECTION_WORDS",
    "DASBOR_SHOWN",
    "DATE_WORDS",
    "DECIMAL_WORDS",
    "DIGIT_MULTIPLIERS",
    "DONE_WORDS",
    "EARLIER_WORDS",
    "EDIT_SKIP_WORDS",
    "EVERY",
    "EVERY_MONTH",
    "EVERY_WORDS",
    "FILLER_WORDS",
    "GROUP_COMMAND_WORDS",
    "HEDGE_WORDS",
    "HELP_TOPICS",
    "HUNDREDS",
    "LAST_WORDS",
    "LEAVE_WORDS",
    "MEASURE_UNITS",
    "MONTHS",
    "MONTH_WORD",
    "MOVE_TO_WORDS",
    "MOVE_WORDS",
    "NEGATIVE_WORDS",
    "NONE_ANSWERS",
    "NONE_CORES",
    "NOW_WORDS",
    "NO_WORDS",
    "NTH_PREFIX",
    "ORDINALS",
    "OTHER_COUNT_WORDS",
    "POLITE_PARTICLES",
    "PROGRAMME_JOINS",
    "PROGRAMME_WORDS",
    "REASON_WORDS",
    "RELATIVE_MONTHS",
    "REPLACE_WORDS",
    "SAME_PHRASES",
    "SAME_TAILS",
    "SEX_WORDS",
    "SE_WORDS",
    "SKIP_WORDS",
    "SOME_ANSWERS",
    "STATUS_WORDS",
    "TEENS",
    "TENS",
    "UNITS",
    "UNIT_WORDS",
    "WEEKDAYS",
    "WEEKDAY_ALIASES",
    "WEEK_WORDS",
    "WORD_FORMS",
    "YES_WORDS",
    "ZERO_WORDS",
]

# --- commands ---------------------------------------------------------------------------------
#: Every chat command by its name (the first word or two-word phrase, as replies name it),
#: with every word or phrase that names it. Telegram's spellings ("TIDAK_BUKA",
#: "STOP_PENGINGAT") are words of their own. A two-word phrase is matched before the one-word
#: names, so "STOP PENGINGAT" is never read as "STOP" (BATAL). Each name has its line in
#: the command table (``conversations.table``).
COMMAND_WORDS: Mapping[str, tuple[str, ...]] = {
    "DAFTAR": ("DAFTAR", "REGISTRASI"),
    "LAPOR": ("LAPOR", "LAPORAN"),
    "LANJUT": ("LANJUT", "LANJUTKAN"),
    "TIDAK BUKA": (
        "TIDAK BUKA",
        "TIDAK_BUKA",
        "BELUM BUKA",
        "BLM BUKA",
        "LIBUR",
        "TIDAKBUKA",
        "TUTUP",
        "TDK BUKA",
        "GAK BUKA",
        "GA BUKA",
        "NGGAK BUKA",
        "NGGA BUKA",
        "ENGGAK BUKA",
    ),
    "UBAH": ("UBAH",),
    "RIWAYAT": ("RIWAYAT",),
    "PDF": ("PDF",),
    "STATUS": ("STATUS",),
    "BELUM": ("BELUM",),
    "STRATA": ("STRATA",),
    "POSYANDU": ("POSYANDU",),
    "REKAP": ("REKAP",),
    "LAGI": ("LAGI", "BERIKUTNYA"),
    "BANTUAN": ("BANTUAN", "HELP", "?", "MENU", "TOLONG"),
    "BATAL": ("BATAL", "BATALKAN", "STOP"),
    "KEMBALI": ("KEMBALI", "BALIK", "ULANG"),
    "START": ("START",),
    "JADWAL": ("JADWAL",),
    "STOP PENGINGAT": (
        "STOP PENGINGAT",
        "STOP_PENGINGAT",
        "MATIKAN PENGINGAT",
        "BERHENTI PENGINGAT",
        "PENGINGAT STOP",
        "PENGINGAT OFF",
        "PENGINGAT MATI",
    ),
    "MULAI PENGINGAT": (
        "MULAI PENGINGAT",
        "MULAI_PENGINGAT",
        "NYALAKAN PENGINGAT",
        "PENGINGAT MULAI",
        "PENGINGAT ON",
        "PENGINGAT NYALA",
    ),
    "PENGINGAT": ("PENGINGAT",),
    "DASBOR": ("DASBOR", "DASHBOARD", "DASBOARD"),
    "ANAK BARU": ("ANAK BARU", "ANAK_BARU", "TAMBAH ANAK"),
    "HAPUS ANAK": ("HAPUS ANAK", "HAPUS_ANAK"),
    "KELUAR ANAK": ("KELUAR ANAK", "KELUAR_ANAK", "ANAK KELUAR"),
    "TIMBANG": ("TIMBANG", "PENIMBANGAN", "NIMBANG"),
    "KMS": ("KMS", "GRAFIK KMS", "KARTU KMS"),
    "KELUAR DASBOR": (
        "KELUAR DASBOR",
        "KELUAR_DASBOR",
        "KELUAR DASHBOARD",
        "LOGOUT DASBOR",
        "DASBOR KELUAR",
    ),
}
#: The dasbor's posyandu table shows all, those not reported, or those reported
#: (``?tampil=belum``; bot/dasbor/render.py).
DASBOR_SHOWN: tuple[str, str, str] = ("semua", "belum", "sudah")

#: Everyday forms of a command, understood only as the whole message (a trailing polite
#: particle allowed, as in answers: "mau lapor bu"), never as the start of a longer one, so
#: a free answer ("gak jadi datang 5 orang") is never taken for a command. They carry no
#: words after the command ("lapor bu" is LAPOR, not LAPOR "bu"). "GAK" alone stays "no".
COMMAND_PHRASES: Mapping[str, tuple[str, ...]] = {
    "LAPOR": ("MAU LAPOR", "SAYA MAU LAPOR", "LAPOR"),
    "PDF": ("MINTA PDF", "MINTA PDF NYA", "MINTA PDFNYA", "PDFNYA", "PDF NYA"),
    "BATAL": (
        "GAK JADI",
        "GA JADI",
        "NGGAK JADI",
        "NGGA JADI",
        "ENGGAK JADI",
        "TIDAK JADI",
        "TDK JADI",
        "BATAL",
    ),
}
#: After TIDAK BUKA, a polite particle or one of these words starts the reason ("tidak buka
#: bu, hujan", "gak buka karena hujan"): this month, the reason not kept. Any other words
#: after TIDAK BUKA must name the month, or are asked back.
REASON_WORDS = frozenset({"KARENA", "KRN", "KRNA", "SOALNYA", "SEBAB", "GARA", "GARA-GARA"})
#: Commands for a chat group itself (link it to the area of whoever types it, or let it
#: go): understood only in a group; elsewhere they are ordinary words.
GROUP_COMMAND_WORDS: Mapping[str, tuple[str, ...]] = {
    "SAMBUNGKAN": ("SAMBUNGKAN",),
    "PUTUSKAN": ("PUTUSKAN",),
}

# --- the child register -----------------------------------------------------------------------
#: A child's sex as a kader writes it, to the register's letter (L laki-laki, P perempuan).
SEX_WORDS: Mapping[str, str] = {
    "L": "L",
    "LK": "L",
    "LAKI": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "COWOK": "L",
    "COWO": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "CEWEK": "P",
    "CEWE": "P",
    "WANITA": "P",
}

#: KELUAR ANAK: why a child leaves the register, as a kader answers, to the register's reason
#: (storage.children.LeaveReason); the choices are offered in this order, first word shown.
LEAVE_WORDS: Mapping[str, str] = {
    "PINDAH": "moved",
    "PINDAH RUMAH": "moved",
    "PINDAH ALAMAT": "moved",
    "MENINGGAL": "died",
    "MENINGGAL DUNIA": "died",
    "WAFAT": "died",
    "SUDAH 5 TAHUN": "aged_out",
    "5 TAHUN": "aged_out",
    "LIMA TAHUN": "aged_out",
    "SUDAH LIMA TAHUN": "aged_out",
    "LAINNYA": "other",
    "LAIN": "other",
    "ALASAN LAIN": "other",
}

#: BANTUAN <topic>: the help a kader asks for ("BANTUAN ANAK": the register's commands).
HELP_TOPICS: Mapping[str, str] = {
    "ANAK": "register",
    "REGISTER": "register",
    "TIMBANG": "register",
    "PENIMBANGAN": "register",
}

#: STATUS <child> <status>: a weighing's status as a kader writes it, to its letter (N naik,
#: T tidak naik, O not weighed last month, B first weighing here).
STATUS_WORDS: Mapping[str, str] = {
    "N": "N",
    "NAIK": "N",
    "T": "T",
    "TIDAK NAIK": "T",
    "TDK NAIK": "T",
    "GAK NAIK": "T",
    "O": "O",
    "B": "B",
    "BARU": "B",
}

#: TIMBANG: a child who did not come ("Citra tdk datang"), after the name or number.
ABSENT_WORDS = frozenset(
    {
        "TDK DATANG",
        "TIDAK DATANG",
        "GAK DATANG",
        "GA DATANG",
        "NGGAK DATANG",
        "BELUM DATANG",
        "TIDAK HADIR",
        "TDK HADIR",
        "ABSEN",
    }
)
#: TIMBANG: the weighing ends (a whole message).
DONE_WORDS = frozenset({"SELESAI", "SUDAH SELESAI", "BERES", "UDAH SELESAI", "SELESAI TIMBANG"})
#: TIMBANG: a word after the numbers keeping a weighing the bot asked back about: "benar" (an
#: implausible value is right), "ganti" (it replaces the month's other weighing).
CONFIRM_WORDS = frozenset({"BENAR", "BETUL", "YAKIN"})
#: TIMBANG: units written after a weight or a length ("12,4 kg", "78cm"), left out.
MEASURE_UNITS = frozenset({"KG", "KILO", "CM", "SENTI"})
REPLACE_WORDS = frozenset({"GANTI", "GANTIKAN", "KOREKSI"})

# --- answers ----------------------------------------------------------------------------------
#: A yes, as a whole answer (a trailing polite particle allowed: "iya bu"). "LANJUT" is
#: also the command (read as yes only while a yes/no question is pending).
YES_WORDS = frozenset(
    {
        "YA",
        "Y",
        "IYA",
        "IY",
        "YES",
        "YOI",
        "OK",
        "OKE",
        "SIP",
        "SIAP",
        "BOLEH",
        "LANJUT",
        "BENAR",
        "BETUL",
        "SIMPAN",
        "SUDAH",
        "SUDAH BENAR",
        "YA BENAR",
        "YA BETUL",
        "IYA BENAR",
        "YA SUDAH BENAR",
        "IYA SUDAH BENAR",
        "YUP",
        "YAP",
        "MEMANG",
        "MEMANG BENAR",
        "MEMANG BETUL",
        "YA MEMANG",
        "IYA MEMANG",
        "SESUAI",
        "SUDAH SESUAI",
        "YA SESUAI",
        "BENAR SEMUA",
        "BETUL SEMUA",
        "SEMUA BENAR",
        "\N{THUMBS UP SIGN}",
        "\N{OK HAND SIGN}",
        "\N{WHITE HEAVY CHECK MARK}",
    }
)
#: A no, as a whole answer (a trailing polite particle allowed: "gak bu"). "BELUM" is also
#: the supervisors' command (read as no from a kader while a question is pending).
NO_WORDS = frozenset(
    {
        "TIDAK",
        "T",
        "TDK",
        "NO",
        "BUKAN",
        "SALAH",
        "GAK",
        "GA",
        "ENGGAK",
        "NGGAK",
        "NGGA",
        "BELUM",
    }
)
#: "None" as a whole answer to the extra-programme question.
NONE_ANSWERS = frozenset(
    {
        "-",
        "0",
        "TIDAK ADA",
        "TDK ADA",
        "NIHIL",
        "KOSONG",
        "BELUM ADA",
        "TIDAK_ADA",
        "GAK ADA",
        "GA ADA",
        "ENGGAK ADA",
        "NGGAK ADA",
        "NGGA ADA",
        "TAK ADA",
    }
)
#: A polite particle a kader may end a short answer with ("iya bu", "gak ada kak").
POLITE_PARTICLES = frozenset(
    {
        *("BU", "PAK", "KAK", "DONG", "YA", "BUK", "MBAK", "MAS", "DEH"),
        # particles of emphasis: "12 kok", "masih sama sih"
        *("KOK", "SIH", "NIH", "LOH", "LHO"),
    }
)
#: "Yes, there were some" without saying which (the names are asked for).
SOME_ANSWERS = frozenset({"ADA", "ADA DONG", "YA ADA", "IYA ADA", "ADA KOK"})
#: Words that name the extra programmes themselves: "tidak ada kegiatan tambahan" is none.
PROGRAMME_WORDS = frozenset(
    {"kegiatan", "kegiatannya", "tambahan", "program", "programnya", "lain", "lainnya", "apa"}
)
#: Words joining programme names besides a comma: "BKB dan PAUD", "BKB sama PAUD".
PROGRAMME_JOINS: tuple[str, ...] = ("dan", "sama", "serta")
#: A report answer starting with these words goes back to the previous question, like
#: KEMBALI ("eh salah, S nya 45" is never read as this question's answer).
BACK_ANSWERS: tuple[tuple[str, ...], ...] = (("SALAH",), ("EH", "SALAH"), ("ULANG",))
#: Skips an optional question of the report.
SKIP_WORDS = frozenset({"LEWATI", "SKIP", "-"})
#: Clears an optional field in UBAH (today without "SKIP": kept as it is, a move only).
EDIT_SKIP_WORDS = frozenset({"LEWATI", "-"})

# --- months -----------------------------------------------------------------------------------
#: Month names, their short forms and other spellings -> month number.
MONTHS: Mapping[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "peb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agust": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "okto": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
#: "bulan ini", "bulan lalu": the word for month, and what after it means how many months back.
MONTH_WORD = "bulan"
RELATIVE_MONTHS: Mapping[str, int] = {"ini": 0, "lalu": 1}
#: This month, said alone.
NOW_WORDS = frozenset({"ini", "sekarang"})

# --- numbers ----------------------------------------------------------------------------------
UNITS: Mapping[str, int] = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
#: Numbers in one "se-" word (se- = one).
SE_WORDS: Mapping[str, int] = {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000}
#: After a unit: "dua belas" (12), "dua puluh" (20), "dua ratus" (200).
TEENS = "belas"
TENS = "puluh"
HUNDREDS = "ratus"
#: Scales above the hundreds, largest first, with their "se-" form ("sejuta" = 1 juta).
BIG_SCALES: tuple[tuple[str, str | None, int], ...] = (
    ("triliun", "setriliun", 10**12),
    ("miliar", "semiliar", 10**9),
    ("milyar", "semilyar", 10**9),
    ("juta", "sejuta", 10**6),
    ("ribu", "seribu", 10**3),
)
ZERO_WORDS = frozenset({"nol", "kosong", "nihil"})
#: After digits: "5 rb", "2 juta".
DIGIT_MULTIPLIERS: Mapping[str, int] = {
    "ribu": 1000,
    "rb": 1000,
    "ratus": 100,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "triliun": 10**12,
}
NEGATIVE_WORDS = frozenset({"minus", "negatif"})
#: An approximate count ("kurang lebih 20", "sekitar 15", "kira-kira 15", "± 12"): never
#: stored as read, the kader is asked for the number itself. Words, and signs in the text.
APPROXIMATE_WORDS: tuple[tuple[str, ...], ...] = (
    ("kurleb",),
    ("kurang", "lebih"),
    ("sekitar",),
    ("kira",),
    ("kira", "kira"),
    ("kurang", "lbh"),
    ("krg", "lebih"),
    ("lebih", "kurang"),
)
APPROXIMATE_SIGNS: tuple[str, ...] = ("\N{PLUS-MINUS SIGN}", "+-", "+/-", "-+", "~")
#: Fractions: never a count.
DECIMAL_WORDS = frozenset({"koma", "setengah", "seperempat"})

# --- weekdays and hari-buka phrases -------------------------------------------------------------
#: Weekday names, Monday first (``date.weekday()`` order).
WEEKDAYS: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
WEEKDAY_ALIASES: Mapping[str, str] = {"jum'at": "jumat", "ahad": "minggu"}
#: "selasa kedua": the nth weekday of the month.
ORDINALS: Mapping[str, int] = {"pertama": 1, "kesatu": 1, "kedua": 2, "ketiga": 3, "keempat": 4}
#: "selasa terakhir": the last one of the month.
LAST_WORDS: tuple[str, ...] = ("terakhir", "akhir")
#: "selasa minggu ke-2": the word for week, before the ordinal.
WEEK_WORDS: tuple[str, ...] = ("minggu", "pekan")
#: "selasa ke-2": the nth (1-4) weekday of the month.
NTH_PREFIX = "ke"
#: "setiap selasa ke-2", "tiap selasa ke-2"; before a date only :data:`EVERY`
#: ("setiap tanggal 12").
EVERY_WORDS: tuple[str, ...] = ("setiap", "tiap")
EVERY = "setiap"
#: "tanggal 12 setiap bulan".
EVERY_MONTH = "setiap bulan"
#: "tanggal 12": a day of the month.
DATE_WORDS: tuple[str, ...] = ("tanggal", "tgl", "tgl.")
#: "pindah 2026-12-15": a one-off move of that month's hari buka.
MOVE_WORDS: tuple[str, ...] = ("pindah", "geser")
#: "pindah ke 2026-12-15", "pindah tanggal 15-12-2026": words allowed between.
MOVE_TO_WORDS: tuple[str, ...] = ("ke", *DATE_WORDS)

# --- the operator's import files (posyandu import) ---------------------------------------------
#: An area's level as an import file names it -> the level ("kota" is a kabupaten-level area,
#: "kelurahan" a desa-level one).
AREA_LEVEL_WORDS: Mapping[str, str] = {
    "provinsi": "provinsi",
    "kabupaten": "kabupaten",
    "kota": "kabupaten",
    "kabupaten/kota": "kabupaten",
    "kecamatan": "kecamatan",
    "desa": "desa",
    "kelurahan": "desa",
    "desa/kelurahan": "desa",
}
#: A posyandu's ``active`` column -> active or not (empty: active).
ACTIVE_WORDS: Mapping[str, bool] = {
    "": True,
    "1": True,
    "true": True,
    "yes": True,
    "y": True,
    "ya": True,
    "aktif": True,
    "0": False,
    "false": False,
    "no": False,
    "n": False,
    "tidak": False,
}


# --- the values of a choice field (scoring.fields: FieldRole.CHOICE) -----------------------

#: What kader type for each value of a choice field (upper case, compared with the answer
#: normalised and a trailing polite particle dropped): how the month was served, at the post
#: on hari buka or door to door.
CHOICE_WORDS: Mapping[str, str] = {
    "POSYANDU": "posyandu",
    "DI POSYANDU": "posyandu",
    "POS": "posyandu",
    "HARI BUKA": "posyandu",
    "BIASA": "posyandu",
    "RUMAH": "kunjungan_rumah",
    "KUNJUNGAN RUMAH": "kunjungan_rumah",
    "KUNJUNGAN": "kunjungan_rumah",
    "KE RUMAH": "kunjungan_rumah",
    "RUMAH KE RUMAH": "kunjungan_rumah",
    "DARI RUMAH KE RUMAH": "kunjungan_rumah",
    "KELILING": "kunjungan_rumah",
    "DOOR TO DOOR": "kunjungan_rumah",
    "SWEEPING": "kunjungan_rumah",
}


# --- reading an answer word by word (conversations.understand) ---------------------------------
#: Chat spellings -> the word they stand for (lower case), applied to every word of an answer
#: before the phrases below are matched: "tdk ada yg berubah" reads as "tidak ada yang berubah".
#: A letter typed twice at the end ("yaa", "samaa", "okee") is read once when the word is
#: otherwise unknown (``conversations.understand``).
WORD_FORMS: Mapping[str, str] = {
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "nggk": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "ndak": "tidak",
    "blm": "belum",
    "msh": "masih",
    "masi": "masih",
    "sm": "sama",
    "sma": "sama",
    "bln": "bulan",
    "kyk": "seperti",
    "kayak": "seperti",
    "kaya": "seperti",
    "kek": "seperti",
    "spt": "seperti",
    "sprt": "seperti",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "org": "orang",
    "orng": "orang",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "aja": "saja",
    "bb": "berat",
    "bbnya": "berat",
    "jml": "jumlah",
    "jmlh": "jumlah",
    "jmlah": "jumlah",
    "td": "tadi",
    "dtg": "datang",
    "sj": "saja",
    "jg": "juga",
    "kmrn": "kemarin",
    "kemaren": "kemarin",
    "kmarin": "kemarin",
    "sblm": "sebelum",
    "sblmnya": "sebelumnya",
    "skrg": "sekarang",
    "skr": "sekarang",
    "lbh": "lebih",
    "krg": "kurang",
    "tetep": "tetap",
    "bener": "benar",
    "betol": "betul",
    "ttp": "tetap",
    "iy": "iya",
    "y": "ya",
    "ok": "oke",
    "okey": "oke",
    "okay": "oke",
    "sip": "oke",
    "brubah": "berubah",
    "brbh": "berubah",
    "ubh": "ubah",
    "smua": "semua",
    "smuanya": "semuanya",
    "bu": "bu",
    "buk": "bu",
    "bun": "bu",
}
#: "Still the same": the core of the answer, once :data:`SAME_TAILS`, polite particles and a
#: leading yes are set aside ("ya masih sama kayak bulan lalu bu" -> "masih sama"). It means
#: the value offered, or last month's; at a warning "tetap" could be "keep my number", so
#: there it is asked back.
SAME_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    {
        ("=",),
        ("masih",),
        ("sama",),
        ("sama", "saja"),
        ("sama", "semua"),
        ("sama", "semuanya"),
        ("semua", "sama"),
        ("semuanya", "sama"),
        ("masih", "sama"),
        ("masih", "sama", "saja"),
        ("masih", "sama", "semua"),
        ("semua", "masih", "sama"),
        ("semuanya", "masih", "sama"),
        ("tetap",),
        ("tetap", "sama"),
        ("masih", "tetap"),
        ("tetap", "saja"),
        ("tidak", "berubah"),
        ("belum", "berubah"),
        ("tidak", "ada", "berubah"),
        ("tidak", "ada", "yang", "berubah"),
        ("belum", "ada", "yang", "berubah"),
        ("tidak", "ada", "perubahan"),
        ("belum", "ada", "perubahan"),
        ("semua", "tidak", "berubah"),
        ("tidak", "ada", "yang", "beda"),
        ("tidak", "beda"),
    }
)
#: "Something changed" without saying what: at "Masih sama?" a no (asked one by one).
CHANGED_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    {
        ("berubah",),
        ("sudah", "berubah"),
        ("ada", "berubah"),
        ("ada", "yang", "berubah"),
        ("ada", "perubahan"),
        ("ada", "yang", "beda"),
        ("beda",),
        ("sudah", "beda"),
        ("ada", "beda"),
        ("tidak", "sama"),
        ("sudah", "tidak", "sama"),
        ("tidak", "sama", "lagi"),
        ("sebagian", "berubah"),
        ("ada", "yang", "ganti"),
    }
)
#: What "the same as" may name after the core: last month or the earlier report.
SAME_TAILS: tuple[tuple[str, ...], ...] = (
    ("seperti", "bulan", "lalu"),
    ("seperti", "bulan", "kemarin"),
    ("seperti", "kemarin"),
    ("seperti", "sebelumnya"),
    ("seperti", "yang", "lalu"),
    ("dengan", "bulan", "lalu"),
    ("dengan", "bulan", "kemarin"),
    ("dengan", "kemarin"),
    ("dengan", "sebelumnya"),
    ("dengan", "yang", "lalu"),
    ("bulan", "lalu"),
    ("bulan", "kemarin"),
    ("kemarin",),
    ("sebelumnya",),
    ("dari", "bulan", "lalu"),
    ("dari", "kemarin"),
)
#: "None" at a count question ("tidak ada", "belum ada"), as canonical words; more words after
#: it are allowed only when they are units, particles or :data:`FILLER_WORDS` ("gak ada anak",
#: "tidak ada bu": 0); "tidak ada yang berubah" is "the same", anything else is asked back.
NONE_CORES: frozenset[tuple[str, ...]] = frozenset(
    {
        ("tidak", "ada"),
        ("belum", "ada"),
        ("nihil",),
        ("kosong",),
        ("nol",),
    }
)
#: Words naming whom a count is of, after the number ("12 org", "5 anak"); the names of the
#: fields that are everyday nouns ("3 hamil") are units too (``scoring.fields``: ``noun``).
UNIT_WORDS = frozenset(
    {
        "orang",
        "anak",
        "balita",
        "ibu",
        "pasangan",
        "jiwa",
        "keluarga",
        "rumah",
        "ekor",
        "buah",
        "saja",
        "pun",
        "satupun",
    }
)
#: Words that carry nothing in a count answer ("ada 42", "yang ditimbang 42", "jumlahnya 60").
FILLER_WORDS = frozenset(
    {
        "ada",
        "yang",
        "nya",
        "jadi",
        "jumlah",
        "jumlahnya",
        "total",
        "totalnya",
        "sebanyak",
        "semua",
        "semuanya",
        "cuma",
        "cuman",
        "hanya",
        "pas",
        "tepat",
        "bulan",
        "ini",
        "sekarang",
        "hari",
        "adalah",
        "itu",
        "sama",
        "sekali",
        "harusnya",
        "seharusnya",
        "sebenarnya",
        "mestinya",
        "betulnya",
        "benarnya",
        "=",
        ":",
    }
)
#: Words that may come before a field named in an answer: "maaf salah, d nya 40".
CORRECTION_WORDS = frozenset(
    {
        "maaf",
        "mohon",
        "salah",
        "eh",
        "oh",
        "o",
        "tadi",
        "ubah",
        "ganti",
        "koreksi",
        "ralat",
        "sori",
        "sorry",
        "untuk",
        "utk",
        "buat",
        "yang",
        "itu",
        "harusnya",
        "seharusnya",
        "maksud",
        "maksudnya",
        "saya",
        "sy",
        "dan",
        "sama",
        "juga",
        "lalu",
        "terus",
        "tapi",
        "tetapi",
        "kecuali",
        "cuma",
        "hanya",
    }
)
#: A count said with doubt or by what it is not ("mungkin 40", "bukan 40", "hampir 40"):
#: never stored as read, asked back.
HEDGE_WORDS = frozenset(
    {
        "mungkin",
        "kayaknya",
        "kyknya",
        "sepertinya",
        "kelihatannya",
        "hampir",
        "lebih",
        "kurang",
        "bukan",
        "lupa",
        "tahu",
        "tau",
        "entah",
        "kayanya",
        "perkiraan",
        "taksiran",
        "paling",
        "rata",
        "sampai",
        "sampe",
        "atau",
        "tapi",
        "tetapi",
        "kali",
    }
)
#: Another month or an earlier answer named beside a number ("kemarin 40", "bulan lalu 40"):
#: which number is this month's is not sure, asked back.
EARLIER_WORDS = frozenset({"kemarin", "lalu", "sebelumnya", "sebelum", "tadi", "dulu"})
#: Words that count someone other than the question asks ("turun 5" at the N question: the
#: children who lost weight): beside a number, asked back.
OTHER_COUNT_WORDS = frozenset({"turun", "baru", "meninggal", "pindah", "lahir", "keluar", "masuk"})
#: "changed" / "different": with a none word it means "nothing changed", not 0.
CHANGE_WORDS = frozenset({"berubah", "perubahan", "beda", "berbeda", "ganti", "berganti"})
