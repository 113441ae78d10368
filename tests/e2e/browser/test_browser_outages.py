"""The outage pages in Chromium: a dispatcher on a 375 px phone, the supervisor, the public."""

from __future__ import annotations

from typing import Any

from gridconnect.services.users import add_user
from integration.outage_helpers import add_counts, add_customers

PASSWORD = "correct horse battery"


def _phone(chromium: Any, live: Any) -> Any:
    context = chromium.new_context(
        base_url=live.url, locale="zh-CN", viewport={"width": 375, "height": 812},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return context, tab


def _no_sideways_scroll(tab: Any) -> None:
    scroll, client = tab.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client


def test_a_dispatcher_records_a_fault_and_its_restoration_on_a_phone(
    chromium, live, sign_in, shoot
):
    add_user(live.engine, "dispatcher", PASSWORD, "dispatcher", "sgcc", ["西安"])
    add_customers(live.engine, "北关线", 12)
    context, tab = _phone(chromium, live)
    try:
        sign_in(tab, "dispatcher")
        assert tab.url.endswith("/outages")
        _no_sideways_scroll(tab)
        tab.select_option("#f-kind", "fault")
        tab.select_option("#f-area_class", "urban")
        tab.fill("#f-feeders", "北关线")
        tab.fill("#f-start", "2026-03-02T09:30")
        tab.fill("#f-cause", "树障")
        tab.click("#record-outage")
        tab.wait_for_url("**/outages/*?done=recorded")
        assert tab.inner_text("#outage-state") == "停电中"
        assert "12" in tab.inner_text("#outage-facts")
        _no_sideways_scroll(tab)
        shoot(tab, "outage-fault-375px")
        tab.fill("#f-note", "已找到故障点")
        tab.click("#progress-form button[type=submit]")
        tab.wait_for_url("**?done=progress")
        tab.click("#restore")
        tab.wait_for_url("**?done=restored")
        assert tab.inner_text("#outage-state") == "已恢复"
        assert "恢复送电" in tab.inner_text("#outage-events")
    finally:
        context.close()


def test_a_fault_form_with_an_end_before_its_start_shows_the_field(chromium, live, sign_in):
    add_user(live.engine, "dispatcher", PASSWORD, "dispatcher", "sgcc", ["西安"])
    context, tab = _phone(chromium, live)
    try:
        sign_in(tab, "dispatcher")
        tab.select_option("#f-area_class", "urban")
        tab.fill("#f-feeders", "北关线")
        tab.fill("#f-customers", "30")
        tab.fill("#f-start", "2026-03-02T09:30")
        tab.fill("#f-end", "2026-03-02T09:00")
        tab.fill("#f-cause", "树障")
        tab.click("#record-outage")
        assert "结束时间" in tab.inner_text(".notice-error")
    finally:
        context.close()


def test_the_supervisor_sees_the_reliability_view_with_its_chart(page, live, sign_in, shoot):
    add_counts(live.engine, ["2026-01", "2026-02", "2026-03"], 1000)
    page.goto("/outage-info")
    sign_in(page, "supervisor")
    page.goto("/reliability")
    assert page.locator("#month-chart").is_visible()
    assert "西安" in page.inner_text("#reliability")
    assert "2" in page.inner_text("#reliability")  # the L7 target for 西安 urban
    shoot(page, "reliability")


def test_the_public_page_lists_current_outages_without_personal_data(chromium, live, sign_in):
    add_user(live.engine, "dispatcher", PASSWORD, "dispatcher", "sgcc", ["西安"])
    add_customers(live.engine, "北关线", 3)
    context, tab = _phone(chromium, live)
    try:
        sign_in(tab, "dispatcher")
        tab.select_option("#f-area_class", "urban")
        tab.fill("#f-feeders", "北关线")
        tab.fill("#f-start", "2026-03-02T09:30")
        tab.fill("#f-cause", "雷击")
        tab.click("#record-outage")
        tab.wait_for_url("**?done=recorded")
        tab.goto("/outage-info?city=西安")
        text = tab.inner_text("#public-outages")
        assert "北关线" in text
        assert "雷击" in text
        assert "138" not in tab.content()
        _no_sideways_scroll(tab)
    finally:
        context.close()
