"""Short indexed reads: in the event loop on SQLite, in the thread pool on PostgreSQL.

A read by key on SQLite is an in-process B-tree lookup of some tens of microseconds, and
in WAL mode a reader never waits for the writer; the thread hand-off costs more than the
read itself. Worse, from a worker thread every sqlite3 step hands the GIL back and forth
with the event loop: the same one-row read measured 0.36-0.80 ms of CPU from the thread
pool against 0.28 ms inline, under 8 concurrent requests. So the per-request reads that
are bounded by a key (the token's user, one application) run inline there. PostgreSQL reads
wait on the network, which the event loop must not do: they keep the thread pool.

Only reads bounded by a primary or unique key belong here; lists, reports and anything
that writes go through the thread pool on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
R = TypeVar("R")


def reads_inline(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


async def point_read(engine: Engine, read: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`read(*args, **kwargs)`, inline on SQLite and in the thread pool elsewhere."""
    if reads_inline(engine):
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)
