"""The report scenario, built once per test process and shared by the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from databases import migrated_database
from gridconnect.services.context import Services
from integration.reports_scenario import Record, build, fast_engine, services_on


@pytest.fixture(scope="session")
def report_scenario(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, policy: Any, calendar: Any
) -> Iterator[tuple[Services, list[Record]]]:
    """240 applications played over 2026 (tens of seconds to build). On PostgreSQL it lives
    in a database of its own: every other test empties the process's database first."""
    directory = tmp_path_factory.mktemp("reports")
    if database_url.startswith("postgresql"):
        database_url = migrated_database(database_url, "scenario")
    engine = fast_engine(database_url, directory)
    services = services_on(engine, policy, calendar, directory)
    records = build(services, count=240)
    yield services, records
    engine.dispose()
