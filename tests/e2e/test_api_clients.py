"""What programs on the other end meet: short operation ids, documented bodies, the
application number accepted wherever an id is."""

from __future__ import annotations

import re
from typing import Any

from api_helpers import lv_body

from gridconnect.config.vocabulary import SuspensionReasonCode
from gridconnect.workflow.events import AlertLevel

APPS = "/api/v1/applications"


def test_every_operation_has_a_short_snake_case_unique_id(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) >= 30
    for operation_id in ids:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", operation_id), operation_id
        assert len(operation_id) <= 32, operation_id
        assert "api_v1" not in operation_id, operation_id
    assert "list_applications" in ids
    assert "advance_application" in ids
    assert not [name for name in spec["components"]["schemas"] if "ApiV1" in name]


def test_each_document_format_is_its_own_operation(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    upload = paths[APPS + "/{application_id}/documents"]["post"]
    e_licence = paths[APPS + "/{application_id}/documents/e-licence"]["post"]
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]
    assert list(e_licence["requestBody"]["content"]) == ["application/json"]


def test_the_error_body_describes_its_details(client: Any) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    details = schemas["ErrorBody"]["properties"]["details"]
    lists = [variant["items"] for variant in details["anyOf"] if variant.get("type") == "array"]
    assert {"$ref": "#/components/schemas/FieldError"} in lists[0]["anyOf"]


def test_an_application_is_read_and_found_by_its_number(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    created = client.post(APPS, json=lv_body(), headers=clerk).json()
    client.post(APPS, json=lv_body(), headers=clerk)
    number = created["number"]
    by_number = client.get(f"{APPS}/{number}", headers=clerk)
    assert by_number.status_code == 200
    assert by_number.json()["id"] == created["id"]
    events = client.get(f"{APPS}/{number}/events", headers=clerk)
    assert events.status_code == 200
    assert events.json()[0]["action"] == "received"
    listed = client.get(APPS, params={"number": number}, headers=clerk).json()
    assert [item["number"] for item in listed["items"]] == [number]
    assert listed["total"] == 1
    assert client.get(f"{APPS}/SGCC-2026-999999", headers=clerk).status_code == 404
    bad = client.get(f"{APPS}/not-a-number", headers=clerk)
    assert bad.status_code == 422
    assert "application_id" in bad.text


def test_every_success_response_describes_its_body(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    undescribed = [
        f"{method} {path} {media}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for media, content in response.get("content", {}).items()
        if not content.get("schema")
    ]
    assert undescribed == []
    ready = paths["/readyz"]["get"]["responses"]
    assert ready["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Ready"
    }
    assert "ErrorBody" in ready["503"]["content"]["application/json"]["schema"]["$ref"]


def test_closed_vocabularies_are_published_as_enums(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    reason = schemas["SuspendIn"]["properties"]["reason_code"]
    reason_schema = schemas[reason["$ref"].rsplit("/", 1)[1]] if "$ref" in reason else reason
    assert set(reason_schema["enum"]) == set(SuspensionReasonCode.codes())
    level = schemas["AlertOut"]["properties"]["level"]
    level_schema = schemas[level["$ref"].rsplit("/", 1)[1]] if "$ref" in level else level
    assert set(level_schema["enum"]) == {str(member) for member in AlertLevel}
