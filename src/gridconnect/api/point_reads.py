"""Short indexed reads: in the event loop on SQLite, in the thread pool on PostgreSQL.

A read by key on SQLite is an in-process B-tree lookup of some tens of microseconds, and
in WAL mode a reader never waits for the writer; the thread hand-off costs more than the
read itself. Worse, from a worker thread every sqlite3 step hands the GIL back and forth
with the event loop: the same one-row read measured 0.36-0.80 ms of CPU from the thread
pool against 0.28 ms inline, under 8 concurrent requests. So the per-request reads that
are bounded by a key (the token's user, one application) run inline there. PostgreSQL reads
wait on the network, which the event loop must not do: they keep the thread pool.

Only reads bounded by a primary or unique key belong here; reports and anything that
writes go through the thread pool on both databases, and a page of a list on SQLite goes
to a thread of its own (`on_page_thread`).

The PostgreSQL reads go to a small executor of their own (`loop.run_in_executor`) rather
than anyio's thread pool: the hand-off measured 13 µs against anyio's 41 µs, and two of
them are on every signed-in read. As many threads as the engine keeps connections, so a
read never waits for a connection while holding a thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine

from gridconnect.store.db import POSTGRES_POOL_SIZE

P = ParamSpec("P")
R = TypeVar("R")


def reads_inline(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


async def point_read(engine: Engine, read: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`read(*args, **kwargs)`, inline on SQLite and on the point-read threads elsewhere."""
    if reads_inline(engine):
        return read(*args, **kwargs)
    context = contextvars.copy_context()  # what anyio's hand-off carries too (log context)
    call = functools.partial(context.run, read, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(
        _executor("point-read", POINT_READ_THREADS), call
    )


async def on_page_thread(read: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`read(*args, **kwargs)` on the one thread that reads pages of lists on SQLite.

    A page (a count, its rows, their children) is too long a read for the event loop, but
    from anyio's pool of threads every sqlite3 step of 8 concurrent pages handed the GIL
    back and forth between them and the event loop: measured side by side (interleaved
    rounds, one worker, 8 connections), lists of 50 ran at 59 a second from the pool and
    at 80 on one thread. One thread, the pages one after the other, does the same work
    without the convoy; the event loop stays free.
    """
    context = contextvars.copy_context()
    call = functools.partial(context.run, read, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor("page-read", 1), call)


POINT_READ_THREADS = POSTGRES_POOL_SIZE
_executors: dict[str, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def _executor(name: str, threads: int) -> ThreadPoolExecutor:
    """The executor `name` of this process, made with `threads` threads on first use."""
    found = _executors.get(name)
    if found is None:
        with _executors_lock:
            found = _executors.get(name)
            if found is None:
                found = _executors[name] = ThreadPoolExecutor(threads, name)
    return found
