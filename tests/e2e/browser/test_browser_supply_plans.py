"""A customer on a 375 px phone compares three supply plans and chooses one."""

from __future__ import annotations

from factories import provide_all_documents
from gridconnect.services.applications import perform
from gridconnect.services.supply_plans.plans import answer_supply_plans
from gridconnect.workflow.supply_plans import SupplyPlanOption

HV_ONLINE = {
    "kind": "hv",
    "company": "sgcc",
    "channel": "online",
    "customer": {"name": "王五", "phone": "13800138000", "id_number": "610102199001011234"},
    "address": "西安市高新区锦业路 1 号",
    "city": "西安",
    "area_class": "urban",
    "capacity_kva": 2000,
    "voltage_kv": 10,
    "supply": "single",
}


def option(**overrides):
    values = {
        "substation": "110kV 锦业路变电站",
        "feeder": "10kV 锦业I线",
        "voltage_kv": 10.0,
        "capacity_kva": 2000.0,
        "supply": "single",
        "metering": "高供高计",
        "grid_works": "新建 10kV 电缆 1.2 km 至用户红线",
        "customer_works": "用户配电室及变压器",
        "estimated_cost_yuan": 320000.0,
        "estimated_working_days": 25,
        "reliability": "单电源",
    }
    values.update(overrides)
    return SupplyPlanOption.model_validate(values)


def test_a_customer_chooses_among_three_plans_on_a_375_px_phone(chromium, live, shoot):
    context = chromium.new_context(
        base_url=live.url,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        receipt = context.request.post("/api/v1/public/applications", data=HV_ONLINE).json()
        number, code = receipt["number"], receipt["access_code"]
        svc = live.services
        with svc.unit_of_work() as uow:
            app = uow.applications.get_by_number(number)
        app = provide_all_documents(svc, app)
        app = perform(svc, app.id, "advance", actor="clerk1")
        options = [
            option(),
            option(supply="dual", estimated_cost_yuan=560000.0, reliability="双电源，N-1"),
            option(
                transitional=True,
                capacity_kva=1250.0,
                estimated_cost_yuan=90000.0,
                estimated_working_days=10,
                upgrade_name="110kV 锦业路变电站 2 号主变扩建",
                upgrade_planned_on="2026-12-31",
            ),
        ]
        answer_supply_plans(svc, app.id, options, actor="clerk1")

        phone.goto("/status")
        phone.fill("#f-number", number)
        phone.fill("#f-code", code)
        phone.click("button:has-text('查询')")
        phone.wait_for_url("**/my")
        phone.click("a:has-text('选择供电方案')")
        phone.wait_for_url("**/my/plans")
        assert phone.locator("#plans-compare thead th").count() == 4  # a label column + 3
        widths = phone.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px screen"
        shoot(phone, "supply-plans-375px")
        phone.check("input[name=option_no][value='2']")
        phone.click("button:has-text('确认选择')")
        phone.wait_for_url("**/my/plans?done=chosen")
        assert "您已选定方案2" in phone.inner_text("#chosen-plan")
        assert "已选定" in phone.inner_text("#plan-2")
    finally:
        context.close()
