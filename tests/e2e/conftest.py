"""The API over HTTP: an app on the test database, staff users, and request helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PASSWORD, SECRET, sign_in
from declared_errors import DeclaredErrorCheck
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gridconnect.api.app import create_app
from gridconnect.api.deps import get_services
from gridconnect.config.settings import Settings
from gridconnect.services.context import Services
from gridconnect.services.users import add_user

STAFF = {
    # name: (role, company, cities)
    "clerk_xa": ("clerk", "sgcc", ["西安", "咸阳"]),
    "clerk_yl": ("clerk", "sgcc", ["榆林"]),
    "clerk_local": ("clerk", "local", ["西安"]),
    "supervisor_xa": ("supervisor", "sgcc", ["西安"]),
    "supervisor_yl": ("supervisor", "sgcc", ["榆林"]),
    "admin": ("admin", None, []),
    # outages capability
    "dispatcher_xa": ("dispatcher", "sgcc", ["西安"]),
}


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key=SECRET,
        files_dir=tmp_path / "files",
        calendar_dir=tmp_path / "calendar",
        max_body_bytes=256 * 1024,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine, services: Services) -> FastAPI:
    web = create_app(settings, engine=engine)
    web.dependency_overrides[get_services] = lambda: services  # the test policy, calendar…
    web.state.undeclared_errors = []
    web.add_middleware(DeclaredErrorCheck, undeclared=web.state.undeclared_errors)
    return web


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
    undeclared = app.state.undeclared_errors
    assert not undeclared, f"error statuses missing from the OpenAPI description: {undeclared}"


@pytest.fixture
def staff(engine: Engine) -> dict[str, str]:
    """Create the staff users; returns name -> password."""
    for name, (role, company, cities) in STAFF.items():
        add_user(engine, name, PASSWORD, role, company, cities)
    return {name: PASSWORD for name in STAFF}


@pytest.fixture
def as_user(client: TestClient, staff: dict[str, str]) -> Any:
    """`as_user("clerk_xa")` -> the Authorization header of that user (tokens cached)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(name: str) -> dict[str, str]:
        if name not in cache:
            cache[name] = sign_in(client, name)
        return cache[name]

    return headers
