"""Hari-buka calendars and reminder sweeps on APScheduler; enqueues into the outbox."""
