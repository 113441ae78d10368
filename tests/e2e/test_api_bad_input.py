"""Bad requests get a 4xx JSON error with a stable code, and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import count_rows, lv_body
from sqlalchemy import Engine

APPS = "/api/v1/applications"


@pytest.fixture
def clerk(as_user: Any) -> dict[str, str]:
    return dict(as_user("clerk_xa"))


def unchanged(engine: Engine) -> tuple[int, int, int]:
    return (
        count_rows(engine, "application"),
        count_rows(engine, "document"),
        count_rows(engine, "event"),
    )


def test_a_body_over_the_size_limit_gets_413(client: Any, clerk: Any, engine: Engine) -> None:
    before = unchanged(engine)
    body = lv_body(address="长" * 200_000)
    response = client.post(APPS, json=body, headers=clerk)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert unchanged(engine) == before


def test_plain_text_to_a_json_endpoint_gets_415(client: Any, clerk: Any, engine: Engine) -> None:
    before = unchanged(engine)
    headers = {**clerk, "Content-Type": "text/plain"}
    response = client.post(APPS, content=b'{"kind": "hv"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert unchanged(engine) == before


def test_malformed_json_gets_422_malformed_json(client: Any, clerk: Any, engine: Engine) -> None:
    before = unchanged(engine)
    headers = {**clerk, "Content-Type": "application/json"}
    response = client.post(APPS, content=b'{"kind": "hv",', headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "malformed_json"
    assert unchanged(engine) == before


def test_the_document_endpoint_refuses_other_types_and_bad_json_and_bad_files(
    client: Any, clerk: Any, engine: Engine
) -> None:
    app = client.post(APPS, json=lv_body(), headers=clerk).json()
    url = f"{APPS}/{app['id']}/documents"
    before = unchanged(engine)
    text = client.post(url, content=b"hello", headers={**clerk, "Content-Type": "text/plain"})
    assert text.status_code == 415
    broken = client.post(url, content=b"{", headers={**clerk, "Content-Type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["code"] == "malformed_json"
    no_reference = client.post(
        url, json={"doc_type": "identity_document", "source": "e_license"}, headers=clerk
    )
    assert no_reference.status_code == 422
    assert no_reference.json()["details"][0]["field"] == "reference"
    not_a_pdf = client.post(
        url,
        data={"doc_type": "identity_document"},
        files={"file": ("id.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers=clerk,
    )
    assert not_a_pdf.status_code == 422
    assert not_a_pdf.json()["code"] == "file_refused"
    no_file = client.post(url, data={"doc_type": "identity_document"}, headers=clerk)
    assert no_file.status_code in (415, 422)
    assert unchanged(engine) == before


def test_unknown_fields_and_out_of_range_values_are_named(client: Any, clerk: Any) -> None:
    response = client.post(APPS, json=lv_body(colour="red"), headers=clerk)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "colour"
    response = client.get(APPS, params={"limit": 500}, headers=clerk)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "limit"
    response = client.get(f"{APPS}/99999999999999999999", headers=clerk)
    assert response.status_code == 422
