"""Staff in Chromium: a clerk works an application, a supervisor acknowledges a breach."""

from __future__ import annotations

from factories import advance_to_end, receive
from gridconnect.services.sla_scan import scan


def _customer_applies(page):
    page.goto("/apply")
    page.check("input[name=kind][value=lv_nonresidential]")
    page.select_option("#f-city", "西安")
    page.select_option("#f-area_class", "urban")
    page.fill("#f-address", "西安市碑林区东大街 8 号")
    page.fill("#f-customer-name", "李小龙")
    page.fill("#f-customer-phone", "13900139000")
    page.fill("#f-customer-id_number", "610103198505051234")
    page.fill("#f-capacity", "60")
    page.click("button:has-text('提交申请')")
    page.wait_for_url("**/apply/done")
    return page.inner_text("#application-number")


def test_a_clerk_records_both_documents_and_advances_then_the_customer_sees_it(
    chromium, live, page, sign_in, shoot
):
    customer = chromium.new_context(base_url=live.url, locale="zh-CN")
    phone = customer.new_page()
    try:
        number = _customer_applies(phone)
        for city in ("西安", "咸阳", "西安"):  # a few more in the queue for the screenshot
            receive(live.services, "lv_nonresidential", city=city)
        receive(live.services, "hv")
        sign_in(page, "clerk")
        page.select_option("#f-status", "open")
        shoot(page, "workbench")
        page.click(f"a:has-text('{number}')")
        for doc, reference in (
            ("identity_document", "EL-ID-1"),
            ("property_certificate", "EL-PC-2"),
        ):
            page.select_option("#f-doc_type", doc)
            page.check("input[name=source][value=e_license]")
            page.fill("#f-reference", reference)
            page.click("#document-form button[type=submit]")
            page.wait_for_selector("#done")
        assert "本环节资料已齐全" in page.inner_text("#missing-documents")
        shoot(page, "application")
        page.click("button:has-text('办结本环节')")
        page.wait_for_selector("#done")
        assert page.inner_text("#current-stage") == "装表接电"
        phone.goto("/my")
        assert phone.inner_text("#current-stage") == "装表接电"
        shoot(phone, "my-application")
    finally:
        customer.close()


def test_the_document_type_list_offers_only_the_whitelisted_types(page, live, sign_in):
    app = receive(live.services, "hv")
    sign_in(page, "clerk")
    page.goto(f"/workbench/applications/{app.id}")
    offered = page.eval_on_selector_all("#f-doc_type option", "els => els.map(e => e.value)")
    whitelist = [d.code for d in live.services.policy.whitelist("hv", "acceptance")]
    assert offered == whitelist


def test_a_stale_page_shows_the_conflict_message_with_a_reload(chromium, live, sign_in):
    app = receive(live.services, "lv_nonresidential")
    first, second = chromium.new_context(base_url=live.url), chromium.new_context(base_url=live.url)
    try:
        one, two = first.new_page(), second.new_page()
        for tab in (one, two):
            sign_in(tab, "clerk")
            tab.goto(f"/workbench/applications/{app.id}")
        one.click("button:has-text('暂停（客户原因）')")
        one.wait_for_selector("#done")
        two.click("button:has-text('暂停（客户原因）')")
        assert "此申请已被他人更新，请刷新后重试" in two.inner_text("#conflict")
        two.click("#conflict a:has-text('刷新')")
        # The click returns once the reload has started; read the page when it has loaded.
        two.wait_for_load_state("load")
        assert "恢复办理" in two.content()
    finally:
        first.close()
        second.close()


def test_a_supervisor_acknowledges_a_breach_alert(page, live, sign_in, shoot):
    late = receive(live.services, "lv_nonresidential")
    receive(live.services, "lv_nonresidential", city="咸阳")
    for city in ("西安", "咸阳", "西安"):  # finished on time this month: the rates have data
        advance_to_end(live.services, receive(live.services, "lv_nonresidential", city=city))
    live.clock.move(days=23)  # 2026-03-25: past the 15-working-day full-process limit
    result = scan(live.engine, now=live.clock())
    assert result.breached >= 1
    sign_in(page, "supervisor")
    page.goto("/supervisor")
    # its acceptance (1 working day) is breached too: this is the full-process row
    full_process = f"#alerts tr[data-number='{late.number}']"
    row = page.locator(full_process, has_text="全过程办电时间")
    assert "超期" in row.inner_text()
    assert late.number in page.inner_text("#breaches")
    assert 'id="chart-city"' in page.content()
    shoot(page, "supervisor")
    row.locator("button:has-text('确认')").click()
    page.wait_for_selector("text=预警已确认")
    assert page.locator(full_process, has_text="全过程办电时间").count() == 0
    assert page.locator(full_process, has_text="业务受理环节").count() == 1


def test_an_admin_sees_each_bad_line_of_a_notice_file(page, live, sign_in, shoot, tmp_path):
    bad = tmp_path / "2027.toml"
    bad.write_text(
        'year = 2027\n[notice]\ntitle = "关于2027年部分节假日安排的通知"\npublished = 2026-13-01\n',
        encoding="utf-8",
    )
    sign_in(page, "admin")
    page.goto("/admin")
    page.set_input_files("#f-file", str(bad))
    page.click("button:has-text('校验并加载')")
    assert "第" in page.inner_text("#problems")
    shoot(page, "admin")
