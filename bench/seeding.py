"""What several benchmarks seed alike: one desa of posyandu, each with one kader on the
console, written by SQL (fast, and the same in every run)."""

from __future__ import annotations

from storage.sql import Connection, follow_explicit_ids

__all__ = ["seed_kader"]


async def seed_kader(tx: Connection, count: int, code: str, day: int, at: str) -> None:
    """Posyandu 1..count (codes ``code`` + 4 digits, hari buka on ``day``) in one desa, each
    with its kader (person ``i``, console address ``k<i>``)."""
    await tx.execute(
        "INSERT INTO areas (id, code, name, level, parent_id, path) VALUES "
        "(1, '97', 'P', 'provinsi', NULL, '/1/'), (2, '97.01', 'K', 'kabupaten', 1, '/1/2/'), "
        "(3, '97.01.01', 'C', 'kecamatan', 2, '/1/2/3/'), "
        "(4, '97.01.01.1001', 'D', 'desa', 3, '/1/2/3/4/')"
    )
    await tx.executemany(
        "INSERT INTO posyandu (id, code, name, desa_id, area_path, timezone, schedule) "
        "VALUES (?, ?, ?, 4, '/1/2/3/4/', 'Asia/Jakarta', ?)",
        [(i, f"{code}{i:04d}", f"Posyandu {i}", f"day:{day}") for i in range(1, count + 1)],
    )
    await tx.executemany(
        "INSERT INTO people (id, name, role, posyandu_id, created_at) VALUES (?, ?, 'kader', ?, ?)",
        [(i, f"Kader {i}", i, at) for i in range(1, count + 1)],
    )
    await tx.executemany(
        "INSERT INTO identities (person_id, channel, address) VALUES (?, 'console', ?)",
        [(i, f"k{i}") for i in range(1, count + 1)],
    )
    await follow_explicit_ids(tx)
