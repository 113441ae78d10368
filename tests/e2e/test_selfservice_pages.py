"""The hall receipt with its code and QR link, the code read on
/status, a clerk's reissue, and a customer recovering a lost code with the phone."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from page_helpers import LV_FORM, page_sign_in, post_form
from sqlalchemy import Engine, text

GATEWAY = "http://gateway.test/sms"


@pytest.fixture
def gateway(services: Any) -> str:
    services.customer_channels = [GATEWAY]
    return GATEWAY


def sent(engine: Engine, topic: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payload FROM outbox WHERE topic = :topic ORDER BY id"), {"topic": topic}
        ).all()
    return [json.loads(row[0]) if isinstance(row[0], str) else row[0] for row in rows]


def register(client: Any) -> tuple[str, str, str]:
    """A clerk registers an HV application; (receipt path, number, code on the receipt)."""
    form = {**LV_FORM, "kind": "hv", "capacity": "800", "voltage_kv": "10", "supply": "single"}
    response = post_form(client, "/workbench/new", form)
    assert response.status_code == 303
    receipt_path = response.headers["location"]
    page = client.get(receipt_path).text
    number = re.search(r'id="application-number">([^<]+)<', page)
    code = re.search(r'id="access-code">([^<]+)<', page)
    assert number
    assert code
    return receipt_path, number.group(1), code.group(1)


def test_the_hall_receipt_carries_number_code_qr_missing_documents_and_deadlines(
    client, staff, gateway, engine
):
    page_sign_in(client, "clerk_xa")
    receipt_path, number, code = register(client)
    assert re.fullmatch(r"/workbench/applications/\d+/receipt", receipt_path)
    page = client.get(receipt_path).text
    assert "用电报装受理回执" in page
    assert "<svg" in page
    assert "扫码查询办理进度" in page
    assert f"/status?number={number}" in page
    assert "一次性告知书" in page
    assert "用电工程项目批准文件" in page
    assert "个工作日" in page
    assert "（含）前办结" in page
    assert "张*" in page
    assert "138****8000" in page
    # The code was texted to the customer's phone in the same transaction.
    assert [(m["application"], m["access_code"]) for m in sent(engine, "access_code")] == [
        (number, code)
    ]


def test_a_hall_customer_reads_the_status_with_the_printed_code(client, staff, gateway):
    page_sign_in(client, "clerk_xa")
    _, number, code = register(client)
    client.cookies.clear()
    form = client.get(f"/status?number={number}").text
    assert f'value="{number}"' in form  # the QR link fills the number in
    response = post_form(client, "/status", {"number": number, "code": code})
    assert response.status_code == 303
    page = client.get("/my").text
    assert number in page
    assert "业务受理" in page


def test_a_reprinted_receipt_no_longer_shows_the_code(client, staff, gateway):
    page_sign_in(client, "clerk_xa")
    receipt_path, _, _ = register(client)
    client.cookies.delete("gridconnect_new_code")
    page = client.get(receipt_path).text
    assert 'id="access-code"' not in page
    assert "已以短信发送至客户手机" in page


def test_a_clerk_reissues_a_code_and_the_old_one_stops_working(client, staff, gateway):
    page_sign_in(client, "clerk_xa")
    receipt_path, number, old = register(client)
    application_path = receipt_path.removesuffix("/receipt")
    response = post_form(client, f"{application_path}/access-code", {}, from_page=receipt_path)
    assert response.status_code == 303
    new = re.search(r'id="access-code">([^<]+)<', client.get(receipt_path).text)
    assert new
    assert new.group(1) != old
    staff_page = client.get(application_path).text
    assert 'id="receipt-link"' in staff_page
    assert "<td>重新发放查询码</td>" in staff_page  # in the audit trail
    client.cookies.clear()
    assert post_form(client, "/status", {"number": number, "code": old}).status_code == 404
    assert post_form(client, "/status", {"number": number, "code": new.group(1)}).status_code == 303


def test_a_customer_recovers_a_lost_code_with_the_phone(client, staff, gateway, engine):
    page_sign_in(client, "clerk_xa")
    _, number, old = register(client)
    client.cookies.clear()
    assert 'href="/status/recover"' in client.get("/status").text
    response = post_form(client, "/status/recover", {"number": number})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "验证码已发送至申请时登记的手机" in page
    one_time = sent(engine, "access_code_recovery")[-1]["one_time_code"]
    wrong = post_form(client, "/status/recover/verify", {"one_time_code": "99999x"})
    assert wrong.status_code == 404
    assert "验证码不正确或已过期" in wrong.text
    response = post_form(client, "/status/recover/verify", {"one_time_code": one_time})
    assert response.status_code == 303
    shown = client.get("/status/recovered").text
    new = re.search(r'id="access-code">([^<]+)<', shown)
    assert new
    assert new.group(1) != old
    assert "原查询码已失效" in shown
    assert number in client.get("/my").text  # the proven phone opened the status too
    client.cookies.clear()
    assert post_form(client, "/status", {"number": number, "code": old}).status_code == 404


def test_an_unknown_number_gets_the_same_recovery_answer(client, staff, gateway, engine):
    response = post_form(client, "/status/recover", {"number": "SGCC-2026-999999"})
    assert response.status_code == 303
    assert "验证码已发送至申请时登记的手机" in client.get(response.headers["location"]).text
    assert sent(engine, "access_code_recovery") == []


HV_FORM = {**LV_FORM, "kind": "hv", "capacity": "800", "voltage_kv": "10", "supply": "dual"}


def test_a_high_voltage_customer_applies_on_the_web(client, services):
    form = client.get("/apply").text
    assert 'value="hv"' in form
    assert "供电电压" in form
    assert "双电源" in form
    response = post_form(client, "/apply", HV_FORM)
    assert response.status_code == 303
    done = client.get("/apply/done").text
    number = re.search(r'id="application-number">([^<]+)<', done)
    assert number
    page = client.get("/my").text
    assert "用电工程项目批准文件" in page  # the HV acceptance whitelist
    with services.unit_of_work() as uow:
        app = uow.applications.get_by_number(number.group(1))
    assert app is not None
    assert app.voltage_kv == 10
    assert app.supply == "dual"
    assert app.channel == "online"


def test_the_web_form_refuses_what_the_api_refuses_and_keeps_what_was_typed(client):
    response = post_form(client, "/apply", {**HV_FORM, "voltage_kv": "0.4", "supply": ""})
    assert response.status_code == 422
    assert "高压用户请选择10千伏及以上的供电电压" in response.text
    assert "高压用户请选择单电源或双电源" in response.text
    assert 'value="800"' in response.text
    assert 'value="西安市雁塔区科技路 1 号"' in response.text
