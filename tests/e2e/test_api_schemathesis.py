"""Generated requests from /openapi.json: no input gives a 5xx or an undocumented response.

Every operation is called as every role (and without a token), against a database holding
one application, so that the checks reach past authentication for the roles allowed and
prove the refusal is documented for the others. `make test` runs a small number of
examples per operation; `make test-security` runs about a hundred
(`GRIDCONNECT_SCHEMATHESIS_EXAMPLES`).
"""

from __future__ import annotations

import os
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


EXAMPLES = int(os.environ.get("GRIDCONNECT_SCHEMATHESIS_EXAMPLES", "6"))
# Every role, and nobody signed in. The administrator's own account cannot be deactivated
# by a generated request (the last active administrator is protected), so it stays usable.
CALLERS = ("clerk_xa", "supervisor_xa", "admin", None)
CALLERS = (*CALLERS, "dispatcher_xa")  # outages capability


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    case: Any, as_user: Any
) -> None:
    for caller in CALLERS:
        headers = as_user(caller) if caller is not None else {}
        case.call_and_validate(headers=headers, checks=CHECKS)
