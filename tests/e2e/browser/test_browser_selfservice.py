"""Customers' self-service in Chromium: an HV application from a phone, a hall
application read with the printed code, then its missing document uploaded from the phone,
and a lost code recovered by the phone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

PDF = b"%PDF-1.4\n% identity card scan\n"


@pytest.fixture
def phone(chromium: Any, live: Any) -> Iterator[Any]:
    context = chromium.new_context(
        base_url=live.url,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def gateway(live: Any) -> Any:
    live.services.customer_channels = ["http://gateway.test/sms"]
    return live


def fits(tab: Any) -> None:
    widths = tab.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px screen"


def texted(live: Any, topic: str) -> dict[str, Any]:
    with live.engine.connect() as connection:
        raw = connection.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id DESC"), {"t": topic}
        ).first()
    assert raw is not None
    return dict(json.loads(raw[0]) if isinstance(raw[0], str) else raw[0])


def test_a_high_voltage_customer_applies_from_a_phone(phone, shoot):
    phone.goto("/apply")
    phone.check("input[name=kind][value=hv]")
    assert phone.is_visible("#f-voltage_kv")
    phone.select_option("#f-city", "咸阳")
    phone.select_option("#f-area_class", "town")
    phone.fill("#f-address", "咸阳市秦都区工业园 8 号")
    phone.fill("#f-customer-name", "咸阳新材料有限公司")
    phone.fill("#f-customer-phone", "13900139000")
    phone.fill("#f-customer-id_number", "91610400MA6XXXXXX1")
    phone.fill("#f-capacity", "1600")
    phone.select_option("#f-voltage_kv", "10")
    phone.click("button:has-text('提交申请')")
    assert "高压用户请选择单电源或双电源" in phone.inner_text("#err-supply")
    assert phone.input_value("#f-capacity") == "1600"  # what was typed is kept
    fits(phone)
    phone.select_option("#f-supply", "dual")
    phone.click("button:has-text('提交申请')")
    phone.wait_for_url("**/apply/done")
    phone.click("a:has-text('查看我的申请')")
    assert "用电工程项目批准文件" in phone.inner_text("#documents-if-applicable")
    fits(phone)
    shoot(phone, "hv-apply-375px")


def test_a_hall_customer_reads_the_printed_code_and_uploads_the_missing_document(
    page, phone, gateway, sign_in, shoot
):
    sign_in(page, "clerk")
    page.goto("/workbench/new")
    page.check("input[name=kind][value=lv_residential]")
    page.select_option("#f-city", "西安")
    page.select_option("#f-area_class", "urban")
    page.fill("#f-address", "西安市碑林区东大街 3 号")
    page.fill("#f-customer-name", "李四")
    page.fill("#f-customer-phone", "13700137000")
    page.fill("#f-customer-id_number", "610102199202021234")
    page.fill("#f-capacity", "8")
    page.click("button:has-text('登记并受理')")
    page.wait_for_url("**/receipt")
    number = page.inner_text("#application-number")
    code = page.inner_text("#access-code")
    assert page.locator("#receipt svg").count() == 1
    assert "用电地址物权证件" in page.inner_text("#receipt-missing")
    page.emulate_media(media="print")
    assert not page.is_visible("header.site")  # the receipt alone on the A4 page
    shoot(page, "hall-receipt")
    assert texted(gateway, "access_code")["access_code"] == code

    phone.goto(f"/status?number={number}")
    assert phone.input_value("#f-number") == number
    phone.fill("#f-code", code)
    phone.click("button:has-text('查询')")
    phone.wait_for_url("**/my")
    assert "请提交：用电人有效身份证件、用电地址物权证件" in phone.inner_text("#what-to-do-now")
    for doc_type in ("identity_document", "property_certificate"):
        phone.select_option("#f-doc-type", doc_type)
        phone.set_input_files(
            "#f-file", files=[{"name": "证件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        phone.click("#upload-form button[type=submit]")
        phone.wait_for_url("**/my?done=document")
    assert "本环节资料已齐全" in phone.inner_text("#missing-documents")
    fits(phone)
    shoot(phone, "upload-done-375px")


def test_a_customer_recovers_a_lost_code_by_phone_and_then_cancels(phone, gateway, live):
    from factories import receive

    app = receive(live.services, "lv_residential")
    phone.goto("/status")
    phone.click("a:has-text('忘记查询码')")
    phone.fill("#f-number", app.number)
    phone.click("button:has-text('发送验证码')")
    phone.wait_for_url("**/status/recover/verify")
    phone.fill("#f-one_time_code", texted(gateway, "access_code_recovery")["one_time_code"])
    phone.click("button:has-text('验证并领取新查询码')")
    phone.wait_for_url("**/status/recovered")
    assert len(phone.inner_text("#access-code")) == 19
    fits(phone)
    phone.click("a:has-text('查看我的申请')")
    phone.click("summary:has-text('撤销申请')")
    phone.fill("#f-reason", "改用临时用电")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.click("#cancel-section button[type=submit]")
    phone.wait_for_url("**/my?done=cancelled")
    assert "申请已撤销" in phone.inner_text("#done-message")


def test_a_connected_customer_rates_and_a_help_ticket_is_answered_by_a_supervisor(
    page, phone, live, sign_in, shoot
):
    from e2e.browser.conftest import SECRET
    from factories import advance_to_end, new_application
    from gridconnect.services.selfservice.codes import receive_in_hall

    app, code = receive_in_hall(live.services, new_application("lv_residential"), "clerk", SECRET)
    advance_to_end(live.services, app)
    phone.goto("/status")
    phone.fill("#f-number", app.number)
    phone.fill("#f-code", code)
    phone.click("button:has-text('查询')")
    phone.wait_for_url("**/my")
    phone.check("#rating-form input[name=score][value='5']")
    phone.fill("#f-comment", "服务很好")
    phone.click("#rating-form button[type=submit]")
    phone.wait_for_url("**/my?done=rated")
    assert "非常满意" in phone.inner_text("#rating-given")
    phone.select_option("#f-category", "help")
    phone.fill("#f-text", "电费账单在哪里查看？")
    phone.click("#ticket-form button[type=submit]")
    phone.wait_for_url("**/my?done=ticket")
    fits(phone)

    sign_in(page, "supervisor")
    page.click("header.site a:has-text('客户诉求')")
    assert "电费账单在哪里查看？" in page.inner_text("main")
    page.fill("textarea[name=answer]", "可在网上国网 App 的账单页查看。")
    page.click("button:has-text('提交答复')")
    page.wait_for_url("**/supervisor/tickets?done=answered")
    shoot(page, "tickets-answered")

    phone.goto("/my")
    assert "可在网上国网 App 的账单页查看。" in phone.inner_text("#help")
    shoot(phone, "ticket-answer-375px")
