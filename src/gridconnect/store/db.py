"""Engines and migrations. Nothing here runs at import time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, exc
from sqlmodel import create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: connections a process keeps open to PostgreSQL (see make_engine)
POSTGRES_POOL_SIZE = 10


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL with the settings this application relies on."""
    if url.startswith("sqlite"):
        if _is_file(url):
            # One connection per thread-pool thread that may hold one (anyio's default is 40):
            # below that, every burst closed connections and opened new ones (and their
            # PRAGMAs) on each request. A SQLite connection is a file handle and a small cache.
            kwargs.setdefault("pool_size", 20)
            kwargs.setdefault("max_overflow", 30)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if _is_file(url):
                # WAL: readers never wait for the writer and a commit is one append, not a
                # journal rewrite; it persists in the file, set on every connect.
                # synchronous stays FULL: a commit survives a power loss.
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    ping_after = kwargs.pop("ping_after_idle_seconds", PING_AFTER_IDLE_SECONDS)
    # Ten kept per process: with SQLAlchemy's five, 8 concurrent requests opened and closed
    # an overflow connection (a server process fork) on most requests. At most 20 per
    # process: size PostgreSQL's max_connections for 20 x (API workers + schedulers).
    kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine, ping_after)
    return engine


# A pooled PostgreSQL connection may have died while it sat unused (a server restart, an
# idle timeout in between). SQLAlchemy's pool_pre_ping asks the server on every checkout: a
# round trip per checkout, two of the six of a signed-in read. A connection checked in
# moments ago is as alive as one just pinged, so only those idle longer are asked.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine, after_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def _note_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < after_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as dead:  # whatever the driver raises for a dead connection
            # The pool discards this connection and checks out a fresh one.
            raise exc.DisconnectionError() from dead


def _is_file(url: str) -> bool:
    """A database file (WAL needs one): not `:memory:` nor a shared in-memory URI."""
    database = url.split("///", 1)[-1] if "///" in url else ""
    return bool(database) and ":memory:" not in database and "mode=memory" not in database


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def migrations_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
