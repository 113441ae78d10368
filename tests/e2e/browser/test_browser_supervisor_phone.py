"""The supervisor's page on a 375 px phone in Chromium: no sideways scroll, with alerts, the
inbox filters, the riskiest clocks and the charts on it."""

from __future__ import annotations

from typing import Any

from factories import advance_to_end, receive
from gridconnect.services.sla_scan import scan


def test_the_supervisor_page_at_375_px_has_no_horizontal_scroll(
    chromium: Any, live: Any, sign_in: Any, shoot: Any
) -> None:
    receive(live.services, "lv_nonresidential")
    receive(live.services, "hv")
    for city in ("西安", "咸阳"):
        advance_to_end(live.services, receive(live.services, "lv_nonresidential", city=city))
    live.clock.move(days=23)
    scan(live.engine, now=live.clock())
    context = chromium.new_context(
        base_url=live.url,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    phone = context.new_page()
    try:
        sign_in(phone, "supervisor")
        phone.goto("/supervisor")
        assert phone.locator("#alerts tr[data-number]").count() >= 2
        assert phone.locator("#alert-filters").count() == 1
        widths = phone.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        shoot(phone, "supervisor-375px")
        assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px screen"
    finally:
        context.close()
