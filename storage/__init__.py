"""Storage on SQLite (aiosqlite, the default) or PostgreSQL (asyncpg): one schema history
and one set of queries, one module per aggregate.

``Database`` (storage.db) owns the connections (storage.sqlite, storage.postgres):
``async with db.transaction() as tx`` for writes (one serialised writer), ``async with
db.read() as conn`` for reads.
Aggregate modules (areas, posyandu, people, invitations, reports, sessions, outbox, inbound,
reminders, groups) are functions taking a connection — a transaction or a reader — and
returning plain dataclasses; several of them join one transaction by being handed the same
``tx``. ``storage.imports`` is the CSV
import of areas and posyandu, ``storage.backup`` the online copy. Times are passed in
(timezone-aware); nothing here reads the clock.
"""

from storage.db import Connection, Database, DatabaseError, SchemaTooNewError

__all__ = ["Connection", "Database", "DatabaseError", "SchemaTooNewError"]
