"""A pooled PostgreSQL connection the server closed while it sat unused is replaced before
a request gets it; one used moments ago is handed out without asking the server."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from gridconnect.store.db import PING_AFTER_IDLE_SECONDS, make_engine


@pytest.fixture
def pg_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (GRIDCONNECT_TEST_DATABASE_URL)")
    return database_url


def _backend(connection: Any) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(url: str, pid: int) -> None:
    killer = make_engine(url)
    with killer.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_a_connection_killed_while_idle_is_replaced_after_the_idle_time(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        with freeze_time("2026-11-27 02:00:00") as frozen:
            with engine.connect() as connection:
                killed = _backend(connection)
            _kill(pg_url, killed)
            frozen.tick(PING_AFTER_IDLE_SECONDS + 1)
            with engine.connect() as connection:  # would raise on the dead connection
                assert _backend(connection) != killed
    finally:
        engine.dispose()


def test_a_connection_used_moments_ago_is_not_pinged(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    pinged: list[int] = []
    raw: list[Any] = []
    try:
        with freeze_time("2026-11-27 02:00:00") as frozen:
            with engine.connect() as connection:
                _backend(connection)
                raw.append(connection.connection.dbapi_connection)
            # The ping runs on the driver's connection: count its cursors' executions.
            original = raw[0].cursor

            def counting_cursor(*args: Any, **kwargs: Any) -> Any:
                pinged.append(1)
                return original(*args, **kwargs)

            raw[0].cursor = counting_cursor
            frozen.tick(1)
            with engine.connect() as connection:
                assert connection.connection.dbapi_connection is raw[0]
            assert pinged == []  # nothing was executed: no ping either
            frozen.tick(PING_AFTER_IDLE_SECONDS + 1)
            with engine.connect():
                pass
            assert pinged, "a connection idle longer than the limit is asked first"
    finally:
        engine.dispose()
