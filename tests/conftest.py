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
from sqlalchemy import Engine, text

import fast_hashing
from databases import migrated_database
from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.services.context import Services
from gridconnect.store.db import make_engine, upgrade
from gridconnect.store.files import FileStore

PG_URL_VAR = "GRIDCONNECT_TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    fast_hashing.install()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: PostgreSQL when asked for, else a SQLite template file."""
    url = os.environ.get(PG_URL_VAR)
    if url:
        return migrated_database(url, os.environ.get("PYTEST_XDIST_WORKER"))
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
