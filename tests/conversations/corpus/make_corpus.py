"""Writes answers.tsv: everyday answers to the guided report's questions, as kader write
them (domain.md "How kader write"), each with what the bot must do with it.

Families, not phrases: each family of expressions (digits with units and particles, number
words, a field named, none, "still the same", doubt, yes/no at a warning ...) is crossed with
the questions it applies to. Run ``python -m tests.conversations.corpus.make_corpus`` to
regenerate; the file is reviewed as data.

Columns: ``context`` (``field:<id>``: the question of that field in the report of the test
world, ``same``: "Masih sama dengan bulan lalu?", ``soft``: "D (46) lebih dari K (44) ...
ketik angka yang benar"), ``answer``, ``expect``: ``<id>=<n> ...`` (exactly these values
stored), ``skip`` (the optional field left empty), ``yes`` / ``no`` (at ``same``: all kept /
asked one by one; at ``soft``: the 46 confirmed / the question asked again) or ``ask``
(nothing stored, asked back).
"""

from __future__ import annotations

from pathlib import Path

#: Each question's field: a value that breaks no rule there, its words, the units kader
#: write after it, and last month's value in the test world (tests/conversations/world.py).
FIELDS: dict[str, tuple[int, str, tuple[str, ...], int]] = {
    "kader": (7, "tujuh", ("orang", "org", "kader"), 6),
    "s": (50, "lima puluh", ("anak", "balita", "org"), 48),
    "k": (44, "empat puluh empat", ("anak", "balita", "buku"), 45),
    "d": (41, "empat puluh satu", ("anak", "balita", "org"), 40),
    "n": (29, "dua puluh sembilan", ("anak", "balita", "org"), 30),
    "bgm": (2, "dua", ("anak", "balita", "org"), 1),
    "t2": (1, "satu", ("anak", "balita"), 0),
    "bumil": (7, "tujuh", ("ibu", "bumil", "orang"), 6),
    "bumil_periksa": (5, "lima", ("ibu", "bumil", "org"), 4),
    "pus": (82, "delapan puluh dua", ("pasangan", "pus", "kk"), 80),
    "kb_aktif": (52, "lima puluh dua", ("pasangan", "orang", "akseptor"), 50),
    "bayi": (13, "tiga belas", ("bayi", "anak"), 12),
    "bayi_imunisasi": (2, "dua", ("bayi", "anak"), 1),
}
#: How each field is named in chat.
NAMES: dict[str, tuple[str, ...]] = {
    "kader": ("kader", "KADER"),
    "s": ("s", "S"),
    "k": ("k", "K"),
    "d": ("d", "D", "ditimbang"),
    "n": ("n", "N", "naik"),
    "bgm": ("bgm", "BGM"),
    "t2": ("2t", "2T", "t2"),
    "bumil": ("bumil", "BUMIL", "hamil"),
    "bumil_periksa": ("periksa", "bp"),
    "pus": ("pus", "PUS"),
    "kb_aktif": ("kb", "KB"),
    "bayi": ("bayi", "BAYI"),
    "bayi_imunisasi": ("imun", "imunisasi", "IDL"),
}
#: Where a zero is a plain answer.
ZERO_FIELDS = ("n", "bgm", "t2", "bumil_periksa", "bayi_imunisasi")
PARTICLES = ("bu", "kak", "ya bu", "bu ya", "ya", "deh", "pak", "mbak", "ya kak", "kok", "sih")


def _count_answers(field: str) -> list[tuple[str, str]]:
    value, words, units, _ = FIELDS[field]
    expect = f"{field}={value}"
    out = [
        (str(value), expect),
        (f"{value}.", expect),
        (f" {value} ", expect),
        (f"{value}!", expect),
        (words, expect),
        (words.title(), expect),
        (words.upper(), expect),
        (f"{words} bu", expect),
        (f"ada {value}", expect),
        (f"ada {value} {units[0]}", expect),
        (f"jumlahnya {value}", expect),
        (f"totalnya {value} {units[0]}", expect),
        (f"{value} saja", expect),
        (f"cuma {value}", expect),
        (f"{value} {units[0]} bu", expect),
        (f"Ada {value} {units[-1]} kak", expect),
        (f"bulan ini {value}", expect),
        (f"yg {value}", expect),
        (f"{words} ({value})", expect),
        (f"{value} ({words})", expect),
        (words.replace(" ", ""), expect),
        (f"hari ini {value}", expect),
        (f"semua {value}", expect),
        (f"total {value} bu", expect),
        (f"{value} \N{PERSON WITH FOLDED HANDS}", expect),
        (f"{value} yaa", expect),
        (f"{value} ok", expect),
        (f"jml {value}", expect),
        (f"{value} bu, terima kasih", expect),
        (f"{value} alhamdulillah", expect),
        (f"oh {value}", expect),
    ]
    out += [(f"{value} {unit}", expect) for unit in units]
    out += [(f"{value} {particle}", expect) for particle in PARTICLES]
    out += [(f"{value} {units[0]} {particle}", expect) for particle in PARTICLES[:4]]
    for name in NAMES[field]:
        out += [
            (f"{name} {value}", expect),
            (f"{name}={value}", expect),
            (f"{name}: {value}", expect),
            (f"{name} nya {value}", expect),
            (f"{name}{value}", expect),
        ]
    if field in ZERO_FIELDS:
        zero = f"{field}=0"
        out += [
            (none, zero)
            for none in (
                "0",
                "nol",
                "Nol",
                "tidak ada",
                "gak ada",
                "ga ada",
                "gk ada",
                "nggak ada",
                "ngga ada",
                "enggak ada",
                "tdk ada",
                "tak ada",
                "belum ada",
                "blm ada",
                "nihil",
                "kosong",
                "gak ada bu",
                "tidak ada kak",
                "Gak ada.",
                "GAK ADA",
                "ga ada ya bu",
                f"tidak ada {units[0]}",
                f"gak ada {units[0]} bu",
                f"ga ada yg {NAMES[field][0]}",
                "tidak ada sama sekali",
                "gak ada satupun",
                f"0 {units[0]}",
                "nol bu",
                "kosong bu",
                "nihil kak",
            )
        ]
    return out


def _same_answers(field: str) -> list[tuple[str, str]]:
    last = FIELDS[field][3]
    expect = f"{field}={last}"
    return [
        (same, expect)
        for same in (
            "=",
            "sama",
            "Sama",
            "sama bu",
            "Sama.",
            "masih sama",
            "msh sama",
            "masi sama",
            "sm",
            "sm bu",
            "samaa",
            "tetap",
            "tetep",
            "ttp",
            "masih sama kak",
            "masih sama kok",
            "betul bu sama",
            "sama kyk bln lalu",
            "sama kayak kemarin",
            "sama seperti bulan lalu",
            "sama dgn bln lalu",
            "sama spt kemarin",
            "tidak ada yg berubah",
            "gak ada yang berubah",
            "ga ada perubahan",
            "tidak berubah",
            "gak berubah",
            "tdk berubah bu",
            "belum berubah",
            "msh sm",
        )
    ]


def _unsure_answers(field: str) -> list[tuple[str, str]]:
    value = FIELDS[field][0]
    return [
        (unsure, "ask")
        for unsure in (
            f"{value}an",
            f"kurang lebih {value}",
            f"kurleb {value}",
            f"sekitar {value}",
            f"± {value}",
            f"+- {value}",
            f"kira2 {value}",
            f"kira-kira {value}",
            f"mungkin {value}",
            f"kayaknya {value}",
            f"hampir {value}",
            f"lebih dari {value}",
            f"kurang dari {value}",
            f"bukan {value}",
            f"kemarin {value}",
            f"bln lalu {value}",
            f"{value} atau {value + 1}",
            f"{value} lebih 3",
            f"{value}-{value + 1}",
            f"{value}/{value + 1}",
            f"{value}, eh {value + 1}",
            f"okt {value}",
            f"turun {value}",
            f"{value} turun",
            f"baru {value}",
            f"{value} baru",
            f"td {value}",
            f"pokoknya {value}",
            f"kalau tidak salah {value}",
            f"kmrn {value - 1} skrg {value}",
            f"{value} atau",
            f"{value} tapi {value + 1}",
            f"{value},5",
            "setengah",
            "banyak",
            "lupa",
            "belum tahu",
            "gak tau bu",
            "nanti",
            "tidak",
            "ya",
            "ok",
            f"sama {value}",
            f"tetap {value}",
            f"tidak {value}",
            "tidak ada lagi",
            "gak ada kemarin",
            "ada",
            "??",
            "\N{GRINNING FACE}",
            "l2",
            "O5",
            "1O",
            "berapa ya",
        )
    ]


#: Fields named in an answer at another question: (asked, named, value) breaking no rule.
NAMED: tuple[tuple[str, str, int], ...] = (
    ("n", "d", 42),
    ("n", "bgm", 3),
    ("n", "s", 49),
    ("n", "k", 45),
    ("k", "d", 40),
    ("k", "bgm", 0),
    ("d", "s", 49),
    ("d", "k", 43),
    ("bgm", "n", 28),
    ("bgm", "d", 42),
    ("t2", "bgm", 3),
    ("bumil", "s", 49),
    ("bumil_periksa", "s", 49),
    ("pus", "bumil", 7),
    ("kb_aktif", "bumil", 7),
    ("bayi", "kb_aktif", 51),
    ("bayi_imunisasi", "pus", 83),
)
NAMED_FORMS = (
    "{name} {value}",
    "{name}={value}",
    "{name}: {value}",
    "{name}{value}",
    "{name} nya {value}",
    "{name}nya {value}",
    "maaf salah {name} nya {value}",
    "maaf {name} {value}",
    "eh salah {name} {value}",
    "salah, {name} {value} bu",
    "{name} jadi {value}",
    "ralat {name} {value}",
    "koreksi {name} = {value}",
    "ubah {name} {value}",
    "yg {name} {value}",
    "oh {name} nya {value} kak",
    "{name} harusnya {value}",
)
#: A field named that may be the question's own count or its head count: asked back.
AMBIGUOUS: tuple[tuple[str, str], ...] = (
    ("bumil_periksa", "bumil 5"),
    ("bumil_periksa", "hamil 5"),
    ("bumil_periksa", "bumil nya 5"),
    ("bayi_imunisasi", "bayi 2"),
    ("bayi_imunisasi", "bayi nya 2"),
    ("kb_aktif", "pus 52"),
)
TWO_NAMED: tuple[tuple[str, str], ...] = (
    ("d 42 n 28", "d=42 n=28"),
    ("ubah d 42 n 28", "d=42 n=28"),
    ("UBAH D 42 N 28", "d=42 n=28"),
    ("d42 n28", "d=42 n=28"),
    ("d 42, n 28", "d=42 n=28"),
    ("d 42 dan n 28", "d=42 n=28"),
    ("d=42 n=28", "d=42 n=28"),
    ("ditimbang 42 naik 28", "d=42 n=28"),
    ("d 42 sama n 28", "d=42 n=28"),
    ("maaf d nya 42 n nya 28", "d=42 n=28"),
    ("d 20 n 28", "ask"),  # N > D: both refused
    ("d 42 n 43", "ask"),
    ("d 42 n", "ask"),
)
SAME_YES = (
    "ya",
    "iya",
    "iya bu",
    "ya bu",
    "yaa",
    "yaaa",
    "iyaa",
    "Ya.",
    "YA",
    "y",
    "iy",
    "ok",
    "oke",
    "okee",
    "sip",
    "siap",
    "betul",
    "benar",
    "bener",
    "\N{THUMBS UP SIGN}",
    "\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}",
    "\N{OK HAND SIGN}",
    "yoi",
    "ya betul",
    "iya benar",
    "ya sudah benar",
    "sudah benar bu",
    "sama",
    "masih sama",
    "msh sama",
    "sm",
    "ya sama",
    "iya sama bu",
    "masih sama kak",
    "sama semua",
    "semua sama",
    "semuanya masih sama",
    "tetap",
    "tetap sama",
    "gak berubah",
    "tidak berubah",
    "tdk berubah",
    "belum berubah",
    "tidak ada yg berubah",
    "gak ada yang berubah",
    "ga ada perubahan",
    "sama kyk bln lalu",
    "sama kayak kemarin",
    "sama seperti bulan lalu",
    "sama dgn bln lalu",
    "masih sama dengan bulan lalu",
    "=",
    "ya masih sama bu",
    "Iyaa masih sama",
    "iya masih",
    "masih",
    "benar semua",
    "betul semua",
    "sudah sesuai",
    "sesuai",
    "yup",
    "\N{THUMBS UP SIGN}\N{THUMBS UP SIGN}",
    "ya \N{THUMBS UP SIGN}",
    "iyaaa buuu",
    "ok sama",
    "sip kak",
    "siap bu",
    "sama semua bu",
    "iya semuanya sama kak",
)
SAME_NO = (
    "tidak",
    "tdk",
    "gak",
    "ga",
    "nggak",
    "enggak",
    "tidak bu",
    "gak kak",
    "Tidak.",
    "ada yang berubah",
    "ada yg berubah bu",
    "berubah",
    "sudah berubah",
    "ada perubahan",
    "gak sama",
    "tidak sama",
    "sebagian berubah",
    "ada yg beda",
)
SAME_CHANGED: tuple[tuple[str, str], ...] = (
    ("s 50", "s=50"),
    ("S=50", "s=50"),
    ("s jadi 50", "s=50"),
    ("S nya 50", "s=50"),
    ("s50", "s=50"),
    ("s 50 bumil 7", "s=50 bumil=7"),
    ("bayi 13", "bayi=13"),
    ("kader 7", "kader=7"),
    ("kader 7 s 50", "kader=7 s=50"),
    ("yg berubah s 50", "s=50"),
    ("berubah s 50", "s=50"),
    ("sama, tapi s 50", "s=50"),
    ("pus 82 bayi 13", "pus=82 bayi=13"),
    ("hamil 7", "bumil=7"),
    ("ya sama, tapi bayi 13", "bayi=13"),
    ("bayi jadi 13", "bayi=13"),
    ("s nya sekarang 50", "s=50"),
    ("semua sama kecuali s 50", "s=50"),
    ("ya, s 50", "s=50"),
)
SAME_UNSURE = ("50", "tidak tahu", "hmm", "berapa?", "s", "lupa bu", "nanti")
SOFT_YES = (
    "ya",
    "iya",
    "benar",
    "betul",
    "ya benar",
    "iya bu",
    "\N{THUMBS UP SIGN}",
    "ok",
    "sudah benar",
    "yaa",
    "Ya.",
    "iya betul",
    "ya sudah benar",
    "YA",
    "ya 46",
    "benar 46",
    "46 benar",
    "ya benar 46 anak",
    "memang benar",
    "46 ya bu",
    "bener",
    "ok bu",
)
SOFT_NO = ("tidak", "gak", "bukan", "salah", "tdk", "eh salah", "ga", "tidak bu")
SOFT_NUMBER: tuple[tuple[str, str], ...] = (
    ("44", "d=44"),
    ("44 anak", "d=44"),
    ("D 44", "d=44"),
    ("d=44", "d=44"),
    ("44 bu", "d=44"),
    ("d44", "d=44"),
    ("40", "d=40"),
    ("k 46", "k=46 d=46"),  # the head count corrected: the 46 then stands
    ("K=47", "k=47 d=46"),
)
SOFT_UNSURE = (
    "gak ada",
    "tidak ada",
    "nol",
    "ada 5",
    "ya ada 5 anak",
    "ada 44",
    "tetap",
    "sama",
    "empat puluh empat",
    "ya 44",
    "mungkin",
    "44 atau 45",
    "ya tapi 44",
    "hmm",
    "tidak ada yg berubah",
    "kurang lebih 44",
    "iya 44",
    "44 ya",
    "ya 44 bu",
    "tidak, 44",
    "bukan, 44",
)


def rows() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for field in FIELDS:
        context = f"field:{field}"
        for answer, expect in (
            *_count_answers(field),
            *_same_answers(field),
            *_unsure_answers(field),
        ):
            out.append((context, answer, expect))
    out.append(("field:t2", "-", "skip"))
    out.append(("field:t2", "lewati", "skip"))
    out.append(("field:bgm", "-", "ask"))
    for asked, named, value in NAMED:
        for name in NAMES[named][:2]:
            for form in NAMED_FORMS:
                answer = form.format(name=name, value=value)
                out.append((f"field:{asked}", answer, f"{named}={value}"))
    out += [(f"field:{asked}", answer, "ask") for asked, answer in AMBIGUOUS]
    out += [("field:n", answer, expect) for answer, expect in TWO_NAMED]
    out += [("same", answer, "yes") for answer in SAME_YES]
    out += [("same", answer, "no") for answer in SAME_NO]
    out += [("same", answer, expect) for answer, expect in SAME_CHANGED]
    out += [("same", answer, "ask") for answer in SAME_UNSURE]
    out += [("soft", answer, "yes") for answer in SOFT_YES]
    out += [("soft", answer, "no") for answer in SOFT_NO]
    out += [("soft", answer, expect) for answer, expect in SOFT_NUMBER]
    out += [("soft", answer, "ask") for answer in SOFT_UNSURE]
    return out


def main() -> None:
    path = Path(__file__).with_name("answers.tsv")
    lines = ["context\tanswer\texpect"]
    for context, answer, expect in rows():
        assert "\t" not in answer and "\n" not in answer
        lines.append(f"{context}\t{answer}\t{expect}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} answers -> {path}")


if __name__ == "__main__":
    main()
