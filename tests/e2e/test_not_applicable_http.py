"""Where-applicable documents over HTTP: the clerk records one not applicable with a reason;
the customer reads what is required, what may be needed and why a document is not asked."""

from __future__ import annotations

from typing import Any

from api_helpers import hv_body
from page_helpers import page_sign_in, post_form

APPS = "/api/v1/applications"
PUBLIC = "/api/v1/public/applications"


def apply_hv(client: Any) -> dict[str, Any]:
    response = client.post(PUBLIC, json=hv_body(company="sgcc", channel="online"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def staff_id(client: Any, clerk: dict[str, str], number: str) -> int:
    listed = client.get(APPS, headers=clerk).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    [found] = [a for a in items if a["number"] == number]
    return int(found["id"])


def mark(client: Any, clerk: dict[str, str], app_id: int, **body: Any) -> Any:
    return client.post(f"{APPS}/{app_id}/documents/not-applicable", json=body, headers=clerk)


def test_a_clerk_records_project_approval_not_applicable_and_the_customer_sees_why(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    receipt = apply_hv(client)
    app_id = staff_id(client, clerk, receipt["number"])
    status_url = f"{PUBLIC}/{receipt['number']}"
    code = {"X-Access-Code": receipt["access_code"]}
    before = client.get(status_url, headers=code).json()
    assert [d["doc_type"] for d in before["missing_documents"]] == [
        "identity_document",
        "property_certificate",
    ]
    assert [d["doc_type"] for d in before["documents_if_applicable"]] == ["project_approval"]

    response = mark(
        client, clerk, app_id, doc_type="project_approval", reason_code="temporary_supply"
    )

    assert response.status_code == 201, response.text
    assert response.json()["documents_if_applicable"] == []
    after = client.get(status_url, headers=code).json()
    assert after["documents_if_applicable"] == []
    [shown] = after["not_applicable_documents"]
    assert (shown["doc_type"], shown["reason"]) == ("project_approval", "临时用电")
    signed_in = post_form(
        client, "/status", {"number": receipt["number"], "code": receipt["access_code"]}
    )
    assert signed_in.status_code == 303
    my = client.get("/my").text
    assert 'id="not-applicable-documents"><li>用电工程项目批准文件：临时用电</li>' in my
    assert "须提供" in my


def test_a_not_applicable_document_without_a_reason_is_a_422_naming_reason_code(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app_id = staff_id(client, clerk, apply_hv(client)["number"])

    no_reason = mark(client, clerk, app_id, doc_type="project_approval")
    unknown = mark(client, clerk, app_id, doc_type="project_approval", reason_code="busy")
    required = mark(
        client, clerk, app_id, doc_type="identity_document", reason_code="temporary_supply"
    )

    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "unknown_not_applicable_reason"
    assert "reason_code" in no_reason.json()["message"]
    assert unknown.json()["code"] == "unknown_not_applicable_reason"
    assert required.status_code == 422
    assert required.json()["code"] == "document_always_required"


def test_the_customer_cannot_mark_a_document_not_applicable(client: Any, as_user: Any) -> None:
    clerk = as_user("clerk_xa")
    receipt = apply_hv(client)
    app_id = staff_id(client, clerk, receipt["number"])

    response = client.post(
        f"{APPS}/{app_id}/documents/not-applicable",
        json={"doc_type": "project_approval", "reason_code": "temporary_supply"},
        headers={"X-Access-Code": receipt["access_code"]},
    )

    assert response.status_code == 401
    status = client.get(
        f"{PUBLIC}/{receipt['number']}", headers={"X-Access-Code": receipt["access_code"]}
    ).json()
    assert status["not_applicable_documents"] == []


def test_the_clerk_page_lists_if_applicable_documents_and_records_the_reason(
    client: Any, as_user: Any
) -> None:
    clerk = as_user("clerk_xa")
    app_id = staff_id(client, clerk, apply_hv(client)["number"])
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app_id}"
    page = client.get(path).text
    assert 'id="documents-if-applicable">用电工程项目批准文件<' in page

    refused = post_form(
        client, f"{path}/documents/not-applicable", {"doc_type": "project_approval"}, path
    )
    done = post_form(
        client,
        f"{path}/documents/not-applicable",
        {"doc_type": "project_approval", "reason_code": "capacity_increase_no_new_works"},
        path,
    )

    assert refused.status_code == 422
    assert "请从列表中选择不适用的原因" in refused.text
    assert done.status_code == 303
    page = client.get(path).text
    assert "用电工程项目批准文件（增容无新建工程，clerk_xa）" in page
    assert 'id="documents-if-applicable"' not in page
