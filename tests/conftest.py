"""Shared fixtures: one database fixture for SQLite and PostgreSQL, services, factories.

`GRIDCONNECT_TEST_DATABASE_URL` selects PostgreSQL; without it every test gets its own
SQLite file copied from a template migrated once per session. Under pytest-xdist each
worker gets a database of its own on PostgreSQL (`<name>_gw0`, `<name>_gw1`, ...), created
when missing and emptied at the start of the session, so workers never truncate each
other's tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

import fast_hashing
from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.services.context import Services
from gridconnect.store.db import make_engine, upgrade
from gridconnect.store.files import FileStore

PG_URL_VAR = "GRIDCONNECT_TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    fast_hashing.install()


def _unreachable(url: str, exc: Exception) -> None:
    pytest.exit(
        f"PostgreSQL at {url} cannot be reached ({exc.__class__.__name__}: {exc}): "
        "the PostgreSQL run must not be skipped",
        returncode=3,
    )


def _worker_database(url: str, worker: str) -> str:
    """The URL of this xdist worker's own database, created on first use."""
    given = make_url(url)
    name = f"{given.database}_{worker}"
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        _unreachable(url, exc)
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as exc:
        _unreachable(url, exc)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: PostgreSQL when asked for, else a SQLite template file."""
    url = os.environ.get(PG_URL_VAR)
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = _worker_database(url, worker)
        _reset_postgres(url)
        upgrade(url)
        return url
    template = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{template}"
    upgrade(url)
    return url


@pytest.fixture
def on_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A clean, migrated database for one test."""
    if database_url.startswith("sqlite"):
        template = Path(database_url.removeprefix("sqlite:///"))
        copy = tmp_path / "test.db"
        shutil.copyfile(template, copy)
        engine = make_engine(f"sqlite:///{copy}")
    else:
        engine = make_engine(database_url)
        with engine.begin() as connection:
            tables = (
                connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            if tables:
                # Test set-up only: the audit trail's triggers refuse TRUNCATE (0005).
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def policy():  # type: ignore[no-untyped-def]
    return load_policy()


@pytest.fixture(scope="session")
def calendar():  # type: ignore[no-untyped-def]
    return load_calendar()


@pytest.fixture
def services(engine: Engine, policy, calendar, tmp_path: Path) -> Services:  # type: ignore[no-untyped-def]
    return Services(
        engine=engine,
        policy_source=lambda: policy,
        calendar_source=lambda: calendar,
        files=FileStore(tmp_path / "files", 20 * 1024 * 1024),
    )
