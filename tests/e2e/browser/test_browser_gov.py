"""The government link's pages on a 375 px phone: the clerk's, the leads, the customer's."""

from __future__ import annotations

from typing import Any

import httpx
from api_helpers import hv_body

from gridconnect.services.govlink.approvals import DecisionInput, start_parallel_approval
from gridconnect.services.govlink.callbacks import receive_decision
from gridconnect.services.govlink.leads import LeadInput, receive_lead
from gridconnect.services.govlink.platform import GovPlatform

WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _fits(tab: Any) -> None:
    wide, screen = tab.evaluate(WIDTHS)
    assert wide <= screen, f"page is {wide} px wide in a {screen} px screen"


def test_the_link_pages_fit_a_375_px_phone(
    chromium: Any, live: Any, sign_in: Any, shoot: Any
) -> None:
    # An unreachable platform: the submission stays pending, the pages still work.
    live.services.gov_platform = GovPlatform("http://127.0.0.1:9", "x" * 40, timeout_seconds=0.5)
    # Applied online through the public API: the customer gets the number and access code.
    body = hv_body(city="咸阳", address="咸阳市秦都区 9 号", company="sgcc", channel="online")
    answer = httpx.post(f"{live.url}/api/v1/public/applications", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    code = answer.json()["access_code"]
    with live.services.unit_of_work() as uow:
        app = uow.applications.get_by_number(answer.json()["number"])
    assert app is not None
    assert app.id is not None
    start_parallel_approval(live.services, app.id, "clerk")
    receive_decision(live.services, "m-1", app.number, DecisionInput("planning", "approved"))
    receive_lead(
        live.services,
        "lead-1",
        LeadInput(
            "market_registration",
            "SCJG-1",
            "咸阳渭水食品有限公司",
            "咸阳",
            "咸阳市秦都区世纪大道 9 号号楼",
        ),
    )
    context = chromium.new_context(
        base_url=live.url,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    phone = context.new_page()
    try:
        sign_in(phone, "clerk")
        phone.goto(f"/workbench/applications/{app.id}")
        assert "并联审批" in phone.inner_text("#gov")
        assert "同意" in phone.inner_text("#gov-departments")
        _fits(phone)
        shoot(phone, "gov-application-375px")
        phone.goto("/workbench/leads")
        assert "咸阳渭水食品有限公司" in phone.content()
        _fits(phone)
        shoot(phone, "gov-leads-375px")
        phone.context.clear_cookies()
        phone.goto("/status")
        phone.fill("#f-number", app.number)
        phone.fill("#f-code", code)
        phone.click("button:has-text('查询')")
        phone.wait_for_load_state()
        assert "/my" in phone.url, phone.content()
        assert "审批中" in phone.inner_text("#gov-approval")
        _fits(phone)
        shoot(phone, "gov-status-375px")
    finally:
        context.close()
