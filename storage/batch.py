"""Group commit: many small write units in one transaction when they queue up.

Every write goes through the one writer connection, and each statement is a round trip to
aiosqlite's thread; ``BEGIN IMMEDIATE`` and ``COMMIT`` are two more per transaction. Under
load, units that wait for the writer are run together in one transaction: the same
statements, with the begin and commit shared. A unit is an ``async`` function of the
transaction; it sees the effects of the units before it, as if they had committed.

All or nothing still holds per unit: when a unit raises, the batch is rolled back and its units
are run again one transaction each, so that only the failing unit fails (units must not keep
effects outside the database, since they may run twice). When the database stayed locked past
its busy timeout, every unit of the batch fails with that error at once. When nothing else is
waiting, a unit runs alone: no added latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from storage.db import Connection, Database
from storage.errors import is_busy

__all__ = ["WriteBatcher"]

T = TypeVar("T")

Unit = Callable[[Connection], Awaitable[T]]


class WriteBatcher(Generic[T]):
    """Runs write units in shared transactions; ``await run(unit)`` returns the unit's value
    once its transaction has committed (or raises what the unit raised)."""

    def __init__(self, db: Database, *, max_batch: int = 64) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._db = db
        self._max_batch = max_batch
        self._waiting: list[tuple[Unit[T], asyncio.Future[T]]] = []
        self._task: asyncio.Task[None] | None = None

    async def run(self, unit: Unit[T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((unit, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="write-batcher")
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                async with self._db.transaction() as tx:
                    results = [await unit(tx) for unit, _ in batch]
            except Exception as exc:
                if len(batch) == 1 or is_busy(exc):
                    # Locked past the busy timeout: every unit is told now (its caller answers
                    # "try again"); retried alone, each would wait another full timeout.
                    for _, future in batch:
                        _settle(future, exc=exc)
                    continue
                for unit, future in batch:  # find the failing unit; the others commit
                    try:
                        async with self._db.transaction() as tx:
                            result = await unit(tx)
                    except Exception as one:
                        _settle(future, exc=one)
                    else:
                        _settle(future, result=result)
                continue
            except BaseException as exc:  # cancelled while writing: nobody is left hanging
                for _, future in batch + self._waiting:
                    _settle(future, exc=exc)
                self._waiting.clear()
                raise
            for (_, future), result in zip(batch, results, strict=True):
                _settle(future, result=result)


def _settle(
    future: asyncio.Future[T], *, result: T | None = None, exc: BaseException | None = None
) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]
