"""The customer's own application, behind the number and its code."""

from __future__ import annotations

from typing import Any

from api_helpers import lv_body

from factories import advance_to_end

PUBLIC = "/api/v1/public/applications"
PDF = b"%PDF-1.4\n% scan\n"


def apply(client: Any) -> tuple[str, dict[str, str]]:
    response = client.post(PUBLIC, json=lv_body(channel="online", company="sgcc"))
    assert response.status_code == 201, response.text
    receipt = response.json()
    return receipt["number"], {"X-Access-Code": receipt["access_code"]}


def test_documents_go_up_by_file_and_by_e_licence_and_the_list_empties(client):
    number, code = apply(client)
    sent = client.post(
        f"{PUBLIC}/{number}/documents",
        data={"doc_type": "identity_document"},
        files={"file": ("id.pdf", PDF, "application/pdf")},
        headers=code,
    )
    assert sent.status_code == 201, sent.text
    assert [d["doc_type"] for d in sent.json()["missing_documents"]] == ["property_certificate"]
    licence = client.post(
        f"{PUBLIC}/{number}/documents",
        json={"doc_type": "property_certificate", "source": "e_license", "reference": "EL-1"},
        headers=code,
    )
    assert licence.status_code == 201
    assert licence.json()["missing_documents"] == []
    assert licence.json()["what_to_do_now"].startswith("目前无需您操作")


def test_without_the_right_code_nothing_happens(client):
    number, _ = apply(client)
    wrong = {"X-Access-Code": "AAAA-BBBB-CCCC-DDDD"}
    cancel = client.post(f"{PUBLIC}/{number}/cancel", json={"reason": "x"}, headers=wrong)
    assert cancel.status_code == 404
    assert client.get(f"{PUBLIC}/{number}/tickets").status_code == 404
    assert client.get(f"{PUBLIC}/{number}", headers=wrong).status_code == 404


def test_cancel_rate_and_ask_for_help(client, services):
    number, code = apply(client)
    asked = client.post(
        f"{PUBLIC}/{number}/tickets", json={"category": "help", "text": "何时装表？"}, headers=code
    )
    assert asked.status_code == 201
    assert [t["text"] for t in asked.json()] == ["何时装表？"]
    unknown = client.post(
        f"{PUBLIC}/{number}/tickets", json={"category": "other", "text": "x"}, headers=code
    )
    assert unknown.status_code == 422
    early = client.post(f"{PUBLIC}/{number}/rating", json={"score": 5}, headers=code)
    assert early.status_code == 409
    assert early.json()["code"] == "not_connected"
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    advance_to_end(services, app)
    rated = client.post(f"{PUBLIC}/{number}/rating", json={"score": 2}, headers=code)
    assert rated.status_code == 201
    again = client.post(f"{PUBLIC}/{number}/rating", json={"score": 5}, headers=code)
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"
    closed = client.post(f"{PUBLIC}/{number}/cancel", json={"reason": "晚了"}, headers=code)
    assert closed.status_code == 409


def test_the_customer_cancels_through_the_api(client):
    number, code = apply(client)
    cancelled = client.post(f"{PUBLIC}/{number}/cancel", json={"reason": "不装了"}, headers=code)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["what_to_do_now"] == ""
