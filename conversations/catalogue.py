"""Every Indonesian sentence the bot says, by key. One place to read, review and translate.

Written for a kader on a small phone: short lines, one question per message, the unit and an
example, and the way out. :func:`say` fills a template; a missing key or value is a bug and
raises (the engine turns it into a short apology).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["MESSAGES", "SMS", "compose", "messages", "say"]


MESSAGES: dict[str, str] = {
    # --- channels without buttons ---------------------------------------------------------
    "document.saved": "Dokumen: {path}",
    "document.failed": "Maaf, PDF belum bisa dibuat sekarang. Coba lagi nanti, atau ketik RIWAYAT.",
    # --- newcomers ------------------------------------------------------------------------
    "welcome": (
        "Halo! Ini Posyandu Bot, untuk lapor bulanan posyandu lewat chat.\n"
        "Nomor ini belum terdaftar. Untuk bergabung, ketik DAFTAR lalu kode dari "
        "bidan/puskesmas, mis. DAFTAR MLT1K4."
    ),
    "register.ask_code": "Ketik DAFTAR lalu kode undangan Anda, mis. DAFTAR MLT1K4.",
    "register.wrong_code": (
        "Kode {code} tidak dikenal. Periksa lagi kode dari bidan/puskesmas, "
        "lalu ketik DAFTAR <kode>.\nSisa percobaan: {left}."
    ),
    "register.unusable": (
        "Kode {code} sudah tidak berlaku. Minta kode baru ke bidan/puskesmas Anda."
    ),
    "register.too_many": (
        "Terlalu banyak kode salah. Coba lagi setelah pukul {time}, "
        "atau minta bantuan bidan/puskesmas Anda."
    ),
    "register.busy": (
        "Maaf, pendaftaran sedang sibuk. Coba lagi sekitar satu jam lagi, "
        "atau minta bantuan bidan/puskesmas Anda."
    ),
    "register.ask_name": (
        "Kode benar: {place}.\nSiapa nama Anda? Mis. Bu Sari.\nKetik BATAL untuk berhenti."
    ),
    "register.bad_name": (
        "Ketik nama saja (huruf), paling banyak {max} huruf, mis. Bu Sari.\n"
        "Ketik BATAL untuk berhenti."
    ),
    "register.done.kader": (
        "Terima kasih, {name}! Anda terdaftar sebagai kader {place}.\n"
        "Ketik LAPOR untuk laporan bulan ini, atau BANTUAN untuk daftar perintah."
    ),
    "register.done.supervisor": (
        "Terima kasih, {name}! Anda terdaftar sebagai pembina {place}.\n"
        "Ketik STATUS untuk melihat laporan wilayah Anda, atau BANTUAN."
    ),
    "register.already": (
        "Nomor ini sudah terdaftar atas nama {name}. Ketik BANTUAN untuk daftar perintah."
    ),
    "register.cancelled": "Pendaftaran dibatalkan.",
    # --- help and hints -------------------------------------------------------------------
    # BANTUAN: a title, then the one-line help of each command the table lists for the role
    # (conversations.table.help_text), {command} being the command's name in the table.
    "help.kader": "Yang bisa Anda ketik:",
    "help.kader.quick": "Sekaligus: LAPOR S 50 K 48 D 40 N 30",
    "help.kader.register": "Anak & timbang: ketik BANTUAN ANAK",
    "help.register": "Register anak dan penimbangan:",
    "help.line.kader.anak_baru": "{command} <nama> - catat anak baru",
    "help.line.kader.timbang": "{command} - timbang balita hari ini",
    "help.line.kader.kms": "{command} <nama> - grafik KMS (PDF)",
    "help.line.kader.status": "{command} <nama> N - koreksi status",
    "help.line.kader.keluar_anak": "{command} <nama> - anak keluar",
    "help.line.kader.hapus_anak": "{command} <nama> - hapus data anak",
    "help.supervisor": "Perintah pembina:",
    "help.line.kader.lapor": "{command} - isi laporan bulan ini",
    "help.line.kader.tidak_buka": "{command} - posyandu tidak buka",
    "help.line.kader.ubah": "{command} D 41 - ganti satu angka",
    "help.line.kader.riwayat": "{command} - 6 bulan terakhir",
    "help.line.kader.pdf": "{command} - laporan lengkap",
    "help.line.kader.jadwal": "{command} - jadwal hari buka",
    "help.line.area.status": "{command} - siapa sudah lapor bulan ini",
    "help.line.area.belum": "{command} - posyandu yang belum lapor",
    "help.line.area.strata": "{command} - jumlah posyandu per strata",
    "help.line.area.posyandu": "{command} <nama> - angka satu posyandu",
    "help.line.area.rekap": "{command} - ringkasan wilayah (PDF)",
    "help.line.area.jadwal": "{command} <posyandu> - lihat atau atur hari buka",
    "help.line.anyone.batal": "{command} - berhenti",
    "help.line.anyone.lagi": "{command} - halaman berikutnya",
    "help.line.anyone.stop_pengingat": "{command} - pengingat mati",
    "help.line.anyone.mulai_pengingat": "{command} - pengingat nyala",
    "help.line.anyone.dasbor": "{command} - wilayah Anda di browser",
    "help.quick": "Nama yang bisa dipakai: {names}",
    "hint.kader": (
        "Maaf, saya belum mengerti. Ketik LAPOR untuk melapor, atau BANTUAN untuk daftar perintah."
    ),
    "hint.supervisor": (
        "Maaf, saya belum mengerti. Ketik STATUS, atau BANTUAN untuk daftar perintah."
    ),
    "hint.too_long": "Pesannya terlalu panjang. Kirim singkat saja.",
    "hint.resume": "Laporan {period} belum selesai. Ketik LANJUT untuk meneruskan.",
    "error.apology": (
        "Maaf, ada gangguan. Pesan Anda belum diproses; coba kirim lagi sebentar lagi."
    ),
    "role.kader_only": "{command} untuk kader posyandu. Ketik BANTUAN untuk perintah Anda.",
    "role.supervisor_only": (
        "{command} khusus pembina wilayah. Ketik BANTUAN untuk perintah Anda."
    ),
    "role.no_posyandu": "Akun Anda belum terhubung ke posyandu. Hubungi bidan/puskesmas.",
    "role.no_area": "Akun Anda belum terhubung ke wilayah. Hubungi dinas kesehatan.",
    "nothing.cancel": "Tidak ada yang sedang berjalan.",
    "nothing.back": "Tidak ada pertanyaan untuk diulang.",
    "nothing.resume": "Tidak ada laporan yang belum selesai. Ketik LAPOR untuk mulai.",
    "nothing.more": "Tidak ada halaman lagi.",
    "pages.more": "Ketik LAGI untuk {left} lagi.",
    # --- choosing the month ---------------------------------------------------------------
    "period.ask": "Laporan untuk bulan apa?\nBalas nomor atau nama bulannya.",
    "period.unknown": "Bulan tidak dikenal. Tulis nama bulan, mis. NOV atau November 2026.",
    "period.out_of_range": "Laporan hanya bisa untuk {allowed}.",
    "period.all_done": (
        "Laporan {allowed} sudah lengkap. Untuk mengubah, ketik UBAH <nama> <angka>, "
        "mis. UBAH D 41."
    ),
    "period.soft": "{message}\nBalas YA untuk lanjut, atau TIDAK.",
    "report.exists": (
        "Laporan {period} sudah dikirim {who} pada {when}.\n"
        "Untuk mengubah satu angka, ketik UBAH <nama> <angka>, mis. UBAH D 41.\n"
        "Untuk mengisi ulang semuanya, balas ISI ULANG."
    ),
    "report.exists_replace": (
        "Laporan {period} sudah dikirim {who} pada {when}.\n"
        "Ganti dengan angka yang baru Anda kirim?"
    ),
    "report.exists_closed": (
        "Laporan {period} sudah dikirim {who} pada {when}.\nGanti menjadi TIDAK BUKA?"
    ),
    "report.already_closed": "{period} sudah tercatat tidak buka.",
    "report.who_you": "oleh Anda",
    "report.who_other": "oleh {name}",
    "report.who_unknown": "",
    "report.draft_other": (
        "Laporan {period} belum selesai. Ketik LANJUT untuk meneruskan, "
        "atau BATAL untuk membuangnya."
    ),
    "report.cancelled": "Laporan {period} dibatalkan, tidak ada yang disimpan.",
    "report.change_cancelled": (
        "Perubahan laporan {period} dibatalkan. Laporan yang tersimpan tetap."
    ),
    "jadwal.past_no_year": (
        "{day} sudah lewat. Untuk memindah ke tahun depan, tulis tahunnya, "
        "mis. JADWAL {code} pindah {example}."
    ),
    "report.expired": (
        "Laporan {period} yang belum selesai sudah dihapus: lama tidak dilanjutkan dan "
        "batas lapor bulan itu sudah lewat."
    ),
    "report.sent": "Laporan {period} sudah dikirim {who} pada {when}.",
    "closed.draft_question": (
        "Laporan {period} sedang diisi dan belum selesai.\n"
        "Catat {period} sebagai TIDAK BUKA dan buang isian itu? Balas YA, atau TIDAK untuk "
        "melanjutkan laporan."
    ),
    "closed.kept": "Baik, tidak dicatat TIDAK BUKA. Laporan {period} dilanjutkan.",
    "closed.early_question": (
        "Hari buka {period} baru tanggal {day}. Catat {period} sebagai TIDAK BUKA sekarang? "
        "Balas YA, atau TIDAK."
    ),
    "closed.early_again": "Catat {period} sebagai TIDAK BUKA sekarang? Balas YA, atau TIDAK.",
    "closed.not_recorded": (
        "Baik, {period} tidak dicatat TIDAK BUKA. Setelah hari buka, ketik LAPOR atau TIDAK BUKA."
    ),
    # --- the questions --------------------------------------------------------------------
    "report.start": "Laporan {period}, {posyandu}. Ada {total} pertanyaan.",
    "report.start_rest": "Laporan {period}, {posyandu}. Tinggal {total} pertanyaan lagi.",
    "report.start_same": "Laporan {period}, {posyandu}.",
    # LAPOR in a month weighed on the child register (conversations.register_month).
    "report.from_register": (
        "Angka penimbangan {period} sudah diisi dari register anak. Laporan disimpan setelah "
        "Anda balas YA di ringkasan."
    ),
    "same.ask": (
        "Masih sama dengan bulan lalu?\n{values}\n"
        "Balas YA, atau tulis yang berubah, mis. {example}."
    ),
    "same.ask_older": (
        "Masih sama dengan laporan {month}?\n{values}\n"
        "Balas YA, atau tulis yang berubah, mis. {example}."
    ),
    # S and K counted from the child register after SELESAI, with last month's other values.
    "same.ask_register": (
        "Masih sama?\n{values}\nBalas YA, atau tulis yang berubah, mis. {example}."
    ),
    "same.register": "Dari register anak: {values}",
    "same.earlier": "Seperti bulan lalu: {values}",
    "same.earlier_older": "Seperti laporan {month}: {values}",
    "same.again": (
        "Balas YA jika semua masih sama, TIDAK untuk mengisi satu per satu, "
        "atau tulis yang berubah, mis. {example}."
    ),
    "report.question": "({number}/{total}) {question}{answer}{extra}",
    # Said once, at the start (or the resumption) of a report, not under every question.
    "report.way_out": "Ketik BATAL untuk berhenti, KEMBALI untuk pertanyaan sebelumnya.",
    "offer.previous": "Ketik = jika sama dengan bulan lalu: {value}",
    "offer.older": "Ketik = jika sama dengan laporan {month}: {value}",
    "offer.current": "Ketik = jika tetap: {value}",
    "offer.skip": "Ketik LEWATI jika tidak dicatat.",
    "button.skip": "LEWATI",
    "button.none": "TIDAK",
    # --- places, as people name them (an area's level and name; a posyandu's desa) ---------
    "area.title.provinsi": "Provinsi {name}",
    "area.title.kabupaten": "Kabupaten/Kota {name}",
    "area.title.kecamatan": "Kecamatan {name}",
    "area.title.desa": "Desa/Kelurahan {name}",
    "place.desa": "Desa {name}",
    # --- a child's growth: Permenkes 2/2020 categories (scoring.growth), by index -----------
    "growth.bbu.severely_underweight": "berat badan sangat kurang",
    "growth.bbu.underweight": "berat badan kurang",
    "growth.bbu.normal": "berat badan normal",
    "growth.bbu.overweight_risk": "risiko berat badan lebih",
    "growth.tbu.severely_stunted": "sangat pendek",
    "growth.tbu.stunted": "pendek",
    "growth.tbu.normal": "normal",
    "growth.tbu.tall": "tinggi",
    "growth.bbtb.severely_wasted": "gizi buruk",
    "growth.bbtb.wasted": "gizi kurang",
    "growth.bbtb.normal": "gizi baik",
    "growth.bbtb.overweight_risk": "berisiko gizi lebih",
    "growth.bbtb.overweight": "gizi lebih",
    "growth.bbtb.obese": "obesitas",
    "growth.imtu.severely_wasted": "gizi buruk",
    "growth.imtu.wasted": "gizi kurang",
    "growth.imtu.normal": "gizi baik",
    "growth.imtu.overweight_risk": "berisiko gizi lebih",
    "growth.imtu.overweight": "gizi lebih",
    "growth.imtu.obese": "obesitas",
    # --- the fields' names (scoring.fields) and the data-quality rules (scoring.rules) -----
    "label.buka": "buka",
    "label.kader": "jumlah kader bertugas",
    "label.s": "S (semua balita)",
    "label.k": "K (balita punya KMS/buku KIA)",
    "label.d": "D (balita ditimbang)",
    "label.n": "N (balita naik berat badannya)",
    "label.t": "T (balita tidak naik berat badannya)",
    "label.o": "O (balita tidak ditimbang bulan lalu)",
    "label.b": "B (balita baru pertama kali ditimbang)",
    "label.bgm": "BGM (di bawah garis merah)",
    "label.t2": "2T (tidak naik 2 kali)",
    "label.bumil": "ibu hamil",
    "label.bumil_periksa": "ibu hamil diperiksa",
    "label.pus": "PUS (pasangan usia subur)",
    "label.kb_aktif": "peserta KB aktif",
    "label.bayi": "bayi 0-11 bulan",
    "label.bayi_imunisasi": "bayi imunisasi dasar lengkap",
    "label.kk": "KK (kepala keluarga)",
    "label.kk_dana_sehat": "KK ikut dana sehat",
    "label.program_tambahan": "program tambahan",
    "rule.whole_number": "{label} harus bilangan bulat, misalnya 12.",
    "rule.non_negative": "{label} tidak boleh negatif.",
    "rule.k_le_s": "K ({small}) tidak boleh lebih dari S ({big}).",
    "rule.d_le_s": "D ({small}) tidak boleh lebih dari S ({big}).",
    "rule.n_le_d": "N ({small}) tidak boleh lebih dari D ({big}): yang naik pasti ditimbang.",
    "rule.bgm_le_d": "BGM ({small}) tidak boleh lebih dari D ({big}).",
    "rule.t2_le_d": "2T ({small}) tidak boleh lebih dari D ({big}).",
    "rule.t_le_d": "T ({small}) tidak boleh lebih dari D ({big}).",
    "rule.o_le_d": "O ({small}) tidak boleh lebih dari D ({big}).",
    "rule.b_le_d": "B ({small}) tidak boleh lebih dari D ({big}).",
    "rule.d_sum": (
        "D ({d}) tidak sama dengan N + T + O + B ({n} + {t} + {o} + {b} = {total}). Sudah benar?"
    ),
    "rule.bumil_periksa_le_bumil": (
        "Ibu hamil diperiksa ({small}) tidak boleh lebih dari jumlah ibu hamil ({big})."
    ),
    "rule.kb_aktif_le_pus": "Peserta KB aktif ({small}) tidak boleh lebih dari PUS ({big}).",
    "rule.bayi_imunisasi_le_bayi": (
        "Bayi imunisasi lengkap ({small}) tidak boleh lebih dari jumlah bayi ({big})."
    ),
    "rule.kk_dana_sehat_le_kk": (
        "KK ikut dana sehat ({small}) tidak boleh lebih dari jumlah KK ({big})."
    ),
    "rule.duplicate_period": "Bulan ini dilaporkan dua kali.",
    "rule.denominator_change": (
        "{label} berubah lebih dari {limit}% dari laporan lalu ({previous} menjadi {value}). "
        "Sudah benar?"
    ),
    "rule.n_gt_previous_d": (
        "N ({value}) lebih besar dari D bulan lalu ({previous}). N hanya balita yang juga "
        "ditimbang bulan lalu. Sudah benar?"
    ),
    "rule.register_differs": (
        "{label}: Anda menulis {value}, register anak mencatat {register}. Sudah benar?"
    ),
    "rule.before_hari_buka": (
        "Hari buka bulan ini baru tanggal {hari_buka}. Yakin melapor sekarang?"
    ),
    "rule.old_period": (
        "Laporan ini untuk {period}, lebih dari {months} bulan yang lalu. Sudah benar?"
    ),
    "rule.kader_change": (
        "Kader yang bertugas {value} orang, bulan lalu {previous} orang. Sudah benar?"
    ),
    "rule.d_gt_k": (
        "D ({d}) lebih dari K ({k}): ada balita ditimbang yang belum punya KMS/buku KIA? "
        "Sudah benar?"
    ),
    "rule.all_zero": "Posyandu buka, tetapi semua angka bulan ini 0. Sudah benar?",
    "ask.kader": "Berapa kader yang bertugas di hari buka?",
    "ask.s": "S: berapa semua balita (0-59 bulan) di wilayah posyandu?",
    "ask.k": "K: berapa balita yang punya KMS/buku KIA?",
    "ask.d": "D: berapa balita yang ditimbang bulan ini?",
    "ask.n": "N: berapa balita yang naik berat badannya?",
    "ask.bgm": "BGM: berapa balita di bawah garis merah KMS?",
    "ask.t2": "2T: berapa balita yang 2 kali berturut-turut tidak naik berat badannya?",
    "ask.t": "T: berapa balita yang ditimbang tetapi berat badannya tidak naik?",
    "ask.o": "O: berapa balita yang ditimbang bulan ini tetapi tidak ditimbang bulan lalu?",
    "ask.b": "B: berapa balita yang baru pertama kali ditimbang di posyandu ini?",
    "ask.bumil": "Berapa ibu hamil di wilayah posyandu?",
    "ask.bumil_periksa": "Berapa ibu hamil yang diperiksa di posyandu bulan ini?",
    "ask.pus": "PUS: berapa pasangan usia subur di wilayah posyandu?",
    "ask.kb_aktif": "Berapa PUS yang aktif ber-KB?",
    "ask.bayi": "Berapa bayi (0-11 bulan) di wilayah posyandu?",
    "ask.bayi_imunisasi": "Berapa bayi yang imunisasi dasarnya lengkap bulan ini?",
    "ask.kk": "Berapa KK (kepala keluarga) di wilayah posyandu?",
    "ask.kk_dana_sehat": "Berapa KK yang ikut dana sehat?",
    "ask.program_tambahan": (
        "Ada kegiatan tambahan bulan ini? (BKB, PAUD, TOGA, kelas ibu hamil, ...)"
    ),
    "unit.kader": "Jawab angka, mis. 5 (orang).",
    "unit.s": "Jawab angka, mis. 48 (anak).",
    "unit.k": "Jawab angka, mis. 45 (anak).",
    "unit.d": "Jawab angka, mis. 40 (anak).",
    "unit.n": "Jawab angka, mis. 30 (anak).",
    "unit.bgm": "Jawab angka, mis. 1 (anak). Jika tidak ada, ketik 0.",
    "unit.t2": "Jawab angka, mis. 2 (anak). Jika tidak ada, ketik 0.",
    "unit.t": "Jawab angka, mis. 5 (anak). Jika tidak ada, ketik 0.",
    "unit.o": "Jawab angka, mis. 3 (anak). Jika tidak ada, ketik 0.",
    "unit.b": "Jawab angka, mis. 2 (anak). Jika tidak ada, ketik 0.",
    "unit.bumil": "Jawab angka, mis. 6 (orang).",
    "unit.bumil_periksa": "Jawab angka, mis. 4 (orang).",
    "unit.pus": "Jawab angka, mis. 80 (pasangan).",
    "unit.kb_aktif": "Jawab angka, mis. 50 (pasangan).",
    "unit.bayi": "Jawab angka, mis. 12 (bayi).",
    "unit.bayi_imunisasi": "Jawab angka, mis. 1 (bayi).",
    "unit.kk": "Jawab angka, mis. 120 (KK).",
    "unit.kk_dana_sehat": "Jawab angka, mis. 70 (KK).",
    "unit.program_tambahan": "Tulis namanya, mis. BKB, PAUD. Jika tidak ada, ketik TIDAK.",
    "example.kader": "5",
    "example.s": "48",
    "example.k": "45",
    "example.d": "40",
    "example.n": "30",
    "example.bgm": "1",
    "example.t2": "2",
    "example.t": "5",
    "example.o": "3",
    "example.b": "2",
    "example.bumil": "6",
    "example.bumil_periksa": "4",
    "example.pus": "80",
    "example.kb_aktif": "50",
    "example.bayi": "12",
    "example.bayi_imunisasi": "1",
    "example.kk": "120",
    "example.kk_dana_sehat": "70",
    "example.program_tambahan": "BKB",
    # --- optional service fields -----------------------------------------------------------
    # (scoring.fields: asked only where the deployment turns them on, and when they apply)
    "label.cara": "cara pelayanan",
    "label.vit_a": "balita dapat vitamin A",
    "label.pmt": "balita dapat PMT",
    "label.bumil_fe": "ibu hamil dapat tablet Fe",
    "label.bumil_kek": "ibu hamil KEK",
    "label.rujukan": "dirujuk ke puskesmas",
    "label.bayi_0_6": "bayi 0-5 bulan",
    "label.asi_eksklusif": "bayi ASI eksklusif",
    "ask.cara": "Bulan ini pelayanan di posyandu, atau kunjungan rumah?",
    "ask.vit_a": "Berapa balita yang dapat kapsul vitamin A bulan ini?",
    "ask.pmt": "Berapa balita yang dapat PMT (makanan tambahan) bulan ini?",
    "ask.bumil_fe": "Berapa ibu hamil yang dapat tablet tambah darah (Fe) bulan ini?",
    "ask.bumil_kek": "Berapa ibu hamil KEK (LiLA kurang dari 23,5 cm)?",
    "ask.rujukan": (
        "Ada balita BGM/2T atau ibu hamil KEK. Berapa orang yang dirujuk ke puskesmas bulan ini?"
    ),
    "ask.bayi_0_6": "Berapa bayi umur 0-5 bulan di wilayah posyandu?",
    "ask.asi_eksklusif": "Berapa bayi 0-5 bulan yang mendapat ASI eksklusif?",
    "unit.cara": "Jawab POSYANDU atau RUMAH.",
    "unit.vit_a": "Jawab angka, mis. 40 (anak). Jika tidak ada, ketik 0.",
    "unit.pmt": "Jawab angka, mis. 10 (anak). Jika tidak ada, ketik 0.",
    "unit.bumil_fe": "Jawab angka, mis. 4 (orang). Jika tidak ada, ketik 0.",
    "unit.bumil_kek": "Jawab angka, mis. 1 (orang). Jika tidak ada, ketik 0.",
    "unit.rujukan": "Jawab angka, mis. 2 (orang). Jika tidak ada, ketik 0.",
    "unit.bayi_0_6": "Jawab angka, mis. 6 (bayi).",
    "unit.asi_eksklusif": "Jawab angka, mis. 4 (bayi).",
    "example.cara": "RUMAH",
    "example.vit_a": "40",
    "example.pmt": "10",
    "example.bumil_fe": "4",
    "example.bumil_kek": "1",
    "example.rujukan": "2",
    "example.bayi_0_6": "6",
    "example.asi_eksklusif": "4",
    "choice.posyandu": "di posyandu",
    "choice.kunjungan_rumah": "kunjungan rumah",
    "answer.choice": "Maaf, jawab POSYANDU atau RUMAH, mis. {example}.",
    "quick.bad_choice": "- {token}: tulis POSYANDU atau RUMAH, mis. CARA=RUMAH",
    "rule.known_choice": "{label} harus POSYANDU atau RUMAH.",
    "rule.home_visit_closed": (
        "Kunjungan rumah terhitung buka, jadi bulan yang tercatat TIDAK BUKA tidak bisa berisi "
        "kunjungan rumah."
    ),
    "rule.vit_a_le_s": "Balita dapat vitamin A ({small}) tidak boleh lebih dari S ({big}).",
    "rule.pmt_le_s": "Balita dapat PMT ({small}) tidak boleh lebih dari S ({big}).",
    "rule.bumil_fe_le_bumil": (
        "Ibu hamil dapat tablet Fe ({small}) tidak boleh lebih dari jumlah ibu hamil ({big})."
    ),
    "rule.bumil_kek_le_bumil": (
        "Ibu hamil KEK ({small}) tidak boleh lebih dari jumlah ibu hamil ({big})."
    ),
    "rule.asi_eksklusif_le_bayi_0_6": (
        "Bayi ASI eksklusif ({small}) tidak boleh lebih dari bayi 0-5 bulan ({big})."
    ),
    "rule.no_referral": (
        "Ada {count} orang yang perlu dirujuk (balita BGM/2T, ibu hamil KEK), tetapi yang "
        "dirujuk 0. Sudah benar?"
    ),
    "summary.cara": "Pelayanan: {cara}",
    "summary.vit_a": "Vitamin A: {vit_a} balita",
    "summary.pmt": "PMT: {pmt} balita",
    "summary.bumil_fe": "Ibu hamil dapat Fe: {bumil_fe}",
    "summary.bumil_kek": "Ibu hamil KEK: {bumil_kek}",
    "summary.rujukan": "Dirujuk ke puskesmas: {rujukan} orang",
    "summary.asi": "Bayi 0-5 bulan {bayi_0_6} · ASI eksklusif {asi_eksklusif}",
    "pdf.group.asi": "ASI eksklusif",
    "pdf.value.cara": "Cara pelayanan",
    "pdf.value.vit_a": "Vitamin A",
    "pdf.value.pmt": "PMT",
    "pdf.value.bumil_fe": "Dapat tablet Fe",
    "pdf.value.bumil_kek": "KEK (LiLA < 23,5 cm)",
    "pdf.value.rujukan": "Dirujuk ke puskesmas",
    "pdf.value.bayi_0_6": "Bayi 0-5 bln",
    "pdf.value.asi_eksklusif": "ASI eksklusif",
    "area.vitamin_a": "Vitamin A: {given} balita ({share}).",
    "area.referrals": "Dirujuk ke puskesmas: {count} orang.",
    # --- answers that cannot be used ------------------------------------------------------
    "answer.not_a_number": "Maaf, jawab dengan angka, mis. {example}.",
    "answer.negative": "Jumlah tidak boleh negatif.",
    "answer.decimal": "Harus bilangan bulat, tanpa koma, mis. {example}.",
    "answer.several": "Ketik satu angka saja, mis. {example}.",
    "answer.too_large": "Angkanya terlalu besar. Periksa lagi.",
    "answer.no_offer": "Belum ada angka sebelumnya. Ketik angkanya, mis. {example}.",
    "answer.same_as": "Dicatat {code} {value}, sama dengan {month}.",
    "answer.unclear": (
        "Maaf, saya belum yakin maksudnya. Ketik angkanya saja, mis. {example}. "
        "Untuk angka lain, tulis namanya, mis. D 41."
    ),
    "answer.not_optional": "Pertanyaan ini perlu dijawab dengan angka, mis. {example}.",
    "answer.programme_bad": (
        "Tulis nama kegiatannya, pisahkan dengan koma, mis. BKB, PAUD. Atau ketik TIDAK."
    ),
    "answer.programme_long": "Terlalu panjang. Tulis paling banyak 8 nama singkat, mis. BKB.",
    "answer.programme_which": (
        "Kegiatan apa saja? Tulis namanya, pisahkan dengan koma, mis. BKB, PAUD."
    ),
    "answer.soft": "{message}\nBalas YA jika benar, atau ketik angka yang benar.",
    "answer.back_first": "Ini pertanyaan pertama.",
    "answer.unsure": (
        "Maaf, angkanya belum pasti (ada huruf atau kira-kira). "
        "Ketik angkanya saja, mis. {example}."
    ),
    "reason.unsure": "angkanya belum pasti (ada huruf atau kira-kira)",
    # --- summary and saving ---------------------------------------------------------------
    "summary.title": "Ringkasan {posyandu}, {period}",
    "summary.closed": "Ringkasan {posyandu}, {period}\nPosyandu TIDAK BUKA bulan ini.",
    "summary.skdn": "Kader {kader} · S {s} · K {k} · D {d} · N {n}",
    "summary.tob": "T {t} · O {o} · B {b}",
    "summary.bgm": "BGM {bgm} · 2T {t2}",
    "summary.bumil": "Ibu hamil {bumil} · diperiksa {bumil_periksa}",
    "summary.pus": "PUS {pus} · KB aktif {kb_aktif}",
    "summary.bayi": "Bayi {bayi} · imunisasi lengkap {bayi_imunisasi}",
    "summary.kk": "KK {kk} · dana sehat {kk_dana_sehat}",
    # Rarely asked values not asked this month: the latest known, with their month.
    "summary.carried": "{line} (data {month})",
    "summary.programmes": "Kegiatan tambahan: {names}",
    "summary.no_programmes": "Kegiatan tambahan: tidak ada",
    "value.none": "tidak ada",
    "summary.ratios": "D/S {d_s} · N/D {n_d} · K/S {k_s}",
    "summary.warning": "Perhatikan: {message}",
    "summary.blocked": "Belum bisa disimpan:",
    "summary.ask": "Balas YA untuk simpan. Salah? UBAH D 41",
    "summary.ask_warning": "Balas YA, atau perbaiki, mis. UBAH D 41.",
    "summary.ask_warning_field": "Balas YA, atau perbaiki, mis. UBAH {example}.",
    "summary.ask_blocked": "Perbaiki dulu dengan UBAH <nama> <angka>, mis. UBAH D 41.",
    "summary.ask_closed": "Balas YA untuk simpan, atau BATAL.",
    "summary.again": "Balas YA untuk simpan, UBAH <nama> <angka> untuk memperbaiki, atau BATAL.",
    "saved.thanks": "Terima kasih, {name}! Laporan {period} tersimpan.",
    "saved.revision": "Terima kasih, {name}! Laporan {period} diperbarui.",
    "saved.gap": "Paling jauh dari target: {ratio} {actual}, targetnya {target}.",
    "saved.no_gap": "Semua rasio mencapai target. Hebat!",
    "saved.stratum": "Tingkat posyandu, 12 bulan terakhir: {stratum}.",
    "saved.aktif": "Tingkat posyandu, 12 bulan terakhir: {stratum} (Posyandu Aktif).",
    "saved.pdf": "Ketik PDF untuk laporan lengkap.",
    "saved.closed": "Tercatat: {posyandu} tidak buka bulan {period}.",
    "saved.closed_hint": "Jika keliru, ketik LAPOR {month} untuk mengisi angkanya.",
    "conflict.you": (
        "Catatan: {other} juga mengirim laporan {period} pada {when}. "
        "Laporan Anda disimpan sebagai revisi {revision}; yang sebelumnya tetap tercatat."
    ),
    "conflict.someone": "kader lain",
    "conflict.other": (
        "Info: laporan {period} diperbarui oleh {name} pada {when} (revisi {revision}). "
        "Ketik RIWAYAT atau PDF untuk melihatnya."
    ),
    # --- changing a saved report ----------------------------------------------------------
    "edit.usage": ("Ketik UBAH, nama angka dan angka barunya, mis. UBAH D 41 atau UBAH S 50 NOV."),
    "edit.unknown_field": "Nama {name} tidak dikenal.",
    "edit.no_report": "Belum ada laporan {period}. Ketik LAPOR untuk mengisinya.",
    "edit.closed": "{period} tercatat tidak buka. Ketik LAPOR {month} untuk mengisi angkanya.",
    "edit.same": "{label} sudah {value}. Tidak ada yang diubah.",
    "edit.refused": "Tidak diubah. {reason}",
    "edit.saved": "Laporan {period} diubah: {changes}. Versi lama tetap tersimpan.",
    "edit.same_many": "Sudah {values}. Tidak ada yang diubah.",
    "edit.draft_done": "Diubah: {changes}.",
    "edit.change": "{code} {old} menjadi {new}",
    # --- quick report ---------------------------------------------------------------------
    "quick.invalid": "Laporan belum disimpan. Periksa:",
    "quick.unknown_name": "- {token}: nama tidak dikenal",
    "quick.missing_value": "- {token}: angkanya belum ada",
    "quick.bad_value": "- {token}: {reason}",
    "quick.duplicate": "- {token}: ditulis dua kali",
    "quick.bad_period": "- {token}: bulan tidak dikenal",
    "quick.bad_programme": "- {token}: tulis nama kegiatan, mis. TAMBAHAN=BKB,PAUD",
    "quick.rule": "- {message}",
    "quick.example": "Contoh: LAPOR NOV S=50 K=48 D=40 N=30 BGM=1",
    "quick.read": "Terbaca: {values}",
    "quick.fix": "Ada yang salah? Ketik UBAH, namanya dan angka yang benar, mis. UBAH D 41.",
    "reason.not_a_number": "bukan angka",
    "reason.negative": "tidak boleh negatif",
    "reason.decimal": "harus bilangan bulat",
    "reason.several": "satu angka saja",
    "reason.too_large": "terlalu besar",
    "reason.empty": "angkanya belum ada",
    # --- history and documents ------------------------------------------------------------
    "history.title": "Riwayat {posyandu}",
    "history.month": "{month}: D/S {d_s} · N/D {n_d}",
    "history.closed": "{month}: tidak buka",
    "history.missing": "{month}: belum lapor",
    "history.trend_up": "Tren {ratio}: naik, {first} menjadi {last}.",
    "history.trend_down": "Tren {ratio}: turun, {first} menjadi {last}.",
    "history.trend_flat": "Tren {ratio}: tetap sekitar {last}.",
    "history.trend_none_ratio": "Tren {ratio}: belum cukup data.",
    "history.trend_none": "Belum cukup data untuk melihat tren.",
    "pdf.none": "Belum ada laporan {period}. Ketik LAPOR untuk mengisinya.",
    "pdf.unknown": "Bulan tidak dikenal. Contoh: PDF NOV atau PDF 2026-11.",
    # --- where a posyandu stands with a month (scoring.reporting) -------------------------
    "reporting.reported": "sudah lapor",
    "reporting.before_start": "belum terdaftar",
    "reporting.not_due": "belum waktunya",
    "reporting.not_due_day": "belum waktunya (hari buka {day})",
    "reporting.today": "hari ini buka",
    "reporting.late": "belum lapor",
    "reporting.late_days": "belum lapor, terlambat {days} hari",
    "reporting.count.reported": "sudah lapor {count}",
    "reporting.count.not_due": "belum waktunya {count}",
    "reporting.count.today": "hari ini buka {count}",
    "reporting.count.late": "belum lapor {count}",
    # --- supervisors ----------------------------------------------------------------------
    "area.status": "Status {period} · {area}\n{counts} ({expected} posyandu).",
    "area.strata_line": "Strata 12 bulan: {counts}.",
    # Posyandu whose hari buka is today or has passed, without a report.
    "area.not_yet_title": "Ditunggu laporannya ({count}):",
    "area.not_yet_item": "{number}. {posyandu}, {state}",
    "area.late_days": "terlambat {days} hari",
    "area.none_late": "Belum ada yang terlambat lapor.",
    "area.not_due_count": "Belum waktunya (hari buka belum tiba): {count} posyandu.",
    "area.all_reported": "Semua posyandu sudah lapor.",
    "area.belum_title": "Ditunggu laporan {period} ({count} dari {expected}):",
    "area.belum_item": "{number}. {posyandu}, {state} - {contact}",
    "area.no_contact": "kader belum terdaftar",
    "area.contact": "{name} {phone}",
    "area.kader": "Kader: {contacts}",
    "area.strata": (
        "Strata 12 bulan s.d. {period}\n{area} · {expected} posyandu\n{counts}\n"
        "Purnama + Mandiri: {share_pm}\nPosyandu Aktif: {aktif} ({share_aktif})"
    ),
    "area.posyandu_usage": "Ketik POSYANDU lalu nama atau kodenya, mis. POSYANDU Melati.",
    "area.posyandu_none": 'Posyandu "{query}" tidak ada di wilayah {area}.',
    "area.posyandu_many": "Ada {count} posyandu yang cocok:",
    "area.posyandu_pick": "{number}. {posyandu} (kode {code})",
    "area.posyandu_pick_hint": "Ketik POSYANDU <kode>, mis. POSYANDU {code}.",
    "area.posyandu_title": "{posyandu}{place}",
    "area.posyandu_latest": "Laporan terakhir: {period}",
    "area.posyandu_no_report": "Belum ada laporan dalam 12 bulan terakhir.",
    "area.period_unknown": "Bulan tidak dikenal. Contoh: {command} NOV atau {command} 2026-11.",
    "area.period_future": "{period} belum tiba.",
    "area.rekap_none": (
        "Tidak ada data laporan untuk {period} di {area}, jadi tidak ada rekap bulan itu."
    ),
    # --- hari buka (JADWAL) ------------------------------------------------------------------
    "jadwal.show": "Jadwal Posyandu {posyandu}: {schedule}.\nHari buka berikutnya: {days}.",
    "jadwal.unknown": "Jadwal Posyandu {posyandu} belum diketahui.",
    "jadwal.moved_mark": "(dipindah)",
    "jadwal.kader_note": "Jadwal diatur oleh bidan/pembina wilayah.",
    "jadwal.kader_change": (
        "Jadwal hanya bisa diubah oleh bidan/pembina wilayah. Hubungi mereka jika hari buka "
        "berubah."
    ),
    "jadwal.change_hint": (
        "Untuk mengubah: JADWAL {code} tanggal 12, JADWAL {code} selasa ke-2, "
        "atau JADWAL {code} pindah 2026-12-15 (sekali saja)."
    ),
    "jadwal.usage": (
        "Ketik JADWAL, nama atau kode posyandu, lalu jadwalnya, mis.\n"
        "JADWAL {code} tanggal 12\n"
        "JADWAL {code} selasa ke-2\n"
        "JADWAL {code} pindah 2026-12-15"
    ),
    "jadwal.none": (
        'Posyandu "{query}" tidak ada di wilayah {area}. '
        "Jadwal hanya bisa dilihat dan diatur untuk posyandu di wilayah Anda."
    ),
    "jadwal.pick_hint": "Ketik JADWAL <kode> lalu jadwalnya, mis. JADWAL {code} tanggal 12.",
    "jadwal.bad_schedule": (
        "Jadwal tidak dikenal. Contoh: JADWAL {code} tanggal 12, JADWAL {code} selasa ke-2, "
        "JADWAL {code} kamis terakhir."
    ),
    "jadwal.bad_date": (
        "Tanggal tidak dikenal. Tulis pindah lalu TAHUN-BULAN-TANGGAL, "
        "mis. JADWAL {code} pindah 2026-12-15."
    ),
    "jadwal.past": "{day} sudah lewat. Hari buka hanya bisa dipindah ke hari ini atau nanti.",
    "jadwal.same": "Jadwal Posyandu {posyandu} sudah {schedule}. Tidak ada yang diubah.",
    "jadwal.set": (
        "Jadwal Posyandu {posyandu} diubah: {schedule} (sebelumnya {old}).\n"
        "Hari buka berikutnya: {days}."
    ),
    "jadwal.moved": (
        "Hari buka Posyandu {posyandu} bulan {month} dipindah ke {day}. "
        "Jadwal tetap {schedule}.\nHari buka berikutnya: {days}."
    ),
    # --- the child register: ANAK BARU (conversations/flows/children.py) --------------------
    "child.off": (
        "Maaf, buku register anak belum disiapkan di bot ini. "
        "Minta bidan/puskesmas menyiapkannya dulu."
    ),
    "child.ask_name": "Nama anak? Mis. Andi Saputra.\nKetik BATAL untuk berhenti.",
    "child.bad_name": "Nama belum terbaca. Tulis namanya saja, tanpa angka, mis. Andi Saputra.",
    "child.ask_sex": "Jenis kelamin {name}? Ketik L (laki-laki) atau P (perempuan).",
    "child.bad_sex": "Ketik L untuk laki-laki atau P untuk perempuan.",
    "child.ask_birth": "Tanggal lahir {name}? Mis. 5/3/2025 atau 5 Maret 2025.",
    "child.bad_birth": (
        "Tanggal lahir belum terbaca. Tulis tanggal, bulan dan tahun lengkap, mis. 5/3/2025."
    ),
    "child.future_birth": "Tanggal {date} belum lewat. Periksa lagi tanggal lahirnya.",
    "child.too_old": (
        "Anak yang lahir {date} sudah 5 tahun atau lebih. "
        "Register posyandu hanya untuk balita. Periksa lagi tanggal lahirnya."
    ),
    "child.ask_mother": "Nama ibu {name}?",
    "child.sex.L": "laki-laki",
    "child.sex.P": "perempuan",
    "child.check": (
        "Periksa dulu:\nNama: {name}\nJenis kelamin: {sex}\nTanggal lahir: {birth}\n"
        "Nama ibu: {mother}\nSudah benar? Ketik YA, atau TIDAK untuk mengisi ulang."
    ),
    "child.ask_kms": "{name} punya KMS atau buku KIA? Ketik YA atau TIDAK.",
    "child.check_kms": (
        "Periksa dulu:\nNama: {name}\nJenis kelamin: {sex}\nTanggal lahir: {birth}\n"
        "Nama ibu: {mother}\nKMS/buku KIA: {kms}\n"
        "Sudah benar? Ketik YA, atau TIDAK untuk mengisi ulang."
    ),
    "child.kms.yes": "punya",
    "child.kms.no": "belum punya",
    "child.consent": "Orang tua sudah setuju data anak dicatat? Ketik YA atau TIDAK.",
    "child.yes_no": "Ketik YA atau TIDAK.",
    "child.no_consent": (
        "Baik, data {name} tidak dicatat. Tanpa persetujuan orang tua, data anak tidak disimpan."
    ),
    "child.cancelled": "Baik, dibatalkan. Tidak ada data anak yang diubah.",
    "child.saved": "{name} sudah dicatat di register posyandu. Terima kasih!",
    # HAPUS ANAK: a parent withdrew consent
    "withdraw.ask_name": "Ketik HAPUS ANAK lalu nama anak, mis. HAPUS ANAK Andi Saputra.",
    "withdraw.unknown": "Tidak ada anak bernama {name} di register posyandu ini. Periksa ejaannya.",
    "withdraw.line": "{number}. {name}, lahir {birth}, ibu {mother}",
    "withdraw.choose": "Ada {count} anak bernama {name}:\n{lines}\nKetik nomor anak yang dihapus.",
    "withdraw.confirm": (
        "Hapus data {name} (lahir {birth}, ibu {mother}) karena orang tua tidak setuju lagi? "
        "Nama anak dan ibu dihapus untuk selamanya. Ketik YA atau TIDAK."
    ),
    "withdraw.pick": "Ketik nomor anak yang dihapus, atau BATAL.",
    "withdraw.kept": "Baik, data {name} tidak dihapus.",
    "withdraw.done": "Data {name} sudah dihapus dari register.",
    "withdraw.gone": "Data anak itu sudah tidak ada di register.",
    # KELUAR ANAK: a child leaves the register (kept for the counts)
    "leave.ask_name": "Ketik KELUAR ANAK lalu nama anak, mis. KELUAR ANAK Andi Saputra.",
    "leave.choose": "Ada {count} anak bernama {name}:\n{lines}\nKetik nomor anak yang keluar.",
    "leave.pick": "Ketik nomor anak yang keluar, atau BATAL.",
    "leave.ask_reason": (
        "Kenapa {name} (lahir {birth}, ibu {mother}) keluar dari register?\n{choices}\n"
        "Ketik nomor atau alasannya."
    ),
    "leave.choice": "{number}. {word}",
    "leave.bad_reason": "Ketik nomor alasannya (1 sampai {count}), atau BATAL.",
    "leave.reason.moved": "pindah",
    "leave.reason.died": "meninggal",
    "leave.reason.aged_out": "sudah 5 tahun",
    "leave.reason.other": "alasan lain",
    "leave.confirm": (
        "{name} (lahir {birth}, ibu {mother}) keluar dari register karena {why}? "
        "Penimbangannya tetap tersimpan. Ketik YA atau TIDAK."
    ),
    "leave.kept": "Baik, {name} tetap di register.",
    "leave.done": (
        "{name} sudah keluar dari register dan tidak ada lagi di daftar TIMBANG. "
        "Penimbangannya tetap tersimpan."
    ),
    # TIMBANG: the hari buka's weighing (conversations/flows/weighing.py)
    "weigh.empty": "Belum ada balita di register posyandu ini. Ketik ANAK BARU untuk menambah.",
    "weigh.title": "Penimbangan {date}: {count} balita.",
    "weigh.list": "{number}. {name} ({sex})",
    "weigh.list_done": "{number}. {name} ({sex}) sudah {kg} kg",
    "weigh.how": (
        "Kirim berat per baris: nama atau nomor, lalu kg (dan cm), mis.\n"
        "Andi 12,4\nBudi 10,1 78\n3 9,8\nCitra tdk datang\nKetik SELESAI bila sudah semua."
    ),
    "weigh.read": "{name} {kg} kg: {status}",
    "weigh.status.N": "N (naik)",
    "weigh.status.T": "T (tidak naik)",
    "weigh.status.O": "O (bulan lalu tidak ditimbang)",
    "weigh.status.B": "B (baru pertama ditimbang)",
    "weigh.refer_now": ": rujuk ke puskesmas",
    "weigh.absent": "{name} tidak datang.",
    "weigh.twice": "{name} sudah ditulis di pesan ini; baris kedua tidak dipakai.",
    "weigh.already": "{name} {kg} kg sudah tercatat.",
    "weigh.conflict": (
        "{name} sudah tercatat {stored} kg bulan ini. Bila {kg} kg yang benar, "
        "kirim: {name} {kg} ganti"
    ),
    "weigh.conflict_other": (
        "{name}: kader lain baru saja mencatat {stored} kg. Yang tercatat tetap {stored} kg. "
        "Bila {given} kg yang benar, kirim: {name} {given} ganti"
    ),
    "weigh.implausible": (
        "{name} {kg} kg belum dicatat: {why}. Periksa lagi; bila benar, kirim: {name} {kg} benar"
    ),
    "weigh.flag.waz": "berat tidak wajar untuk umurnya",
    "weigh.flag.haz": "tinggi tidak wajar untuk umurnya",
    "weigh.flag.whz": "berat tidak wajar untuk tingginya",
    "weigh.flag.baz": "berat tidak wajar untuk tinggi dan umurnya",
    "weigh.flag.weight_loss": "turun lebih dari 1 kg sejak bulan lalu",
    "weigh.flag.length_shrank": "tinggi berkurang lebih dari 1 cm",
    "weigh.unreadable": '"{line}" belum terbaca. Tulis nama atau nomor lalu kg, mis. Andi 12,4.',
    "weigh.no_number": "Nomor {number} tidak ada di daftar.",
    "weigh.meant": "{written}: maksudnya {name}? Balas YA untuk mencatat {name} {kg} kg.",
    "weigh.meant_absent": "{written}: maksudnya {name}? Bila ya, kirim lagi dengan nama {name}.",
    "weigh.not_meant": "Baik, tidak dicatat. Tulis nama lengkap atau nomornya.",
    "weigh.several": "{written}: ada {names}. Tulis nama lengkap atau nomornya.",
    "weigh.unknown": (
        "{written} tidak ada di register. Anak baru? Ketik ANAK BARU {written} untuk menambah."
    ),
    "weigh.new_ask": (
        "{name} {kg} kg: {name} belum ada di register. Anak baru? Ketik YA untuk mencatatnya, "
        "atau TIDAK bila salah tulis."
    ),
    "weigh.unknown_later": (
        "{written} belum ada di register. Bila anak baru, kirim lagi barisnya sesudah ini."
    ),
    "weigh.new_dropped": (
        "Baik, baris {name} tidak dipakai. Lanjutkan mengirim berat, atau ketik SELESAI "
        "bila sudah semua."
    ),
    "weigh.new_back": "Lanjutkan mengirim berat, atau ketik SELESAI bila sudah semua.",
    # STATUS <child> <N|T|O|B>: the kader corrects a weighing's status
    "correct.how": (
        "Untuk mengoreksi status penimbangan bulan ini, ketik STATUS, nama anak, lalu N atau T, "
        "mis. STATUS Andi N."
    ),
    "correct.attendance": (
        "Status {name} bulan ini {computed}. Hanya N dan T yang bisa dikoreksi; B (pertama kali "
        "ditimbang) dan O (bulan lalu tidak ditimbang) mengikuti catatan timbangan."
    ),
    "correct.not_weighed": "{name} belum ditimbang bulan ini; statusnya belum bisa dikoreksi.",
    "correct.same": "Status {name} bulan ini memang {status}.",
    "correct.done": (
        "Status {name} bulan ini dikoreksi: {computed} menjadi {status}. "
        "Koreksi dicatat atas nama Anda."
    ),
    "correct.undone": "Koreksi dibatalkan: status {name} bulan ini kembali {status}.",
    "weigh.corrected_title": "Status yang dikoreksi kader:",
    "weigh.corrected_line": "- {name}: {computed} menjadi {status}",
    "weigh.cancelled": (
        "Penimbangan ditutup. Berat yang sudah dikirim tetap tercatat; "
        "ketik TIMBANG untuk melanjutkan."
    ),
    "weigh.done_alone": "Kirim SELESAI tersendiri untuk menutup penimbangan.",
    "weigh.left": "Belum ditimbang: {count} anak. Ketik SELESAI bila sudah semua.",
    "weigh.all_done": "Semua balita sudah ditimbang. Ketik SELESAI untuk menutup.",
    "weigh.summary": (
        "Penimbangan {date} selesai.\n"
        "D {d} · N {n} · T {t} · O {o} · B {b} · BGM {red_line} · 2T {two_t}"
    ),
    "weigh.sum_ok": "D = N+T+O+B = {d}, cocok.",
    "weigh.sum_off": "D = {d}, tetapi N+T+O+B = {sum}: periksa lagi penimbangannya.",
    "weigh.refer_title": "Perlu dirujuk ke puskesmas:",
    # After SELESAI: the month's report opened with the weighings' counts.
    "weigh.report_filled": (
        "Angka di atas sudah masuk ke laporan {period}. Periksa dan jawab sisanya; laporan "
        "disimpan setelah Anda balas YA di ringkasan."
    ),
    "weigh.report_filled_part": (
        "D, BGM dan 2T di atas sudah masuk ke laporan {period}; N ditanyakan karena ada "
        "timbangan yang belum terbaca. Laporan disimpan setelah Anda balas YA di ringkasan."
    ),
    "weigh.report_busy": (
        "Laporan {period} sedang diisi, jadi angka timbangan belum dimasukkan. Selesaikan "
        "atau BATAL laporan itu, lalu ketik TIMBANG dan SELESAI lagi untuk mengisinya."
    ),
    "weigh.refer_none": "Tidak ada anak yang perlu dirujuk.",
    "weigh.refer_line": "- {name}: {why}",
    "weigh.refer.two_t": "2T",
    "weigh.refer.under_red_line": "BGM",
    "weigh.refer.severely_stunted": "sangat pendek",
    "weigh.refer.severely_wasted": "gizi buruk",
    # --- KMS <name>: a child's KMS chart as a PDF (conversations/flows/kms.py) --------------
    "kms.ask_name": "Ketik KMS lalu nama anak atau nomornya di daftar TIMBANG, mis. KMS Andi.",
    "kms.unknown": (
        'Tidak ada balita bernama "{written}" di register posyandu ini. '
        "Ketik TIMBANG untuk melihat daftar nama."
    ),
    "kms.no_number": "Tidak ada nomor {number} di daftar TIMBANG.",
    "kms.meant": "Maksudnya {line}? Ketik KMS {number}.",
    "kms.several": (
        'Ada {count} anak yang cocok dengan "{written}":\n{lines}\n'
        "Ketik KMS dan nomornya, mis. KMS {number}."
    ),
    "kms.line": "{number}. {name} (lahir {birth})",
    "kms.sending": "KMS {name} sedang dibuat; PDF-nya segera dikirim ke chat ini.",
    # --- the KMS PDF (bot/pdf/kms.py) ---------------------------------------------------------
    "pdf.kms.title": "KARTU MENUJU SEHAT (KMS)",
    "pdf.kms.subtitle": "Berat badan menurut umur · standar WHO 2006 (Permenkes 2/2020)",
    "pdf.kms.name": "Nama anak",
    "pdf.kms.birth": "Tanggal lahir (umur)",
    "pdf.kms.sex": "Jenis kelamin",
    "pdf.kms.posyandu": "Posyandu",
    "pdf.kms.kg_axis": "Berat badan (kg)",
    "pdf.kms.month_axis": "Umur (bulan)",
    "pdf.kms.legend.red": "Garis merah (BGM): rujuk",
    "pdf.kms.legend.yellow": "Kuning: berat badan kurang",
    "pdf.kms.legend.green": "Hijau: berat badan normal",
    "pdf.kms.legend.orange": "Garis oranye: risiko berat badan lebih, rujuk",
    "pdf.kms.legend.child": "Berat badan anak",
    "pdf.kms.last_title": "Penimbangan terakhir",
    "pdf.kms.never": "Anak ini belum pernah ditimbang di posyandu.",
    "pdf.kms.last": "{date}: {kg} kg, umur {age}",
    "pdf.kms.status_line": "Status: {status} · BB/U: {category}",
    "pdf.kms.referral": "Rujuk ke puskesmas: {why}.",
    "pdf.kms.table_title": "Hasil penimbangan",
    "pdf.kms.col.date": "Tanggal",
    "pdf.kms.col.age": "Umur (bln)",
    "pdf.kms.col.kg": "BB (kg)",
    "pdf.kms.col.status": "N/T/O/B",
    "pdf.kms.age": "{months} bulan",
    "pdf.kms.age_years": "{years} tahun {months} bulan",
    "pdf.kms.no_category": "belum bisa dihitung",
    "pdf.caption.kms": "KMS {name}",
    "pdf.file.kms": "kms-{posyandu}-{child}.pdf",
    # --- chat groups (Telegram) ------------------------------------------------------------
    "group.linked": (
        "Grup ini tersambung ke {area}. Ringkasan bulanan akan dikirim ke sini; "
        "perintah /status, /belum, /strata dan /rekap bisa dipakai di grup ini."
    ),
    "group.unlinked": "Grup ini tidak lagi tersambung ke wilayah mana pun.",
    "group.personal": "{command} hanya lewat chat pribadi dengan bot, tidak di grup.",
    "jadwal.group_hint": "Jadwal hanya bisa diubah lewat chat pribadi dengan bot.",
    "group.not_supervisor": (
        "Hanya pembina wilayah yang terdaftar yang bisa menyambungkan grup. "
        "Daftar dulu lewat chat pribadi dengan bot (DAFTAR <kode>)."
    ),
    "group.not_linked": (
        "Grup ini belum tersambung. Pembina wilayah: ketik /sambungkan di grup ini."
    ),
    "group.taken": (
        "Grup ini sudah disambungkan oleh {name}. Minta beliau mengetik /putuskan "
        "di grup ini dulu, lalu ketik /sambungkan lagi."
    ),
    # --- reminders (the scheduler queues them as data; the bot words them here) -----------
    "reminder.h-1": (
        "Besok hari buka Posyandu {posyandu} ({date}).\n"
        "Siapkan dacin, sarung timbang, KMS/buku KIA, buku register dan alat tulis. "
        "Sampai jumpa di posyandu!"
    ),
    "reminder.h": (
        "Hari ini hari buka Posyandu {posyandu}. Selamat bertugas!\n"
        "Setelah penimbangan, ketik LAPOR untuk laporan {month}."
    ),
    "reminder.h+2": (
        "Laporan Posyandu {posyandu} untuk {month} belum masuk.\n"
        "Ketik LAPOR untuk mengisi, cukup dua menit. Jika tidak buka, ketik TIDAK BUKA."
    ),
    "reminder.h+7": "Posyandu yang belum lapor ({count}):\n{lines}\nKetik BELUM untuk rinciannya.",
    "reminder.h+7.line": "- {posyandu} ({month}): {kader}",
    "reminder.no_kader": "kader belum terdaftar",
    "reminder.rekap_caption": "Ringkasan posyandu {area}, {month}.",
    # The monthly DHIS2 push (docs/dhis2.md), one line to the kabupaten's supervisors.
    "dhis2.pushed": "Data posyandu {area} sampai {month} sudah dikirim ke DHIS2: {sent} angka "
    "terkirim, {imported} baru, {updated} diperbarui.",
    "dhis2.conflicts": "Data posyandu {area} sampai {month} dikirim ke DHIS2: {sent} angka "
    "terkirim, {conflicts} ditolak DHIS2. Mohon operator memeriksa pemetaan datanya.",
    "dhis2.failed": "Data posyandu {area} sampai {month} belum bisa dikirim ke DHIS2. "
    "Pengiriman dicoba lagi bulan depan, atau operator bisa mengirimnya sekarang.",
    # Variables of WhatsApp templates (the template texts are registered with Twilio).
    "template.posyandu": "Posyandu {posyandu}",
    "template.more": "dan {count} lainnya",
    "reminders.stopped": ("Pengingat dimatikan. Ketik MULAI PENGINGAT untuk menyalakannya lagi."),
    "reminders.started_supervisor": (
        "Pengingat dinyalakan: daftar posyandu yang belum lapor (7 hari setelah hari buka) "
        "dan rekap bulanan."
    ),
    "reminders.already_on": "Pengingat sudah menyala. Ketik STOP PENGINGAT untuk mematikan.",
    "reminders.already_off": (
        "Pengingat sudah mati. Ketik MULAI PENGINGAT untuk menyalakannya lagi."
    ),
    "reminders.on": (
        "Pengingat menyala: sehari sebelum hari buka, pagi hari buka, dan jika belum lapor. "
        "Ketik STOP PENGINGAT untuk mematikan."
    ),
    "reminders.on_supervisor": (
        "Pengingat menyala: daftar posyandu yang belum lapor dan rekap bulanan. "
        "Ketik STOP PENGINGAT untuk mematikan."
    ),
    "reminders.off": "Pengingat mati. Ketik MULAI PENGINGAT untuk menyalakannya lagi.",
    "reminders.started": (
        "Pengingat dinyalakan: sehari sebelum hari buka, pagi hari buka, dan jika belum lapor."
    ),
    # --- PDF reports (bot/pdf, bot/documents.py) ------------------------------------------
    "pdf.author": "Posyandu Bot",
    "pdf.footer": "Dibuat {when} · Kode verifikasi {code} · Halaman {page}/{pages}",
    "pdf.no_value": "—",
    "pdf.yes": "Ya",
    "pdf.no": "Tidak",
    "pdf.caption.monthly_report": "Laporan {name}, {period}",
    "pdf.caption.area_summary": "Ringkasan {name}, {period}",
    "pdf.file.monthly_report": "laporan-{name}-{period}.pdf",
    "pdf.file.area_summary": "rekap-{name}-{period}.pdf",
    "pdf.monthly.title": "Laporan Bulanan Posyandu {name}",
    "pdf.monthly.place": "{desa} · Kec. {kecamatan} · {kabupaten}",
    "pdf.monthly.period": "Bulan: {period}   ·   Hari buka: {hari_buka}",
    "pdf.monthly.reported": "Dilaporkan oleh {who}, {when} (lewat {channel})",
    # A month saved by ``posyandu import reports``: who imported it, from which file, when.
    "pdf.monthly.imported": "Diimpor oleh {operator} dari {file}, {date}",
    "pdf.monthly.closed": "Posyandu tidak buka bulan ini.",
    "pdf.monthly.values": "Angka bulan ini",
    "pdf.monthly.skdn": "Diagram balok SKDN",
    "pdf.monthly.ratios": "Capaian dibanding target",
    "pdf.monthly.strata": "Strata posyandu (12 bulan terakhir)",
    "pdf.monthly.stratum_line": "Strata: {stratum}",
    "pdf.monthly.aktif": "Posyandu Aktif: {answer}",
    "pdf.monthly.limiting": "Yang menahan di strata ini:",
    "pdf.monthly.needs": "Untuk naik ke {next}:",
    "pdf.monthly.top": "Sudah strata tertinggi. Pertahankan!",
    "pdf.monthly.projected": "Perkiraan strata akhir tahun (dengan laju sekarang): {stratum}",
    "pdf.monthly.missing": "Data belum ada: {fields}",
    "pdf.monthly.trend": "Tren 12 bulan: D/S dan N/D",
    "pdf.group.balita": "Balita",
    "pdf.group.bumil": "Ibu hamil",
    "pdf.group.kb": "KB",
    "pdf.group.imunisasi": "Imunisasi",
    "pdf.group.lain": "Lainnya",
    "pdf.value.s": "S semua balita",
    "pdf.value.k": "K punya KMS/KIA",
    "pdf.value.d": "D ditimbang",
    "pdf.value.n": "N naik berat",
    "pdf.value.t": "T tidak naik",
    "pdf.value.o": "O absen bulan lalu",
    "pdf.value.b": "B baru ditimbang",
    # The month's weighings on the register: how many children to refer (never who).
    "pdf.value.referred": "Anak perlu dirujuk",
    "pdf.value.bgm": "BGM bawah garis merah",
    "pdf.value.t2": "2T tidak naik 2x",
    "pdf.value.bumil": "Ibu hamil",
    "pdf.value.bumil_periksa": "Diperiksa",
    "pdf.value.pus": "PUS",
    "pdf.value.kb_aktif": "KB aktif",
    "pdf.value.bayi": "Bayi 0-11 bln",
    "pdf.value.bayi_imunisasi": "Imunisasi lengkap",
    "pdf.value.kader": "Kader bertugas",
    "pdf.value.kk": "KK",
    "pdf.value.kk_dana_sehat": "KK dana sehat",
    "pdf.value.program_tambahan": "Program tambahan",
    "pdf.value.no_programme": "tidak ada",
    "pdf.ratio.col.indicator": "Indikator",
    "pdf.ratio.col.actual": "Capaian",
    "pdf.ratio.col.target": "Target",
    "pdf.ratio.col.status": "Keterangan",
    "pdf.ratio.k_s": "K/S (liputan)",
    "pdf.ratio.d_s": "D/S (partisipasi)",
    "pdf.ratio.d_k": "D/K (kelangsungan)",
    "pdf.ratio.n_d": "N/D (hasil penimbangan)",
    "pdf.category.achieve": "Tercapai",
    "pdf.category.on_track": "Hampir tercapai",
    "pdf.category.off_track": "Jauh dari target",
    "pdf.category.none": "Belum bisa dihitung",
    "pdf.indicator.frekuensi_penimbangan": "Frekuensi buka/penimbangan",
    "pdf.indicator.rerata_kader": "Rata-rata kader bertugas",
    "pdf.indicator.rerata_ds": "Rata-rata D/S",
    "pdf.indicator.kumulatif_kia": "Cakupan KIA (ibu hamil diperiksa)",
    "pdf.indicator.kumulatif_kb": "Cakupan KB",
    "pdf.indicator.kumulatif_imunisasi": "Cakupan imunisasi",
    "pdf.indicator.program_tambahan": "Program tambahan",
    "pdf.indicator.dana_sehat": "Cakupan dana sehat",
    "pdf.need.missing": "{name}: data belum ada ({fields})",
    "pdf.need.times": "{name}: {times} kali buka lagi ({actual} → {required})",
    "pdf.need.programme": "{name}: adakan minimal satu (BKB, PAUD, TOGA, ...)",
    "pdf.need.people": "{name}: {actual} → {required} orang",
    "pdf.need.percent": "{name}: {actual} → {required}",
    "pdf.legend.ds": "D/S (partisipasi)",
    "pdf.legend.nd": "N/D (berat badan naik)",
    "pdf.area.title": "Ringkasan {area}",
    "pdf.area.period": "Bulan: {period}",
    "pdf.area.completeness": "Sudah lapor: {reported} posyandu ({share})",
    "pdf.area.strata": "Jumlah posyandu per strata (12 bulan terakhir)",
    "pdf.area.pm": "Purnama + Mandiri: {share}",
    "pdf.area.aktif": "Posyandu Aktif: {share}",
    "pdf.area.table": "Semua posyandu (yang perlu perhatian lebih dulu)",
    "pdf.area.gap_note": (
        "Terjauh: capaian bulan ini yang paling jauh dari targetnya (capaian → target)."
    ),
    "pdf.area.late_days": "{days} hari",
    "pdf.area.col.no": "No",
    "pdf.area.col.posyandu": "Posyandu",
    "pdf.area.col.posyandu.sub": "kode · desa",
    "pdf.area.col.reported": "Lapor",
    # Under "Lapor": a posyandu past its hari buka without a report reads "BELUM / 4 hari".
    "pdf.area.col.reported.sub": "terlambat",
    "pdf.area.col.ds": "D/S",
    "pdf.area.col.nd": "N/D",
    "pdf.area.col.stratum": "Strata",
    "pdf.area.col.gap": "Terjauh",
    "pdf.area.col.gap.sub": "capaian → target",
    "pdf.area.code_note": (
        "Kode verifikasi: wilayah-bulan-jumlah lapor-sidik data. Sidik data berubah setiap "
        "ada laporan 12 bulan terakhir yang masuk atau diubah."
    ),
    "pdf.area.yes": "sudah",
    "pdf.area.no": "BELUM",
    # --- dates (bot/notifications.py short_date, the PDF's trend chart) -------------------
    "date.short": "{weekday}, {day} {month} {year}",
    "date.day": "{day} {month} {year}",
    "date.weekday.0": "Senin",
    "date.weekday.1": "Selasa",
    "date.weekday.2": "Rabu",
    "date.weekday.3": "Kamis",
    "date.weekday.4": "Jumat",
    "date.weekday.5": "Sabtu",
    "date.weekday.6": "Minggu",
    "date.month_short.1": "Jan",
    "date.month_short.2": "Feb",
    "date.month_short.3": "Mar",
    "date.month_short.4": "Apr",
    "date.month_short.5": "Mei",
    "date.month_short.6": "Jun",
    "date.month_short.7": "Jul",
    "date.month_short.8": "Agu",
    "date.month_short.9": "Sep",
    "date.month_short.10": "Okt",
    "date.month_short.11": "Nov",
    "date.month_short.12": "Des",
    # --- months in full (conversations/periods.py format_period) ---------------------------
    "date.month.1": "Januari",
    "date.month.2": "Februari",
    "date.month.3": "Maret",
    "date.month.4": "April",
    "date.month.5": "Mei",
    "date.month.6": "Juni",
    "date.month.7": "Juli",
    "date.month.8": "Agustus",
    "date.month.9": "September",
    "date.month.10": "Oktober",
    "date.month.11": "November",
    "date.month.12": "Desember",
    # --- channels: answer buttons ---
    # Channels without buttons list numbered choices on one line: "Balas 1 = YA, 2 = BATAL".
    "choices.line": "Balas {pairs}",
    "choices.pair": "{number} = {choice}",
    # --- figures (conversations/figure_words.py) ---
    # A part of a whole, its counts written by figure_words.count ("1.427 dari 1.428").
    "figure.part_of": "{part} dari {whole}",
    # --- history and provisional strata ---
    # A stratum over fewer than 12 known months (domain.md, "Decision (provisional stratum)").
    "strata.provisional": "Strata sementara ({months} bulan data): {stratum}",
    "strata.too_few": "belum cukup data",
    "strata.no_data": "belum ada data",
    "strata.cell_provisional": "{stratum} sementara ({months} bln)",
    "saved.stratum_provisional": "Strata sementara ({months} bulan data): {stratum}.",
    "saved.aktif_provisional": (
        "Strata sementara ({months} bulan data): {stratum} (Posyandu Aktif)."
    ),
    "saved.stratum_too_few": "Strata: belum cukup data ({months} bulan data).",
    "area.posyandu_no_data": "Strata: belum ada data.",
    "area.count_provisional": "{count} di antaranya sementara",
    "area.count_too_few": "belum cukup data {count}",
    "area.count_no_data": "belum ada data {count}",
    "pdf.monthly.stratum_provisional": "Strata sementara ({months} bulan data): {stratum}",
    "pdf.monthly.stratum_too_few": "Strata: belum cukup data ({months} bulan data)",
    "pdf.monthly.projected_none": "Perkiraan strata akhir tahun: belum cukup data",
    "pdf.channel.import": "impor {file} oleh {operator}",
    # --- honest numbers and area summary ----------------------------------------------------
    # What an area is called (conversations/format.py area_title; the kinds of the lexicon's
    # AREA_LEVEL_WORDS): "Kota Batam", "Kelurahan Tiban Baru".
    "area.named": "{kind} {name}",
    "area.kind.provinsi": "Provinsi",
    "area.kind.kabupaten": "Kabupaten",
    "area.kind.kota": "Kota",
    "area.kind.kecamatan": "Kecamatan",
    "area.kind.desa": "Desa",
    "area.kind.kelurahan": "Kelurahan",
    # The area summary's totals (bot/pdf/area.py; scoring/totals.py).
    "pdf.area.totals": "Jumlah wilayah bulan ini (posyandu yang buka)",
    "pdf.area.totals.counts": "S {s} · K {k} · D {d} · N {n} · BGM {bgm} · 2T {t2}",
    "pdf.area.openings": "Buka: {opened} posyandu · TIDAK BUKA: {closed} posyandu",
    "pdf.area.openings.home_visits": (
        "Buka: {opened} posyandu (kunjungan rumah: {home_visits}) · TIDAK BUKA: {closed} posyandu"
    ),
    "pdf.area.closed": "TIDAK BUKA",
    # The monthly report (bot/pdf/monthly.py): KK and dana sehat carried from the month they
    # were last asked (scoring/carry.py), the puskesmas, and a place to sign for the paper file.
    "pdf.value.carried": "{label} (data {month})",
    "pdf.monthly.puskesmas": "Wilayah kerja puskesmas: {puskesmas}",
    "pdf.monthly.notes": "Catatan dan tindak lanjut",
    "pdf.monthly.sign": "Tanda tangan",
    "pdf.monthly.sign.kader": "Kader pelapor",
    "pdf.monthly.sign.bidan": "Bidan desa / petugas puskesmas",
    "pdf.monthly.sign.name": "({name})",
    "pdf.monthly.sign.blank": "(nama jelas)",
    # --- the dasbor (bot/dasbor: DASBOR in the chat, the pages in a browser) ---------------
    "dasbor.link": (
        "Buka dasbor: {url}\n"
        "Tautan ini berlaku {minutes} menit dan hanya bisa dibuka sekali. Jangan diteruskan.\n"
        "Untuk keluar dari dasbor di semua perangkat, ketik KELUAR DASBOR."
    ),
    "dasbor.logged_out_chat": "Anda sudah keluar dari dasbor di semua perangkat.",
    "dasbor.name": "Dasbor Posyandu",
    "dasbor.logout": "Keluar",
    "dasbor.footer": "Data dari laporan kader lewat chat. Ketik DASBOR di chat untuk tautan baru.",
    "dasbor.crumbs": "Wilayah di atasnya",
    "dasbor.period": "Bulan: {period}",
    "dasbor.this_month": "bulan ini",
    "dasbor.previous_month": "bulan sebelumnya",
    "dasbor.completeness": "Laporan bulan ini",
    "dasbor.closed": "tidak buka {count}",
    "dasbor.shares": "Capaian wilayah",
    "dasbor.share_pm": "Purnama + Mandiri: {share}",
    "dasbor.share_aktif": "Posyandu Aktif: {share} ({count} posyandu)",
    "dasbor.strata_title": "Jumlah posyandu per strata (12 bulan terakhir)",
    "dasbor.provisional_label": "di antaranya sementara",
    "dasbor.provisional_note": "strata dari kurang dari 12 bulan data",
    "dasbor.totals_title": "SKDN wilayah bulan ini (posyandu yang buka)",
    "dasbor.trend_title": "D/S dan N/D, 12 bulan",
    "dasbor.trend_caption": "Grafik D/S dan N/D per bulan, dengan garis target",
    "dasbor.chart.target": "garis putus-putus: target",
    # The month in progress in a 12-month chart (dasbor and PDF): drawn apart, not joined.
    "chart.in_progress": "berjalan",
    "chart.in_progress_note": "bulan berjalan: laporan masih masuk, titik kosong tidak disambung",
    "dasbor.children_title": "Wilayah di bawahnya",
    "dasbor.members_title": "Posyandu di wilayah ini",
    "dasbor.to_table": "Daftar {count} posyandu",
    "dasbor.download_area_pdf": "Unduh ringkasan wilayah (PDF)",
    "dasbor.download_csv": "Unduh data 12 bulan (CSV)",
    "dasbor.download_monthly_pdf": "Unduh laporan {period} (PDF)",
    "dasbor.download_monthly_xlsx": "Unduh formulir F1 {period} (Excel)",
    "dasbor.download_area_xlsx": "Unduh rekap F2 (Excel)",
    # --- the F1 and F2 forms as workbooks (bot/forms.py) ---------------------------------
    "form.file.f1_form": "f1-{name}-{period}.xlsx",
    "form.file.f2_form": "f2-{name}-{period}.xlsx",
    "form.f1.sheet": "F1",
    "form.f1.title": "Formulir F1 · Laporan bulanan kegiatan posyandu",
    "form.posyandu": "Posyandu {name} (kode {code})",
    "form.period": "Bulan: {period}",
    "form.closed": "Posyandu TIDAK BUKA bulan ini",
    "form.activity": "Kegiatan",
    "form.band": "{low}-{high} bulan",
    "form.total": "Jumlah",
    "form.both": "L + P",
    "form.sex.L": "L",
    "form.sex.P": "P",
    "form.f1.note": (
        "Rincian menurut umur dan jenis kelamin dari penimbangan di register anak; kosong bila "
        "register tidak mencatatnya atau jumlahnya berbeda dengan laporan. Kolom L + P adalah "
        "angka laporan."
    ),
    "form.made": "Dibuat: {date}",
    "form.f2.sheet": "F2",
    "form.f2.title": "Formulir F2 · Rekapitulasi bulanan posyandu",
    "form.f2.col.no": "No",
    "form.f2.col.desa": "Desa/Kelurahan",
    "form.f2.col.code": "Kode",
    "form.f2.col.posyandu": "Posyandu",
    "form.f2.col.reported": "Lapor",
    "form.f2.col.stratum": "Strata",
    "form.f2.pm": "Purnama + Mandiri",
    "form.f2.aktif": "Posyandu Aktif",
    "form.f2.reported": "Sudah lapor",
    "dasbor.col.area": "Wilayah",
    "dasbor.col.name": "Posyandu",
    "dasbor.col.desa": "Desa/Kelurahan",
    "dasbor.col.reported": "Lapor",
    "dasbor.col.ds": "D/S",
    "dasbor.col.nd": "N/D",
    "dasbor.col.ks": "K/S",
    "dasbor.col.pm": "Purnama + Mandiri",
    "dasbor.col.aktif": "Posyandu Aktif",
    "dasbor.col.stratum": "Strata",
    "dasbor.col.limiting": "Yang menahan strata",
    "dasbor.col.last": "Laporan terakhir",
    "dasbor.col.month": "Bulan",
    "dasbor.cell.reported": "sudah",
    "dasbor.not_reported_cell": "belum lapor",
    # A month before the posyandu's known history starts: nothing was owed.
    "dasbor.before_start_cell": "belum terdaftar",
    "dasbor.filter.semua": "Semua",
    # Every posyandu without a report, whether its hari buka has come or not.
    "dasbor.filter.belum": "Belum ada laporan",
    "dasbor.filter.sudah": "Sudah lapor",
    "dasbor.table_title": "Posyandu di {area}",
    "dasbor.table_count": "{shown} dari {total} posyandu di halaman ini",
    "dasbor.pages": "Halaman",
    "dasbor.page_of": "Halaman {page} dari {pages}",
    "dasbor.page_previous": "Sebelumnya",
    "dasbor.page_next": "Berikutnya",
    "dasbor.posyandu_title": "Posyandu {name}",
    "dasbor.stratum_title": "Strata 12 bulan terakhir",
    "dasbor.stratum": "{stratum}",
    "dasbor.stratum_provisional": "{stratum} (sementara, {months} bulan data)",
    "dasbor.stratum_too_few": "Belum cukup data ({months} bulan data)",
    "dasbor.limiting": "Yang menahan strata: {indicators}",
    "dasbor.schedule_title": "Hari buka",
    "dasbor.next_days": "Hari buka berikutnya:",
    "dasbor.skdn_title": "SKDN bulan ini",
    "dasbor.skdn_caption": "Balok SKDN {period}",
    "dasbor.skdn.s": "S",
    "dasbor.skdn.k": "K",
    "dasbor.skdn.d": "D",
    "dasbor.skdn.n": "N",
    "dasbor.shown_line": "Laporan {period}, dikirim oleh {who}.",
    "dasbor.shown_line_imported": "Laporan {period}. {imported}.",
    "dasbor.closed_month": "Posyandu tidak buka bulan itu.",
    "dasbor.no_report": "Belum ada laporan dalam 12 bulan terakhir.",
    "dasbor.changes_title": "Laporan yang diubah",
    "dasbor.change_line": "perubahan ke-{revision} oleh {who}, {when} ({how})",
    "dasbor.no_changes": "Tidak ada laporan yang diubah dalam 12 bulan terakhir.",
    # Pages that say what happened (a title, a sentence, and an optional hint).
    "dasbor.link.unknown.title": "Tautan tidak dikenal",
    "dasbor.link.unknown.body": "Tautan ini tidak bisa dibuka. Mungkin tidak lengkap tersalin.",
    "dasbor.link.unknown.hint": "Ketik DASBOR di chat untuk tautan baru.",
    "dasbor.link.expired.title": "Tautan sudah kedaluwarsa",
    "dasbor.link.expired.body": "Tautan dasbor hanya berlaku 15 menit setelah dikirim.",
    "dasbor.link.expired.hint": "Ketik DASBOR di chat untuk tautan baru.",
    "dasbor.link.used.title": "Tautan sudah dipakai",
    "dasbor.link.used.body": "Tautan dasbor hanya bisa dibuka sekali.",
    "dasbor.link.used.hint": "Ketik DASBOR di chat untuk tautan baru.",
    "dasbor.link.voided.title": "Tautan sudah dibatalkan",
    "dasbor.link.voided.body": (
        "Tautan ini dibatalkan sebelum dibuka (KELUAR DASBOR, atau kunci dasbor diganti)."
    ),
    "dasbor.link.voided.hint": "Ketik DASBOR di chat untuk tautan baru.",
    # The page a link opens (a GET spends nothing: a chat app's preview cannot use it up).
    "dasbor.masuk.title": "Buka dasbor",
    "dasbor.masuk.body": "Tekan tombol di bawah untuk membuka dasbor di peramban ini.",
    "dasbor.masuk.button": "Buka dasbor",
    "dasbor.masuk.hint": "Tautan ini hanya bisa dipakai sekali. Jangan diteruskan.",
    "dasbor.signed_out.title": "Silakan masuk lewat chat",
    "dasbor.signed_out.body": "Anda belum masuk, atau sudah keluar dari dasbor.",
    "dasbor.signed_out.hint": "Ketik DASBOR di chat untuk tautan masuk.",
    "dasbor.logged_out.title": "Anda sudah keluar",
    "dasbor.logged_out.body": "Sampai jumpa. Dasbor sudah ditutup di peramban ini.",
    "dasbor.no_scope.title": "Akun belum terhubung",
    "dasbor.no_scope.body": "Akun Anda belum terhubung ke wilayah atau posyandu.",
    "dasbor.not_found.title": "Tidak ditemukan",
    "dasbor.not_found.body": "Halaman yang dicari tidak ada.",
    "dasbor.no_document.title": "Belum ada data",
    "dasbor.no_document.body": "Belum ada laporan untuk bulan itu, jadi PDF-nya belum bisa dibuat.",
    "dasbor.bad_month.title": "Bulan tidak dikenal",
    "dasbor.bad_month.body": "Bulan ditulis tahun-bulan, mis. 2026-11.",
    "dasbor.month_out_of_range.title": "Bulan di luar jangkauan",
    "dasbor.month_out_of_range.body": "Dasbor menampilkan bulan {first} sampai {last}.",
    "dasbor.method.title": "Permintaan tidak dikenal",
    "dasbor.method.body": "Halaman ini dibuka lewat tautan atau tombolnya di dasbor.",
    "dasbor.csrf.title": "Permintaan ditolak",
    "dasbor.csrf.body": "Muat ulang halaman lalu coba lagi.",
    "dasbor.error.title": "Maaf, ada gangguan",
    "dasbor.error.body": "Halaman belum bisa ditampilkan. Coba lagi sebentar lagi.",
    # --- issue 26, the register in the dasbor (bot/dasbor/children_view.py) and the area PDF ---
    # Prevalence: counts only, never a name (figure_words.prevalence_rows words the cells).
    "prevalence.title": "Stunting, wasting dan underweight bulan ini",
    "prevalence.intro": (
        "Dari {children} balita yang ditimbang dan tercatat di register bulan ini. "
        "Jumlah saja, tanpa nama."
    ),
    "prevalence.none": "Belum ada balita yang ditimbang dan tercatat di register bulan ini.",
    "prevalence.pending": (
        "Angka wilayah seluas ini sedang dihitung. Muat ulang halaman ini sebentar lagi."
    ),
    "prevalence.as_of": "Dihitung pukul {time}.",
    "prevalence.note": (
        "Stunting: TB/U di bawah -2 SD; wasting: BB/TB di bawah -2 SD; underweight: BB/U di "
        "bawah -2 SD. Dihitung dari anak yang diukur (tanpa tinggi badan: hanya BB/U); nilai "
        "yang tidak wajar menurut WHO tidak dihitung."
    ),
    "prevalence.stunting": "Stunting",
    "prevalence.wasting": "Wasting",
    "prevalence.underweight": "Underweight",
    "prevalence.col.age": "Umur",
    "prevalence.col.sex": "Jenis kelamin",
    "prevalence.band": "{low}-{high} bulan",
    "prevalence.all_ages": "0-59 bulan",
    "prevalence.sex.L": "Laki-laki",
    "prevalence.sex.P": "Perempuan",
    "prevalence.sex.all": "Semua",
    "prevalence.cell": "{part} ({share})",
    # The weighing list of a month and a child's page: names, for the posyandu's kader and
    # its desa's bidan (each view audited).
    "dasbor.weighings.title": "Penimbangan {period}",
    "dasbor.weighings.link": "Daftar penimbangan per anak",
    "dasbor.weighings.none": "Belum ada anak yang ditimbang bulan ini.",
    "dasbor.weighings.count": "{weighed} anak ditimbang · {missing} anak belum ditimbang",
    "dasbor.weighings.audit_note": (
        "Setiap kali halaman ini dibuka, tercatat di log akses data anak."
    ),
    "dasbor.weighings.col.name": "Anak",
    "dasbor.weighings.col.age": "Umur",
    "dasbor.weighings.col.weight": "Berat",
    "dasbor.weighings.col.length": "Panjang/tinggi",
    "dasbor.weighings.col.status": "Status",
    "dasbor.weighings.col.marks": "BGM/2T",
    "dasbor.weighings.col.categories": "Kategori",
    "dasbor.weighings.col.referral": "Rujuk",
    "dasbor.weighings.col.date": "Tanggal",
    "dasbor.weighings.age": "{months} bln",
    "dasbor.weighings.kg": "{kg} kg",
    "dasbor.weighings.cm": "{cm} cm",
    "dasbor.weighings.category": "{label}: {words}",
    "dasbor.weighings.category.bbu": "BB/U",
    "dasbor.weighings.category.tbu": "TB/U",
    "dasbor.weighings.category.bbtb": "BB/TB",
    "dasbor.weighings.refer_none": "-",
    "dasbor.child.title": "{name}",
    "dasbor.child.about": "{sex} · lahir {born} · ibu {mother}",
    "dasbor.child.history": "Riwayat penimbangan",
    "dasbor.child.chart": "Grafik KMS",
    "dasbor.child.none": "Belum pernah ditimbang.",
    "dasbor.child.back": "Kembali ke daftar penimbangan",
    "dasbor.names_above_desa.title": "Hanya jumlah",
    "dasbor.names_above_desa.body": (
        "Nama anak hanya terlihat oleh kader posyandunya dan bidan desanya. Di atas tingkat "
        "desa, dasbor menampilkan jumlah saja."
    ),
    "dasbor.register_off.title": "Register anak belum aktif",
    "dasbor.register_off.body": "Layanan ini belum menyimpan data anak per nama.",
    # --- SMS (bot/sms): a PDF cannot go by SMS, a link to it does -----------------------------
    "sms.document": (
        "{caption}\nPDF tidak bisa dikirim lewat SMS. Buka tautan ini (berlaku {hours} jam):\n{url}"
    ),
    "sms.document_private": (
        "{caption}\nPDF tidak bisa dikirim lewat SMS. Buka tautan ini dalam {minutes} menit; "
        "tautan ini hanya bisa dibuka sekali:\n{url}"
    ),
}

#: Short forms for SMS (``bot.sms.text``), only where the normal form makes a message of the
#: golden dialogues longer than 2 SMS (306 GSM-7 characters): the same key, the same values
#: (or fewer), each a whole line or lines of the message as the normal form writes them.
SMS: dict[str, str] = {
    # BANTUAN
    "help.kader": "Ketik:",
    "help.supervisor": "Ketik:",
    "help.line.kader.lapor": "{command} - isi laporan",
    "help.kader.register": "Anak: BANTUAN ANAK",
    "help.line.area.status": "{command} - siapa sudah lapor",
    "help.line.area.belum": "{command} - yang belum lapor",
    "help.line.area.strata": "{command} - jumlah per strata",
    "help.line.area.posyandu": "{command} <nama> - angkanya",
    "help.line.area.jadwal": "{command} <posyandu> - hari buka",
    # the summary before saving
    "summary.rujukan": "Dirujuk: {rujukan} orang",
    "summary.bayi": "Bayi {bayi} · imunisasi {bayi_imunisasi}",
    "summary.programmes": "Kegiatan: {names}",
    "summary.no_programmes": "Kegiatan: tidak ada",
    "summary.ask": "YA untuk simpan. Salah? UBAH D 41",
    # a one-line report that cannot be saved
    "quick.invalid": "Belum disimpan. Periksa:",
    "quick.example": "Mis. LAPOR S=50 K=48 D=40 N=30",
    "help.quick": "Nama: {names}",
    "rule.k_le_s": "K ({small}) lebih dari S ({big}).",
    "rule.d_le_s": "D ({small}) lebih dari S ({big}).",
    "rule.n_le_d": "N ({small}) lebih dari D ({big}).",
    # STATUS
    "area.status": "{period} · {area}\n{counts}.",
    "area.strata_line": "Strata: {counts}.",
    "area.not_yet_title": "Ditunggu ({count}):",
}


#: Texts worded in a package of their own and composed here (each channel's name, in the
#: channel's package: :mod:`bot.channels.registry`): functions giving their entries as they
#: are now, so that a channel registered later is found too.
_COMPOSED: list[Callable[[], Mapping[str, str]]] = []


def compose(source: Callable[[], Mapping[str, str]]) -> None:
    """Take in the entries ``source`` gives (read at each use)."""
    _COMPOSED.append(source)


def messages() -> dict[str, str]:
    """The whole catalogue: :data:`MESSAGES` and every composed entry. ``KeyError`` for a key
    worded twice (one place per sentence)."""
    out = dict(MESSAGES)
    for source in _COMPOSED:
        for key, text in source().items():
            if key in out:
                raise KeyError(f"catalogue key {key!r} is worded twice")
            out[key] = text
    return out


def say(key: str, **values: object) -> str:
    """The message ``key`` with ``values`` filled in."""
    template = MESSAGES.get(key)
    if template is None:
        template = messages()[key]
    return template.format(**values)
