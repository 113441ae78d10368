"""Generated requests from /openapi.json: no input gives a 5xx or an undocumented response.

Every operation is called with the token of a user allowed to use it, against a database
holding one application, so that the checks reach past authentication.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_helpers import SECRET, lv_body
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class CurrentApp:
    """Forwards every call to the app of the running test (each test has its own database)."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


CURRENT = CurrentApp()
# Read /openapi.json once, at collection, from an app that never touches a database.
CURRENT.app = create_app(Settings(environment="test", secret_key=SECRET))
schema = schemathesis.openapi.from_asgi("/openapi.json", CURRENT)


@pytest.fixture(autouse=True)
def wired(app: FastAPI, client: Any, as_user: Any) -> None:
    CURRENT.app = app
    response = client.post("/api/v1/applications", json=lv_body(), headers=as_user("clerk_xa"))
    assert response.status_code == 201


def _user_for(path: str) -> str:
    if path.startswith(("/api/v1/admin", "/api/v1/users")):
        return "admin"
    if path.startswith("/api/v1/alerts"):
        return "supervisor_xa"
    return "clerk_xa"


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    case: Any, as_user: Any
) -> None:
    headers = as_user(_user_for(case.path))
    case.call_and_validate(headers=headers, checks=CHECKS)
