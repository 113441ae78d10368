"""A customer's uploads reach only the current stage of the application
proven with its code, are limited per application per day, and files are read only by
their own customer or by staff in scope."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time
from page_helpers import apply_online, csrf_of, post_form

from factories import provide_all_documents
from gridconnect.services.applications import perform
from gridconnect.services.selfservice.documents import UPLOADS_PER_DAY

PDF = b"%PDF-1.4\n% scan\n"


def upload(client: Any, doc_type: str) -> str:
    response = client.post(
        "/my/documents",
        data={"csrf_token": csrf_of(client, "/my"), "doc_type": doc_type, "source": "upload"},
        files={"file": ("scan.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def documents_of(services: Any, number: str) -> list[Any]:
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    return list(app.documents)


def test_an_upload_to_a_finished_stage_is_refused_and_records_nothing(client, services):
    number, _ = apply_online(client)
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    assert app.id is not None
    app = provide_all_documents(services, app)
    perform(services, app.id, "advance", actor="clerk1")  # acceptance is finished
    before = len(documents_of(services, number))
    assert upload(client, "identity_document") == "/my?error=doc_type"
    assert len(documents_of(services, number)) == before


def test_uploads_are_limited_per_application_per_day(client):
    with freeze_time("2026-11-02 09:00:00", tick=False) as clock:
        number, code = apply_online(client)
        answers = [upload(client, "identity_document") for _ in range(UPLOADS_PER_DAY)]
        assert answers == ["/my?done=document"] * UPLOADS_PER_DAY
        assert upload(client, "identity_document") == "/my?error=limit"
        clock.tick(24 * 3600 + 1)
        # The next day (the customer opens the status again: the session lasts 30 minutes).
        assert post_form(client, "/status", {"number": number, "code": code}).status_code == 303
        assert upload(client, "identity_document") == "/my?done=document"


def test_without_a_proven_code_nothing_can_be_sent_cancelled_or_read(client):
    apply_online(client)
    token = csrf_of(client, "/status")
    client.cookies.delete("gridconnect_customer")
    files = {"file": ("scan.pdf", PDF, "application/pdf")}
    data = {"csrf_token": token, "doc_type": "identity_document"}
    assert client.post("/my/documents", data=data, files=files).status_code == 403
    assert client.post("/my/cancel", data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert client.get("/my/documents/1").status_code == 403


def test_a_customer_cannot_open_another_customers_document(client, app):
    from fastapi.testclient import TestClient

    apply_online(client)
    upload(client, "identity_document")
    with TestClient(app) as other:
        apply_online(other)
        # Document ids are sequential: the first customer's file is id 1.
        assert other.get("/my/documents/1").status_code == 404
    assert client.get("/my/documents/1").status_code == 200


def test_staff_download_a_file_through_the_api_only_within_their_scope(client, staff, services):
    from api_helpers import sign_in

    number, _ = apply_online(client)
    upload(client, "identity_document")
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    document = next(d for d in app.documents if d.sha256)
    url = f"/api/v1/applications/{app.id}/documents/{document.id}/file"
    inside = client.get(url, headers=sign_in(client, "clerk_xa"))
    assert inside.status_code == 200
    assert inside.content == PDF
    assert inside.headers["content-disposition"] == 'inline; filename="scan.pdf"'
    outside = client.get(url, headers=sign_in(client, "clerk_yl"))
    assert outside.status_code == 404
    assert client.get(url).status_code == 401
    missing = client.get(
        f"/api/v1/applications/{app.id}/documents/999/file", headers=sign_in(client, "clerk_xa")
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "document_not_found"
