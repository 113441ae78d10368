"""The customer sends the missing documents from the
phone and sees the stage become ready, cancels with a reason, reads why it is paused and
what to do; staff open the stored files."""

from __future__ import annotations

from typing import Any

from page_helpers import apply_online, csrf_of, page_sign_in, post_form

from factories import provide_all_documents
from gridconnect.services.applications import perform
from gridconnect.services.context import EVERYTHING
from gridconnect.services.listing import application_events

PDF = b"%PDF-1.4\n% a scanned identity card\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client: Any, doc_type: str, content: bytes = PDF, name: str = "身份证.pdf") -> Any:
    kind = "application/pdf" if content.startswith(b"%PDF") else "image/png"
    return client.post(
        "/my/documents",
        data={"csrf_token": csrf_of(client, "/my"), "doc_type": doc_type, "source": "upload"},
        files={"file": (name, content, kind)},
        follow_redirects=False,
    )


def application_id(services: Any, number: str) -> int:
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    assert app.id is not None
    return app.id


def test_the_customer_uploads_the_missing_documents_and_the_stage_becomes_ready(client):
    apply_online(client)
    page = client.get("/my").text
    assert "您现在需要做什么" in page
    assert "请提交：用电人有效身份证件、用电地址物权证件" in page
    assert "国网陕西省电力公司西安供电营业厅" in page
    assert "95598" in page
    assert upload(client, "identity_document").headers["location"] == "/my?done=document"
    e_licence = post_form(
        client,
        "/my/documents",
        {"doc_type": "property_certificate", "source": "e_license", "reference": "EL-2026-01"},
        from_page="/my",
    )
    assert e_licence.headers["location"] == "/my?done=document"
    page = client.get("/my?done=document").text
    assert "资料已提交" in page
    assert "本环节资料已齐全，无需再提供" in page
    assert "目前无需您操作" in page
    assert "身份证.pdf" in page


def test_the_customer_opens_own_file_inline_with_its_original_name(client):
    apply_online(client)
    upload(client, "identity_document")
    page = client.get("/my").text
    link = page.split('id="uploaded-documents"')[1].split('href="')[1].split('"')[0]
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline;")
    assert "%E8%BA%AB%E4%BB%BD%E8%AF%81.pdf" in disposition  # 身份证.pdf, RFC 5987


def test_a_clerk_opens_a_stored_document_and_one_from_another_city_is_not_found(
    client, staff, services
):
    number, _ = apply_online(client)
    upload(client, "identity_document", PNG, "scan.png")
    app_id = application_id(services, number)
    client.cookies.clear()
    page_sign_in(client, "clerk_xa")
    page = client.get(f"/workbench/applications/{app_id}").text
    link = page.split(f'href="/workbench/applications/{app_id}/documents/')[1].split('"')[0]
    response = client.get(f"/workbench/applications/{app_id}/documents/{link}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert 'filename="scan.png"' in response.headers["content-disposition"]
    client.cookies.clear()
    page_sign_in(client, "clerk_yl")  # 榆林 only
    outside = client.get(f"/workbench/applications/{app_id}/documents/{link}")
    assert outside.status_code == 404


def test_a_refused_file_is_said_next_to_the_form_and_nothing_is_recorded(client):
    apply_online(client)
    response = upload(client, "identity_document", b"MZ\x90\x00 not a pdf", "virus.pdf")
    assert response.headers["location"] == "/my?error=file"
    page = client.get("/my?error=file").text
    assert "请上传 PDF、JPEG 或 PNG 文件" in page
    assert "请提交：用电人有效身份证件" in page


def test_the_customer_cancels_with_a_reason(client, staff, services):
    number, _ = apply_online(client)
    assert (
        post_form(client, "/my/cancel", {"reason": ""}, from_page="/my").headers["location"]
        == "/my?error=reason"
    )
    response = post_form(client, "/my/cancel", {"reason": "不再需要用电"}, from_page="/my")
    assert response.headers["location"] == "/my?done=cancelled"
    page = client.get("/my?done=cancelled").text
    assert "申请已撤销" in page
    assert "撤销申请</summary>" not in page
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    assert str(app.status) == "cancelled"
    assert app.id is not None
    cancelled = application_events(services, app.id, EVERYTHING)[-1]
    assert (cancelled["action"], cancelled["actor"]) == ("cancelled", "customer")
    assert "不再需要用电" in str(cancelled["details"])


def test_a_paused_application_says_why_and_what_to_do(client, services):
    number, _ = apply_online(client)
    perform(
        services,
        application_id(services, number),
        "suspend",
        actor="clerk1",
        reason_code="customer_unreachable",
    )
    page = client.get("/my").text
    assert "我们多次未能联系到您" in page
    assert "请尽快拨打营业厅电话与我们联系" in page


def test_the_timeline_shows_the_current_stage_since_when_and_its_due(client, services):
    number, _ = apply_online(client)
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number)
    assert app is not None
    assert app.id is not None
    app = provide_all_documents(services, app)
    perform(services, app.id, "advance", actor="clerk1")
    page = client.get("/my").text
    current = page.split('aria-current="step"')[1].split("</li>")[0]
    assert "装表接电" in current
    assert "起 · 应于" in current
    assert "（含）前办结，剩余" in current


def test_the_suspension_notice_to_the_phone_says_why_and_what_to_do(client, services, engine):
    import json

    from sqlalchemy import text

    services.customer_channels = ["http://gateway.test/sms"]
    number, _ = apply_online(client)
    perform(
        services,
        application_id(services, number),
        "suspend",
        actor="clerk1",
        reason_code="customer_construction",
    )
    with engine.connect() as connection:
        raw = connection.execute(
            text("SELECT payload FROM outbox WHERE topic = 'progress' ORDER BY id DESC")
        ).first()
    assert raw is not None
    payload = json.loads(raw[0]) if isinstance(raw[0], str) else raw[0]
    assert payload["action"] == "suspended"
    assert "正在施工" in payload["suspension_reason_text"]
    assert "施工完成后" in payload["suspension_what_to_do"]


def test_a_connected_customer_rates_the_service_once(client, services):
    from factories import advance_to_end
    from gridconnect.services.selfservice.satisfaction import rating_of

    number, _ = apply_online(client)
    assert 'id="rating-form"' not in client.get("/my").text  # not before connection
    app_id = application_id(services, number)
    with services.unit_of_work() as uow:
        app = uow.applications.get(app_id)
    assert app is not None
    advance_to_end(services, app)
    assert 'id="rating-form"' in client.get("/my").text
    rated = post_form(client, "/my/rating", {"score": "4", "comment": "装表很快"}, from_page="/my")
    assert rated.headers["location"] == "/my?done=rated"
    page = client.get("/my").text
    assert "您的评价：<strong>满意</strong>（装表很快）" in page
    again = post_form(client, "/my/rating", {"score": "1"}, from_page="/my?done=rated")
    assert again.headers["location"] == "/my?error=rated"
    rating = rating_of(services, app_id)
    assert rating is not None
    assert rating.score == 4
