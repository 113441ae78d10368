"""PostgreSQL databases of the test run: one per xdist worker, and others a fixture owns."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from gridconnect.store.db import make_engine, upgrade


def unreachable(url: str, exc: Exception) -> None:
    pytest.exit(
        f"PostgreSQL at {url} cannot be reached ({exc.__class__.__name__}: {exc}): "
        "the PostgreSQL run must not be skipped",
        returncode=3,
    )


def own_database(url: str, suffix: str) -> str:
    """The URL of the database `<name>_<suffix>` beside `url`'s, created on first use."""
    given = make_url(url)
    name = f"{given.database}_{suffix}"
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        unreachable(url, exc)
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def migrated_database(url: str, suffix: str | None = None) -> str:
    """An emptied, migrated PostgreSQL database: `url`'s, or `<name>_<suffix>` beside it."""
    if suffix:
        url = own_database(url, suffix)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as exc:
        unreachable(url, exc)
    finally:
        engine.dispose()
    upgrade(url)
    return url
