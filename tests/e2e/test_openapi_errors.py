"""Each operation's OpenAPI description lists the errors it can return, and only those.

(The e2e fixture checks the other direction: every error answer the suite sees is listed.)
"""

from __future__ import annotations

from typing import Any

import pytest

from gridconnect.api.app import create_app
from gridconnect.api.errors import HTTP_CODES
from gridconnect.errors import GridconnectError

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def _operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][path][method]
    return operation


def _errors(operation: dict[str, Any]) -> dict[str, list[str]]:
    return {
        status: response.get("x-error-codes", [])
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
    }


def _every_code() -> set[str]:
    def subclasses(cls: type[GridconnectError]) -> set[type[GridconnectError]]:
        found = set(cls.__subclasses__())
        for sub in list(found):
            found |= subclasses(sub)
        return found

    # import the modules that define errors, so their classes are registered
    import gridconnect.api.routers  # noqa: F401

    codes = {cls.code for cls in subclasses(GridconnectError)} | set(HTTP_CODES.values())
    return codes | {GridconnectError.code, "control_character"}


def test_public_operations_list_no_sign_in_errors(spec: dict[str, Any]) -> None:
    for path in ("/api/v1/public/applications/{number}", "/api/v1/public/service-standards"):
        listed = _errors(_operation(spec, "get", path))
        assert "401" not in listed, path
        assert "403" not in listed, path
    assert _errors(_operation(spec, "get", "/healthz")) == {}


def test_operations_behind_a_role_list_401_and_403(spec: dict[str, Any]) -> None:
    guarded = [
        ("get", "/api/v1/applications"),
        ("post", "/api/v1/applications/{application_id}/advance"),
        ("get", "/api/v1/reports/monthly"),
        ("get", "/api/v1/admin/policy"),
    ]
    for method, path in guarded:
        listed = _errors(_operation(spec, method, path))
        assert listed["401"] == ["not_authenticated"], path
        assert listed["403"] == ["forbidden"], path


def test_a_stage_action_lists_its_conflicts_and_a_read_lists_none(spec: dict[str, Any]) -> None:
    advance = _errors(_operation(spec, "post", "/api/v1/applications/{application_id}/advance"))
    assert advance["409"] == ["invalid_transition", "version_conflict"]
    assert "missing_documents" in advance["422"]
    suspend = _errors(_operation(spec, "post", "/api/v1/applications/{application_id}/suspend"))
    assert "missing_documents" not in suspend["422"]
    assert "unknown_suspension_reason" in suspend["422"]
    read = _errors(_operation(spec, "get", "/api/v1/applications/{application_id}"))
    assert "409" not in read
    assert "413" not in read
    assert read["404"] == ["application_not_found", "not_found"]


def test_every_listed_error_is_the_error_body_with_real_codes(spec: dict[str, Any]) -> None:
    known = _every_code()
    for path, operations in spec["paths"].items():
        for method in OPERATIONS:
            if method not in operations:
                continue
            for status, response in operations[method]["responses"].items():
                if not status.startswith("4"):
                    continue
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
                codes = response["x-error-codes"]
                assert codes, (path, status)
                assert set(codes) <= known, (path, status, set(codes) - known)
                assert all(f"`{code}`" in response["description"] for code in codes)
