"""Which errors each API operation can answer with, for its OpenAPI description.

A generated client (or a reader of /docs) should see, per operation, only the errors that
operation can return, each status with the stable `code` values it carries (listed in the
description and, for programs, in the response's `x-error-codes`). Most follow from what the
operation depends on, so they are derived rather than listed by hand in each route:

- a dependency marked with `can_fail` contributes its errors (signing in: 401; a role check:
  403; an application looked up by id or number: 404; a JSON-only body: 415);
- parameters (path, query, header, body) can be invalid: 422 `validation_error`, and the
  control-character guard's `control_character`; a body also `malformed_json`;
- a body can be too large (the body-size limit runs before any route): 413; or unparseable
  (a broken multipart form): 400.

What only the operation itself knows (a version conflict, an unknown alert) it names in its
route decorator with `errors(...)`, by exception class where there is one. The e2e suite
checks every error answer it sees against the declared statuses, so one missing here fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gridconnect.api.errors import HTTP_CODES
from gridconnect.api.schemas.common import ErrorBody
from gridconnect.errors import GridconnectError

Raisable = int | type[GridconnectError]
MARK = "error_codes"
CODES_KEY = "x-error-codes"

SUMMARIES: dict[int, str] = {
    400: "the body cannot be parsed (a broken multipart form, undecodable bytes)",
    401: "not signed in, or the token is invalid or expired",
    403: "the user's role may not do this",
    404: "unknown, or outside the user's company and cities",
    409: "conflicts with the application's current state or version",
    413: "body too large",
    415: "the body is not sent as the expected content type",
    422: "invalid input; `details` names each field",
    429: "too many attempts; wait for `Retry-After` seconds",
    503: "a service it depends on is unavailable",
}

F = TypeVar("F", bound=Callable[..., Any])


def _status_and_code(item: Raisable) -> tuple[int, str]:
    if isinstance(item, int):
        return item, HTTP_CODES[item]
    return item.status, item.code


def _codes(items: Iterable[Raisable]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for item in items:
        status, code = _status_and_code(item)
        found.setdefault(status, set()).add(code)
    return found


def can_fail(*raises: Raisable) -> Callable[[F], F]:
    """Mark a dependency with the errors it raises itself (statuses or error classes)."""

    def mark(function: F) -> F:
        setattr(function, MARK, (*getattr(function, MARK, ()), *raises))
        return function

    return mark


def errors(*raises: Raisable) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries for errors an operation raises itself."""
    return {status: _response(codes) for status, codes in _codes(raises).items()}


def _response(codes: set[str]) -> dict[str, Any]:
    return {"model": ErrorBody, CODES_KEY: sorted(codes)}


def _walk(dependant: Dependant) -> Iterable[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def derived_codes(route: APIRoute) -> dict[int, set[str]]:
    """The errors that follow from the route's dependencies and parameters."""
    raises: list[Raisable] = []
    found: dict[int, set[str]] = {}
    for dependant in _walk(route.dependant):
        raises.extend(getattr(dependant.call, MARK, ()))
        params = (
            dependant.path_params
            + dependant.query_params
            + dependant.header_params
            + dependant.body_params
        )
        if params:
            found.setdefault(422, set()).update({"validation_error", "control_character"})
        if dependant.body_params:
            found.setdefault(422, set()).add("malformed_json")
            found.setdefault(413, set()).add("body_too_large")
            found.setdefault(400, set()).add("bad_request")
    for status, codes in _codes(raises).items():
        found.setdefault(status, set()).update(codes)
    return found


def error_statuses(route: APIRoute) -> set[int]:
    """Every error status the route's OpenAPI description lists."""
    declared = {int(status) for status in route.responses if str(status).isdigit()}
    return {status for status in declared if status >= 400} | set(derived_codes(route))


def describe_errors(router: APIRouter) -> None:
    """Give each route of `router` the error responses it can return, and no others.

    Called before the router is included in an app: FastAPI builds an app's routes from the
    router's own when first asked, and those are shared by every app in the process (so
    describing them again changes nothing)."""
    for route in router.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        # Routes share their decorators' dicts: change a copy only.
        responses = {key: dict(entry) for key, entry in route.responses.items()}
        for status, codes in derived_codes(route).items():
            entry = responses.setdefault(status, _response(set()))
            entry[CODES_KEY] = sorted(set(entry.get(CODES_KEY, ())) | codes)
        for key, entry in responses.items():
            if CODES_KEY in entry:
                listed = ", ".join(f"`{code}`" for code in entry[CODES_KEY])
                entry["description"] = f"{SUMMARIES[int(key)]} ({listed})"
        route.responses = responses
