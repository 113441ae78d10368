"""The government link in the pages: the clerk's application page, leads, the ledger, and
the customer's status page showing each department (the simulator as a server)."""

from __future__ import annotations

from api_helpers import SECRET
from fastapi.testclient import TestClient
from page_helpers import page_sign_in, post_form

from factories import new_application
from gridconnect.services.context import Services
from gridconnect.services.govlink.approvals import DecisionInput
from gridconnect.services.govlink.callbacks import receive_decision
from gridconnect.services.govlink.leads import LeadInput, receive_lead
from gridconnect.services.public import apply_online
from gridconnect.workflow.model import Customer

COMPANY = Customer("西安秦川机械有限公司", "13800138000", "91610000MA6TG1234X")


def test_without_a_platform_the_pages_say_entry_is_manual(
    client: TestClient, staff: object, services: Services
) -> None:
    app, _ = apply_online(services, new_application("lv_nonresidential"), SECRET)
    page_sign_in(client, "clerk_xa")
    page = client.get(f"/workbench/applications/{app.id}")
    assert 'id="gov-link-off"' in page.text
    assert "政务平台未接入" in page.text
    assert 'id="gov-pull-form"' not in page.text
    assert "政务平台未接入" in client.get("/workbench/leads").text


def test_a_clerk_attaches_licences_and_submits_and_the_customer_sees_each_department(
    client: TestClient, staff: object, linked: Services, govsim: object
) -> None:
    new = new_application("hv", city="咸阳", address="咸阳市秦都区 9 号", customer=COMPANY)
    app, code = apply_online(linked, new, SECRET)
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app.id}"
    assert "并联审批" in client.get(path).text
    pulled = post_form(
        client,
        f"{path}/gov/pull",
        {"certificate_number": COMPANY.id_number, "expected_version": "1"},
        from_page=path,
    )
    assert pulled.status_code == 303, pulled.text
    page = client.get(path).text
    assert page.count("核验通过") == 2
    submitted = post_form(client, f"{path}/gov/submit", {}, from_page=path)
    assert submitted.status_code == 303, submitted.text
    assert "已报送" in client.get(path).text
    receive_decision(linked, "m-1", app.number, DecisionInput("planning", "approved"))
    receive_decision(
        linked, "m-2", app.number, DecisionInput("housing", "refused", reason="占用绿地")
    )
    client.cookies.clear()
    found = post_form(client, "/status", {"number": app.number, "code": code})
    assert found.status_code == 303, found.text
    mine = client.get("/my").text
    assert 'id="gov-approval"' in mine
    assert "<strong>规划</strong>：同意" in mine
    assert "<strong>住建</strong>：不予许可" in mine
    assert "原因：占用绿地" in mine
    assert "<strong>交通/路政</strong>：审批中" in mine


def test_a_lead_is_converted_from_the_workbench_in_one_step(
    client: TestClient, staff: object, linked: Services
) -> None:
    lead = LeadInput(
        source="project_approval",
        reference="XM-1",
        name="西安秦川机械有限公司",
        city="西安",
        address="西安市雁塔区科技路 1 号",
        contact_phone="13800138000",
        certificate_number="91610000MA6TG1234X",
        expected_capacity_kw=60,
    )
    lead_id = receive_lead(linked, "lead-1", lead)["lead_id"]
    page_sign_in(client, "clerk_xa")
    page = client.get("/workbench/leads").text
    assert f'id="lead-{lead_id}"' in page
    converted = post_form(
        client,
        f"/workbench/leads/{lead_id}/convert",
        {"kind": "lv_nonresidential", "area_class": "urban", "capacity": "60", "phone": ""},
        from_page="/workbench/leads",
    )
    assert converted.status_code == 303, converted.text
    application = client.get(converted.headers["location"]).text
    assert "西安秦川机械有限公司" in application
    assert 'id="no-leads"' in client.get("/workbench/leads").text


def test_the_supervisor_sees_the_departments_times_of_the_month(
    client: TestClient, staff: object
) -> None:
    page_sign_in(client, "supervisor_xa")
    page = client.get("/supervisor/gov")
    assert page.status_code == 200
    assert 'id="gov-department-times"' in page.text
    for name in ("规划", "住建", "交通/路政", "城管", "园林绿化"):
        assert name in page.text
    assert client.get("/supervisor/gov?month=2026-13").status_code == 422
