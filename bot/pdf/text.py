"""Every Indonesian word of the PDFs, in one place."""

from __future__ import annotations

__all__ = ["CATEGORY", "T", "percent", "value"]

T: dict[str, str] = {
    "monthly.title": "Laporan Bulanan Posyandu {name}",
    "monthly.place": "Desa {desa} · Kec. {kecamatan} · {kabupaten}",
    "monthly.period": "Bulan: {period}   ·   Hari buka: {hari_buka}",
    "monthly.reported": "Dilaporkan oleh {who}, {when} (lewat {channel})",
    "monthly.closed": "Posyandu tidak buka bulan ini.",
    "monthly.values": "Angka bulan ini",
    "monthly.skdn": "Diagram balok SKDN",
    "monthly.ratios": "Capaian dibanding target",
    "monthly.strata": "Strata posyandu (12 bulan terakhir)",
    "monthly.stratum_line": "Strata: {stratum}",
    "monthly.aktif": "Posyandu Aktif: {answer}",
    "monthly.limiting": "Yang menahan di strata ini:",
    "monthly.needs": "Untuk naik ke {next}:",
    "monthly.top": "Sudah strata tertinggi. Pertahankan!",
    "monthly.projected": "Perkiraan strata akhir tahun (dengan laju sekarang): {stratum}",
    "monthly.missing": "Data belum ada: {fields}",
    "monthly.trend": "Tren 12 bulan: D/S dan N/D",
    "ratio.col.indicator": "Indikator",
    "ratio.col.actual": "Capaian",
    "ratio.col.target": "Target",
    "ratio.col.status": "Keterangan",
    "yes": "Ya",
    "no": "Tidak",
    "footer": "Dibuat {when} · Kode verifikasi {code} · Halaman {page}/{pages}",
    "area.title": "Ringkasan Posyandu {area}",
    "area.period": "Bulan: {period}",
    "area.completeness": "Sudah lapor: {reported} dari {expected} posyandu ({share})",
    "area.strata": "Jumlah posyandu per strata (12 bulan terakhir)",
    "area.pm": "Purnama + Mandiri: {share}",
    "area.aktif": "Posyandu Aktif: {share}",
    "area.table": "Semua posyandu (yang perlu perhatian lebih dulu)",
    "area.col.no": "No",
    "area.col.posyandu": "Posyandu",
    "area.col.desa": "Desa",
    "area.col.reported": "Lapor",
    "area.gap_note": "Terjauh: capaian paling jauh dari targetnya bulan ini.",
    "area.col.ds": "D/S",
    "area.col.nd": "N/D",
    "area.col.stratum": "Strata",
    "area.col.gap": "Terjauh",
    "area.yes": "sudah",
    "area.no": "BELUM",
    "legend.ds": "D/S (partisipasi)",
    "legend.nd": "N/D (berat badan naik)",
    "none": "—",
    "author": "Posyandu Bot",
}

#: Gap categories in words (colour is never the only signal).
CATEGORY: dict[str | None, str] = {
    "achieve": "Tercapai",
    "on_track": "Hampir tercapai",
    "off_track": "Jauh dari target",
    None: "Belum bisa dihitung",
}


def percent(v: float | None) -> str:
    return T["none"] if v is None else f"{v * 100:.0f}%"


def value(v: int | None) -> str:
    return T["none"] if v is None else f"{v:,}".replace(",", ".")
